from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "continuity.core"
    label = "core"
    verbose_name = "Core"
