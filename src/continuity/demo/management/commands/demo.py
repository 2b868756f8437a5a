"""`continuity demo --births N --seed S [--today YYYY-MM-DD] [--if-empty] [--flush-demo]
[--no-plan] [--no-measures] [--no-scenarios]`.

After the trust is loaded: referrals, concerns and feedback; each team's week planned; the
measures; the planning scenarios; then the continuity of carer action plan, which starts from the
measures and links a scenario when they are there."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from continuity.accounts.models import Role
from continuity.assurance.compute import refresh as refresh_measures
from continuity.demo.generator import DemoParams, generate, summary
from continuity.demo.governance import seed_governance
from continuity.demo.load import DemoLoadError, flush_demo, load
from continuity.demo.planning import seed_scenarios
from continuity.demo.voice import seed as seed_voice
from continuity.demo.weeks import plan_demo_weeks
from continuity.organisations.models import Trust
from continuity.pregnancies.actions import ActionError

MIN_BIRTHS = 100
MAX_BIRTHS = 20_000


def _births(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise CommandError(f"--births must be a whole number, not {raw!r}") from None
    if not MIN_BIRTHS <= value <= MAX_BIRTHS:
        raise CommandError(
            f"--births must be between {MIN_BIRTHS:,} and {MAX_BIRTHS:,} a year (got {value:,})"
        )
    return value


def _seed(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise CommandError(f"--seed must be a whole number, not {raw!r}") from None


def _today(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise CommandError(f"--today must be a date as YYYY-MM-DD, not {raw!r}") from None


class Command(BaseCommand):
    help = (
        "Generate the synthetic Northbrook trust (seeded) and load it, then list the demo "
        "sign-ins. Use --if-empty to do nothing when a trust already exists."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--births", default="3000", help="births a year (100 to 20,000)")
        parser.add_argument("--seed", default="1", help="random seed (default 1)")
        parser.add_argument("--today", default=None, help="the demo's today, YYYY-MM-DD")
        parser.add_argument(
            "--continuity-teams", default=None, help="number of continuity teams (default: derived)"
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing if any trust already exists"
        )
        parser.add_argument(
            "--flush-demo",
            action="store_true",
            help="first remove the existing demo trust, its women and its users",
        )
        parser.add_argument(
            "--no-measures",
            action="store_true",
            help="do not compute the continuity measures after loading",
        )
        parser.add_argument(
            "--no-scenarios",
            action="store_true",
            help="do not run the demo's workforce planning scenarios after loading",
        )
        parser.add_argument(
            "--no-plan",
            action="store_true",
            help="do not plan and publish each continuity team's week after loading",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        births = _births(str(options["births"]))
        seed = _seed(str(options["seed"]))
        today = _today(options["today"]) if options["today"] else timezone.localdate()
        teams = None
        if options["continuity_teams"] is not None:
            try:
                teams = int(options["continuity_teams"])
            except ValueError:
                raise CommandError("--continuity-teams must be a whole number") from None
            if not 2 <= teams <= 200:
                raise CommandError("--continuity-teams must be between 2 and 200")
        if options["if_empty"] and options["flush_demo"]:
            raise CommandError("Use either --if-empty or --flush-demo, not both")
        password = settings.CONTINUITY["DEMO_PASSWORD"]
        if options["if_empty"] and Trust.objects.exists():
            self.stdout.write("A trust already exists: the demo was not loaded (--if-empty).")
            self._sign_ins(self._existing_personas(), password)
            return

        started = time.perf_counter()
        trust = generate(
            DemoParams(today=today, births_per_year=births, seed=seed, continuity_teams=teams)
        )
        generated = time.perf_counter() - started
        load_started = time.perf_counter()
        try:
            # Flush and load together: a failed load leaves the previous demo in place.
            with transaction.atomic():
                if options["flush_demo"]:
                    started = time.perf_counter()
                    deleted = flush_demo()
                    self.stdout.write(
                        f"Flushed the demo: {sum(deleted.values()):,} rows in "
                        f"{time.perf_counter() - started:.1f} s"
                    )
                report = load(trust, password=password)
        except DemoLoadError as exc:
            raise CommandError(str(exc)) from exc
        loaded = time.perf_counter() - load_started  # includes the commit and its checks

        out = self.stdout
        out.write(f"{trust.name}: {births:,} births a year, seed {seed}, today {today.isoformat()}")
        figures = summary(trust)
        out.write(
            f"  {figures['births_last_year']:,} births in the last year; "
            f"{figures['active_pregnancies']:,} women in care now, "
            f"{figures['active_on_continuity_percent']}% with a continuity team; "
            f"{figures['midwives_in_post']:,} midwives in post ({figures['wte_in_post']} WTE)"
        )
        width = max(len(k) for k in report.counts)
        for label, n in report.counts.items():
            out.write(f"  {label:<{width}}  {n:>9,}")
        out.write(
            f"Generated in {generated:.1f} s, loaded in {loaded:.1f} s including the commit "
            f"(total {generated + loaded:.1f} s)"
        )
        made = seed_voice(today, seed)
        out.write(
            f"  {made['referrals']:,} referrals, {made['concerns']:,} concerns, "
            f"{made['feedback_requests']:,} feedback requests ({made['feedback_answers']:,} "
            "answered)"
        )
        if not options["no_plan"]:
            self._plan_weeks(today)
        if not options["no_measures"]:
            started = time.perf_counter()
            snapshot = refresh_measures(by=None, today=today)
            self.stdout.write(
                f"Computed the measures for {len(snapshot.months)} months in "
                f"{time.perf_counter() - started:.1f} s"
            )
        if not options["no_scenarios"]:
            started = time.perf_counter()
            scenarios = seed_scenarios(today)
            self.stdout.write(
                f"Ran {len(scenarios)} workforce planning scenarios in "
                f"{time.perf_counter() - started:.1f} s"
            )
        self._governance(today, seed)
        rows = [(p.username, str(Role(p.role).label), p.description) for p in trust.personas]
        self._sign_ins(rows, password)

    def _plan_weeks(self, today: date) -> None:
        started = time.perf_counter()
        try:
            weeks = plan_demo_weeks(today)
        except ActionError as exc:  # the demo is loaded; say why its weeks are not planned
            self.stderr.write(f"The demo's weeks were not planned: {exc.message}")
            return
        for w in weeks:
            self.stdout.write(
                f"  Week of {w.monday.isoformat()}, team {w.team}: {w.planned:,} visits planned "
                f"({w.named_or_buddy:,} with the named midwife or buddy), {w.unplanned:,} "
                f"unplanned; published ({w.created:,} booked, {w.moved:,} moved)"
            )
        self.stdout.write(
            f"Planned and published the teams' weeks in {time.perf_counter() - started:.1f} s"
        )

    def _governance(self, today: date, seed: int) -> None:
        started = time.perf_counter()
        try:
            made = seed_governance(today, seed)
        except ActionError as exc:  # the demo is loaded; say why its action plan is not
            self.stderr.write(f"The demo's action plan was not written: {exc.message}")
            return
        self.stdout.write(
            f"  Action plan: {made['aims']} aims, {made['actions']} actions, {made['risks']} "
            f"risks and dependencies, {made['reviews']} reviews signed off and "
            f"{made['drafts']} draft, {made['comments']} comments from the maternity voices "
            f"partnership ({made['awaiting']} awaiting an answer) in "
            f"{time.perf_counter() - started:.1f} s"
        )

    @staticmethod
    def _existing_personas() -> list[tuple[str, str, str]]:
        from continuity.accounts.models import User
        from continuity.demo.generator import PERSONA_USERNAMES

        users = {u.username: u for u in User.objects.filter(username__in=PERSONA_USERNAMES)}
        return [
            (name, str(Role(users[name].role).label), str(users[name]))
            for name in PERSONA_USERNAMES
            if name in users
        ]

    def _sign_ins(self, personas: list[tuple[str, str, str]], password: str) -> None:
        out = self.stdout
        out.write("")
        out.write(f"Demo sign-ins at http://127.0.0.1:8000 (every account's password: {password}):")
        heads = ("Username", "Role", "Who")
        widths = [max(len(h), *(len(r[i]) for r in personas)) for i, h in enumerate(heads)]
        line = "  ".join(f"{{:<{w}}}" for w in widths)
        out.write(line.format(*heads).rstrip())
        out.write(line.format(*("-" * w for w in widths)).rstrip())
        for row in personas:
            out.write(line.format(*row).rstrip())
        out.write("Other midwives sign in as their professional id in lower case (e.g. p0012).")
