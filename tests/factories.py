"""factory_boy factories shared by all test packages."""

from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import generate_totp_secret
from allauth.mfa.utils import encrypt
from django.utils import timezone

from community.models import (
    AgendaItem,
    Meeting,
    MeetingAction,
    Membership,
    Organisation,
    Region,
    Themegroup,
    ThemegroupMembership,
    User,
)

PASSWORD = "correct-horse-battery-staple"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Regio {n}")
    slug = factory.Sequence(lambda n: f"regio-{n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Gemeente {n}")
    slug = factory.Sequence(lambda n: f"gemeente-{n}")
    type = Organisation.Type.GEMEENTE
    cbs_code = factory.Sequence(lambda n: f"GM{9000 + n:04d}")
    region = factory.SubFactory(RegionFactory)


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a verified primary e-mail address, able to log in."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"persoon{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Persoon {n}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.INKOPER


def give_totp(user):
    """Two-factor authentication set up (an authenticator app): what staff need for any
    page and coordinators for reviewing."""
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(generate_totp_secret())}
    )
    return user


class ThemegroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Themegroup

    region = factory.SubFactory(RegionFactory)
    sector = "gww"
    name = factory.Sequence(lambda n: f"Themagroep {n}")
    slug = factory.Sequence(lambda n: f"themagroep-{n}")


class ThemegroupMembershipFactory(factory.django.DjangoModelFactory):
    """A place in a themegroup; `role` is coordinator, lid or gast."""

    class Meta:
        model = ThemegroupMembership

    themegroup = factory.SubFactory(ThemegroupFactory)
    user = factory.SubFactory(UserFactory)
    role = ThemegroupMembership.Role.LID


class MeetingFactory(factory.django.DjangoModelFactory):
    """A meeting of a themegroup, a week from now unless told otherwise."""

    class Meta:
        model = Meeting

    themegroup = factory.SubFactory(ThemegroupFactory)
    title = factory.Sequence(lambda n: f"Bijeenkomst {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda m: m.starts_at + timedelta(hours=2))
    location = "Gemeentehuis Alfa"


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Agendapunt {n}")


class MeetingActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingAction

    meeting = factory.SubFactory(MeetingFactory)
    title = factory.Sequence(lambda n: f"Actie {n}")
    owner = factory.SubFactory(UserFactory)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))
