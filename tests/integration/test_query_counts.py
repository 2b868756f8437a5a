"""No list grows its database queries with the size of what it lists (no N+1).

Each page and endpoint that lists women, visits, concerns, referrals, rota entries or access
events is read three times by a user who may see it: once to warm up (sessions, caches), once with
a small list, and once after several more rows were added in the same scope. The third read must
not cost more queries than the second, and must show the added rows (so the test cannot pass on
an empty or out-of-scope list). Timings are not measured here: see bench/load.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from continuity.assurance import compute
from continuity.concerns import actions as concern_actions
from continuity.concerns.models import Concern
from continuity.core.models import AccessEvent, BreakGlass
from continuity.cover.clock import local_instant, monday_of
from continuity.plans.models import PlanSection
from continuity.pregnancies.models import CarePlanRecord, Contact, ContactProfessional, Pregnancy
from continuity.referrals import actions as referral_actions
from continuity.referrals.models import Referral
from continuity.workforce.models import RotaEntry
from tests.factories import MidwifeFactory, PregnancyFactory, World, assign

pytestmark = pytest.mark.django_db

MORE = 5  # rows added between the small and the larger read


# -- growing a scope ----------------------------------------------------------------------------


def _visit(pregnancy: Pregnancy, midwife, at) -> Contact:
    contact = Contact.objects.create(
        pregnancy=pregnancy, kind=Contact.Kind.ANTENATAL, scheduled_start=at, team=midwife.team
    )
    ContactProfessional.objects.create(contact=contact, midwife=midwife, team=midwife.team)
    return contact


def _team_a_women(world: World, n: int, *, named: bool = True) -> list[Pregnancy]:
    """n women in team A (named midwife A, buddy B unless `named` is off), each with what the
    caseload shows: a coming visit, an antenatal plan on the pathway, plan sections and an open
    referral coordinated by her named midwife."""
    made = []
    today = timezone.localdate()
    for _ in range(n):
        p = PregnancyFactory(booking_site=world.site)
        if not named:
            assign(p, world.team_a)
            made.append(p)
            continue
        assign(p, world.team_a, named=world.midwife_a, buddy=world.buddy_a)
        _visit(p, world.midwife_a, local_instant(today + timedelta(days=3), time(10)))
        CarePlanRecord.objects.create(
            pregnancy=p,
            plan_date=p.booking_date,
            plan_type="05",
            coc_pathway="Y",
            professional=world.midwife_a,
            team=world.team_a,
        )
        for key in ("antenatal", "birth"):
            PlanSection.objects.create(pregnancy=p, key=key)
        referral_actions.make_referral(
            by=world.midwife_a.user,
            pregnancy=p,
            service=Referral.Service.PERINATAL_MH,
            site_id=world.site.pk,
            urgency=Referral.Urgency.ROUTINE,
            reason="Support with low mood.",
        )
        made.append(p)
    return made


def _visits_today(world: World, n: int) -> None:
    """n more women in midwife A's caseload, each with a visit by her today."""
    today = timezone.localdate()
    for k, p in enumerate(_team_a_women(world, n)):
        _visit(p, world.midwife_a, local_instant(today, time(9 + k % 8, 15)))


def _visits_this_week(world: World, n: int) -> None:
    """n more women in team A, each with a visit this week (Monday to Friday)."""
    monday = monday_of(timezone.localdate())
    for k, p in enumerate(_team_a_women(world, n)):
        _visit(p, world.midwife_a, local_instant(monday + timedelta(days=k % 5), time(11)))


def _waiting(world: World, n: int) -> None:
    """n more women booked into team A, waiting for a named midwife."""
    _team_a_women(world, n, named=False)


def _shifts(world: World, n: int) -> None:
    """n more days of rota this week and next for each midwife of team A (a day shift, a team
    on-call night, or annual leave, in turn), and n more women."""
    start = monday_of(timezone.localdate())
    first = RotaEntry.objects.filter(midwife__team=world.team_a).count() // 4
    kinds = (RotaEntry.Kind.WORK, RotaEntry.Kind.ON_CALL_TEAM, RotaEntry.Kind.LEAVE)
    for midwife in (world.midwife_a, world.buddy_a, world.colleague_a, world.leader_a):
        for k in range(first, first + n):
            day = start + timedelta(days=k)
            kind = kinds[k % len(kinds)]
            hours = (time(9), time(17)) if kind == RotaEntry.Kind.WORK else (time(8), time(20))
            RotaEntry.objects.create(
                midwife=midwife,
                kind=kind,
                starts_at=local_instant(day, hours[0]),
                ends_at=local_instant(day, hours[1]),
                status=RotaEntry.Status.APPROVED,
            )
    _team_a_women(world, n)


def _audit_events(world: World, n: int) -> None:
    """n more audited actions, each by a different person (a referral by each of n midwives)."""
    for p in _team_a_women(world, n, named=False):
        midwife = MidwifeFactory(team=world.team_a)
        referral_actions.make_referral(
            by=midwife.user,
            pregnancy=p,
            service=Referral.Service.PERINATAL_MH,
            site_id=world.site.pk,
            urgency=Referral.Urgency.ROUTINE,
            reason="Support with low mood.",
        )


def _concerns(world: World, n: int) -> None:
    """n more women in team A, each with a concern raised for her by staff."""
    for p in _team_a_women(world, n):
        concern_actions.raise_concern(
            by=world.midwife_a.user,
            woman=p.woman,
            pregnancy=p,
            summary="Visits keep moving",
            details="Three times this month.",
            raised_for=Concern.RaisedFor.STAFF,
        )


def _more_contacts(world: World, n: int) -> None:
    """n more coming visits for woman A (from tomorrow, so they are all still to come)."""
    today = timezone.localdate()
    for k in range(n):
        _visit(
            world.pregnancy_a,
            world.midwife_a,
            local_instant(today + timedelta(days=k + 1), time(14)),
        )


def _denied(world: World, n: int) -> None:
    """n denied attempts and n emergency accesses waiting for review, for the privacy officer."""
    for p in _team_a_women(world, n):
        AccessEvent.objects.create(
            user=world.midwife_b.user,
            role="midwife",
            woman=p.woman,
            action=AccessEvent.Action.VIEW,
            outcome=AccessEvent.Outcome.DENIED,
        )
        BreakGlass.objects.create(
            user=world.midwife_b.user,
            woman=p.woman,
            reason="Called by triage at night.",
            expires_at=timezone.now() + timedelta(hours=1),
        )


def _her_access(world: World, n: int) -> None:
    """n more looks at woman A's record by her named midwife."""
    for _ in range(n):
        AccessEvent.objects.create(
            user=world.midwife_a.user,
            role="midwife",
            woman=world.woman_a,
            action=AccessEvent.Action.VIEW,
            outcome=AccessEvent.Outcome.ALLOWED,
            basis="named_midwife",
        )


def _measured(world: World, n: int) -> None:
    """2n more women who reached 29 weeks last month (on the pathway), then the measures again.
    Twice n, so the board's counts (rounded to 5) visibly grow too."""
    today = timezone.localdate()
    reached = today.replace(day=1) - timedelta(days=15)
    for _ in range(2 * n):
        booking = reached - timedelta(days=203 - 70)
        p = PregnancyFactory(
            booking_site=world.site,
            booking_date=booking,
            ga_at_booking_days=70,
            edd=booking + timedelta(days=210),
        )
        assign(p, world.team_a, named=world.midwife_a, buddy=world.buddy_a)
        CarePlanRecord.objects.create(
            pregnancy=p,
            plan_date=booking + timedelta(days=14),
            plan_type="05",
            coc_pathway="Y",
            professional=world.midwife_a,
            team=world.team_a,
        )
    compute.refresh(by=None, today=today)


# -- what the page shows ------------------------------------------------------------------------


def _count(pattern: str) -> Callable[[str], int]:
    """The number of distinct matches of `pattern` in the body."""
    compiled = re.compile(pattern)
    return lambda body: len(set(compiled.findall(body)))


WOMEN = _count(r'href="/women/([0-9a-f-]{36})/"')


def _json_count(body: str) -> int:
    data = json.loads(body)
    return int(data["count"]) if "count" in data else int(data["total"])


def _text(body: str) -> str:
    """The page's main content as plain text, whitespace collapsed."""
    main = body[body.find("<main") : body.find("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def _largest(pattern: str) -> Callable[[str], int]:
    """The largest number the pattern's group matches in the page's text (0 if none)."""
    compiled = re.compile(pattern)
    return lambda body: max((int(n) for n in compiled.findall(_text(body))), default=0)


OF_WOMEN = _largest(r"of (\d+) women")  # "5 of 10 women": a measure's denominator


# -- the cases ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    who: str  # a World attribute: a Midwife (signs in as its user) or a User
    url: Callable[[World], str]
    grow: Callable[[World, int], None]
    seen: Callable[[str], int]  # how many of the listed things the body shows


CASES = {
    "my caseload": Case("midwife_a", lambda w: "/caseload/", _team_a_women, WOMEN),
    "my caseload as buddy": Case("buddy_a", lambda w: "/caseload/?as=buddy", _team_a_women, WOMEN),
    "today": Case("midwife_a", lambda w: "/visits/today/", _visits_today, WOMEN),
    "teams": Case(
        "leader_a", lambda w: "/teams/", _team_a_women, _largest(r"Riverside \D+ \d+ (\d+)")
    ),
    "team caseload": Case("leader_a", lambda w: f"/teams/{w.team_a.pk}/", _team_a_women, WOMEN),
    "allocation queue": Case(
        "leader_a",
        lambda w: "/allocation/",
        _waiting,
        _count(r'href="/allocation/women/([0-9a-f-]{36})/'),
    ),
    "allocation capacity": Case(
        "leader_a", lambda w: "/allocation/capacity/", _team_a_women, _largest(r"Team – (\d+)")
    ),
    "cover calendar (week)": Case(
        "leader_a",
        lambda w: "/cover/",
        _shifts,
        _count(r'href="/cover/shifts/(\d+)/"'),
    ),
    "cover calendar (month)": Case(
        "leader_a",
        lambda w: f"/cover/?view=month&date={monday_of(timezone.localdate()).isoformat()}",
        _shifts,
        _largest(r"(\d+) women"),
    ),
    "week planner": Case(
        "leader_a", lambda w: "/visits/plan/", _visits_this_week, _count(r"Given(\d+) Family")
    ),
    "concerns list": Case(
        "leader_a", lambda w: "/concerns/", _concerns, _count(r'href="/concerns/(\d+)/"')
    ),
    "referrals list": Case(
        "midwife_a", lambda w: "/referrals/", _team_a_women, _count(r'href="/referrals/(\d+)/"')
    ),
    "service overview": Case("board", lambda w: "/overview/", _team_a_women, OF_WOMEN),
    "measures": Case("leader_a", lambda w: "/measures/", _measured, OF_WOMEN),
    "board report": Case("board", lambda w: "/measures/board-report/", _measured, OF_WOMEN),
    "access review": Case(
        "privacy", lambda w: "/access-review/", _denied, _count(r'href="/access-review/(\d+)/"')
    ),
    "her access history": Case(
        "woman_user", lambda w: "/my/access/", _her_access, lambda b: b.count("<tr")
    ),
    "her visits": Case(
        "woman_user", lambda w: "/my/visits/", _more_contacts, _count(r"/my/visits/(\d+)/move/")
    ),
    "api women": Case("midwife_a", lambda w: "/api/v1/women", _team_a_women, _json_count),
    "api pregnancies": Case(
        "midwife_a", lambda w: "/api/v1/pregnancies", _team_a_women, _json_count
    ),
    "api contacts": Case(
        "midwife_a",
        lambda w: f"/api/v1/pregnancies/{w.pregnancy_a.ref}/contacts",
        _more_contacts,
        _json_count,
    ),
    "api referrals": Case("midwife_a", lambda w: "/api/v1/referrals", _team_a_women, _json_count),
    "api concerns": Case("leader_a", lambda w: "/api/v1/concerns", _concerns, _json_count),
    "api rota": Case("leader_a", lambda w: "/api/v1/rota", _shifts, _json_count),
    "fhir Patient": Case("midwife_a", lambda w: "/fhir/R4/Patient", _team_a_women, _json_count),
    "fhir EpisodeOfCare": Case(
        "midwife_a", lambda w: "/fhir/R4/EpisodeOfCare", _team_a_women, _json_count
    ),
    "fhir Appointment": Case(
        "midwife_a", lambda w: "/fhir/R4/Appointment", _more_contacts, _json_count
    ),
    "fhir ServiceRequest": Case(
        "midwife_a", lambda w: "/fhir/R4/ServiceRequest", _team_a_women, _json_count
    ),
    "admin pregnancies": Case(
        "admin",
        lambda w: "/django-admin/pregnancies/pregnancy/",
        _team_a_women,
        _count(r'href="/django-admin/pregnancies/pregnancy/(\d+)/change/'),
    ),
    "admin audit events": Case(
        "admin",
        lambda w: "/django-admin/core/auditevent/",
        _audit_events,
        _count(r'href="/django-admin/core/auditevent/(\d+)/change/'),
    ),
    "admin access events": Case(
        "admin",
        lambda w: "/django-admin/core/accessevent/",
        _her_access,
        _count(r'href="/django-admin/core/accessevent/(\d+)/change/'),
    ),
    "admin rota entries": Case(
        "admin",
        lambda w: "/django-admin/workforce/rotaentry/",
        _shifts,
        _count(r'href="/django-admin/workforce/rotaentry/(\d+)/change/'),
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_the_list_costs_the_same_queries_however_long_it_is(world, client_for, name):
    case = CASES[name]
    who = getattr(world, case.who)
    client = client_for(getattr(who, "user", who))
    case.grow(world, 1)  # never measure an empty list: some pages skip work when nothing is due
    url = case.url(world)

    def read() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        return len(captured), case.seen(response.content.decode())

    read()  # warm up: session, content types, the first access events
    few, shown_few = read()
    case.grow(world, MORE)
    read()  # warm up again: a process loads a new measures snapshot once, then only checks it
    many, shown_many = read()
    assert shown_many > shown_few, f"{name}: the page did not show the added rows"
    assert many <= few, f"{name}: {few} queries for the short list, {many} for the longer one"
