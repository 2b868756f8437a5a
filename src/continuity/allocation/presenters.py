"""The engine's reason codes in words a team leader reads, in her language."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from continuity.core.presenters import language_name

PRIORITY_LABELS = {
    "core20": gettext_lazy("Core20 area"),
    "bame": gettext_lazy("Black, Asian or minority ethnic"),
}

WHY_NOT = {
    "higher_cost": gettext_lazy("a weaker match (further away, or no shared language)"),
    "no_capacity_due_month": gettext_lazy("full in her due month"),
    "no_capacity_fortnight": gettext_lazy("full in that half of her due month"),
    "caseload_full": gettext_lazy("at her allowance of births, or her caseload limit"),
}

UNPLACED = {
    "no_capacity_due_month": gettext_lazy("No midwife has room in her due month"),
    "no_capacity_fortnight": gettext_lazy("No midwife has room in that half of her due month"),
    "caseload_full": gettext_lazy(
        "Every midwife is at her allowance of births or her caseload limit"
    ),
    "no_buddy_capacity": gettext_lazy("No buddy has room in her due month"),
    "leave_near_edd": gettext_lazy(
        "Every midwife who could take her is on leave near her due date"
    ),
    "leaving_before_care_ends": gettext_lazy(
        "Every midwife who could take her leaves before her care ends"
    ),
    "skills": gettext_lazy("No midwife has the skills her care needs"),
    "language": gettext_lazy("No midwife speaks her language"),
    "no_buddy": gettext_lazy("No second midwife is free to be her buddy"),
    "no_midwife_in_reach": gettext_lazy("No midwife in the team is within reach"),
}


def priority_label(group: str) -> str:
    label = PRIORITY_LABELS.get(group)
    return str(label) if label is not None else _("PLUS group: %(code)s") % {"code": group}


def priority_text(groups: Iterable[str]) -> str:
    return ", ".join(priority_label(g) for g in groups)


def reason_text(code: str, value: Any = None) -> str | None:
    """One placement reason as a sentence, or None for codes that are shown elsewhere."""
    if code == "previous_midwife":
        return _("Her named midwife in an earlier pregnancy")
    if code == "speaks_language":
        return _("Speaks %(language)s") % {"language": language_name(str(value))}
    if code == "travel_minutes":
        minutes = max(1, round(float(value)))
        return ngettext(
            "About %(minutes)s minute from her base",
            "About %(minutes)s minutes from her base",
            minutes,
        ) % {"minutes": minutes}
    if code == "due_month_load":
        load, _sep, limit = str(value).partition("/")
        return _("%(load)s of %(limit)s births due in her month") % {"load": load, "limit": limit}
    if code == "buddy_is_partner":
        return _("The buddy is her usual partner")
    if code == "no_buddy_available":
        return _("No buddy is free: choose one by hand")
    if code == "kept_named_midwife":
        return _("Keeps her named midwife")
    if code == "buddy_becomes_named":
        return _("Her buddy becomes her named midwife")
    if code == "over_capacity":
        return _("Over the monthly limit: no one in the team has room that month")
    if code == "priority":
        return _("Priority: %(groups)s") % {"groups": priority_text(str(value).split(","))}
    return None


def reasons_text(reasons: Iterable[Any], skip: Iterable[str] = ()) -> list[str]:
    out = []
    skipped = set(skip)
    for r in reasons:
        code, value = (r.code, r.value) if hasattr(r, "code") else (r[0], r[1])
        if code in skipped:
            continue
        text = reason_text(code, value)
        if text:
            out.append(text)
    return out


def why_not_text(code: str) -> str:
    return str(WHY_NOT.get(code, code))


def unplaced_text(code: str) -> str:
    return str(UNPLACED.get(code, code))


def decide_path() -> Callable[[Any], str]:
    """Her decision page's path from her pregnancy's ref, reversing the route once a page rather
    than once a row."""
    marker = "00000000-0000-0000-0000-000000000000"
    head, _marker, tail = reverse("allocation:decide", kwargs={"ref": marker}).partition(marker)
    return lambda ref: f"{head}{ref}{tail}"
