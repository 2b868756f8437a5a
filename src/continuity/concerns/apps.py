from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    name = "continuity.concerns"
    label = "concerns"
    verbose_name = "Concerns"
