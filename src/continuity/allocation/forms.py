from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from continuity.allocation.models import AllocationDecision, Handover
from continuity.core.forms import NhsDateField
from continuity.workforce.models import Midwife


class MidwifeField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


def _midwife_field(label: str, midwives: Sequence[Midwife], required: bool = True) -> MidwifeField:
    return MidwifeField(
        label=label,
        queryset=Midwife.objects.filter(pk__in=[m.pk for m in midwives]).select_related("user"),
        to_field_name="professional_id",
        required=required,
        empty_label=_("Select a midwife"),
        error_messages={
            "required": _("Select a midwife"),
            "invalid_choice": _("Select a midwife from the list"),
        },
    )


class DecisionForm(forms.Form):
    ACCEPT, CHOOSE = "accept", "choose"
    decision = forms.ChoiceField(
        label=_("What do you want to do?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select what you want to do"),
            "invalid_choice": _("Select what you want to do"),
        },
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=500,
        widget=forms.Textarea,
        error_messages={"max_length": _("Reason must be 500 characters or fewer")},
    )

    def __init__(
        self, *args: Any, midwives: Sequence[Midwife], has_suggestion: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = []
        if has_suggestion:
            choices.append((self.ACCEPT, _("Accept the suggestion")))
        choices += [
            (self.CHOOSE, _("Choose her named midwife and buddy myself")),
            (AllocationDecision.Kind.DECLINED, _("She declined continuity of carer")),
            (AllocationDecision.Kind.NOT_OFFERED, _("Continuity of carer was not offered")),
        ]
        self.fields["decision"].choices = choices
        self.fields["named"] = _midwife_field(str(_("Named midwife")), midwives, required=False)
        self.fields["buddy"] = _midwife_field(str(_("Buddy")), midwives, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        decision = data.get("decision")
        if decision == self.CHOOSE:
            if not data.get("named"):
                self.add_error("named", _("Select her named midwife"))
            if not data.get("buddy"):
                self.add_error("buddy", _("Select her buddy"))
            if data.get("named") and data.get("named") == data.get("buddy"):
                self.add_error("buddy", _("Her buddy must be a different midwife"))
            if not (data.get("reason") or "").strip():
                self.add_error("reason", _("Give a reason for choosing different midwives"))
        closing = (AllocationDecision.Kind.DECLINED, AllocationDecision.Kind.NOT_OFFERED)
        if decision in closing and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason, in her words where she gave one"))
        return data


class HandoverForm(forms.Form):
    midwife = forms.Field()  # replaced in __init__
    kind = forms.ChoiceField(
        label=_("Why are her women being handed over?"),
        choices=Handover.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select why her women are being handed over")},
    )
    from_date = NhsDateField(
        label=_("From"), error_messages={"required": _("Enter the date the handover starts")}
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea,
        error_messages={
            "required": _("Give a reason for the handover"),
            "max_length": _("Reason must be 500 characters or fewer"),
        },
    )

    def __init__(self, *args: Any, midwives: Sequence[Midwife], today: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["midwife"] = _midwife_field(str(_("Midwife")), midwives)

    def clean_from_date(self) -> Any:
        value = self.cleaned_data.get("from_date")
        if value is not None and value < self.today:
            raise forms.ValidationError(_("The handover date must be today or in the future"))
        return value
