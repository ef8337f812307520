"""Shared set-up of the organisation, maturity and agreement page tests."""

from datetime import date

from community import services
from community.models import MaturityAspect, OrganisationMaturity
from tests import factories

ASPECTS = (
    ("bestuurlijke-rugdekking", "Bestuurlijke rugdekking"),
    ("organisatiebrede-kpis", "Organisatiebrede KPI's"),
    ("monitoren-en-bijsturen", "Monitoren en bijsturen"),
)


def make_aspects() -> list[MaturityAspect]:
    return [
        MaturityAspect.objects.create(key=key, name=name, position=position)
        for position, (key, name) in enumerate(ASPECTS, start=1)
    ]


def assess(organisation, aspect, status, *, actor=None, on: date | None = None, note=""):
    return services.maturity_set(
        actor=actor,
        organisation=organisation,
        aspect=aspect,
        status=status,
        note=note,
        assessed_on=on,
    )


def region_organisations(region, count) -> list:
    return [factories.OrganisationFactory(region=region) for _ in range(count)]


GEBORGD = OrganisationMaturity.Status.GEBORGD
INGERICHT = OrganisationMaturity.Status.INGERICHT
IN_ONTWIKKELING = OrganisationMaturity.Status.IN_ONTWIKKELING
NIET_GESTART = OrganisationMaturity.Status.NIET_GESTART
