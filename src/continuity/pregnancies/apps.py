from django.apps import AppConfig


class PregnanciesConfig(AppConfig):
    name = "continuity.pregnancies"
    label = "pregnancies"
