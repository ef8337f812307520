"""The cases part of community pages (the `organisation_sections` hook of
`community.extensions`): an organisation's published cases as far as the reader may
browse them (`Case.objects.published_for`)."""

from django.utils.translation import gettext as _

from cases.models import Case
from community.extensions import Section

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
