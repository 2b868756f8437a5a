from django.apps import AppConfig


class AllocationConfig(AppConfig):
    name = "continuity.allocation"
    label = "allocation"

    def ready(self) -> None:
        from continuity.allocation import checks  # noqa: F401 - registers the system check
