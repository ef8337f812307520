from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = _("Inkooptrajecten")

    def ready(self):
        """Procurement's parts of community pages (see `community.extensions`)."""
        from community import extensions
        from procurement import commitments, sections

        extensions.register("organisation_sections", sections.organisation_trajectories)
        extensions.register("commitment_progress", commitments.trajectories_started)
