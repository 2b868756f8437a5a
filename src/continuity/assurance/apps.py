from django.apps import AppConfig


class AssuranceConfig(AppConfig):
    name = "continuity.assurance"
    label = "assurance"
    verbose_name = "Assurance"
