"""The trajectory list's facet counts (procurement.filters.counts) against a direct
count in Python, for every persona and several combinations of choices and a search;
and the scope the list starts from, with joint tenders inside and outside the region."""

from collections import Counter
from datetime import date

import pytest
from bs4 import BeautifulSoup
from django.db.models.expressions import Col
from django.db.models.functions import ExtractYear
from django.http import QueryDict
from django.urls import reverse

from community import permissions as community_permissions
from community.models import Organisation, ProductCategory
from procurement import filters, listing
from procurement.models import Phase, Trajectory
from tests import factories
from tests.procurement.factories import TrajectoryFactory

# Stored value of each facet on a trajectory, as counts() reports it.
VALUES = {
    "fase": lambda t: t.current_phase_id,
    "status": lambda t: t.status,
    "ambitie": lambda t: t.r_level_target_id,
    "behaald": lambda t: t.r_level_achieved_id,
    "themagroep": lambda t: t.themegroup_id,
    "organisatie": lambda t: t.organisation_id,
    "soort": lambda t: t.procurement_type,
    "categorie": lambda t: t.product_category_id,
    "procedure": lambda t: t.procedure,
    "jaar": lambda t: t.contract_start.year if t.contract_start else None,
}
# How a chosen URL value matches a trajectory.
MATCHES = {
    "fase": lambda t, v: t.current_phase is not None and str(t.current_phase.number) == v,
    "organisatie": lambda t, v: t.organisation.slug == v,
    "categorie": lambda t, v: t.product_category is not None and t.product_category.slug == v,
    "themagroep": lambda t, v: str(t.themegroup_id) == v,
}


@pytest.fixture
def spread(guidance, alfa, beta, charlie_org, gww):
    """Trajectories of three organisations in two regions with every facet varied, a
    joint tender of the region (owned by beta, alfa takes part) and one across regions
    (owned by charlie's organisation, alfa takes part)."""
    phases = list(Phase.objects.order_by("number"))
    furniture = ProductCategory.objects.create(name="Meubilair", slug="meubilair")
    roads = ProductCategory.objects.create(name="Wegen", slug="wegen")
    owners = [alfa, beta, charlie_org]
    for i in range(18):
        TrajectoryFactory(
            organisation=owners[i % 3],
            title=f"{'Meubilair' if i % 2 else 'Asfalt'} traject {i}",
            need_description="Hergebruik van werkplekken" if i % 4 == 0 else "",
            current_phase=phases[i % 6] if i % 7 else None,
            status=["lopend", "afgerond", "gestopt"][i % 3 if i % 5 else 0],
            r_level_target_id=i % 4,
            r_level_achieved_id=(i % 3) if i % 2 else None,
            themegroup=gww if i % 3 == 0 else None,
            procurement_type=["levering", "werk", "dienst"][i % 4 % 3],
            product_category=[furniture, roads, None][i % 3 if i % 2 else 1],
            procedure=["openbaar", "", "nationaal"][i % 3 if i % 4 else 1],
            contract_start=date(2024 + i % 3, 1, 1) if i % 5 else None,
        )
    region_joint = TrajectoryFactory(organisation=beta, title="Gezamenlijk meubilair")
    region_joint.participating_organisations.add(alfa)
    across = TrajectoryFactory(organisation=charlie_org, title="Gezamenlijk over regio's")
    across.participating_organisations.add(alfa)
    return Trajectory.objects.all()


def expected_scope(user):
    """By definition: owned by an organisation the user may see, or a joint tender in
    which one of the user's organisations takes part (checked row by row)."""
    if user.is_staff:
        return set(Trajectory.objects.values_list("pk", flat=True))
    visible = set(Organisation.objects.visible_to(user).values_list("pk", flat=True))
    own = community_permissions.organisation_ids(user)
    return {
        t.pk
        for t in Trajectory.objects.prefetch_related("participating_organisations")
        if t.organisation_id in visible or own & {o.pk for o in t.participating_organisations.all()}
    }


def direct_counts(user, params) -> dict:
    """What counts() must say, counted row by row in Python."""
    filterset = listing.trajectory_filter(params, user)
    filterset.is_valid()
    rows = list(filters.searched(filterset).select_related("current_phase", "organisation"))
    product_categories = {c.pk: c for c in ProductCategory.objects.all()}
    for row in rows:
        row.product_category = product_categories.get(row.product_category_id)
    chosen = {name: params.getlist(name) for name in filters.TrajectoryFilter.FACETS}
    chosen = {name: values for name, values in chosen.items() if values}

    def holds(row, name):
        match = MATCHES.get(name, lambda t, v: str(VALUES[name](t)) == v)
        return any(match(row, value) for value in chosen[name])

    result = {}
    for facet in filters.TrajectoryFilter.FACETS:
        counted = Counter(
            VALUES[facet](row)
            for row in rows
            if all(holds(row, name) for name in chosen if name != facet)
        )
        result[facet] = {value: n for value, n in counted.items() if value is not None}
    result["_total"] = sum(1 for row in rows if all(holds(row, name) for name in chosen))
    return result


CHOICES = [
    {},
    {"soort": ["werk"]},
    {"fase": ["2"], "status": ["lopend"]},
    {"fase": ["1", "3"], "ambitie": ["1"], "soort": ["levering", "werk"]},
    {"organisatie": ["gemeente-alfa"], "categorie": ["meubilair"], "jaar": ["2025"]},
    {"themagroep": ["THEMEGROUP"], "procedure": ["openbaar"], "behaald": ["1"]},
    {"q": ["meubilair"]},
    {"q": ["werkplekken"], "status": ["lopend"], "soort": ["levering"]},
]


@pytest.mark.parametrize("persona", ["alice", "bob", "charlie", "dora", "staff"])
@pytest.mark.parametrize("choice", range(len(CHOICES)))
def test_facet_counts_equal_a_direct_count(request, spread, gww, persona, choice):
    user = request.getfixturevalue(persona)
    params = QueryDict(mutable=True)
    for name, values in CHOICES[choice].items():
        params.setlist(name, [str(gww.pk) if v == "THEMEGROUP" else v for v in values])
    filterset = listing.trajectory_filter(params, user)
    filterset.is_valid()
    assert filters.counts(filterset) == direct_counts(user, params)


@pytest.mark.parametrize("persona", ["alice", "bob", "charlie", "dora", "staff", "suspended"])
def test_the_scope_holds_the_region_and_joint_tenders_once(request, spread, persona):
    user = request.getfixturevalue(persona)
    ids = list(Trajectory.objects.visible_to(user).values_list("pk", flat=True))
    assert len(ids) == len(set(ids))
    assert set(ids) == (expected_scope(user) if persona != "suspended" else set())


def test_a_joint_tender_of_the_region_keeps_the_scope_one_index_lookup(spread, alice):
    """The region's joint tender is owned inside the region: no list of trajectory ids
    is added to the scope (which would make it an OR of two lookups)."""
    across = Trajectory.objects.get(title="Gezamenlijk over regio's")
    sql = str(Trajectory.objects.visible_to(alice).query)
    assert str(across.pk) in sql
    across.participating_organisations.clear()
    sql = str(Trajectory.objects.visible_to(alice).query)
    assert '"procurement_trajectory"."id" IN' not in sql
    assert Trajectory.objects.visible_to(alice).filter(title="Gezamenlijk meubilair").exists()


def lookups(node):
    """The left-hand sides of the lookups of a WHERE tree (an `IN` of an empty list
    compiles to nothing in an OR, so it reads nothing)."""
    for child in node.children:
        if hasattr(child, "children"):
            yield from lookups(child)
        elif child.rhs != []:
            yield child.lhs


def test_the_facet_pass_reads_only_columns_of_the_covering_index(spread, bob):
    """The facet pass over a plain scope (bob's organisation takes part in no joint
    tender of another region) reads only columns that the covering index holds, so
    PostgreSQL can answer it with an index-only scan (the plan itself depends on the
    statistics of a filled table: see the benchmark)."""
    index = next(i for i in Trajectory._meta.indexes if i.name == "procurement_traj_facets")
    field = Trajectory._meta.get_field
    covered = {field(name).column for name in [*index.fields, *index.include]}
    filterset = listing.trajectory_filter(QueryDict(), bob)
    filterset.is_valid()
    base = (
        filters.searched(filterset)
        .order_by()
        .annotate(contract_year=ExtractYear("contract_start"))
        .values(*filters.COLUMNS.values())
    )
    query = base.query
    expressions = [*query.select, *query.annotation_select.values(), *lookups(query.where)]
    read = {
        node.target.column
        for expression in expressions
        for node in expression.flatten()
        if isinstance(node, Col)
    }
    assert read <= covered, read - covered
    assert read >= {"organisation_id", "status", "current_phase_id"}


def test_themegroup_facet_counts_only_visible_groups(spread, charlie, zwolle):
    """Charlie (another region) counts only his region's trajectories, never one of the
    Groene Hart (whose alfa takes part in his organisation's joint tender)."""
    filterset = listing.trajectory_filter(QueryDict(), charlie)
    filterset.is_valid()
    summary = filters.counts(filterset)
    groene_hart = set(Organisation.objects.exclude(region=zwolle).values_list("pk", flat=True))
    assert not groene_hart & set(summary["organisatie"])


@pytest.mark.parametrize("persona", ["alice", "bob", "charlie", "dora", "staff"])
@pytest.mark.parametrize("choice", [{}, {"soort": ["werk"]}, {"status": ["lopend", "gestopt"]}])
def test_the_group_filter_lists_and_counts_the_groups_trajectories(
    request, spread, alfa, alice, gww, zwolle_gww, persona, choice
):
    """`?groep=` narrows the scope to the group's trajectories as its page counts them:
    its joint ones, and the ones of its members' organisations (alice: alfa) under
    another group of its sector; not alfa's in another sector. The rows, the total and
    the facet counts all count that set."""
    factories.ThemegroupMembershipFactory(themegroup=gww, user=alice)
    vastgoed = factories.ThemegroupFactory(region=gww.region, sector="vastgoed", slug="vg")
    TrajectoryFactory(
        organisation=alfa,
        themegroup=zwolle_gww,
        title="Fietspad",
        status="lopend",
        procurement_type="werk",
    )  # fits every choice
    TrajectoryFactory(organisation=alfa, themegroup=vastgoed, title="Gemeentehuis")
    user = request.getfixturevalue(persona)
    params = QueryDict(mutable=True)
    params["groep"] = str(gww.pk)
    for name, values in choice.items():
        params.setlist(name, values)
    scope = expected_scope(user)
    expected = {
        t.pk
        for t in Trajectory.objects.select_related("themegroup")
        if t.pk in scope
        and (
            t.themegroup_id == gww.pk
            or (t.organisation_id == alfa.pk and t.themegroup and t.themegroup.sector == "gww")
        )
        and all(str(VALUES[name](t)) in values for name, values in choice.items())
    }

    filterset = listing.trajectory_filter(params, user)
    filterset.is_valid()
    summary = filters.counts(filterset)

    assert set(filterset.qs.values_list("pk", flat=True)) == expected
    assert summary["_total"] == len(expected)
    if "status" not in choice:
        assert sum(summary["status"].values()) == len(expected)
    if persona in ("alice", "dora", "staff"):
        assert Trajectory.objects.get(title="Fietspad").pk in expected
    assert Trajectory.objects.get(title="Gemeentehuis").pk not in expected


@pytest.mark.parametrize("value", ["abc", "999999", ""])
def test_a_group_filter_that_names_no_group_is_left_out(client, spread, alice, value):
    client.force_login(alice)
    response = client.get(reverse("procurement:trajectory_list"), {"groep": value})
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    assert not page.select("[data-testid=group-filter]")
    assert len(page.select("[data-testid=trajectory-row]")) == len(expected_scope(alice))
