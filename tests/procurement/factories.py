"""factory_boy factories of procurement, and its reference data from the seed files."""

from functools import cache
from pathlib import Path

import factory
import yaml

from community import seeding as community_seeding
from procurement import seeding
from procurement.models import ProcurementType, Trajectory
from tests.factories import OrganisationFactory

SEED = Path(__file__).resolve().parents[2] / "fixtures" / "seed"


@cache  # parsed once per session: the loaders only read it
def _yaml(name: str) -> dict:
    return yaml.safe_load((SEED / name).read_text(encoding="utf-8")) or {}


def load_guidance() -> None:
    """The seeded R-ladder, phases (with guidance and questions) and thresholds."""
    community_seeding.load_sources(_yaml("sources.yaml"))
    seeding.load_r_ladder()
    seeding.load_thresholds(_yaml("thresholds.yaml"))
    seeding.load_phases(_yaml("phases.yaml"))


class TrajectoryFactory(factory.django.DjangoModelFactory):
    """A running trajectory with confidential fields filled in, not shared."""

    class Meta:
        model = Trajectory

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Inkooptraject {n}")
    procurement_type = ProcurementType.LEVERING
    estimated_value = 250_000
    supplier = "Leverancier B.V."
    notes = "Alleen voor intern gebruik."
