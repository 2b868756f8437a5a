"""Forms for the plan: one per section, with a textarea for each heading the writer may write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from continuity.plans import headings


class SectionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, section: str, writer: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.section = section
        self.headings = headings.writable_by(section, writer)
        for h in self.headings:
            self.fields[h.key] = forms.CharField(
                label=h.label,
                help_text=h.hint,
                required=False,
                strip=False,
                max_length=headings.MAX_TEXT,
                widget=forms.Textarea,
                error_messages={
                    "max_length": _(
                        "Keep this to %(limit_value)d characters or fewer (it has %(show_value)d)"
                    ),
                },
            )

    def texts(self) -> dict[str, str]:
        return {h.key: self.cleaned_data.get(h.key) or "" for h in self.headings}


class DiscussionForm(forms.Form):
    note = forms.CharField(
        label=_("What you discussed"),
        widget=forms.Textarea,
        max_length=headings.MAX_TEXT,
        error_messages={"required": _("Write a short note of what you discussed")},
    )
    contact = forms.TypedChoiceField(
        label=_("At which visit"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, contacts: list[tuple[int, str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"].choices = [("", _("Not at a visit")), *contacts]
