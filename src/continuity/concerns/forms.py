from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from continuity.concerns.actions import MAX_SUMMARY, MAX_TEXT
from continuity.concerns.models import Concern


class RaiseForm(forms.Form):
    summary = forms.CharField(
        label=_("In a few words, what is it about?"),
        max_length=MAX_SUMMARY,
        error_messages={"required": _("Give your concern a short title")},
    )
    details = forms.CharField(
        label=_("Tell us what happened"),
        widget=forms.Textarea,
        max_length=MAX_TEXT,
        error_messages={"required": _("Tell us what happened")},
    )


class StaffRaiseForm(RaiseForm):
    raised_for = forms.ChoiceField(
        label=_("Who is raising it"),
        choices=[
            (Concern.RaisedFor.STAFF, _("Staff, on her behalf")),
            (Concern.RaisedFor.FAMILY, _("Her family, through staff")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Say who is raising the concern")},
    )


class TriageForm(forms.Form):
    owner = forms.TypedChoiceField(label=_("Who will look into it"), coerce=int)
    theme = forms.ChoiceField(label=_("Theme"), choices=Concern.Theme.choices)

    def __init__(self, owners: list[Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [
            (u.pk, u.display_name or u.get_full_name() or u.username) for u in owners
        ]


class AcknowledgeForm(forms.Form):
    message = forms.CharField(
        label=_("Acknowledgement she will read"),
        widget=forms.Textarea,
        max_length=MAX_TEXT,
        error_messages={"required": _("Write the acknowledgement she will read")},
    )


class RespondForm(forms.Form):
    response = forms.CharField(
        label=_("Response she will read"),
        widget=forms.Textarea,
        max_length=MAX_TEXT,
        error_messages={"required": _("Write the response she will read")},
    )
    we_did = forms.CharField(
        label=_("What we will change (for 'you said, we did'; no names or details about her)"),
        widget=forms.Textarea,
        max_length=MAX_TEXT,
        required=False,
    )
