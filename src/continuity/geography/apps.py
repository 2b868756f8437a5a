from django.apps import AppConfig


class GeographyConfig(AppConfig):
    name = "continuity.geography"
    label = "geography"
