from __future__ import annotations

from collections.abc import Sequence
from datetime import time
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from continuity.pregnancies.models.care import AttendanceCode
from continuity.visits.actions import OUTCOMES, Slot
from continuity.workforce.models import Midwife

PERIODS = {
    "morning": (_("Morning (9am to 12 noon)"), time(9), time(12)),
    "afternoon": (_("Afternoon (12 noon to 5pm)"), time(12), time(17)),
    "evening": (_("Evening (5pm to 8:30pm)"), time(17), time(20, 30)),
}
DAYS = (
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
)


class OutcomeForm(forms.Form):
    attendance = forms.ChoiceField(
        label=_("What happened?"),
        widget=forms.RadioSelect,
        choices=[(c.value, c.label) for c in OUTCOMES],
        error_messages={
            "required": _("Select what happened"),
            "invalid_choice": _("Select what happened"),
        },
    )
    note = forms.CharField(label=_("Short note (optional)"), required=False, max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, team: Sequence[Midwife] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attended_by"] = forms.ModelMultipleChoiceField(
            label=_("Who did the visit?"),
            queryset=Midwife.objects.filter(pk__in=[m.pk for m in team]).select_related("user"),
            to_field_name="professional_id",
            widget=forms.CheckboxSelectMultiple,
            required=False,
            error_messages={"invalid_choice": _("Select midwives from the list")},
        )
        self.order_fields(["attendance", "attended_by", "note", "version"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        seen = data.get("attendance") in (AttendanceCode.ATTENDED, AttendanceCode.LATE_SEEN)
        if seen and not data.get("attended_by"):
            self.add_error("attended_by", _("Select who did the visit"))
        return data


class MoveForm(forms.Form):
    better_times = forms.CharField(
        label=_("Which days and times would suit you better?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Tell us which days and times would suit you"),
            "max_length": _("Keep it to 300 characters or fewer"),
        },
    )


class TimesForm(forms.Form):
    slots = forms.MultipleChoiceField(
        label=_("When would you like your midwife to visit?"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            (f"{d}-{key}", f"{DAYS[d]}: {label}")
            for d in range(7)
            for key, (label, _start, _end) in PERIODS.items()
        ],
    )

    def chosen(self) -> list[Slot]:
        out = []
        for value in self.cleaned_data.get("slots", []):
            day, key = value.split("-", 1)
            _label, start, end = PERIODS[key]
            out.append(Slot(int(day), start, end))
        return out

    @staticmethod
    def initial_for(windows: Sequence[Any]) -> list[str]:
        values = []
        for w in windows:
            for key, (_label, start, end) in PERIODS.items():
                if w.start_time == start and w.end_time == end:
                    values.append(f"{w.weekday}-{key}")
        return values
