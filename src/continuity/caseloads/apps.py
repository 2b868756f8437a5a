from django.apps import AppConfig


class CaseloadsConfig(AppConfig):
    name = "continuity.caseloads"
    label = "caseloads"
