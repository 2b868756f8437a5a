from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "continuity.portal"
    label = "portal"
