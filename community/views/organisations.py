"""Organisation pages: the organisations of the reader's regions, an organisation's
profile and its maturity (basisingrediënten) self-assessment.

Who sees what: an organisation is visible to the active members of organisations in its
region, to its own members and to staff (`Organisation.objects.visible_to`), others get
404. Its named maturity answers only to its own members (any role, so its bestuurders)
and staff (`permissions.can_read_maturity`): others of the region get 404 on the
maturity page and see the region's anonymous distribution instead. Its inkopers and
coordinators fill the assessment in (`permissions.can_assess_maturity`); a bestuurder
who posts gets 403."""

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from community import extensions, forms, maturity, permissions, services
from community.models import (
    Agreement,
    MaturityAspect,
    Membership,
    Organisation,
    OrganisationMaturity,
    Region,
    Themegroup,
    ThemegroupMembership,
)


def _visible(request, slug) -> Organisation:
    queryset = Organisation.objects.visible_to(request.user).select_related("region")
    return get_object_or_404(queryset, slug=slug)


@require_GET
def organisation_list(request):
    """The organisations of the reader's regions (all for staff), per region, each region
    with the anonymous maturity distribution of its organisations."""
    organisations = list(
        Organisation.objects.visible_to(request.user)
        .select_related("region")
        .order_by("region__name", "name")
    )
    by_region = defaultdict(list)
    for organisation in organisations:
        by_region[organisation.region_id].append(organisation)
    regions = {r.pk: r for r in Region.objects.filter(pk__in=[k for k in by_region if k])}
    groups = [
        {
            "region": regions[region_id],
            "organisations": by_region[region_id],
            "distribution": maturity.region_distribution(regions[region_id]),
        }
        for region_id in sorted((k for k in by_region if k), key=lambda k: regions[k].name)
    ]
    return render(
        request,
        "community/organisation_list.html",
        {
            "groups": groups,
            "without_region": by_region.get(None, []),
            "min_organisations": maturity.MIN_ORGANISATIONS,
            "statuses": OrganisationMaturity.Status.choices,
        },
    )


def _themegroups(user, organisation):
    """The themegroups of the organisation's region and those its active members take
    part in (not as guests), as far as the reader may open them."""
    members = Membership.objects.active().filter(organisation=organisation).values("user")
    joined = (
        ThemegroupMembership.objects.filter(user__in=members)
        .exclude(role=ThemegroupMembership.Role.GAST)
        .values("themegroup")
    )
    condition = Q(pk__in=joined)
    if organisation.region_id is not None:
        condition |= Q(region_id=organisation.region_id)
    return list(
        Themegroup.objects.visible_to(user)
        .filter(condition)
        .select_related("region")
        .order_by("region__name", "name")
    )


@require_GET
def organisation_detail(request, slug):
    """An organisation's profile: type, region, themegroups, the maturity summary as the
    reader may see it, the agreements it takes part in, and what the other apps add
    (trajectories, cases) through the `organisation_sections` hook."""
    organisation = _visible(request, slug)
    user = request.user
    own_maturity = permissions.can_read_maturity(user, organisation)
    context = {
        "organisation": organisation,
        "themegroups": _themegroups(user, organisation),
        "agreements": list(
            Agreement.objects.visible_to(user)
            .filter(pk__in=organisation.agreement_participations.values("agreement"))
            .order_by("name")
        ),
        "own_maturity": own_maturity,
        "can_assess": permissions.can_assess_maturity(user, organisation),
        "sections": extensions.call("organisation_sections", user, organisation),
        "min_organisations": maturity.MIN_ORGANISATIONS,
        "statuses": OrganisationMaturity.Status.choices,
    }
    if own_maturity:
        context["profile"] = maturity.profile(organisation)
    else:
        context["distribution"] = maturity.region_distribution(organisation.region)
    return render(request, "community/organisation_detail.html", context)


@require_http_methods(["GET", "POST"])
def organisation_maturity(request, slug):
    """The organisation's basisingrediënten: this year against last year, and for its
    inkopers and coordinators the form to fill them in (kept on error)."""
    organisation = _visible(request, slug)
    user = request.user
    if not permissions.can_read_maturity(user, organisation):
        raise Http404
    can_assess = permissions.can_assess_maturity(user, organisation)
    if request.method == "POST" and not can_assess:
        raise PermissionDenied
    form = None
    if can_assess:
        current = {
            m.aspect_id: m for m in OrganisationMaturity.objects.filter(organisation=organisation)
        }
        form = forms.MaturityForm(
            request.POST if request.method == "POST" else None,
            aspects=MaturityAspect.objects.order_by("position"),
            current=current,
        )
        if request.method == "POST" and form.is_valid():
            changed = services.maturity_assess(
                actor=user, organisation=organisation, answers=form.answers()
            )
            messages.success(
                request,
                _("De volwassenheid is opgeslagen.")
                if changed
                else _("Er was niets gewijzigd; niets opgeslagen."),
            )
            return redirect("community:organisation_maturity", slug=organisation.slug)
    return render(
        request,
        "community/organisation_maturity.html",
        {
            "organisation": organisation,
            "profile": maturity.profile(organisation),
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )
