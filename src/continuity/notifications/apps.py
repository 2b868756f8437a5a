from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "continuity.notifications"
    label = "notifications"
