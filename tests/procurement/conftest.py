"""Procurement reference data for view tests: the R-ladder, the six phases with their
guidance and guiding questions, and the EU thresholds, loaded from the seed files."""

import pytest

from tests.procurement.factories import load_guidance


@pytest.fixture
def guidance(db):
    """The seeded R-ladder, phases (with guidance and questions) and thresholds."""
    load_guidance()
