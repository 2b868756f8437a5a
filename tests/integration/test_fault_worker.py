"""A worker killed mid-task: nothing lost, nothing done twice.

django-tasks-db marks a task RUNNING when a worker claims it and never looks at it again, so a
worker killed with SIGKILL left its task RUNNING for ever and the planner's scenario "Running"
for ever. `continuity worker` now queues again a task whose claim has lapsed (`--claim-lease`),
and `planning.actions.execute` stores an answer only for the current claim, so a rerun cannot
store twice. The real thing runs the worker as a separate process against the test database
(PostgreSQL in CI; a file SQLite database would do, in-memory SQLite cannot be shared).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from continuity.core.management.commands.worker import requeue_lapsed_claims
from continuity.core.models import AuditEvent
from continuity.planning import actions
from continuity.planning.models import Scenario

ROOT = Path(__file__).resolve().parents[2]
TASK = "continuity.planning.tasks.run_scenario"
# Big enough that a run takes a few seconds (about 80 ms a replication here), so the worker is
# certainly mid-task when it is killed; small enough to rerun quickly.
SLOW = {"teams": 4, "midwives_per_team": 6, "births_per_year": 900, "wte": 1}
REPLICATIONS = 40
LEASE_SECONDS = 8  # longer than a run; the test waits this long after the kill
DEADLINE_SECONDS = 180


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for sig, handler in saved.items():  # the worker command installs its own
        signal.signal(sig, handler)


def finished(scenario: Scenario) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(action="planning.finish_scenario", object_id=str(scenario.pk))
    )


def scenario_task() -> DBTaskResult:
    [task] = DBTaskResult.objects.filter(task_path=TASK)  # one task, never a second one
    return task


# The action: a run overtaken by a newer claim stores nothing ----------------------------------


@pytest.mark.django_db
def test_a_run_overtaken_by_a_newer_claim_stores_nothing_and_the_newer_run_stores_once(
    world, monkeypatch
):
    scenario = Scenario.objects.create(
        name="Two teams",
        parameters=actions.check_parameters(SLOW),
        replications=2,
        seed=1,
        created_by=world.manager,
    )
    real_answer = actions._answer

    def overtaken(running: Scenario):
        # While this run computes, its worker is presumed dead and another claims the scenario.
        Scenario.objects.filter(pk=running.pk).update(
            started_at=timezone.now() + timedelta(seconds=1)
        )
        return real_answer(running)

    monkeypatch.setattr(actions, "_answer", overtaken)
    assert actions.execute(scenario.pk) is None
    scenario.refresh_from_db()
    assert scenario.status == Scenario.Status.RUNNING and scenario.result is None
    assert finished(scenario) == []

    monkeypatch.setattr(actions, "_answer", real_answer)
    assert actions.execute(scenario.pk).status == Scenario.Status.DONE
    assert actions.execute(scenario.pk) is None  # finished: a third delivery does nothing
    scenario.refresh_from_db()
    assert scenario.status == Scenario.Status.DONE and scenario.result["replications"] == 2
    [event] = finished(scenario)
    assert event.changes["status"] == Scenario.Status.DONE and event.actor is None


# The worker: a lapsed claim is queued again, a live one is left alone ---------------------------


@pytest.mark.django_db(transaction=True)
def test_a_task_left_running_by_a_dead_worker_is_run_by_the_next_worker_once(world, database_tasks):
    scenario = actions.create(
        by=world.manager, name="Left running", parameters=SLOW, replications=2, seed=4
    )
    # What a worker killed mid-task leaves: its claim on the task, the scenario claimed too.
    an_hour_ago = timezone.now() - timedelta(hours=1, seconds=1)
    DBTaskResult.objects.filter(task_path=TASK).update(
        status=TaskResultStatus.RUNNING, started_at=an_hour_ago, worker_ids=["dead-worker"]
    )
    Scenario.objects.filter(pk=scenario.pk).update(
        status=Scenario.Status.RUNNING, started_at=an_hour_ago
    )

    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0")

    task = scenario_task()
    assert task.status == TaskResultStatus.SUCCESSFUL and task.return_value == "done"
    assert task.worker_ids[0] == "dead-worker" and len(task.worker_ids) == 2
    scenario.refresh_from_db()
    assert scenario.status == Scenario.Status.DONE and len(scenario.result["runs"]) == 2
    assert len(finished(scenario)) == 1


@pytest.mark.django_db
def test_a_claim_younger_than_the_lease_is_left_to_its_worker(world, database_tasks):
    actions.create(by=world.manager, name="Running", parameters=SLOW, replications=2, seed=4)
    now = timezone.now()
    DBTaskResult.objects.filter(task_path=TASK).update(
        status=TaskResultStatus.RUNNING, started_at=now - timedelta(minutes=59)
    )
    assert requeue_lapsed_claims(now, lease_seconds=3600) == 0
    assert scenario_task().status == TaskResultStatus.RUNNING
    assert requeue_lapsed_claims(now + timedelta(minutes=2), lease_seconds=3600) == 1
    assert scenario_task().status == TaskResultStatus.READY


# The real thing: SIGKILL a worker process mid-scenario -----------------------------------------


def _database_url() -> str | None:
    """The test database as a URL for another process, or None if it cannot be shared."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = quote(settings["USER"] or "postgres")
        if settings["PASSWORD"]:
            auth += ":" + quote(settings["PASSWORD"])
        host = settings["HOST"] or "127.0.0.1"
        port = settings["PORT"] or "5432"
        return f"postgresql://{auth}@{host}:{port}/{quote(settings['NAME'])}"
    if connection.vendor == "sqlite" and not connection.is_in_memory_db():
        return f"sqlite:///{settings['NAME']}"
    return None


@pytest.fixture
def workers(transactional_db) -> Iterator:
    """Start `continuity worker` processes on the test database; all stopped afterwards."""
    url = _database_url()
    if url is None:
        pytest.skip(
            "the test database is in-memory SQLite, which another process cannot open: this "
            "test runs on PostgreSQL (CI) or a file SQLite database"
        )
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "continuity.config.settings",
        "CONTINUITY_TASKS_BACKEND": "database",
        "CONTINUITY_SIMULATION_WORKERS": "1",  # in the worker's own process: one kill ends it
    }
    started: list[subprocess.Popen] = []

    def start(log: Path) -> subprocess.Popen:
        with log.open("wb") as out:
            process = subprocess.Popen(
                [
                    sys.executable,
                    str(ROOT / "manage.py"),
                    "worker",
                    "--no-reload",
                    "--no-startup-delay",
                    "--interval",
                    "0.1",
                    "--claim-lease",
                    str(LEASE_SECONDS),
                ],
                env=env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, killed as one
            )
        started.append(process)
        return process

    try:
        yield start
    finally:
        for process in started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)


def wait_until(condition, what: str, deadline: float) -> None:
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_a_worker_killed_mid_scenario_loses_nothing_and_duplicates_nothing(
    world, database_tasks, workers, tmp_path
):
    deadline = time.monotonic() + DEADLINE_SECONDS
    scenario = actions.create(
        by=world.manager, name="Killed mid-run", parameters=SLOW, replications=REPLICATIONS, seed=7
    )
    assert scenario_task().status == TaskResultStatus.READY

    first = workers(tmp_path / "first.log")

    def running() -> bool:
        assert first.poll() is None, (tmp_path / "first.log").read_text()
        scenario.refresh_from_db()
        return (
            scenario.status == Scenario.Status.RUNNING
            and scenario_task().status == TaskResultStatus.RUNNING
        )

    wait_until(running, "the first worker to start the scenario", deadline)
    os.killpg(first.pid, signal.SIGKILL)
    assert first.wait(timeout=30) == -signal.SIGKILL

    # Killed mid-task: no answer, and the task still claimed by the dead worker.
    scenario.refresh_from_db()
    assert scenario.status == Scenario.Status.RUNNING and scenario.result is None
    assert scenario_task().status == TaskResultStatus.RUNNING
    assert finished(scenario) == []

    second = workers(tmp_path / "second.log")

    def done() -> bool:
        assert second.poll() is None, (tmp_path / "second.log").read_text()
        scenario.refresh_from_db()
        return scenario.finished and scenario_task().status == TaskResultStatus.SUCCESSFUL

    wait_until(done, "the second worker to finish the scenario", deadline)
    second.send_signal(signal.SIGTERM)  # idle now: it stops at once
    assert second.wait(timeout=30) == 0

    # Exactly once: one scenario with one answer of every replication, one task row claimed by
    # both workers, one completion audit row.
    assert Scenario.objects.count() == 1
    scenario.refresh_from_db()
    assert scenario.status == Scenario.Status.DONE, scenario.error
    assert scenario.result["seeds"] == list(range(7, 7 + REPLICATIONS))
    assert len(scenario.result["runs"]) == REPLICATIONS
    task = scenario_task()
    assert task.return_value == "done" and len(task.worker_ids) == 2
    assert len(set(task.worker_ids)) == 2
    assert len(finished(scenario)) == 1
    assert "requeued 1 task(s) whose claim lapsed" in (tmp_path / "second.log").read_text()
