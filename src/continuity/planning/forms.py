"""The scenario form: every assumption the engine takes, grouped as a planner thinks of them.

Shares are asked for as percentages and handed to the engine as rates. Each number field has its
own plain-English messages; the engine then checks the whole scenario again (`actions`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Number:
    key: str  # the engine's field
    label: Any
    low: float
    high: float
    whole: bool = False
    percent: bool = False  # asked as 0-100, stored as a rate
    hint: Any = ""
    group: str = "service"


NUMBERS: tuple[Number, ...] = (
    Number("teams", _("Continuity teams"), 1, 500, whole=True),
    Number("midwives_per_team", _("Midwives in each team"), 1, 100, whole=True),
    Number(
        "wte",
        _("Whole-time equivalent of each midwife"),
        0.01,
        1.5,
        hint=_("1 is full time; 0.8 is four days a week."),
    ),
    Number(
        "caseload_per_wte",
        _("Women a year for a full-time midwife"),
        1,
        1000,
        hint=_("The national guide is 36; a part-time midwife has her share."),
    ),
    Number(
        "births_per_year", _("Births a year in the trust"), 1, 200_000, whole=True, group="women"
    ),
    Number(
        "priority_share",
        _("Women in a priority group (%)"),
        0,
        100,
        percent=True,
        hint=_(
            "Black, Asian and minority ethnic women, and women in the most deprived areas (Core20)."
        ),
        group="women",
    ),
    Number(
        "nulliparous_rate",
        _("Women having their first baby (%)"),
        0,
        100,
        percent=True,
        group="women",
    ),
    Number("home_birth_rate", _("Births at home (%)"), 0, 100, percent=True, group="women"),
    Number("leave_weeks_per_wte", _("Weeks of annual leave"), 0, 26, group="time"),
    Number("sickness_rate", _("Days lost to sickness (%)"), 0, 100, percent=True, group="time"),
    Number("study_days", _("Study days a year"), 0, 100, whole=True, group="time"),
    Number("labour_mean_hours", _("Average hours with a woman in labour"), 0.5, 72, group="labour"),
    Number(
        "labour_sd_hours",
        _("How much that varies (standard deviation, hours)"),
        0,
        72,
        group="labour",
    ),
    Number(
        "rest_hours",
        _("Rest after a night call-out (hours)"),
        0,
        24,
        group="labour",
        hint=_("The Working Time Regulations ask for 11 hours' rest in each 24."),
    ),
    Number("travel_minutes_per_leg", _("Minutes of travel to each visit"), 0, 240, group="visits"),
    Number(
        "visit_start_hour",
        _("Hour the day's visits start (0 to 23)"),
        0,
        23,
        whole=True,
        group="visits",
    ),
    Number("max_visits_per_day", _("Most visits in a day"), 1, 20, whole=True, group="visits"),
)
SWITCHES: tuple[tuple[str, Any, Any], ...] = (
    (
        "prioritise",
        _("Offer places to women in priority groups first when places are short"),
        "women",
    ),
    ("opt_out_48h", _("Midwives have opted out of the 48-hour average week"), "time"),
)
GROUPS: tuple[tuple[str, Any], ...] = (
    ("service", _("The service")),
    ("women", _("The women")),
    ("time", _("Midwives' time away")),
    ("labour", _("Labour and rest")),
    ("visits", _("Visits")),
)
POLICY_CHOICES = (
    ("named_on_call", _("Each midwife is on call for her own women, with her buddy as back-up")),
    ("team_rota", _("The team shares an on-call rota")),
    ("mix", _("Her own midwife on weekdays 8am to 8pm; the team rota at night and weekends")),
)
REPLICATION_CHOICES = ((20, "20"), (50, "50"), (100, "100"), (200, "200"))


def _message(spec: Number) -> dict[str, str]:
    label = str(spec.label)
    low = f"{spec.low:g}"
    high = f"{spec.high:g}"
    if spec.whole:
        invalid = _("%(label)s must be a whole number") % {"label": label}
    else:
        invalid = _("%(label)s must be a number") % {"label": label}
    between = _("%(label)s must be from %(low)s to %(high)s") % {
        "label": label,
        "low": low,
        "high": high,
    }
    # Django formats these with the error's params, so a literal % must be doubled.
    messages = {
        "required": _("Enter %(label)s") % {"label": label.lower()},
        "invalid": invalid,
        "min_value": between,
        "max_value": between,
        "max_digits": between,
        "max_decimal_places": _("%(label)s can have at most 2 decimal places") % {"label": label},
    }
    return {key: text.replace("%", "%%") for key, text in messages.items()}


def _field(spec: Number) -> forms.Field:
    if spec.whole:
        return forms.IntegerField(
            label=spec.label,
            min_value=int(spec.low),
            max_value=int(spec.high),
            error_messages=_message(spec),
        )
    return forms.DecimalField(
        label=spec.label,
        min_value=Decimal(str(spec.low)),
        max_value=Decimal(str(spec.high)),
        decimal_places=2,
        error_messages=_message(spec),
    )


class ScenarioForm(forms.Form):
    name = forms.CharField(
        label=_("Name of this scenario"),
        max_length=100,
        error_messages={
            "required": _("Give the scenario a name"),
            "max_length": _("The name must be 100 characters or fewer"),
        },
    )
    policy = forms.ChoiceField(
        label=_("Who is on call for births"),
        choices=POLICY_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who is on call for births")},
    )
    replications = forms.TypedChoiceField(
        label=_("Years to simulate"),
        choices=REPLICATION_CHOICES,
        coerce=int,
        initial=50,
        error_messages={"invalid_choice": _("Choose how many years to simulate")},
    )
    seed = forms.IntegerField(
        label=_("Seed"),
        min_value=0,
        max_value=1_000_000,
        initial=1,
        error_messages={
            "required": _("Enter a seed, for example 1"),
            "invalid": _("The seed must be a whole number"),
            "min_value": _("The seed must be from 0 to 1000000"),
            "max_value": _("The seed must be from 0 to 1000000"),
        },
    )
    notes = forms.CharField(
        label=_("Notes (optional)"),
        widget=forms.Textarea,
        required=False,
        max_length=1000,
        error_messages={"max_length": _("Notes must be 1000 characters or fewer")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for spec in NUMBERS:
            self.fields[spec.key] = _field(spec)
        for key, label, _group in SWITCHES:
            self.fields[key] = forms.BooleanField(label=label, required=False)

    def numbers(self, group: str) -> list[Any]:
        return [self[spec.key] for spec in NUMBERS if spec.group == group]

    def switches(self, group: str) -> list[Any]:
        return [self[key] for key, _label, g in SWITCHES if g == group]

    @staticmethod
    def initial_from(parameters: dict[str, Any]) -> dict[str, Any]:
        """Form values for the engine's parameters (rates shown as percentages)."""
        initial: dict[str, Any] = {"policy": parameters.get("policy", "named_on_call")}
        for spec in NUMBERS:
            if spec.key in parameters:
                value = parameters[spec.key]
                shown = round(value * 100, 2) if spec.percent else value
                # 36 rather than 36.0: whole values are shown without a decimal point.
                initial[spec.key] = int(shown) if float(shown).is_integer() else shown
        for key, _label, _group in SWITCHES:
            if key in parameters:
                initial[key] = bool(parameters[key])
        return initial

    def parameters(self, base: dict[str, Any]) -> dict[str, Any]:
        """The engine's scenario: the base (defaults and fields the form does not show) with the
        form's values over it."""
        data = self.cleaned_data
        out = dict(base)
        out["policy"] = data["policy"]
        for spec in NUMBERS:
            value = data[spec.key]
            if spec.whole:
                out[spec.key] = int(value)
            elif spec.percent:
                out[spec.key] = float(value) / 100.0
            else:
                out[spec.key] = float(value)
        for key, _label, _group in SWITCHES:
            out[key] = bool(data.get(key))
        return out


VARY_CHOICES = (
    ("teams", _("The number of teams, each the size given below")),
    ("midwives_per_team", _("The number of midwives in each team")),
    ("wte", _("The hours of each midwife (whole-time equivalent)")),
    ("caseload_per_wte", _("The caseload of a full-time midwife")),
)
WHOLE_VARY = frozenset({"teams", "midwives_per_team", "caseload_per_wte"})
SOLVE_REPLICATION_CHOICES = ((10, "10"), (20, "20"), (50, "50"))


def _percent_target(label: Any, required: bool = True) -> forms.DecimalField:
    spec = Number("target", label, 0, 100)
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=1,
        error_messages={**_message(spec), "max_decimal_places": _message(spec)["invalid"]},
    )


class SolveForm(ScenarioForm):
    """'How many midwives for X%?': what to vary, in what range, and the targets to reach."""

    vary = forms.ChoiceField(
        label=_("What can change"),
        choices=VARY_CHOICES,
        widget=forms.RadioSelect,
        initial="teams",
        error_messages={"required": _("Choose what can change")},
    )
    low = forms.DecimalField(
        label=_("Smallest value to try"),
        min_value=Decimal("0.01"),
        decimal_places=2,
        error_messages={
            "required": _("Enter the smallest value to try"),
            "invalid": _("The smallest value must be a number"),
            "min_value": _("The smallest value must be more than 0"),
        },
    )
    high = forms.DecimalField(
        label=_("Largest value to try"),
        min_value=Decimal("0.01"),
        decimal_places=2,
        error_messages={
            "required": _("Enter the largest value to try"),
            "invalid": _("The largest value must be a number"),
            "min_value": _("The largest value must be more than 0"),
        },
    )
    target_pathway = _percent_target(_("Women on a continuity pathway, at least (%)"))
    target_known = _percent_target(
        _("Births on the pathway with a midwife she knows, at least (%)")
    )
    target_named = _percent_target(
        _("Births on the pathway with her named midwife, at least (%) (optional)"),
        required=False,
    )
    max_night = forms.DecimalField(
        label=_("Night call-outs a midwife a month, at most (optional)"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=1,
        error_messages=_message(Number("max_night", _("Night call-outs"), 0, 100)),
    )
    conservative = forms.BooleanField(
        label=_("Be cautious: the target must hold at the low end of the 95% interval"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        replications = self.fields["replications"]
        replications.choices = SOLVE_REPLICATION_CHOICES  # type: ignore[attr-defined]
        replications.initial = 20

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("low"), data.get("high")
        if low is not None and high is not None and low >= high:
            self.add_error("high", _("The largest value must be more than the smallest"))
        if data.get("vary") in WHOLE_VARY:
            for key in ("low", "high"):
                value = data.get(key)
                if value is not None and value != value.to_integral_value():
                    self.add_error(key, _("Enter a whole number for teams, midwives or caseload"))
        return data

    def request(self) -> dict[str, Any]:
        data = self.cleaned_data
        targets: list[dict[str, Any]] = [
            {"metric": "pct_on_pathway", "at_least": float(data["target_pathway"])},
            {"metric": "pct_known", "at_least": float(data["target_known"])},
        ]
        if data.get("target_named") is not None:
            targets.append({"metric": "pct_named", "at_least": float(data["target_named"])})
        if data.get("max_night") is not None:
            targets.append(
                {"metric": "night_call_outs_per_midwife_month", "at_most": float(data["max_night"])}
            )
        vary = data["vary"]
        whole = vary in WHOLE_VARY
        low, high = float(data["low"]), float(data["high"])
        return {
            "vary": vary,
            "low": int(low) if whole else low,
            "high": int(high) if whole else high,
            "targets": targets,
            "conservative": bool(data.get("conservative")),
        }
