from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from continuity.core.forms import NhsDateField
from continuity.pregnancies.models import Pregnancy
from continuity.referrals.actions import MAX_TEXT
from continuity.referrals.models import Referral


class ReferralForm(forms.Form):
    service = forms.ChoiceField(
        label=_("Service"),
        choices=[("", _("Choose a service")), *Referral.Service.choices],
        error_messages={"required": _("Choose the service")},
    )
    site = forms.TypedChoiceField(
        label=_("Hospital site she chose"),
        coerce=int,
        error_messages={
            "required": _("Choose a hospital site from the list"),
            "invalid_choice": _("Choose a hospital site from the list"),
        },
    )
    urgency = forms.ChoiceField(
        label=_("How urgent"),
        choices=Referral.Urgency.choices,
        initial=Referral.Urgency.ROUTINE,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason for referral"),
        widget=forms.Textarea,
        max_length=MAX_TEXT,
        error_messages={"required": _("Say why you are referring her")},
    )

    def __init__(self, sites: list[tuple[int, str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [("", _("Choose a site")), *sites]


class StepForm(forms.Form):
    to = forms.ChoiceField(label=_("What has happened"), choices=[])
    appointment_date = NhsDateField(label=_("Appointment date"), required=False)
    appointment_time = forms.TimeField(
        label=_("Appointment time, for example 14:30"),
        required=False,
        error_messages={"invalid": _("Enter the time as hours and minutes, like 14:30")},
    )
    note = forms.CharField(
        label=_("Outcome or reason"),
        widget=forms.Textarea,
        max_length=MAX_TEXT,
        required=False,
    )

    def __init__(self, choices: list[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = choices


class PlaceForm(forms.Form):
    place = forms.ChoiceField(
        label=_("Where she now plans to give birth"), choices=Pregnancy.PlaceOfBirth.choices
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=500,
        error_messages={"required": _("Give the reason for the change")},
    )
