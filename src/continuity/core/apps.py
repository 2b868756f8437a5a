from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "continuity.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from continuity.core import checks  # noqa: F401 - registers the deployment checks
