"""A trust's action plan for tests: a champion, an aim with a trajectory, an action, a risk,
and a measures snapshot with months of figures (small counts on purpose, to test rounding)."""

from __future__ import annotations

from datetime import date

from continuity.accounts.models import Role
from continuity.assurance.models import MeasureSnapshot
from continuity.governance import actions
from tests.factories import UserFactory


def counts_row(measure: str, breakdown: str, group: str, num: int, den: int) -> dict:
    return {
        "measure": measure,
        "breakdown": breakdown,
        "group": group,
        "numerator": num,
        "denominator": den,
        "placed": den,
        "dq06": 100.0,
        "dq07": 100.0,
    }


def snapshot(months: dict[str, tuple[int, int]], through: date) -> MeasureSnapshot:
    """A snapshot whose headline measure (all women) has these (numerator, denominator)s, and the
    BAME group 3 of 7 each month (a small count that must never be shown unrounded)."""
    counts = {
        m: [
            counts_row("COC_by_28weeks", "total", "All", n, d),
            counts_row("COC_by_28weeks", "ethnicity_coc", "BAME", 3, 7),
        ]
        for m, (n, d) in months.items()
    }
    return MeasureSnapshot.objects.create(through=through, months=sorted(months), counts=counts)


def plan_for(world, *, today: date = date(2026, 11, 21)):
    champion = UserFactory(username="champion", role=Role.BOARD, display_name="Chris Champion")
    mvp = UserFactory(username="mvp", role=Role.MVP, display_name="Morgan Voices")
    plan = actions.create_plan(
        by=world.manager, trust=world.trust, title="Our continuity plan", champion=champion
    )
    aim = actions.add_aim(
        by=world.manager,
        plan=plan,
        measure="COC_by_28weeks",
        group="total",
        start_month="2026-06",
        start_percent="20",
        target_month="2027-03",
        target_percent="35",
    )
    action = actions.add_action(
        by=world.manager,
        plan=plan,
        title="Recruit six midwives",
        owner="Head of midwifery",
        due_date=date(2026, 10, 31),
        team=world.team_a,
    )
    plan.refresh_from_db()
    return plan, champion, mvp, aim, action


def add_bame_aim(world, plan):
    """A second aim: Black, Asian and minority ethnic women placed by 29 weeks, 50% → 75%."""
    return actions.add_aim(
        by=world.manager,
        plan=plan,
        measure="COC_by_28weeks",
        group="BAME",
        start_month="2026-06",
        start_percent="50",
        target_month="2027-03",
        target_percent="75",
    )
