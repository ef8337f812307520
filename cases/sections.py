"""What the case library adds to community pages through `community.extensions`: a
themegroup's and an organisation's published cases, as far as the reader may browse
them (`Case.objects.published_for`)."""

from functools import cache
from urllib.parse import urlencode

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from community.extensions import Section
from kit.aggregates import names_joined

CASES_SHOWN = 5  # the latest; the full list is the case list filtered on the group


@cache
def _latest_rows():
    """Every case as a section's row reads it (title, organisations, year, visibility),
    latest published first, as plain values. Built once per process (the subquery of
    the organisations' names resolved once): a request adds its scope and its group."""
    organisations = (
        Case.organisations.through.objects.filter(case=OuterRef("pk"))
        .order_by()
        .values("case")
        .annotate(names=names_joined("organisation__name"))
        .values("names")
    )
    return (
        Case.objects.annotate(organisation_names=Subquery(organisations))
        .order_by("-published_at", "-pk")
        .values("slug", "title", "year", "visibility", "organisation_names")
    )


def themegroup_cases(user, themegroup) -> Section:
    """The group's latest published cases, as far as the reader may browse them, as
    short rows (`_latest_rows`: one query, no prefetching), and whether there are more
    (one row more is read: no count); the link to all of them is the case list
    filtered on the group."""
    cases = list(
        _latest_rows().published_for(user).filter(themegroup=themegroup)[: CASES_SHOWN + 1]
    )
    for case in cases:
        case["url"] = reverse("cases:case_detail", args=[case["slug"]])
    return Section(
        key="praktijkvoorbeelden",
        title=_("Praktijkvoorbeelden"),
        template="cases/_themegroup_cases.html",
        context={
            "cases": cases[:CASES_SHOWN],
            "more": len(cases) > CASES_SHOWN,
            "all_url": f"{reverse('cases:case_list')}?{urlencode({'themagroep': themegroup.pk})}",
        },
    )


LIMIT = 25


def organisation_cases(user, organisation):
    """The published cases the organisation took part in, for this reader: members see
    community cases, others only public ones. Drafts never show here."""
    cases = list(
        Case.objects.published_for(user)
        .filter(
            pk__in=Case.organisations.through.objects.filter(organisation=organisation).values(
                "case"
            )
        )
        .only("pk", "slug", "title", "year", "visibility", "published_at")
        .order_by("-published_at", "-pk")[: LIMIT + 1]
    )
    return Section(
        key="praktijkvoorbeelden",
        title=_("Praktijkvoorbeelden"),
        template="cases/_organisation_cases.html",
        context={"cases": cases[:LIMIT], "more": len(cases) > LIMIT},
    )
