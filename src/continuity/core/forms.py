"""Form fields that speak the NHS.UK design system: day/month/year dates, NHS numbers, postcodes."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import BadRequest
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from continuity.core.identifiers import NhsNumberError, normalise_nhs_number
from continuity.engines.geo import PostcodeError, normalise_postcode

DATE_PARTS = ("day", "month", "year")


class DateInputWidget(forms.Widget):
    """Three boxes named `name[day]`, `name[month]`, `name[year]`, as the NHS date input expects."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> dict[str, str]:
        return {part: (data.get(f"{name}[{part}]") or "").strip() for part in DATE_PARTS}

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return not any(f"{name}[{part}]" in data for part in DATE_PARTS)

    def format_value(self, value: Any) -> dict[str, str]:
        if isinstance(value, date):
            return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
        if isinstance(value, dict):
            return {part: str(value.get(part, "")) for part in DATE_PARTS}
        return dict.fromkeys(DATE_PARTS, "")


class NhsDateField(forms.Field):
    widget = DateInputWidget

    def __init__(self, *, label: str, **kwargs: Any) -> None:
        super().__init__(label=label, **kwargs)

    def to_python(self, value: Any) -> date | None:
        if isinstance(value, date):
            return value
        if not isinstance(value, dict):
            return None
        parts = {k: value.get(k, "") for k in DATE_PARTS}
        if not any(parts.values()):
            return None
        label = str(self.label)
        missing = [k for k in DATE_PARTS if not parts[k]]
        if missing:
            raise forms.ValidationError(
                _("%(label)s must include a %(part)s") % {"label": label, "part": _(missing[0])},
                code="incomplete",
            )
        if not all(parts[k].isdigit() for k in DATE_PARTS):
            raise forms.ValidationError(
                _("%(label)s must be a real date, in numbers") % {"label": label}, code="invalid"
            )
        if len(parts["year"]) != 4:
            raise forms.ValidationError(_("Year must include 4 numbers"), code="invalid_year")
        try:
            return date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        except ValueError as exc:
            raise forms.ValidationError(
                _("%(label)s must be a real date") % {"label": label}, code="invalid"
            ) from exc


class NhsNumberField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 14)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        raw = super().clean(value)
        if not raw:
            return ""
        try:
            return normalise_nhs_number(raw)
        except NhsNumberError as exc:
            raise forms.ValidationError(_(str(exc)), code="nhs_number") from exc


class PostcodeField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 16)
        super().__init__(**kwargs)
        self.error_messages["max_length"] = _("Enter a real postcode, like LS1 4AP")

    def clean(self, value: Any) -> str:
        raw = super().clean(value)
        if not raw:
            return ""
        try:
            return normalise_postcode(raw)
        except PostcodeError as exc:
            raise forms.ValidationError(_(str(exc)), code="postcode") from exc


def error_list(form: forms.BaseForm) -> list[dict[str, str]]:
    """The error summary's list: one link per message, in field order, to the field's input."""
    items: list[dict[str, str]] = []
    for message in form.non_field_errors():
        items.append({"text": str(message), "href": "#main-content-errors"})
    for name, field in form.fields.items():
        for message in form.errors.get(name, []):
            anchor = f"{name}-day" if isinstance(field, NhsDateField) else name
            items.append({"text": str(message), "href": f"#{anchor}"})
    return items


def posted_number(request: HttpRequest, name: str) -> int:
    """A whole number from a hidden field our own page sent (a record's version, a draft's id),
    0 when missing. Anything else was not sent by our page: a 400 page, never a 500 (and never
    a number too big for the database to compare)."""
    raw = (request.POST.get(name) or "0").strip()
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 9):
        raise BadRequest(f"The {name} field is not a whole number.")  # no value is logged
    return int(raw)


def add_action_error(form: forms.BaseForm, exc: Any) -> None:
    """Show a refused action's message on its field (or at the top when it has none)."""
    field = exc.field if getattr(exc, "field", None) in form.fields else None
    form.add_error(field, exc.message)


class EmergencyAccessForm(forms.Form):
    nhs_number = NhsNumberField(
        label=_("Her NHS number"), error_messages={"required": _("Enter her NHS number")}
    )
    reason = forms.CharField(
        label=_("Why you need her record now"),
        widget=forms.Textarea,
        max_length=500,
        error_messages={
            "required": _("Give the reason you need her record now"),
            "max_length": _("Keep the reason to 500 characters or fewer"),
        },
    )
    understood = forms.BooleanField(
        label=_(
            "I understand that this access is recorded, reviewed by the privacy officer, and "
            "shown to her"
        ),
        error_messages={"required": _("Confirm that you understand the access is reviewed")},
    )


class AccessReviewForm(forms.Form):
    review = forms.ChoiceField(
        label=_("Was the access appropriate?"),
        choices=[],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether the access was appropriate")},
    )
    note = forms.CharField(
        label=_("Note (needed for a concern)"),
        required=False,
        max_length=500,
        error_messages={"max_length": _("Keep the note to 500 characters or fewer")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from continuity.core.models import BreakGlass

        super().__init__(*args, **kwargs)
        self.fields["review"].choices = BreakGlass.Review.choices


class RetentionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("What should happen to this record?"),
        choices=[],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether to keep the record or pass it on")},
    )
    keep_until = NhsDateField(label=_("Keep it until"), required=False)
    note = forms.CharField(
        label=_("Reason for your decision"),
        widget=forms.Textarea,
        max_length=500,
        error_messages={
            "required": _("Enter the reason for your decision"),
            "max_length": _("Keep the reason to 500 characters or fewer"),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from continuity.core.models import RetentionReview

        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = RetentionReview.Decision.choices
