from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "continuity.plans"
    label = "plans"
    verbose_name = "Personalised care and support plans"
