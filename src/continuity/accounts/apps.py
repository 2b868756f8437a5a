from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "continuity.accounts"
    label = "accounts"

    def ready(self) -> None:
        from continuity.accounts import sessions  # noqa: F401 - connects the signal
