from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "continuity.referrals"
    label = "referrals"
    verbose_name = "Referrals"
