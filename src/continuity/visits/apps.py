from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "continuity.visits"
    label = "visits"
    verbose_name = "Visits"
