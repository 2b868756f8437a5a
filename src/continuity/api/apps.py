from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "continuity.api"
    label = "api"
    verbose_name = "API"
