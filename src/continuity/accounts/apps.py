from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "continuity.accounts"
    label = "accounts"
