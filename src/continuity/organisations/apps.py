from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "continuity.organisations"
    label = "organisations"
