"""Writes for planning: save a scenario (checked by the engine before anything runs), run it.

The engine is the authority on what a scenario may hold: its `SimulationInputError` names the
field, and that becomes the message on the form's field.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from continuity.accounts.models import User
from continuity.core.audit import audit
from continuity.engines import simulation as engine
from continuity.planning.models import Scenario
from continuity.pregnancies.actions import ActionError

log = logging.getLogger(__name__)

MAX_REPLICATIONS = 500
# Below this many replications the process pool costs more than it saves.
PARALLEL_FROM = 40


def _field(path: str) -> str:
    """`seasonality[3]` -> `seasonality`; `targets[1].at_least` -> `targets`."""
    return path.split("[", 1)[0].split(".", 1)[0]


def check_parameters(parameters: dict[str, Any]) -> dict[str, Any]:
    """The scenario as the engine reads it, every field written out; ActionError if refused."""
    try:
        scenario = engine.scenario_from_dict(parameters)
    except engine.SimulationInputError as exc:
        raise ActionError(exc.message, _field(exc.path)) from None
    return engine.scenario_to_dict(scenario)


def check_request(request: dict[str, Any]) -> dict[str, Any]:
    try:
        engine.solve_request_from_dict(request)
    except engine.SimulationInputError as exc:
        raise ActionError(exc.message, _field(exc.path)) from None
    return request


def create(
    *,
    by: User,
    name: str,
    parameters: dict[str, Any],
    replications: int,
    seed: int,
    kind: str = Scenario.Kind.SIMULATE,
    request: dict[str, Any] | None = None,
    notes: str = "",
) -> Scenario:
    """Save the question and queue its run. Nothing is saved if the engine refuses it."""
    name = name.strip()
    if not name:
        raise ActionError(_("Give the scenario a name"), "name")
    if not 1 <= replications <= MAX_REPLICATIONS:
        raise ActionError(
            _("Replications must be from 1 to %(n)s") % {"n": MAX_REPLICATIONS}, "replications"
        )
    checked = check_parameters(parameters)
    checked_request = check_request(request or {}) if kind == Scenario.Kind.SOLVE else {}
    with transaction.atomic():
        scenario = Scenario.objects.create(
            name=name[:100],
            kind=kind,
            parameters=checked,
            request=checked_request,
            replications=replications,
            seed=seed,
            notes=notes.strip(),
            created_by=by,
        )
        audit(
            by=by,
            action="planning.create_scenario",
            obj=scenario,
            changes={"kind": kind, "replications": replications, "seed": seed},
        )
    from continuity.planning.tasks import run_scenario

    run_scenario.enqueue(scenario.pk)
    return scenario


def workers_for(replications: int) -> int:
    if replications < PARALLEL_FROM:
        return 1
    return max(1, int(settings.CONTINUITY.get("SIMULATION_WORKERS", 1)))


def _answer(scenario: Scenario) -> dict[str, Any]:
    base = engine.scenario_from_dict(scenario.parameters)
    workers = workers_for(scenario.replications)
    if scenario.kind == Scenario.Kind.SOLVE:
        request = engine.solve_request_from_dict(scenario.request)
        solution = engine.solve(
            base,
            request.targets,
            request.vary,
            low=request.low,
            high=request.high,
            replications=scenario.replications,
            seed=scenario.seed,
            workers=workers,
            step=request.step,
            conservative=request.conservative,
        )
        return engine.solution_to_dict(solution)
    result = engine.run(base, scenario.replications, scenario.seed, workers)
    return engine.result_to_dict(result)


def execute(scenario_id: int) -> Scenario | None:
    """Run a queued scenario and keep its answer, exactly once however the task is delivered.

    The claim (status RUNNING, a new `started_at`) is taken under a row lock. A scenario still
    RUNNING is claimed again: its task is only delivered again when the worker that ran it died
    (`continuity worker` requeues a task whose claim lapsed). The answer is stored, with its
    audit row, only if this run's claim is still the current one, so a run overtaken by a newer
    claim stores nothing, and a finished scenario is left alone (None)."""
    with transaction.atomic():
        scenario = (
            Scenario.objects.select_for_update()
            .filter(pk=scenario_id, status__in=[Scenario.Status.QUEUED, Scenario.Status.RUNNING])
            .first()
        )
        if scenario is None:
            return None
        scenario.status = Scenario.Status.RUNNING
        scenario.started_at = timezone.now()
        scenario.save(update_fields=["status", "started_at"])
    claimed_at = scenario.started_at
    started = time.perf_counter()
    try:
        answer = _answer(scenario)
    except engine.SimulationInputError as exc:
        scenario.status = Scenario.Status.FAILED
        scenario.error = str(exc)[:500]
    except Exception:  # the planner is told; the detail goes to the log, never to the page
        log.exception("planning: scenario %s failed", scenario.pk)
        scenario.status = Scenario.Status.FAILED
        scenario.error = _("The simulation stopped unexpectedly. Try again, or tell support.")
    else:
        scenario.status = Scenario.Status.DONE
        scenario.result = answer
        scenario.error = ""
    scenario.finished_at = timezone.now()
    scenario.seconds = round(time.perf_counter() - started, 2)
    with transaction.atomic():
        current = (
            Scenario.objects.select_for_update()
            .filter(pk=scenario.pk, status=Scenario.Status.RUNNING, started_at=claimed_at)
            .values_list("pk", flat=True)
            .first()
        ) is not None
        if not current:
            log.info(
                "planning: scenario %s was claimed again; this run's answer is dropped", scenario.pk
            )
            return None
        scenario.save(update_fields=["status", "result", "error", "finished_at", "seconds"])
        audit(
            by=None,
            action="planning.finish_scenario",
            obj=scenario,
            changes={"status": scenario.status, "seconds": scenario.seconds},
        )
    return scenario
