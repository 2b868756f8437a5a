from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from continuity.feedback.actions import MAX_TEXT
from continuity.feedback.models import FeedbackResponse


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Overall, how was your experience of our service?"),
        choices=FeedbackResponse.Rating.choices,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    named_or_buddy = forms.ChoiceField(
        label=_("Was this visit with your named midwife or your buddy?"),
        choices=FeedbackResponse.YesNoUnsure.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    listened = forms.ChoiceField(
        label=_("Did you feel listened to?"),
        choices=FeedbackResponse.Listened.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    what_was_good = forms.CharField(
        label=_("What was good?"), widget=forms.Textarea, required=False, max_length=MAX_TEXT
    )
    could_be_better = forms.CharField(
        label=_("What could we do better?"),
        widget=forms.Textarea,
        required=False,
        max_length=MAX_TEXT,
    )

    def __init__(self, visit: bool, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("named_or_buddy", "listened") if not visit else ("rating",):
            del self.fields[name]
