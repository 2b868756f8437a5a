"""Planning pages: scenarios, their results, side-by-side comparison and 'how many midwives'.
Thin: the engine simulates, `actions` saves and runs, `presenters` labels."""

from __future__ import annotations

import csv
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.translation import gettext as _

from continuity.assurance.msds import neutralise
from continuity.core.forms import add_action_error
from continuity.core.idempotency import create_once
from continuity.core.permissions import require
from continuity.planning import actions, charts, defaults, presenters, queries
from continuity.planning.forms import ScenarioForm, SolveForm
from continuity.planning.models import Scenario
from continuity.pregnancies.actions import ActionError

HEADLINE_KEYS = ("pct_on_pathway", "pct_known")


@require("plan_workforce")
def index(request: HttpRequest) -> HttpResponse:
    items = list(queries.scenarios()[:100])
    headlines = queries.headlines([s.pk for s in items], HEADLINE_KEYS)
    listed = [
        {
            "scenario": s,
            "midwives": presenters.count(headlines.get(s.pk, {}).get("midwives")),
            "headline": [
                presenters.number(headlines.get(s.pk, {}).get(key), presenters.PERCENT)
                for key in HEADLINE_KEYS
            ],
        }
        for s in items
    ]
    return render(
        request,
        "planning/index.jinja",
        {
            "page_title": _("Workforce planning"),
            "listed": listed,
            "max_compared": queries.MAX_COMPARED,
        },
    )


def _base(request: HttpRequest) -> tuple[dict[str, Any], dict[str, str], Scenario | None]:
    """The starting scenario: a copy of ?from=<id>, or the trust's own figures."""
    source = request.GET.get("from", "")
    if source.isascii() and source.isdigit() and len(source) <= 9:  # not "²", not huge
        copied = Scenario.objects.filter(pk=int(source)).first()
        if copied is not None:
            return dict(copied.parameters), {}, copied
    found = defaults.trust_defaults(timezone.localdate())
    return found.values, found.sources, None


def _form_page(
    request: HttpRequest, form_class: type[ScenarioForm], template: str, title: str, kind: str
) -> HttpResponse:
    base, sources, copied = _base(request)
    initial = ScenarioForm.initial_from(base)
    if copied is not None:
        initial["name"] = _("Copy of %(name)s") % {"name": copied.name}
        initial["replications"] = copied.replications
        initial["seed"] = copied.seed
        initial.update(_request_initial(copied.request))
    if form_class is SolveForm and copied is None:
        initial.update(
            target_pathway=settings.CONTINUITY["TARGET_ON_PATHWAY_PERCENT"],
            target_known=70,
            vary="teams",
            low=1,
            high=max(10, 3 * int(base.get("teams", 1))),
        )
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():

        def create() -> str:
            scenario = actions.create(
                by=request.user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
                parameters=form.parameters(base),
                replications=form.cleaned_data["replications"],
                seed=form.cleaned_data["seed"],
                kind=kind,
                request=form.request() if isinstance(form, SolveForm) else None,
                notes=form.cleaned_data.get("notes", ""),
            )
            messages.success(request, _("Saved. The simulation runs in the background."))
            return resolve_url("planning:detail", pk=scenario.pk)

        try:
            return create_once(request, "planning.create", create)
        except ActionError as exc:
            add_action_error(form, exc)
    return render(
        request,
        template,
        {"page_title": title, "form": form, "sources": sources, "copied": copied},
        status=400 if form.errors else 200,
    )


def _request_initial(request: dict[str, Any]) -> dict[str, Any]:
    if not request:
        return {}
    initial: dict[str, Any] = {
        "vary": request.get("vary"),
        "low": request.get("low"),
        "high": request.get("high"),
        "conservative": request.get("conservative", False),
    }
    keys = {
        "pct_on_pathway": "target_pathway",
        "pct_known": "target_known",
        "pct_named": "target_named",
        "night_call_outs_per_midwife_month": "max_night",
    }
    for target in request.get("targets", []):
        field = keys.get(target.get("metric"))
        if field:
            initial[field] = target.get("at_least", target.get("at_most"))
    return initial


@require("plan_workforce")
def new(request: HttpRequest) -> HttpResponse:
    return _form_page(
        request, ScenarioForm, "planning/new.jinja", _("Model a scenario"), Scenario.Kind.SIMULATE
    )


@require("plan_workforce")
def how_many(request: HttpRequest) -> HttpResponse:
    return _form_page(
        request, SolveForm, "planning/how_many.jinja", _("How many midwives?"), Scenario.Kind.SOLVE
    )


def _attendance_chart(named: list[tuple[str, dict[str, Any]]], key: str) -> Any:
    bars = [
        charts.Bar(
            label,
            [
                (str(presenters.ATTENDANCE_LABELS[k]), presenters.mean(result, k) or 0.0)
                for k in presenters.ATTENDANCE
            ],
        )
        for label, result in named
    ]
    return charts.stacked_bars(
        bars,
        key=key,
        title=_("Who attends births on the pathway"),
        description=_(
            "For each scenario, the share of births attended by her named midwife, her buddy, "
            "another midwife of her team, or someone else. The table below has the numbers."
        ),
    )


def _solution_context(scenario: Scenario) -> dict[str, Any]:
    solution = scenario.result or {}
    trials = solution.get("trials", [])
    targets = solution.get("targets", [])
    charts_out = []
    for k, target in enumerate(targets):
        key = target["metric"]
        m = presenters.metric(key)
        points = [
            charts.Point(
                x=float(t["value"]),
                y=float(t["metrics"][key]["mean"]),
                low=t["metrics"][key].get("low"),
                high=t["metrics"][key].get("high"),
                meets=bool(t["meets"]),
            )
            for t in trials
        ]
        bound = target.get("at_least", target.get("at_most"))
        charts_out.append(
            {
                "metric": m,
                "target": target,
                "svg": charts.solve_chart(
                    points,
                    key=f"solve-{k}",
                    title=str(m.label),
                    description=_(
                        "%(metric)s at each value tried, with its 95%% interval; the dashed "
                        "line is the target. Filled circles meet every target, hollow squares "
                        "do not."
                    )
                    % {"metric": m.label},
                    x_label=str(presenters.VARY_AXIS.get(solution.get("vary", ""), "")),
                    y_label=f"{m.label} (%)" if m.unit == presenters.PERCENT else str(m.label),
                    target=bound,
                ),
            }
        )
    return {
        "solution": solution,
        "vary_label": presenters.VARY_AXIS.get(solution.get("vary", ""), ""),
        "answer": presenters.answer_text(
            solution.get("vary", ""), solution["value"], solution.get("scenario") or {}
        )
        if solution.get("found")
        else "",
        "solve_charts": charts_out,
        "trials": trials,
        "targets": [(presenters.metric(t["metric"]), t) for t in targets],
        "answer_rows": presenters.grouped(solution["result"]) if solution.get("result") else [],
    }


@require("plan_workforce")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = queries.scenario(pk)
    context: dict[str, Any] = {
        "page_title": scenario.name,
        "scenario": scenario,
        "assumptions": presenters.assumptions(scenario.parameters),
    }
    if scenario.status == Scenario.Status.DONE and scenario.result:
        if scenario.kind == Scenario.Kind.SOLVE:
            context.update(_solution_context(scenario))
        else:
            context["groups"] = presenters.grouped(scenario.result)
            context["headline"] = presenters.rows(scenario.result, presenters.HEADLINE)
            context["chart"] = _attendance_chart([(scenario.name, scenario.result)], "births")
            context["attendance"] = presenters.rows(scenario.result, presenters.ATTENDANCE)
    return render(request, "planning/detail.jinja", context)


def _csv_response(filename: str) -> tuple[HttpResponse, Any]:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response, csv.writer(response)


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.6g}"


@require("plan_workforce")
def detail_csv(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = queries.scenario(pk)
    response, writer = _csv_response(f"continuity-scenario-{scenario.pk}.csv")
    writer.writerow(["section", "key", "label", "value", "low_95", "high_95"])
    writer.writerow(["scenario", "name", _("Name"), neutralise(scenario.name), "", ""])
    writer.writerow(
        ["scenario", "replications", _("Years simulated"), scenario.replications, "", ""]
    )
    writer.writerow(["scenario", "seed", _("Seed"), scenario.seed, "", ""])
    for key, value in scenario.parameters.items():
        shown = " ".join(map(str, value)) if isinstance(value, list) else value
        writer.writerow(["assumption", key, "", shown, "", ""])
    result = scenario.result or {}
    if scenario.kind == Scenario.Kind.SOLVE:
        writer.writerow(["answer", "found", "", "yes" if result.get("found") else "no", "", ""])
        writer.writerow(["answer", result.get("vary", ""), "", _fmt(result.get("value")), "", ""])
        for trial in result.get("trials", []):
            for target in result.get("targets", []):
                item = trial["metrics"][target["metric"]]
                writer.writerow(
                    [
                        f"trial {trial['value']:g}",
                        target["metric"],
                        str(presenters.metric(target["metric"]).label),
                        _fmt(item["mean"]),
                        _fmt(item.get("low")),
                        _fmt(item.get("high")),
                    ]
                )
        result = result.get("result") or {}
    for row in presenters.rows(result) if result else []:
        writer.writerow(
            [
                "result",
                row.metric.key,
                str(row.metric.label),
                _fmt(row.mean),
                _fmt(row.low),
                _fmt(row.high),
            ]
        )
    return response


@require("plan_workforce")
def compare(request: HttpRequest) -> HttpResponse:
    chosen = queries.compared(request.GET.getlist("id"))
    context: dict[str, Any] = {"page_title": _("Compare scenarios"), "chosen": chosen}
    if len(chosen) < 2:
        messages.error(request, _("Choose at least 2 finished scenarios to compare"))
        return redirect("planning:index")
    results = [s.result or {} for s in chosen]
    table = []
    for m in presenters.METRICS:
        cells = presenters.rows_many(results, m.key)
        if cells:
            table.append((m, cells))
    context.update(
        table=[
            (title, [(m, cells) for m, cells in table if m.group == key])
            for key, title in presenters.GROUPS
        ],
        chart=_attendance_chart([(s.name, s.result or {}) for s in chosen], "compare-births"),
        differences=presenters.differences([s.parameters for s in chosen]),
        ids=[s.pk for s in chosen],
    )
    return render(request, "planning/compare.jinja", context)


@require("plan_workforce")
def compare_csv(request: HttpRequest) -> HttpResponse:
    chosen = queries.compared(request.GET.getlist("id"))
    response, writer = _csv_response("continuity-scenarios-compared.csv")
    header = ["key", "label"]
    for s in chosen:
        name = neutralise(s.name)
        header += [f"{name} mean", f"{name} low_95", f"{name} high_95"]
    writer.writerow(header)
    results = [s.result or {} for s in chosen]
    for m in presenters.METRICS:
        cells = presenters.rows_many(results, m.key)
        if not cells:
            continue
        line = [m.key, str(m.label)]
        for cell in cells:
            line += (
                ["", "", ""] if cell is None else [_fmt(cell.mean), _fmt(cell.low), _fmt(cell.high)]
            )
        writer.writerow(line)
    return response
