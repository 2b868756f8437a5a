from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "continuity.workforce"
    label = "workforce"
