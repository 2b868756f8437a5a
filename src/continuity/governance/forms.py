"""Forms for the action plan pages. Fields collect; the actions validate what a refusal needs
(owner, due date, a trajectory that moves forward in time) so every entry point refuses alike."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from continuity.core.forms import NhsDateField
from continuity.governance.actions import MAX_REVIEW_TEXT, MAX_SUBJECT, MAX_TEXT, MAX_TITLE
from continuity.governance.models import GROUP_CHOICES, MEASURE_CHOICES, PlanAction, Risk


def month_choices(today: date, back: int = 24, ahead: int = 36) -> list[tuple[str, str]]:
    """("2026-10", "October 2026") from `back` months ago to `ahead` months on."""
    index = today.year * 12 + today.month - 1
    out = [("", _("Choose a month"))]
    for i in range(index - back, index + ahead + 1):
        first = date(i // 12, i % 12 + 1, 1)
        out.append((f"{first:%Y-%m}", date_format(first, "F Y")))
    return out


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE, required=False)
    summary = forms.CharField(
        label=_("What the plan is for"), widget=forms.Textarea, max_length=MAX_TEXT, required=False
    )
    champion = forms.TypedChoiceField(
        label=_("Board safety champion who signs off the monthly review"),
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(self, champions: list[Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["champion"].choices = [("", _("Not chosen yet"))] + [
            (u.pk, str(u)) for u in champions
        ]


class AimForm(forms.Form):
    measure = forms.ChoiceField(label=_("What the aim measures"), choices=MEASURE_CHOICES)
    group = forms.ChoiceField(label=_("For which women"), choices=GROUP_CHOICES)
    start_month = forms.ChoiceField(label=_("Month it starts from"), required=False)
    start_percent = forms.CharField(label=_("Percentage in that month"), required=False)
    target_month = forms.ChoiceField(label=_("Month to reach the aim by"), required=False)
    target_percent = forms.CharField(label=_("Percentage aimed for"), required=False)

    def __init__(self, today: date, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["start_month"].choices = month_choices(today)
        self.fields["target_month"].choices = month_choices(today)


class StepForm(forms.Form):
    month = forms.ChoiceField(label=_("Month"), required=False)
    percent = forms.CharField(label=_("Percentage aimed for that month"), required=False)

    def __init__(self, today: date, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = month_choices(today)


class ActionForm(forms.Form):
    title = forms.CharField(
        label=_("Action"),
        max_length=MAX_TITLE,
        error_messages={"required": _("Say what the action is")},
    )
    detail = forms.CharField(
        label=_("What it involves"), widget=forms.Textarea, max_length=MAX_TEXT, required=False
    )
    owner = forms.CharField(
        label=_("Owner"),
        max_length=150,
        error_messages={"required": _("Enter who owns the action")},
    )
    due_date = NhsDateField(
        label=_("Due date"), error_messages={"required": _("Enter the date the action is due")}
    )
    team = forms.TypedChoiceField(
        label=_("Team it concerns"), coerce=int, required=False, empty_value=None
    )
    group = forms.ChoiceField(
        label=_("Priority group it concerns"),
        choices=[("", _("None in particular")), *GROUP_CHOICES[1:]],
        required=False,
    )

    def __init__(self, teams: list[Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", _("None in particular"))] + [
            (t.pk, t.name) for t in teams
        ]


class ActionUpdateForm(ActionForm):
    status = forms.ChoiceField(label=_("Status"), choices=PlanAction.Status.choices)
    evidence = forms.CharField(
        label=_("Evidence"), widget=forms.Textarea, max_length=MAX_TEXT, required=False
    )


class RiskForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Risk or dependency"), choices=Risk.Kind.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(label=_("Describe it"), max_length=300, required=False)
    mitigation = forms.CharField(
        label=_("What we are doing about it"),
        widget=forms.Textarea,
        max_length=MAX_TEXT,
        required=False,
    )
    owner = forms.CharField(label=_("Owner"), max_length=150, required=False)
    rating = forms.ChoiceField(
        label=_("How serious"), choices=Risk.Rating.choices, widget=forms.RadioSelect
    )
    midwives_needed = forms.IntegerField(
        label=_("Midwives needed (if it depends on recruitment)"),
        required=False,
        min_value=0,
        max_value=1000,
        error_messages={"invalid": _("Enter a whole number of midwives")},
    )
    scenario = forms.TypedChoiceField(
        label=_("Workforce planning scenario behind it"),
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(self, scenarios: list[Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scenario"].choices = [("", _("None"))] + [(s.pk, s.name) for s in scenarios]


class RiskUpdateForm(RiskForm):
    status = forms.ChoiceField(
        label=_("Status"), choices=Risk.Status.choices, widget=forms.RadioSelect
    )


class ReviewForm(forms.Form):
    comments = forms.CharField(
        label=_("Your comments on the month"),
        widget=forms.Textarea,
        max_length=MAX_REVIEW_TEXT,
        required=False,
    )
    decisions = forms.CharField(
        label=_("Decisions"), widget=forms.Textarea, max_length=MAX_REVIEW_TEXT, required=False
    )


class CommentForm(forms.Form):
    subject = forms.CharField(label=_("Title"), max_length=MAX_SUBJECT, required=False)
    body = forms.CharField(
        label=_("Your comment"), widget=forms.Textarea, max_length=MAX_REVIEW_TEXT, required=False
    )
    review = forms.TypedChoiceField(
        label=_("About a monthly review"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, reviews: list[Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["review"].choices = [("", _("The plan as a whole"))] + [
            (r.pk, date_format(r.month, "F Y")) for r in reviews
        ]


class AnswerForm(forms.Form):
    response = forms.CharField(
        label=_("The trust's answer (published with the comment)"),
        widget=forms.Textarea,
        max_length=MAX_REVIEW_TEXT,
        required=False,
    )


class VoidAimForm(forms.Form):
    reason = forms.CharField(label=_("Why is this aim withdrawn?"), max_length=500, required=False)
