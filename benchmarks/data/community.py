"""People the benchmark clients log in as."""

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import generate_totp_secret
from allauth.mfa.utils import encrypt

from community.models import Membership, Organisation, User


def member(*, organisation: Organisation, email: str = "lid@benchmark.example") -> User:
    """An inkoper of `organisation`: sees what the community sees."""
    user = User.objects.create_user(email=email, full_name="Lid Bench")
    Membership.objects.create(user=user, organisation=organisation, role=Membership.Role.INKOPER)
    return user


def superuser(*, email: str = "beheer@benchmark.example") -> User:
    """A platformbeheerder with a TOTP authenticator (staff need two-factor
    authentication on every page)."""
    user = User.objects.create_superuser(email=email, full_name="Beheer Bench")
    Authenticator.objects.create(
        user=user,
        type=Authenticator.Type.TOTP,
        data={"secret": encrypt(generate_totp_secret())},
    )
    return user
