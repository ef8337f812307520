"""The seeded reference data of the trajectory pages: read from the cache once per
version, kept by each process while that version holds, read again after a change."""

import pytest
from django.core.cache import cache

from procurement import reference
from procurement.models import Phase

pytestmark = pytest.mark.django_db


@pytest.fixture
def phase():
    return Phase.objects.create(number=1, name="Voorbereiding", goal="Een eerste doel.")


def test_a_process_keeps_its_copy_while_the_version_holds(phase):
    first = reference.reference()
    assert reference.reference() is first  # no second unpickling
    assert [p.goal for p in first.phases] == ["Een eerste doel."]


def test_a_change_is_read_again_after_forget(phase, django_capture_on_commit_callbacks):
    first = reference.reference()
    Phase.objects.filter(pk=phase.pk).update(goal="Een nieuw doel.")
    with django_capture_on_commit_callbacks(execute=True):
        reference.forget()
    again = reference.reference()
    assert again is not first
    assert [p.goal for p in again.phases] == ["Een nieuw doel."]


def test_what_another_process_stored_replaces_this_process_copy(phase):
    """Another process that read the data after a change stored it under a new version:
    this process follows the version in the cache, not its own copy."""
    first = reference.reference()
    newer = reference.Reference(phases=[Phase(number=1, name="Nieuw")], ladder=[], questions=[])
    cache.set_many({reference.KEY: ("v-other", newer), reference.VERSION_KEY: "v-other"})
    assert [p.name for p in reference.reference().phases] == ["Nieuw"]
    assert reference.reference() is not first
