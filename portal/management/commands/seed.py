"""`python manage.py seed`: load the reference data and the content of the source
documents (fixtures/). Idempotent: running it twice gives the same rows."""

from pathlib import Path

import yaml
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from cases import seeding as cases_seeding
from community import seeding as community_seeding
from procurement import seeding as procurement_seeding

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SEED = FIXTURES / "seed"

# Content files, loaded in this order after the reference data.
CASE_FILES = ["nami.yaml", "zwolle.yaml", "groene_hart.yaml"]


def _yaml(name: str) -> dict:
    with (SEED / name).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


class Command(BaseCommand):
    help = "Load regions, municipalities, phases, cases, knowledge items and agreements."

    @transaction.atomic
    def handle(self, *args, **options):
        counts = {}
        counts["sources"] = community_seeding.load_sources(_yaml("sources.yaml"))
        counts["municipalities"] = community_seeding.load_municipalities(FIXTURES / "gemeenten.csv")
        counts["themegroups"] = community_seeding.load_themegroups()
        counts["product categories"] = community_seeding.load_product_categories(
            _yaml("product_categories.yaml")["product_categories"]
        )
        counts["R-ladder"] = procurement_seeding.load_r_ladder()
        counts["thresholds"] = procurement_seeding.load_thresholds(_yaml("thresholds.yaml"))

        phases = _yaml("phases.yaml")
        counts["phases"] = procurement_seeding.load_phases(phases)
        counts["basisingrediënten"] = community_seeding.load_maturity_aspects(
            phases.get("basisingredienten") or [], procurement_seeding.LADDER_SOURCE
        )
        counts["KPI examples"] = procurement_seeding.load_kpi_examples(
            phases.get("kpi_examples") or []
        )
        counts["knowledge items"] = cases_seeding.load_knowledge_items(
            phases.get("knowledge_items") or [], procurement_seeding.LADDER_SOURCE
        )
        counts["cases"] = 0
        for name in CASE_FILES:
            content = _yaml(name)
            counts["cases"] += cases_seeding.load_cases(content.get("cases") or [])
            counts["knowledge items"] += cases_seeding.load_knowledge_items(
                content.get("knowledge_items") or []
            )
        counts["agreements"] = community_seeding.load_agreements(_yaml("green_deal.yaml"))

        for label, count in counts.items():
            self.stdout.write(f"  {label:<20} {count}")
        self.stdout.write(self.style.SUCCESS("Seed data loaded."))
