"""Two people editing the same record: the first save wins, the second is refused and saves
nothing (optimistic locking, spec trust.md "Data integrity").

For every page form that changes an existing record, two signed-in browsers open the form and
read the hidden `version` from their page; the first saves; the second saves what she typed and
is told, in the NHS.UK error summary of the re-drawn page, that the record changed. The first
person's change is kept and nothing of the second's is stored. The JSON API's `If-Match` does
the same with 412. Every form is listed in FORMS; `test_every_versioned_form_is_covered` fails
when a page gains a `version` field this file does not exercise.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import time, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from continuity.api.tokens import issue
from continuity.concerns import actions as concerns
from continuity.concerns.models import Concern
from continuity.cover import actions as cover
from continuity.plans import actions as plans
from continuity.plans import headings
from continuity.pregnancies.models import (
    CarePlanRecord,
    Contact,
    ContactProfessional,
    PregnancyTransition,
)
from continuity.referrals import actions as referrals
from continuity.referrals.models import Referral
from continuity.visits import actions as visits
from continuity.visits import planning as visit_planning
from continuity.visits.models import WeekPlan
from continuity.workforce.models import RotaEntry

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "continuity" / "templates"
ANTENATAL = headings.ANTENATAL


@dataclass
class Form:
    """One edit form: who the two people are, the record, what each sends, and what is stored."""

    first: str  # world attribute path of the first person's user, e.g. "leader_a.user"
    second: str
    setup: Callable[[Any], Any]  # world -> the record
    url: Callable[[Any, Any], str]  # (world, record) -> the form's address
    sends_first: dict[str, Any]
    sends_second: dict[str, Any]
    stored: Callable[[Any], Any]  # record -> what is stored (compared before and after)
    stale: str  # the message the second person is shown
    second_url: Callable[[Any, Any], str] | None = None  # when she uses another page
    version_after: str = ""  # the version read from the page: the first after this text
    second_version_after: str | None = None  # on her page, when she uses another page
    refused_status: int = 400
    shown_back: list[str] = field(default_factory=list)  # what she typed, kept in the form
    redirects: bool = False  # a one-button form: refused with a message on the next page


def _user(world: Any, path: str) -> Any:
    value = world
    for part in path.split("."):
        value = getattr(value, part)
    return value


# -- the records ---------------------------------------------------------------------------------


def an_open_concern(world: Any) -> Concern:
    return concerns.raise_concern(
        by=world.woman_user,
        woman=world.woman_a,
        pregnancy=world.pregnancy_a,
        summary="Waiting times",
        details="I waited two hours at the clinic.",
        raised_for=Concern.RaisedFor.HERSELF,
    )


def a_leave_request(world: Any) -> RotaEntry:
    first = timezone.localdate() + timedelta(days=10)
    return cover.request_absence(
        by=world.midwife_a.user,
        midwife=world.midwife_a,
        kind=RotaEntry.Kind.LEAVE,
        first_day=first,
        last_day=first + timedelta(days=2),
    )


def a_shift(world: Any) -> RotaEntry:
    day = timezone.localdate() + timedelta(days=3)
    pattern = cover.Pattern(
        kind=RotaEntry.Kind.WORK,
        first_day=day,
        last_day=day,
        weekdays=frozenset(range(7)),
        start=time(8),
        end=time(16),
    )
    [shift] = cover.add_shifts(by=world.leader_a.user, midwife=world.colleague_a, pattern=pattern)
    return shift


def an_accepted_referral(world: Any) -> Referral:
    made = referrals.make_referral(
        by=world.midwife_a.user,
        pregnancy=world.pregnancy_a,
        service=Referral.Service.PERINATAL_MH,
        site_id=world.site.pk,
        urgency=Referral.Urgency.ROUTINE,
        reason="Low mood",
    )
    return referrals.advance(
        by=world.midwife_a.user, referral=made, version=made.version, to=Referral.Status.ACCEPTED
    )


def a_visit(world: Any, hours: int = -1) -> Contact:
    made = Contact.objects.create(
        pregnancy=world.pregnancy_a,
        kind=Contact.Kind.ANTENATAL,
        scheduled_start=timezone.now() + timedelta(hours=hours),
        team=world.team_a,
    )
    for midwife, lead in ((world.midwife_a, True), (world.buddy_a, False)):
        ContactProfessional.objects.create(
            contact=made, midwife=midwife, team=world.team_a, is_lead=lead
        )
    return made


def a_recorded_visit(world: Any) -> Contact:
    made = a_visit(world, hours=-48)
    return visits.record_outcome(
        by=world.midwife_a.user,
        contact=made,
        version=made.version,
        attendance="5",
        attended_by=[world.midwife_a],
        note="",
    )


def a_plan_section(world: Any) -> Any:
    plans.save_headings(
        by=world.woman_user,
        pregnancy=world.pregnancy_a,
        section_key=ANTENATAL,
        texts={"what_matters": "Knowing my midwife"},
        writer=headings.WOMAN,
    )
    return plans.section_for(world.pregnancy_a, ANTENATAL)


def the_pregnancy(world: Any) -> Any:
    return world.pregnancy_a


def a_week_plan(world: Any) -> WeekPlan:
    """A draft plan of team A's next week, as the planner leaves it for review."""
    today = timezone.localdate()
    monday = today + timedelta(days=7 - today.weekday())
    return visit_planning.run_planner(
        by=world.leader_a.user, team=world.team_a, monday=monday, seconds=1
    )


def planner_url(world: Any, plan: WeekPlan) -> str:
    return f"/visits/plan/?team={world.team_a.local_id}&week={plan.week_start.isoformat()}"


# -- what is stored ------------------------------------------------------------------------------


def fresh(record: Any) -> Any:
    return type(record).objects.get(pk=record.pk)


def concern_state(concern: Concern) -> Any:
    c = fresh(concern)
    events = [(e.kind, e.note) for e in c.events.order_by("pk")]
    return (c.version, c.status, c.owner_id, c.theme, c.response, c.we_did, events)


def rota_state(entry: RotaEntry) -> Any:
    e = fresh(entry)
    return (e.version, e.status, e.decision_note, e.voided_at, e.void_reason)


def referral_state(referral: Referral) -> Any:
    r = fresh(referral)
    return (r.version, r.status, [(e.status, e.note) for e in r.events.order_by("pk")])


def place_state(pregnancy: Any) -> Any:
    p = fresh(pregnancy)
    changes = [(c.to_place, c.reason) for c in p.place_changes.order_by("pk")]
    return (p.version, p.planned_place_of_birth, changes)


def visit_state(contact: Contact) -> Any:
    c = fresh(contact)
    return (c.version, c.attendance, c.note, c.voided_at, c.void_reason)


def week_plan_state(plan: WeekPlan) -> Any:
    p = fresh(plan)
    return (p.version, p.status)


def plan_state(section: Any) -> Any:
    s = fresh(section)
    texts = sorted((e.heading, e.text) for e in s.entries.all())
    records = CarePlanRecord.objects.filter(pregnancy=s.pregnancy).count()
    return (s.version, s.status, texts, records)


# -- every edit form -----------------------------------------------------------------------------

FORMS: dict[str, Form] = {
    "concern: owner and theme": Form(
        first="manager",
        second="manager",
        setup=an_open_concern,
        url=lambda w, c: f"/concerns/{c.pk}/",
        sends_first={
            "step": "triage",
            "triage-owner": "{manager}",
            "triage-theme": Concern.Theme.values[0],
        },
        sends_second={
            "step": "triage",
            "triage-owner": "{manager}",
            "triage-theme": Concern.Theme.values[1],
        },
        stored=concern_state,
        stale="This concern has changed since you opened it",
    ),
    "concern: acknowledge": Form(
        first="manager",
        second="manager",
        setup=an_open_concern,
        url=lambda w, c: f"/concerns/{c.pk}/",
        sends_first={"step": "acknowledge", "ack-message": "We are looking into it."},
        sends_second={"step": "acknowledge", "ack-message": "Second reply, never sent."},
        stored=concern_state,
        stale="This concern has changed since you opened it",
    ),
    "concern: respond": Form(
        first="manager",
        second="manager",
        setup=an_open_concern,
        url=lambda w, c: f"/concerns/{c.pk}/",
        sends_first={
            "step": "respond",
            "respond-response": "The clinic has more staff now.",
            "respond-we_did": "More staff on Tuesdays.",
        },
        sends_second={
            "step": "respond",
            "respond-response": "A different answer, never sent.",
            "respond-we_did": "Nothing.",
        },
        stored=concern_state,
        stale="This concern has changed since you opened it",
    ),
    "leave request: decision": Form(
        first="leader_a.user",
        second="manager",
        setup=a_leave_request,
        url=lambda w, e: f"/cover/requests/{e.pk}/",
        sends_first={"decision": "decline", "note": "Too many away that week"},
        sends_second={"decision": "decline", "note": "Second reason, never stored"},
        stored=rota_state,
        stale="This request has changed since you opened it",
    ),
    "shift: remove": Form(
        first="leader_a.user",
        second="manager",
        setup=a_shift,
        url=lambda w, e: f"/cover/shifts/{e.pk}/",
        sends_first={"reason": "Swapped with Bea"},
        sends_second={"reason": "Second reason, never stored"},
        stored=rota_state,
        # A removed shift leaves the rota, so the second finds no shift at that address: a
        # 404, not the "changed since you opened it" page (reported; nothing is stored).
        stale="Page not found",
        refused_status=404,
    ),
    "own leave: cancel": Form(
        first="midwife_a.user",
        second="midwife_a.user",
        setup=a_leave_request,
        url=lambda w, e: "/rota/",
        sends_first={},
        sends_second={},
        stored=rota_state,
        stale="This request has changed since you opened it",
        redirects=True,
    ),
    "plan: her words and her midwife's": Form(
        first="woman_user",
        second="midwife_a.user",
        setup=a_plan_section,
        url=lambda w, s: "/my/plan/",
        second_url=lambda w, s: f"/women/{w.woman_a.ref}/plan/",
        sends_first={"section": ANTENATAL, "what_matters": "Having my partner there"},
        sends_second={
            "action": f"save:{ANTENATAL}",
            "previous_pregnancies": "Never stored: a first baby",
        },
        stored=plan_state,
        stale="This part of the plan changed while you were writing",
        version_after=f'name="section" value="{ANTENATAL}"',
        second_version_after=f'value="save:{ANTENATAL}"',
        shown_back=["Never stored: a first baby"],
    ),
    "plan: two midwives": Form(
        first="midwife_a.user",
        second="buddy_a.user",
        setup=a_plan_section,
        url=lambda w, s: f"/women/{w.woman_a.ref}/plan/",
        sends_first={"action": f"save:{ANTENATAL}", "previous_pregnancies": "A first baby"},
        sends_second={"action": f"save:{ANTENATAL}", "previous_pregnancies": "Never stored"},
        stored=plan_state,
        stale="This part of the plan changed while you were writing",
        version_after=f'value="save:{ANTENATAL}"',
        shown_back=["Never stored"],
    ),
    "plan: agree": Form(
        first="midwife_a.user",
        second="buddy_a.user",
        setup=a_plan_section,
        url=lambda w, s: f"/women/{w.woman_a.ref}/plan/",
        sends_first={"action": f"agree:{ANTENATAL}"},
        sends_second={"action": f"agree:{ANTENATAL}"},
        stored=plan_state,
        stale="This part of the plan has changed. Read it again before agreeing.",
        version_after=f'value="agree:{ANTENATAL}"',
    ),
    "visit: void": Form(
        first="midwife_a.user",
        second="buddy_a.user",
        setup=a_recorded_visit,
        url=lambda w, c: f"/women/{w.woman_a.ref}/void/visit/{c.pk}/",
        sends_first={"reason": "Recorded on the wrong woman"},
        sends_second={"reason": "Second reason, never stored"},
        stored=visit_state,
        stale="This entry was already voided on",
    ),
    "referral: next step": Form(
        first="midwife_a.user",
        second="buddy_a.user",
        setup=an_accepted_referral,
        url=lambda w, r: f"/referrals/{r.pk}/",
        sends_first={
            "to": Referral.Status.BOOKED,
            "appointment_date[day]": "{in_10_days:%d}",
            "appointment_date[month]": "{in_10_days:%m}",
            "appointment_date[year]": "{in_10_days:%Y}",
            "appointment_time": "14:30",
        },
        sends_second={"to": Referral.Status.CANCELLED, "note": "Second note, never stored"},
        stored=referral_state,
        stale="This referral has changed since you opened it",
        shown_back=["Second note, never stored"],
    ),
    "planned place of birth": Form(
        first="midwife_a.user",
        second="buddy_a.user",
        setup=the_pregnancy,
        url=lambda w, p: f"/women/{w.woman_a.ref}/place-of-birth/",
        sends_first={"place": "home", "reason": "She would like a home birth"},
        sends_second={"place": "obstetric_unit", "reason": "Second reason, never stored"},
        stored=place_state,
        stale="Her record has changed since you opened it",
        shown_back=["Second reason, never stored"],
    ),
    "week plan: publish": Form(
        first="leader_a.user",
        second="manager",
        setup=a_week_plan,
        url=planner_url,
        sends_first={"publish": "1", "plan": lambda w, p: str(p.pk)},
        sends_second={"publish": "1", "plan": lambda w, p: str(p.pk)},
        stored=week_plan_state,
        stale="This plan has changed since you opened it",
        version_after='name="plan"',
    ),
    "visit: outcome": Form(
        first="midwife_a.user",
        second="buddy_a.user",
        setup=a_visit,
        url=lambda w, c: f"/visits/{c.pk}/outcome/",
        sends_first={"attendance": "5", "attended_by": "{both}", "note": "All well"},
        sends_second={"attendance": "3", "note": "Second note, never stored"},
        stored=visit_state,
        stale="This visit has changed since you opened it",
        shown_back=["Second note, never stored"],
    ),
}


def _data(world: Any, record: Any, sends: dict[str, Any], version: str) -> dict[str, Any]:
    in_10_days = timezone.localdate() + timedelta(days=10)
    names: dict[str, Any] = {
        "{manager}": str(world.manager.pk),
        "{both}": [world.midwife_a.professional_id, world.buddy_a.professional_id],
        "{in_10_days:%d}": str(in_10_days.day),
        "{in_10_days:%m}": str(in_10_days.month),
        "{in_10_days:%Y}": str(in_10_days.year),
    }
    data = {k: v(world, record) if callable(v) else names.get(v, v) for k, v in sends.items()}
    return {**data, "version": version}


def version_on(page: str, after: str = "") -> str:
    """The hidden version the page gave this person (after `after`, for pages with several)."""
    start = page.index(after) if after else 0
    found = re.search(r'name="version"[^>]*value="(\d+)"', page[start:])
    assert found, "the form has no version"
    return found.group(1)


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", list(FORMS))
def test_the_second_of_two_people_saving_the_same_record_is_refused_and_saves_nothing(world, name):
    form = FORMS[name]
    record = form.setup(world)
    first, second = signed_in(_user(world, form.first)), signed_in(_user(world, form.second))
    first_url = form.url(world, record)
    second_url = (form.second_url or form.url)(world, record)

    # Both open the form and read the version their page gives them.
    first_page, second_page = first.get(first_url), second.get(second_url)
    assert first_page.status_code == 200 and second_page.status_code == 200
    if form.redirects:  # a one-button form on a list: the entry's own version
        first_version = second_version = str(record.version)
        first_url = second_url = f"/rota/time-away/{record.pk}/cancel/"
    else:
        first_version = version_on(first_page.content.decode(), form.version_after)
        second_after = form.second_version_after or form.version_after
        second_version = version_on(second_page.content.decode(), second_after)
    assert first_version == second_version

    # The first saves.
    before = form.stored(record)
    saved = first.post(first_url, _data(world, record, form.sends_first, first_version))
    assert saved.status_code == 302, saved.content.decode()[:3000]
    after_first = form.stored(record)
    assert after_first != before  # her change is stored

    # The second saves on the same version: refused, told why, nothing stored.
    refused = second.post(second_url, _data(world, record, form.sends_second, second_version))
    if form.redirects:
        assert refused.status_code == 302
        page = second.get(refused["Location"]).content.decode()
    else:
        assert refused.status_code == form.refused_status, refused.content.decode()[:3000]
        page = refused.content.decode()
    if form.refused_status == 400 and not form.redirects:
        summary = page[page.index("nhsuk-error-summary") :]  # the NHS.UK error summary
        assert form.stale in summary[: summary.index("</ul>")]
        for typed in form.shown_back:  # what she typed is kept, to copy or send again
            assert typed in page
    assert form.stale in page
    assert form.stored(record) == after_first  # the first person's change, and only hers


def test_every_versioned_form_is_covered():
    """Each template with a hidden `version` field is the page of a form listed above."""
    covered = {
        "concerns/detail.jinja",
        "cover/decide.jinja",
        "cover/shift.jinja",
        "cover/mine.jinja",
        "plans/my_plan.jinja",
        "plans/woman_plan.jinja",
        "pregnancies/void.jinja",
        "referrals/detail.jinja",
        "referrals/place.jinja",
        "visits/outcome.jinja",
        "visits/planner.jinja",
        # The action plan's forms: tests/integration/test_governance_pages.py
        # ::test_two_people_editing_the_plan_the_second_is_refused_and_nothing_is_lost
        "governance/edit_plan.jinja",
        "governance/aim.jinja",
        "governance/action_form.jinja",
        "governance/risk_form.jinja",
        "governance/comment.jinja",
        "governance/review.jinja",
    }
    found = {
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.jinja")
        if re.search(r"name=\"version\"|\.version\.as_hidden", path.read_text())
    }
    assert found == covered, found ^ covered


# -- the JSON API: If-Match ----------------------------------------------------------------------


def test_two_api_writes_with_the_same_if_match_the_second_gets_412_and_changes_nothing(world):
    def system(user: Any) -> Client:
        _token, plain = issue(user=user, name="ward system")
        return Client(HTTP_AUTHORIZATION=f"Bearer {plain}")

    pregnancy = world.pregnancy_a
    first, second = system(world.midwife_a.user), system(world.buddy_a.user)
    url = f"/api/v1/pregnancies/{pregnancy.ref}"
    etag = first.get(url)["ETag"]
    assert second.get(url)["ETag"] == etag  # both read the same version

    moved = first.post(
        f"{url}/transition",
        {"to": "postnatal", "reason": "Born at home"},
        content_type="application/json",
        HTTP_IF_MATCH=etag,
    )
    assert moved.status_code == 200, moved.content
    after_first = (fresh(pregnancy).version, fresh(pregnancy).status)
    transitions = PregnancyTransition.objects.filter(pregnancy=pregnancy).count()

    refused = second.post(
        f"{url}/transition",
        {"to": "ended", "reason": "Never stored"},
        content_type="application/json",
        HTTP_IF_MATCH=etag,
    )
    assert refused.status_code == 412
    body = refused.json()
    assert body["status"] == 412 and body["code"] == "precondition_failed" and body["message"]
    assert (fresh(pregnancy).version, fresh(pregnancy).status) == after_first
    assert PregnancyTransition.objects.filter(pregnancy=pregnancy).count() == transitions
    assert not PregnancyTransition.objects.filter(reason="Never stored").exists()


def test_a_stale_save_names_who_changed_the_record_and_when(world, client_for):
    """The spec's "changed by X at T": the message names the last change from the audit trail."""
    from continuity.concerns import actions as concern_actions
    from continuity.concerns.models import Concern
    from continuity.pregnancies.actions import StaleRecord

    concern = concern_actions.raise_concern(
        by=world.woman_user,
        woman=world.woman_a,
        pregnancy=world.pregnancy_a,
        summary="Parking",
        details="Hard to park.",
        raised_for=Concern.RaisedFor.HERSELF,
    )
    seen = concern.version
    concern_actions.acknowledge(
        by=world.leader_a.user, concern=concern, version=seen, message="Got it"
    )
    with pytest.raises(StaleRecord) as refused:
        concern_actions.acknowledge(by=world.manager, concern=concern, version=seen, message="Hi")
    message = refused.value.message
    assert f"It was changed by {world.leader_a.user}" in message
    assert timezone.localtime().strftime("%-d %B %Y") in message
