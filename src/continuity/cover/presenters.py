"""Words for the cover engine's answers, in the reader's language."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from continuity.engines.cover.model import Step, WorkingTimeWarning


def labels(choices: Iterable[tuple[str, Any]]) -> dict[str, str]:
    """A choice field's labels in the reader's language, for a page that shows many rows:
    `get_kind_display()` and the like translate every label of the field on every call."""
    return {value: str(label) for value, label in choices}


_MARKER = 987654321


def pk_url(name: str) -> Callable[[int], str]:
    """`url(name, pk)` for many rows at the price of one reverse: the URL of a marker pk, split
    around it."""
    head, tail = reverse(name, args=[_MARKER]).split(str(_MARKER))
    return lambda pk: f"{head}{pk}{tail}"


def clock(at: datetime) -> str:
    """A local time of day as the `time` filter shows it (H:i), for a page that shows many: the
    filter converts and formats through Django's date formatting on every call. `at` must
    already be local."""
    return f"{at.hour:02d}:{at.minute:02d}"


def step_text(step: str) -> str:
    return {
        Step.NAMED: _("named midwife"),
        Step.COVER: _("covering while her named midwife is away"),
        Step.BUDDY: _("buddy"),
        Step.TEAM_ON_CALL: _("team on-call midwife"),
        Step.TRIAGE: _("maternity triage line"),
    }.get(Step(step), step)


def woman_step_text(step: str) -> str:
    """The same, said to the woman herself."""
    return {
        Step.NAMED: _("your named midwife"),
        Step.COVER: _("covering for your named midwife"),
        Step.BUDDY: _("your buddy midwife"),
        Step.TEAM_ON_CALL: _("the team's on-call midwife"),
        Step.TRIAGE: _("the maternity triage line"),
    }.get(Step(step), step)


def rest_rule_text(w: WorkingTimeWarning) -> str:
    when = date_format(timezone.localtime(w.start), "j M Y, H:i")
    if w.rule == "daily_rest":
        text = _(
            "only %(got).1f hours' unbroken rest in the 24 hours from %(when)s "
            "(at least %(limit).0f needed)"
        ) % {"got": w.value_hours, "when": when, "limit": w.limit_hours}
        if w.after_call_out:
            text += " " + _("after a call-out")
        return text
    if w.rule == "weekly_rest":
        return _(
            "not enough weekly rest in the period from %(when)s: longest rest %(got).1f hours "
            "(at least %(limit).0f needed)"
        ) % {"got": w.value_hours, "when": when, "limit": w.limit_hours}
    text = _("averaged %(got).1f hours a week up to %(when)s (limit %(limit).0f)") % {
        "got": w.value_hours,
        "when": date_format(timezone.localtime(w.end), "j M Y"),
        "limit": w.limit_hours,
    }
    if w.opted_out:
        text += " " + _("– she has opted out of the 48-hour limit, so this is for information")
    return text
