"""The demo's workforce planning: two scenarios on the trust's own figures, side by side, and one
"how many teams for 35%?" search, run when the demo loads so the pages have answers to show."""

from __future__ import annotations

from datetime import date

from django.conf import settings

from continuity.accounts.models import Role, User
from continuity.planning import actions, defaults
from continuity.planning.models import Scenario

REPLICATIONS = 20
SOLVE_REPLICATIONS = 10


def seed_scenarios(today: date) -> list[Scenario]:
    planner = User.objects.filter(role=Role.SERVICE_MANAGER).order_by("pk").first()
    if planner is None:
        return []
    base = defaults.trust_defaults(today).values
    made = [
        actions.create(
            by=planner,
            name="Today's teams: each midwife on call for her own women",
            parameters={**base, "policy": "named_on_call"},
            replications=REPLICATIONS,
            seed=1,
            notes="The trust's figures as they are now.",
        ),
        actions.create(
            by=planner,
            name="Today's teams: own midwife by day, team rota at night",
            parameters={**base, "policy": "mix"},
            replications=REPLICATIONS,
            seed=1,
            notes="Would a team rota out of hours protect rest without losing continuity?",
        ),
        actions.create(
            by=planner,
            name="How many teams for 35% of women?",
            parameters={**base, "policy": "named_on_call"},
            replications=SOLVE_REPLICATIONS,
            seed=1,
            kind=Scenario.Kind.SOLVE,
            request={
                "vary": "teams",
                "low": 1,
                "high": max(4, 2 * int(base["teams"])),
                "targets": [
                    {
                        "metric": "pct_on_pathway",
                        "at_least": float(settings.CONTINUITY["TARGET_ON_PATHWAY_PERCENT"]),
                    },
                    {"metric": "pct_known", "at_least": 70.0},
                ],
                "conservative": False,
            },
        ),
    ]
    # Without a worker (the demo's loader), run them here; a worker that later sees them finds
    # them finished and leaves them alone.
    for scenario in made:
        actions.execute(scenario.pk)
    return [Scenario.objects.get(pk=s.pk) for s in made]
