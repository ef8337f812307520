"""What the case library adds to community pages through `community.extensions`
(registered in `CasesConfig.ready`)."""

from django.utils.translation import gettext_lazy as _

from cases.models import Case
from community.extensions import Section

CASES_SHOWN = 12


def themegroup_cases(user, themegroup) -> Section:
    """The group's published cases, as far as the reader may browse them."""
    cases = (
        Case.objects.published_for(user)
        .filter(themegroup=themegroup)
        .with_card_data()
        .order_by("-published_at", "-pk")[:CASES_SHOWN]
    )
    return Section(
        key="praktijkvoorbeelden",
        title=_("Praktijkvoorbeelden"),
        template="cases/_themegroup_cases.html",
        context={"cases": list(cases)},
    )
