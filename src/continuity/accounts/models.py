from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MIDWIFE = "midwife", _("Midwife")
    TEAM_LEADER = "team_leader", _("Team leader")
    SERVICE_MANAGER = "service_manager", _("Service manager")
    BOARD = "board", _("Board safety champion or analyst")
    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer")
    MVP = "mvp", _("Maternity voices partnership member")
    ADMIN = "admin", _("Administrator")


STAFF_CLINICAL_ROLES = frozenset({Role.MIDWIFE, Role.TEAM_LEADER})


class User(AbstractUser):
    """A person who signs in. The role decides which named activities they may perform."""

    role = models.CharField(max_length=32, choices=Role.choices, default=Role.MIDWIFE)
    display_name = models.CharField(_("name shown to others"), max_length=150, blank=True)

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)


class SignInFailure(models.Model):
    """A failed sign-in, kept for a day to limit guessing. Only keyed hashes of the username and
    the address are stored."""

    at = models.DateTimeField(db_index=True)
    username = models.CharField(max_length=64, db_index=True)
    address = models.CharField(max_length=64, db_index=True)
