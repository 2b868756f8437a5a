"""Loading the synthetic trust into the database, and the `demo` command."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from continuity.accounts.models import Role, User
from continuity.assurance.models import MeasureSnapshot
from continuity.core.models import AuditEvent
from continuity.demo.generator import PERSONA_USERNAMES, DemoParams, generate
from continuity.demo.load import DEMO_EDITION, DemoLoadError, flush_demo, load
from continuity.demo.weeks import plan_demo_weeks
from continuity.geography.models import LookupEdition
from continuity.organisations.models import Team, Trust
from continuity.planning.models import Scenario
from continuity.pregnancies.models import Assignment, Contact, Pregnancy, PregnancyTransition
from continuity.visits.models import WeekPlan
from continuity.workforce.models import Midwife

TODAY = date(2025, 6, 18)
PASSWORD = "demo-password-for-tests"

pytestmark = pytest.mark.django_db


@pytest.fixture
def small():
    trust = generate(DemoParams(today=TODAY, births_per_year=300, seed=5))
    report = load(trust, password=PASSWORD)
    return trust, report


def test_counts_match_the_generator(small):
    trust, report = small
    expected = trust.counts()
    assert report.counts == expected
    for label, n in expected.items():
        model = apps.get_model(label)
        if label.startswith("geography."):
            assert model.objects.filter(edition__name=DEMO_EDITION).count() == n, label
        else:
            assert model.objects.count() == n, label
    assert report.seconds >= 0
    assert AuditEvent.objects.filter(action="demo.loaded", object_id=str(report.trust_id)).exists()


def test_personas_have_their_roles(small):
    roles = dict(User.objects.values_list("username", "role"))
    assert roles["midwife"] == Role.MIDWIFE
    assert roles["midwife2"] == Role.MIDWIFE
    assert roles["leader"] == Role.TEAM_LEADER
    assert roles["manager"] == Role.SERVICE_MANAGER
    assert roles["board"] == Role.BOARD
    assert roles["privacy"] == Role.PRIVACY_OFFICER
    assert roles["admin"] == Role.ADMIN
    assert roles["woman"] == Role.WOMAN
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    for username in ("midwife", "woman", "p0003"):
        assert User.objects.get(username=username).check_password(PASSWORD)
    others = User.objects.filter(midwife__isnull=False).exclude(
        username__in=["midwife", "midwife2", "leader"]
    )
    assert others.exists()
    assert set(others.values_list("role", flat=True)) == {Role.MIDWIFE}
    assert all(u.startswith("p") for u in others.values_list("username", flat=True))


def test_woman_persona_is_in_the_midwife_personas_caseload(small):
    woman_user = User.objects.get(username="woman")
    midwife = Midwife.objects.get(user__username="midwife")
    pregnancy = Pregnancy.objects.get(woman__user=woman_user)
    assert pregnancy.status == Pregnancy.Status.ANTENATAL
    current = Assignment.objects.get(pregnancy=pregnancy, ends_at__isnull=True)
    assert current.named_midwife == midwife
    assert current.buddy == midwife.buddy and current.buddy is not None
    assert 26 * 7 <= pregnancy.ga_days(TODAY) <= 34 * 7
    assert midwife.team.local_id == "T01"
    assert Midwife.objects.get(user__username="leader").team == midwife.team


def test_midwife2_is_in_a_different_team(small):
    first = Midwife.objects.get(user__username="midwife")
    second = Midwife.objects.get(user__username="midwife2")
    assert second.team != first.team
    assert second.team.care_model == Team.Model.CONTINUITY


def test_manager_manages_every_team(small):
    manager = User.objects.get(username="manager")
    assert set(manager.managed_teams.all()) == set(Team.objects.all())


def test_status_history_and_lookup_edition(small):
    for p in Pregnancy.objects.all()[:200]:
        history = list(PregnancyTransition.objects.filter(pregnancy=p).order_by("at", "id"))
        assert history[0].from_status == "" and history[-1].to_status == p.status
    edition = LookupEdition.objects.get(name=DEMO_EDITION)
    assert edition.postcode_rows > 0 and edition.lsoa_rows > 0


def test_loading_twice_is_refused_until_flushed(small):
    trust, _ = small
    with pytest.raises(DemoLoadError, match="already exists"):
        load(trust, password=PASSWORD)
    deleted = flush_demo()
    assert deleted["pregnancies.Pregnancy"] == len(trust.pregnancies)
    assert not Trust.objects.exists() and not User.objects.filter(username="midwife").exists()
    load(trust, password=PASSWORD)
    assert Pregnancy.objects.count() == len(trust.pregnancies)


@pytest.mark.usefixtures("small")
def test_ids_continue_after_a_load():
    pregnancy = Pregnancy.objects.order_by("-id").first()
    contact = pregnancy.contacts.create(
        kind="extra", scheduled_start=pregnancy.contacts.first().scheduled_start
    )
    assert contact.pk > 0


def _demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def test_demo_command_prints_counts_and_sign_ins():
    out = _demo(
        "--births",
        "150",
        "--seed",
        "2",
        "--today",
        "2025-06-18",
        "--no-plan",
        "--no-measures",
        "--no-scenarios",
    )
    assert "pregnancies.Pregnancy" in out and "Generated in" in out
    assert "Planned and published" not in out
    for username in PERSONA_USERNAMES:
        assert f"\n{username} " in out
    assert "Team leader" in out
    assert Trust.objects.count() == 1
    # --if-empty: a trust exists, so nothing happens.
    before = Pregnancy.objects.count()
    out = _demo("--births", "150", "--if-empty")
    assert "already exists" in out and Pregnancy.objects.count() == before
    # ...but `make run` still shows every sign-in.
    assert "Demo sign-ins" in out and "\nleader " in out and "\nwoman " in out
    # --flush-demo replaces it.
    out = _demo("--births", "150", "--seed", "3", "--today", "2025-06-18", "--flush-demo")
    assert "Flushed the demo" in out and Trust.objects.count() == 1
    # Without --no-plan each continuity team's week is planned and published.
    continuity_teams = Team.objects.filter(care_model=Team.Model.CONTINUITY).count()
    assert out.count("Week of 2025-06-16, team ") == continuity_teams
    assert "Planned and published the teams' weeks" in out
    assert "Computed the measures for 24 months" in out
    assert MeasureSnapshot.objects.count() == 1
    # The planning pages have answers to show: two scenarios and a search, all finished.
    assert "Ran 3 workforce planning scenarios" in out
    assert list(Scenario.objects.values_list("status", flat=True)) == ["done"] * 3
    # Flushing removes them with the records they came from, even one a board member computed.
    MeasureSnapshot.objects.update(computed_by=User.objects.get(username="board"))
    out = _demo(
        "--births", "150", "--seed", "4", "--today", "2025-06-18", "--flush-demo", "--no-plan"
    )
    assert MeasureSnapshot.objects.count() == 1 and "Flushed the demo" in out
    assert Scenario.objects.count() == 3  # the flushed demo's scenarios went with its users


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--births", "99"), "between 100 and 20,000"),
        (("--births", "20001"), "between 100 and 20,000"),
        (("--births", "many"), "whole number"),
        (("--today", "2025-13-01"), "YYYY-MM-DD"),
        (("--today", "18/06/2025"), "YYYY-MM-DD"),
        (("--seed", "x"), "--seed must be a whole number"),
    ],
)
def test_demo_command_rejects_bad_arguments(args, message):
    with pytest.raises(CommandError, match=message):
        _demo(*args)
    assert not Trust.objects.exists()


@pytest.mark.usefixtures("small")
def test_demo_weeks_are_planned_and_published_for_every_continuity_team():
    weeks = plan_demo_weeks(TODAY, seconds=0.5)
    teams = list(Team.objects.filter(care_model=Team.Model.CONTINUITY))
    mondays = {date(2025, 6, 16), date(2025, 6, 23)}
    assert {(w.team, w.monday) for w in weeks} == {(t.local_id, m) for t in teams for m in mondays}
    for team in teams:
        published = WeekPlan.objects.filter(team=team, status=WeekPlan.Status.PUBLISHED)
        assert {p.week_start for p in published} == mondays
    next_week = [w for w in weeks if w.monday == date(2025, 6, 23)]
    assert sum(w.planned for w in next_week) > 0
    assert all(w.named_or_buddy <= w.planned for w in weeks)
    # Every planned visit is written: booked in the team's week, with its midwife as lead.
    start = datetime(2025, 6, 23, tzinfo=UTC) - timedelta(hours=1)
    end = start + timedelta(days=7, hours=2)
    for plan in WeekPlan.objects.filter(week_start=date(2025, 6, 23), status="published"):
        for item in plan.items:
            if item["midwife"] is None or item["contact"] is None:
                continue
            contact = Contact.objects.get(pk=item["contact"])
            assert start <= contact.scheduled_start <= end
            assert contact.scheduled_start == datetime.fromisoformat(item["start"])
            lead = contact.activities.get(is_lead=True)
            assert lead.midwife.professional_id == item["midwife"]


def test_demo_referrals_concerns_and_feedback_at_realistic_rates(small):
    from continuity.concerns.models import Concern
    from continuity.demo.voice import seed
    from continuity.feedback.models import FeedbackRequest
    from continuity.referrals.models import Referral

    made = seed(TODAY)
    assert made["referrals"] == Referral.objects.count() > 0
    assert made["feedback_requests"] == FeedbackRequest.objects.count() > 0
    assert 0.1 < made["feedback_answers"] / made["feedback_requests"] < 0.45
    persona = User.objects.get(username="woman").woman
    assert Concern.objects.filter(woman=persona).exists()
    assert Referral.objects.filter(pregnancy__woman=persona, status="booked").exists()
    assert FeedbackRequest.objects.filter(pregnancy__woman=persona, answered_at__isnull=True)
    # Active antenatal women with a referral: about one in five.
    active = Pregnancy.objects.filter(status__in=("booked", "antenatal")).count()
    assert 0.1 < made["referrals"] / active < 0.35
