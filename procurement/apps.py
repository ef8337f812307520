from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from community import extensions


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = _("Inkooptrajecten")

    def ready(self):
        # The section reads models, which exist only once the app registry is ready:
        # Django's documented place for this import is ready() itself.
        from procurement import sections

        extensions.register("themegroup_sections", sections.themegroup_trajectories)
        # The providers read models, which exist only once the apps are loaded: the one
        # import Django allows only here (as for signal handlers).
        from procurement import actions

        extensions.register("action_trajectory_choices", actions.trajectory_choices)
        extensions.register("action_trajectories", actions.linked_trajectories)
        extensions.register("action_trajectory_set", actions.trajectory_link_set)
