"""factory_boy factories of procurement."""

import factory

from procurement.models import ProcurementType, Trajectory
from tests.factories import OrganisationFactory


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
