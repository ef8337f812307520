from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Praktijkvoorbeelden")

    def ready(self):
        """The cases part of community pages (see `community.extensions`)."""
        from cases import sections
        from community import extensions

        extensions.register("organisation_sections", sections.organisation_cases)
