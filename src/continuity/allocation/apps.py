from django.apps import AppConfig


class AllocationConfig(AppConfig):
    name = "continuity.allocation"
    label = "allocation"
