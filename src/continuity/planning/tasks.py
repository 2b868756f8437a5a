"""Background work for planning: `continuity worker` runs each scenario as it is saved."""

from __future__ import annotations

from django_tasks import task

from continuity.planning import actions


@task()
def run_scenario(scenario_id: int) -> str:
    scenario = actions.execute(scenario_id)
    return scenario.status if scenario is not None else "skipped"
