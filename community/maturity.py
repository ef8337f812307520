"""Reading maturity profiles: an organisation's basisingrediënten this year against last
year (from the history of `OrganisationMaturity`), and the anonymous distribution per
basisingrediënt over the organisations of a region.

The distribution never names an organisation and is not shown at all for an ingredient
that fewer than `MIN_ORGANISATIONS` organisations of the region assessed: with one or two
answers, a reader who knows the region could tell whose answer is whose.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.utils import timezone

from community.models import MaturityAspect, OrganisationMaturity, Region

MIN_ORGANISATIONS = 3
STATUSES = list(OrganisationMaturity.Status)
RANK = {status.value: index for index, status in enumerate(STATUSES)}


@dataclass
class Row:
    """One basisingrediënt of an organisation: where it stands now (if assessed this
    year), where it stood at the end of last year's assessments, and the change."""

    aspect: MaturityAspect
    current: OrganisationMaturity | None
    this_year: OrganisationMaturity | None
    last_year: object | None  # a historical record of OrganisationMaturity

    @property
    def change(self) -> str:
        """ "up", "down", "same" or "" (nothing to compare)."""
        if self.this_year is None or self.last_year is None:
            return ""
        now, before = RANK[self.this_year.status], RANK[self.last_year.status]
        return "up" if now > before else "down" if now < before else "same"


def profile(organisation, today=None) -> dict:
    """The organisation's profile for its own members: a row per basisingrediënt and the
    two years compared. Three queries, whatever the number of ingredients."""
    this_year = (today or timezone.localdate()).year
    aspects = list(MaturityAspect.objects.order_by("position"))
    current = {
        m.aspect_id: m
        for m in OrganisationMaturity.objects.filter(organisation=organisation).select_related(
            "organisation"
        )
    }
    last_year = {}
    records = (
        OrganisationMaturity.history.filter(
            organisation_id=organisation.pk, assessed_on__year=this_year - 1
        )
        .exclude(history_type="-")
        .order_by("aspect_id", "-assessed_on", "-history_date", "-history_id")
    )
    for record in records:
        last_year.setdefault(record.aspect_id, record)
    rows = []
    for aspect in aspects:
        now = current.get(aspect.pk)
        rows.append(
            Row(
                aspect=aspect,
                current=now,
                this_year=now if now is not None and now.assessed_on.year == this_year else None,
                last_year=last_year.get(aspect.pk),
            )
        )
    return {"rows": rows, "this_year": this_year, "last_year": this_year - 1}


@dataclass
class Distribution:
    """How many organisations of a region stand at each level of one basisingrediënt;
    `counts` is None when fewer than MIN_ORGANISATIONS answered (nothing is shown)."""

    aspect: MaturityAspect
    answered: int
    counts: list[tuple[str, str, int]] | None  # (status, label, number)


def region_distribution(region: Region | None) -> list[Distribution]:
    """The anonymous distribution per basisingrediënt over the current assessments of the
    region's organisations. Two queries; no organisation is read or returned."""
    aspects = list(MaturityAspect.objects.order_by("position"))
    counts = defaultdict(Counter)
    if region is not None:
        rows = (
            OrganisationMaturity.objects.filter(organisation__region=region)
            .order_by()
            .values_list("aspect_id", "status")
        )
        for aspect_id, status in rows:
            counts[aspect_id][status] += 1
    result = []
    for aspect in aspects:
        answered = sum(counts[aspect.pk].values())
        shown = None
        if answered >= MIN_ORGANISATIONS:
            shown = [(s.value, s.label, counts[aspect.pk][s.value]) for s in STATUSES]
        result.append(Distribution(aspect=aspect, answered=answered, counts=shown))
    return result
