from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import time
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from continuity.core.forms import NhsDateField
from continuity.workforce.models import Midwife, RotaEntry

_TIME = re.compile(r"^\s*(\d{1,2})[:.]?(\d{2})\s*$")

WEEKDAYS = (
    ("0", _("Monday")),
    ("1", _("Tuesday")),
    ("2", _("Wednesday")),
    ("3", _("Thursday")),
    ("4", _("Friday")),
    ("5", _("Saturday")),
    ("6", _("Sunday")),
)


class ClockTimeField(forms.Field):
    """A 24-hour time typed as 09:30, 0930 or 9.30."""

    def to_python(self, value: Any) -> time | None:
        if value in (None, ""):
            return None
        match = _TIME.match(str(value))
        if match:
            hour, minute = int(match[1]), int(match[2])
            if hour < 24 and minute < 60:
                return time(hour, minute)
        raise forms.ValidationError(
            _("%(label)s must be a time on the 24-hour clock, like 09:30 or 21:00")
            % {"label": self.label},
            code="invalid",
        )


class MidwifeChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


def midwife_field(label: str, midwives: Sequence[Midwife]) -> MidwifeChoice:
    return MidwifeChoice(
        label=label,
        queryset=Midwife.objects.filter(pk__in=[m.pk for m in midwives]).select_related("user"),
        to_field_name="professional_id",
        empty_label=_("Select a midwife"),
        error_messages={
            "required": _("Select a midwife"),
            "invalid_choice": _("Select a midwife from the list"),
        },
    )


class AbsenceForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What is it for?"),
        widget=forms.RadioSelect,
        choices=[
            (RotaEntry.Kind.LEAVE.value, RotaEntry.Kind.LEAVE.label),
            (RotaEntry.Kind.STUDY.value, RotaEntry.Kind.STUDY.label),
        ],
        error_messages={
            "required": _("Select what the time away is for"),
            "invalid_choice": _("Select what the time away is for"),
        },
    )
    first_day = NhsDateField(
        label=_("First day away"), error_messages={"required": _("Enter the first day away")}
    )
    last_day = NhsDateField(
        label=_("Last day away"), error_messages={"required": _("Enter the last day away")}
    )
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=500)

    def __init__(
        self, *args: Any, midwives: Sequence[Midwife] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # A leader recording time away for someone in her team, sickness included. A team with
        # nobody in post still gets the (empty) choice: the page shows it.
        if midwives is not None:
            self.fields = {"midwife": midwife_field(_("Midwife"), midwives), **self.fields}
            kind = self.fields["kind"]
            kind.choices = [
                *kind.choices,
                (RotaEntry.Kind.SICKNESS.value, RotaEntry.Kind.SICKNESS.label),
            ]  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    APPROVE, DECLINE = "approve", "decline"
    decision = forms.ChoiceField(
        label=_("Your decision"),
        widget=forms.RadioSelect,
        choices=[(APPROVE, _("Approve, with the cover shown")), (DECLINE, _("Decline"))],
        error_messages={
            "required": _("Select approve or decline"),
            "invalid_choice": _("Select approve or decline"),
        },
    )
    note = forms.CharField(
        label=_("Note for her (needed when you decline)"), required=False, max_length=500
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, choices: Sequence[Midwife] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["covering"] = midwife_field(_("Who covers her women"), choices)
        self.fields["covering"].required = False
        self.order_fields(["covering", "decision", "note", "version"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == self.APPROVE and not data.get("covering"):
            self.add_error("covering", _("Select who covers her women"))
        if data.get("decision") == self.DECLINE and not (data.get("note") or "").strip():
            self.add_error("note", _("Enter why you are declining"))
        return data


class ShiftsForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of shift"),
        widget=forms.RadioSelect,
        choices=[(k.value, k.label) for k in RotaEntry.ROSTERED_KINDS],
        error_messages={
            "required": _("Select the kind of shift"),
            "invalid_choice": _("Select the kind of shift"),
        },
    )
    first_day = NhsDateField(label=_("From"), error_messages={"required": _("Enter the first day")})
    last_day = NhsDateField(label=_("Until"), error_messages={"required": _("Enter the last day")})
    weekdays = forms.MultipleChoiceField(
        label=_("On these days"),
        choices=WEEKDAYS,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Select at least one day of the week")},
    )
    start_time = ClockTimeField(
        label=_("Starts at"), error_messages={"required": _("Enter when the shift starts")}
    )
    end_time = ClockTimeField(
        label=_("Ends at"), error_messages={"required": _("Enter when the shift ends")}
    )
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=500)

    def __init__(self, *args: Any, midwives: Sequence[Midwife] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"midwife": midwife_field(_("Midwife"), midwives), **self.fields}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start_time") is not None and data.get("start_time") == data.get("end_time"):
            self.add_error("end_time", _("A shift must end at a different time from its start"))
        return data


class CallOutForm(forms.Form):
    day = NhsDateField(
        label=_("Date the call-out started"), error_messages={"required": _("Enter the date")}
    )
    start_time = ClockTimeField(
        label=_("Called out at"), error_messages={"required": _("Enter when you were called out")}
    )
    end_time = ClockTimeField(
        label=_("Finished at"), error_messages={"required": _("Enter when you finished")}
    )
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=500)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start_time") is not None and data.get("start_time") == data.get("end_time"):
            self.add_error("end_time", _("The finish time must be different from the start time"))
        return data
