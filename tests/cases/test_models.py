"""Rules of the case model and who may read which case."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases import permissions
from cases.models import Case, CaseStrategy
from procurement.models import RStrategy


@pytest.fixture
def r0(db):
    return RStrategy.objects.create(
        level=0, name_nl="Weigeren", name_en="Refuse", meaning="Niet kopen", rvo_step=1
    )


def _case(**fields):
    defaults = {"title": "Casus", "slug": fields.get("slug", "casus"), "summary": "Kort"}
    return Case.objects.create(**{**defaults, **fields})


def _message(instance):
    with pytest.raises(ValidationError) as error:
        instance.full_clean()
    return str(error.value)


def test_a_strategy_appears_once_per_case(r0):
    case = _case()
    CaseStrategy.objects.create(case=case, r_level=r0, explanation="Niet gekocht")
    assert "Deze R-strategie staat al bij dit praktijkvoorbeeld." in _message(
        CaseStrategy(case=case, r_level=r0, explanation="Nog eens")
    )


def test_a_published_case_has_a_publication_date(db):
    case = Case(title="X", slug="x", summary="X", status=Case.Status.GEPUBLICEERD)
    assert "publicatiedatum" in _message(case)


def test_a_case_year_is_plausible(db):
    assert "1990" in _message(Case(title="X", slug="x", summary="X", year=1850))


@pytest.mark.django_db
def test_who_reads_which_case(alice, bob, charlie, alfa, groene_hart):
    public = _case(
        slug="openbaar", status="gepubliceerd", visibility="openbaar", published_at=timezone.now()
    )
    community = _case(
        slug="community", status="gepubliceerd", visibility="community", published_at=timezone.now()
    )
    draft = _case(slug="concept", status="concept", author=alice, region=groene_hart)
    draft.organisations.add(alfa)
    submitted = _case(slug="ingediend", status="ingediend", author=alice, region=groene_hart)
    submitted.organisations.add(alfa)

    assert set(Case.objects.visible_to(AnonymousUser())) == {public}
    assert set(Case.objects.visible_to(alice)) == {public, community, draft, submitted}
    # bob coordinates the Groene Hart: he reviews what is submitted there, not drafts.
    assert set(Case.objects.visible_to(bob)) == {public, community, submitted}
    assert set(Case.objects.visible_to(charlie)) == {public, community}


@pytest.mark.django_db
@pytest.mark.parametrize("ended", ["ended_at", "suspended_at"])
def test_an_author_whose_membership_ended_no_longer_reads_the_draft(alice, bob, alfa, ended):
    draft = _case(slug="concept", status="concept", author=alice)
    draft.organisations.add(alfa)
    alice.memberships.update(**{ended: timezone.now() - timedelta(minutes=1)})
    alice = type(alice).objects.get(pk=alice.pk)  # a new request: no cached memberships

    assert draft not in Case.objects.visible_to(alice)
    assert not permissions.can_edit_case(alice, draft)


@pytest.mark.django_db
def test_an_account_without_organisation_sees_only_public_cases():
    from tests.factories import UserFactory

    public = _case(
        slug="openbaar", status="gepubliceerd", visibility="openbaar", published_at=timezone.now()
    )
    _case(
        slug="community", status="gepubliceerd", visibility="community", published_at=timezone.now()
    )
    assert set(Case.objects.visible_to(UserFactory())) == {public}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["anonymous", "alice", "bob", "charlie", "dora", "outsider"])
def test_what_a_user_browses_is_part_of_what_they_may_read(request, persona, groene_hart, alfa):
    """A case page looks a published case up with `published_for` first (cases.views):
    that must never reach further than `visible_to`."""
    user = AnonymousUser() if persona == "anonymous" else request.getfixturevalue(persona)
    for status in Case.Status.values:
        for visibility in Case.Visibility.values:
            case = _case(
                slug=f"{status}-{visibility}",
                status=status,
                visibility=visibility,
                region=groene_hart,
                published_at=timezone.now() if status == "gepubliceerd" else None,
            )
            case.organisations.add(alfa)
    browsed = set(Case.objects.published_for(user))
    assert browsed
    assert browsed <= set(Case.objects.visible_to(user))
