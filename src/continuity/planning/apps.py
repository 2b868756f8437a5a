from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "continuity.planning"
    label = "planning"
    verbose_name = "Planning"
