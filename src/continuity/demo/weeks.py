"""Plan and publish each continuity team's week in the demo, as its service manager would.

The generator books visits at plausible times but not with travel or the women's preferred
times in mind. Running the week planner over this week and next, and publishing, gives every
team a week that looks like the product's own work: visits in route order on "Today", the
planner showing a published plan, and the women's "My visits" at the planned times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from continuity.accounts.models import Role, User
from continuity.cover.clock import local_instant
from continuity.organisations.models import Team
from continuity.visits import planning

DEMO_PLANNER_SECONDS = 2.0


@dataclass(frozen=True)
class PlannedWeek:
    team: str
    monday: date
    planned: int
    named_or_buddy: int
    unplanned: int
    created: int
    moved: int


def demo_now(today: date) -> datetime:
    """The demo's present: the real time when the demo's today is today, else 08:00 that day."""
    if today == timezone.localdate():
        return timezone.now()
    return local_instant(today, time(8))


def plan_demo_weeks(
    today: date, *, seconds: float = DEMO_PLANNER_SECONDS, weeks: int = 2
) -> list[PlannedWeek]:
    """Plan and publish this week and the next `weeks - 1` for every continuity team."""
    by = (
        User.objects.filter(role=Role.SERVICE_MANAGER, is_active=True).order_by("pk").first()
        or User.objects.filter(role=Role.TEAM_LEADER, is_active=True).order_by("pk").first()
    )
    if by is None:
        return []
    now = demo_now(today)
    first = today - timedelta(days=today.weekday())
    done: list[PlannedWeek] = []
    teams = Team.objects.filter(care_model=Team.Model.CONTINUITY).order_by("local_id")
    for team in teams:
        for k in range(weeks):
            monday = first + timedelta(days=7 * k)
            draft = planning.run_planner(by=by, team=team, monday=monday, now=now, seconds=seconds)
            published = planning.publish(by=by, plan=draft, version=draft.version)
            counts = draft.summary.get("counts", {})
            done.append(
                PlannedWeek(
                    team=team.local_id,
                    monday=monday,
                    planned=int(counts.get("planned", 0)),
                    named_or_buddy=int(counts.get("named", 0)) + int(counts.get("buddy", 0)),
                    unplanned=int(counts.get("unplanned", 0)),
                    created=published.created,
                    moved=published.moved,
                )
            )
    return done
