"""Small display helpers shared by every page."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from continuity.engines.gestation import format_weeks_days


def gestation(days: int | None) -> str:
    if days is None or days < 0:
        return _("Not known")
    return _("%(wd)s weeks") % {"wd": format_weeks_days(days)}


LANGUAGE_NAMES = {
    "en": "English",
    "ur": "Urdu",
    "pa": "Punjabi",
    "bn": "Bengali",
    "pl": "Polish",
    "ro": "Romanian",
    "ar": "Arabic",
    "so": "Somali",
    "zh": "Chinese",
    "pt": "Portuguese",
    "ti": "Tigrinya",
    "fa": "Persian",
    "gu": "Gujarati",
    "ku": "Kurdish",
    "tr": "Turkish",
}


def language_name(code: str) -> str:
    return _(LANGUAGE_NAMES[code]) if code in LANGUAGE_NAMES else code


def role_label(user: Any) -> str:
    return str(getattr(user, "role_label", ""))


def stage(ga_days: int | None, postnatal_day: int | None) -> str:
    """Where she is: 'Postnatal day 5' after birth, otherwise her gestation."""
    if postnatal_day is not None:
        return _("Postnatal day %(n)s") % {"n": postnatal_day}
    return gestation(ga_days)
