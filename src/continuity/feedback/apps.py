from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "continuity.feedback"
    label = "feedback"
    verbose_name = "Feedback"
