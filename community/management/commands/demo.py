"""Demo accounts for a local look around (`make run`). Never for production.

Creates one fictional person per role in three Groene Hart municipalities and prints
their credentials. Running it again changes nothing but resets the demo password.
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from community.models import Membership, Organisation, Region, User

DEMO_PASSWORD = "demo-GroeneHart-2026"  # noqa: S105 (printed on purpose: fictional demo data)

ORGANISATIONS = [
    ("gemeente-gouda", "Gemeente Gouda", "GM0513"),
    ("gemeente-woerden", "Gemeente Woerden", "GM0632"),
    ("gemeente-bodegraven-reeuwijk", "Gemeente Bodegraven-Reeuwijk", "GM1901"),
]

# (e-mail, full name, organisation slug, role, staff). All people are fictional.
PEOPLE = [
    ("inkoper@demo.example", "Anouk de Vries (demo)", "gemeente-gouda", "inkoper", False),
    ("coordinator@demo.example", "Bas Jansen (demo)", "gemeente-woerden", "coordinator", False),
    (
        "bestuurder@demo.example",
        "Carla Smit (demo)",
        "gemeente-bodegraven-reeuwijk",
        "bestuurder",
        False,
    ),
    ("beheerder@demo.example", "Daan Visser (demo)", None, None, True),
]


class Command(BaseCommand):
    help = "Create fictional demo accounts, one per role (debug mode only)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Also run when DJANGO_DEBUG is off."
        )

    @transaction.atomic
    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo data is for local use only (DJANGO_DEBUG=0 is set).")
        region, _ = Region.objects.get_or_create(
            slug="groene-hart", defaults={"name": "Groene Hart"}
        )
        organisations = {}
        for slug, name, cbs_code in ORGANISATIONS:
            organisations[slug], _ = Organisation.objects.update_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "type": Organisation.Type.GEMEENTE,
                    "cbs_code": cbs_code,
                    "region": region,
                },
            )
        rows = []
        for email, full_name, organisation_slug, role, staff in PEOPLE:
            user = User.objects.filter(email=email).first() or User(email=email)
            user.full_name = full_name
            user.is_staff = staff
            user.is_superuser = staff
            user.set_password(DEMO_PASSWORD)
            user.save()
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            if organisation_slug:
                Membership.objects.get_or_create(
                    user=user, organisation=organisations[organisation_slug], role=role
                )
            rows.append((role or "platformbeheerder", email))
        self.stdout.write(self.style.SUCCESS("Demo accounts (fictional people):"))
        for role, email in rows:
            self.stdout.write(f"  {role:<18} {email:<28} password: {DEMO_PASSWORD}")
        self.stdout.write(
            "  The platformbeheerder must set up two-factor authentication before /beheer/."
        )
