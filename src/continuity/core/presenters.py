"""Small display helpers shared by every page."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from continuity.engines.gestation import format_weeks_days


def gestation(days: int | None) -> str:
    if days is None or days < 0:
        return _("Not known")
    return _("%(wd)s weeks") % {"wd": format_weeks_days(days)}


def role_label(user: Any) -> str:
    return str(getattr(user, "role_label", ""))
