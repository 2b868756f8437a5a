"""The bad-input sweep's shared parts (issue 10): hostile text, a scene of records holding it,
every page and who may open it, and a reader for a page's forms.

Script payloads and spreadsheet formulas are stored through the real actions into the free-text
fields that are shown back (`build_scene`), then every output (pages, CSV, PDF, JSON) is
checked. `MARK` is a string no page says by itself, so a test can find where a payload landed.
Every payload fits the shortest free-text limit (the 100-character name fields).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

# Classic script payloads: element injection, attribute breaking, URL schemes, template syntax.
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
JAVASCRIPT_URL = "javascript:alert(1)"
SVG = "<svg onload=alert(1)>"
TEMPLATE = "{{7*7}}"
POLYGLOT = "'';!--\"<XSS>=&{()}"
ATTRIBUTE_DOUBLE = '" onmouseover="alert(1)" x="'
ATTRIBUTE_SINGLE = "' onfocus='alert(1)' autofocus x='"
SETS_FLAG = "<img src=x onerror=window.__xss=1>"
IFRAME = '<iframe src="javascript:window.__xss=1"></iframe>'
STYLE_CLOSE = "</style></title></textarea><script>window.__xss=1</script>"

XSS: tuple[str, ...] = (
    SCRIPT,
    IMG,
    JAVASCRIPT_URL,
    SVG,
    TEMPLATE,
    POLYGLOT,
    ATTRIBUTE_DOUBLE,
    ATTRIBUTE_SINGLE,
    SETS_FLAG,
    IFRAME,
    STYLE_CLOSE,
)

# Cells a spreadsheet would run as a formula (the `= + - @` starts, and tab and CR in front).
FORMULAS: tuple[str, ...] = (
    "=1+1",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1)",
    "\t=1+1",
    "\r=1+1",
    '=HYPERLINK("http://127.0.0.1/","x")',
)

MARK = "XSSMARK"


def marked(payload: str, n: int | str = "") -> str:
    """The payload with a marker in front, so a test can find it and tell payloads apart."""
    return f"{MARK}{n} {payload}"


# -- Storing text through the real actions -------------------------------------------------------


class PlainTexts:
    """Ordinary words for every free-text field (the form fuzz needs the records, not payloads)."""

    def __init__(self) -> None:
        self.stored: dict[str, str] = {}

    def __call__(self, key: str, limit: int) -> str:
        text = f"Plain words for {key}"[:limit]
        self.stored[key] = text
        return text


class XssTexts(PlainTexts):
    """A different script payload in each field, numbered, so every payload lands somewhere and
    a test can find each field's text again. Fields of 500 characters or more get all of them."""

    def __call__(self, key: str, limit: int) -> str:
        n = len(self.stored)
        text = marked("\n".join(XSS), n) if limit >= 500 else marked(XSS[n % len(XSS)], n)
        assert len(text) <= limit, (key, len(text), limit)
        self.stored[key] = text
        return text


@dataclass
class Scene:
    """The records that every page with a form needs, each holding text from `texts`."""

    texts: PlainTexts
    queued: Any  # a pregnancy booked into team A, waiting for allocation
    concern: Any  # open, raised by her
    answered: Any  # triaged, acknowledged and answered
    grant: Any  # emergency access by mw_b, not yet reviewed
    absence: Any  # mw_a's leave request, waiting for the leader
    call_out: Any  # mw_a's call-out last night
    shift: Any  # a shift of mw_colleague's next week
    feedback: Any  # a feedback request she has not answered yet
    scenario: Any  # a finished workforce scenario
    referral: Any  # accepted, with a note
    visit: Any  # tomorrow's visit with mw_a, which she asked to move
    past_visit: Any  # this morning's visit with mw_a, not yet recorded
    retention: Any  # a record flagged for the privacy officer's retention review
    # The same kinds of record in their other states, whose pages show other fields.
    declined: Any = None  # a booking declined with a reason
    refused: Any = None  # a study day declined with a reason
    decided: Any = None  # a retention review decided with a note
    plan_aim: Any = None  # the action plan's aim, action, risk and an MVP comment (answered)
    plan_action: Any = None
    plan_risk: Any = None
    plan_comment: Any = None
    plan_month: str = ""  # a month whose review the champion signed off
    scenarios: list[Any] = field(default_factory=list)  # formula-named, for the CSV checks
    formula_women: list[Any] = field(default_factory=list)  # formula-named, likewise


def book(world: Any, given: str, family: str, seed: int) -> Any:
    """Book a new woman into team A's queue through the booking action."""
    from datetime import timedelta

    from django.utils import timezone

    from continuity.core.identifiers import synthetic_nhs_number
    from continuity.pregnancies import actions
    from continuity.pregnancies.models import Woman

    rng = random.Random(seed)
    number = synthetic_nhs_number(rng)
    while Woman.objects.filter(nhs_number=number).exists():
        number = synthetic_nhs_number(rng)
    today = timezone.localdate()
    return actions.book_pregnancy(
        by=world.midwife_a.user,
        booking=actions.Booking(
            nhs_number=number,
            given_name=given,
            family_name=family,
            date_of_birth=date(1994, 5, 17),
            postcode="NB1 2AB",
            ethnic_category="A",
            preferred_language="en",
            interpreter_needed=False,
            booking_date=today,
            edd=today + timedelta(days=196),
            previous_live_births=0,
            risk="low",
            hospital_of_choice=world.site,
        ),
        team=world.team_a,
    )


def scenario(world: Any, name: str, notes: str = "") -> Any:
    """A workforce scenario, saved by the action and run at once (one simulated year)."""
    from django.utils import timezone

    from continuity.planning import actions, defaults

    parameters = defaults.trust_defaults(timezone.localdate()).values
    parameters.update(teams=1, midwives_per_team=2, births_per_year=60)
    created = actions.create(
        by=world.manager, name=name, parameters=parameters, replications=1, seed=1, notes=notes
    )
    created.refresh_from_db()
    return created


def build_scene(world: Any, texts: PlainTexts) -> Scene:
    """Every record a page shows free text from, each written through its action with `texts`.

    Her name and address, the organisation's names and a midwife's display name have no action
    (they come from the booking import, the demo loader or the admin site), so they are saved on
    the rows directly; so are the two old records whose care ended 26 years ago.
    """
    from datetime import time, timedelta

    from django.utils import timezone

    from continuity.allocation import actions as allocation
    from continuity.allocation.models import AllocationDecision
    from continuity.concerns import actions as concerns
    from continuity.concerns.models import Concern
    from continuity.core import breakglass, retention
    from continuity.core.models import RetentionReview
    from continuity.cover import actions as cover
    from continuity.feedback import actions as feedback
    from continuity.plans import actions as plans
    from continuity.plans import headings
    from continuity.pregnancies import actions as pregnancy_actions
    from continuity.pregnancies.models import Contact, ContactProfessional
    from continuity.referrals import actions as referrals
    from continuity.referrals.models import Referral
    from continuity.visits import actions as visits
    from continuity.workforce.models import RotaEntry
    from tests import factories

    today = timezone.localdate()
    now = timezone.now()
    woman, pregnancy = world.woman_a, world.pregnancy_a
    woman.given_name = texts("woman.given_name", 100)
    woman.family_name = texts("woman.family_name", 100)
    woman.address_line_1 = texts("woman.address_line_1", 200)
    woman.address_line_2 = texts("woman.address_line_2", 200)
    woman.town = texts("woman.town", 100)
    woman.phone, woman.preferred_channel = "07700 900123", "sms"
    woman.save()
    world.trust.name = texts("trust.name", 100)
    world.trust.save()
    world.team_a.name = texts("team.name", 100)
    world.team_a.save()
    colleague = world.colleague_a.user
    colleague.display_name = texts("midwife.display_name", 100)
    colleague.save()

    # Two bookings: one waits in the queue, one is declined with a reason.
    queued = book(world, texts("queued.given_name", 100), texts("queued.family_name", 100), 1)
    declined = book(world, texts("declined.given_name", 100), "Declined", 2)
    allocation.decline(
        by=world.leader_a.user,
        pregnancy=declined,
        kind=AllocationDecision.Kind.DECLINED,
        reason=texts("allocation.reason", 500),
    )

    # Her plan: her words and the midwife's in every section, and a discussion.
    for section in headings.SECTIONS:
        for writer, by in (
            (headings.WOMAN, world.woman_user),
            (headings.MIDWIFE, world.midwife_a.user),
        ):
            keys = [h.key for h in headings.writable_by(section.key, writer)]
            plans.save_headings(
                by=by,
                pregnancy=pregnancy,
                section_key=section.key,
                texts={k: texts(f"plan.{section.key}.{k}", headings.MAX_TEXT) for k in keys},
                writer=writer,
            )
    plans.record_discussion(
        by=world.midwife_a.user,
        section=plans.section_for(pregnancy, headings.ANTENATAL),
        note=texts("plan.discussion", headings.MAX_TEXT),
    )

    # Concerns: one open, one answered all the way.
    raised = {"by": world.woman_user, "woman": woman, "pregnancy": pregnancy}
    concern = concerns.raise_concern(
        **raised,
        summary=texts("concern.summary", 120),
        details=texts("concern.details", 4000),
        raised_for=Concern.RaisedFor.HERSELF,
    )
    answered = concerns.raise_concern(
        **raised,
        summary=texts("answered.summary", 120),
        details=texts("answered.details", 4000),
        raised_for=Concern.RaisedFor.HERSELF,
    )
    answered = concerns.triage(
        by=world.manager,
        concern=answered,
        version=answered.version,
        owner=world.manager,
        theme=Concern.Theme.values[0],
    )
    answered = concerns.acknowledge(
        by=world.manager,
        concern=answered,
        version=answered.version,
        message=texts("concern.acknowledgement", 4000),
    )
    answered = concerns.respond(
        by=world.manager,
        concern=answered,
        version=answered.version,
        response=texts("concern.response", 4000),
        we_did=texts("concern.we_did", 4000),
    )

    # A referral, accepted with a note, and a change of her planned place of birth.
    referral = referrals.make_referral(
        by=world.midwife_a.user,
        pregnancy=pregnancy,
        service=Referral.Service.PERINATAL_MH,
        site_id=world.site.pk,
        urgency=Referral.Urgency.ROUTINE,
        reason=texts("referral.reason", 2000),
    )
    referral = referrals.advance(
        by=world.midwife_a.user,
        referral=referral,
        version=referral.version,
        to=Referral.Status.ACCEPTED,
        note=texts("referral.note", 2000),
    )
    pregnancy.refresh_from_db()
    referrals.change_place_of_birth(
        by=world.midwife_a.user,
        pregnancy=pregnancy,
        version=pregnancy.version,
        place="home",
        reason=texts("place_of_birth.reason", 500),
    )

    # Visits: one recorded with a note, one she asked to move, one waiting to be recorded.
    def contact(at: Any) -> Any:
        made = Contact.objects.create(
            pregnancy=pregnancy,
            kind=Contact.Kind.ANTENATAL,
            scheduled_start=at,
            team=world.team_a,
        )
        ContactProfessional.objects.create(
            contact=made, midwife=world.midwife_a, team=world.team_a, is_lead=True
        )
        return made

    seen = contact(now - timedelta(days=2))
    visits.record_outcome(
        by=world.midwife_a.user,
        contact=seen,
        version=seen.version,
        attendance="5",
        attended_by=[world.midwife_a],
        note=texts("visit.note", 500),
    )
    visit = contact(now + timedelta(days=1))
    visits.ask_to_move(
        by=world.woman_user, contact=visit, better_times=texts("visit.better_times", 300)
    )
    past_visit = contact(now - timedelta(hours=1))

    # Feedback: one answered with comments, one waiting for her answer.
    answer = feedback.request_feedback(pregnancy=pregnancy, touchpoint="antenatal")
    feedback.answer(
        request=answer,
        answers=feedback.Answers(
            rating=1,
            what_was_good=texts("feedback.what_was_good", 2000),
            could_be_better=texts("feedback.could_be_better", 2000),
        ),
    )
    waiting = feedback.request_feedback(pregnancy=pregnancy, touchpoint="birth")

    # The rota: leave asked for, leave declined, a call-out, shifts (one removed).
    mw_a = world.midwife_a
    first = today + timedelta(days=10)
    absence = cover.request_absence(
        by=mw_a.user,
        midwife=mw_a,
        kind=RotaEntry.Kind.LEAVE,
        first_day=first,
        last_day=first + timedelta(days=2),
        note=texts("leave.note", 500),
    )
    refused = cover.request_absence(
        by=mw_a.user,
        midwife=mw_a,
        kind=RotaEntry.Kind.STUDY,
        first_day=first + timedelta(days=20),
        last_day=first + timedelta(days=20),
        note=texts("study.note", 500),
    )
    cover.decline_leave(
        by=world.leader_a.user,
        entry=refused,
        version=refused.version,
        reason=texts("leave.decline_reason", 500),
    )
    call_out = cover.record_call_out(
        by=mw_a.user,
        midwife=mw_a,
        day=today - timedelta(days=1),
        start=time(22),
        end=time(2),
        note=texts("call_out.note", 500),
    )
    week = cover.Pattern(
        kind=RotaEntry.Kind.WORK,
        first_day=today + timedelta(days=3),
        last_day=today + timedelta(days=4),
        weekdays=frozenset(range(7)),
        start=time(8),
        end=time(16),
    )
    shifts = cover.add_shifts(
        by=world.leader_a.user,
        midwife=world.colleague_a,
        pattern=week,
        note=texts("shift.note", 500),
    )
    cover.remove_shift(
        by=world.leader_a.user,
        entry=shifts[1],
        version=shifts[1].version,
        reason=texts("shift.removal_reason", 500),
    )

    # Emergency access by a midwife with no relationship to her.
    grant = breakglass.open_access(
        by=world.midwife_b.user,
        nhs_number=woman.nhs_number,
        reason=texts("break_glass.reason", 500),
    )

    # A visit entered in error, voided with a reason (it stays on her page, marked).
    mistake = contact(now - timedelta(days=3))
    pregnancy_actions.void_entry(
        by=world.midwife_a.user,
        entry=mistake,
        version=mistake.version,
        reason=texts("void.reason", 500),
    )

    # Two records whose care ended 26 years ago, flagged for review; one decided with a note.
    for n in range(2):
        ended = factories.WomanFactory(given_name=texts(f"retention.given_name.{n}", 100))
        factories.PregnancyFactory(
            woman=ended,
            booking_site=world.site,
            booking_date=date(2000, 1, 1) + timedelta(n),
            edd=date(2000, 8, 1),
            status="discharged",
            discharge_date=date(2000, 9, 1),
        )
    retention.flag_due(today)
    decided, review = RetentionReview.objects.order_by("pk")
    retention.decide(
        by=world.privacy,
        review=decided,
        decision=RetentionReview.Decision.DISPOSAL,
        note=texts("retention.note", 500),
        keep_until=None,
    )

    made = scenario(world, texts("scenario.name", 100), texts("scenario.notes", 1000))
    plan = governance_plan(world, texts, made)
    return Scene(
        texts=texts,
        queued=queued,
        concern=concern,
        answered=answered,
        grant=grant,
        absence=absence,
        call_out=call_out,
        shift=shifts[0],
        feedback=waiting,
        scenario=made,
        referral=referral,
        visit=visit,
        past_visit=past_visit,
        retention=review,
        declined=declined,
        refused=refused,
        decided=decided,
        **plan,
    )


def governance_plan(world: Any, texts: PlainTexts, scenario_: Any) -> dict[str, Any]:
    """The trust's action plan with text in every free-text field: the board user is its
    champion and has signed off last month's review; an MVP member commented and was answered."""
    from continuity.accounts.models import Role
    from continuity.governance import actions as plan_actions
    from continuity.governance import figures
    from tests import factories

    today = date.today()
    last = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    mvp = factories.UserFactory(username="mvp", role=Role.MVP)
    plan = plan_actions.create_plan(
        by=world.manager,
        trust=world.trust,
        title=texts("plan.title", 200),
        summary=texts("plan.summary", 2000),
        champion=world.board,
    )
    aim = plan_actions.add_aim(
        by=world.manager,
        plan=plan,
        measure="COC_by_28weeks",
        group="total",
        start_month=f"{last:%Y-%m}",
        start_percent="20",
        target_month=f"{today.year + 1}-{today.month:02d}",
        target_percent="35",
    )
    action = plan_actions.add_action(
        by=world.manager,
        plan=plan,
        title=texts("plan_action.title", 200),
        detail=texts("plan_action.detail", 2000),
        owner=texts("plan_action.owner", 150),
        due_date=last,
        team=world.team_a,
    )
    action = plan_actions.update_action(
        by=world.manager,
        action=action,
        version=action.version,
        title=action.title,
        detail=action.detail,
        owner=action.owner,
        due_date=action.due_date,
        status="in_progress",
        evidence=texts("plan_action.evidence", 2000),
        team=world.team_a,
    )
    risk = plan_actions.add_risk(
        by=world.manager,
        plan=plan,
        kind="dependency",
        description=texts("plan_risk.description", 300),
        mitigation=texts("plan_risk.mitigation", 2000),
        owner=texts("plan_risk.owner", 150),
        rating="high",
        midwives_needed=6,
        scenario=scenario_,
    )
    review = plan_actions.sign_off(
        by=world.board,
        plan=plan,
        month=last,
        version=0,
        comments=texts("plan_review.comments", 4000),
        decisions=texts("plan_review.decisions", 4000),
        figures=figures.for_month(plan, last),
    )
    comment = plan_actions.add_comment(
        by=mvp,
        plan=plan,
        subject=texts("plan_comment.subject", 120),
        body=texts("plan_comment.body", 4000),
        review=review,
    )
    comment = plan_actions.answer_comment(
        by=world.manager,
        comment=comment,
        version=comment.version,
        response=texts("plan_comment.response", 4000),
    )
    return {
        "plan_aim": aim,
        "plan_action": action,
        "plan_risk": risk,
        "plan_comment": comment,
        "plan_month": f"{last:%Y-%m}",
    }


# -- Every page, and who may open it -------------------------------------------------------------


def page_routes() -> list[str]:
    """Every named page URL, found by walking the URL resolver (a new page is covered without
    touching the tests). The API, FHIR and the Django admin have their own tests."""
    from django.urls import URLResolver, get_resolver

    names: list[str] = []

    def walk(patterns: list[Any], namespace: str | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or namespace)
            elif namespace not in ("admin", "fhir", None) and not namespace.startswith("api"):
                names.append(f"{namespace}:{p.name}")

    walk(get_resolver().url_patterns, None)
    return sorted(set(names))


# The records a URL with an argument is opened for (one missing here fails with NoReverseMatch).
ARGUMENTS: dict[str, Any] = {
    "allocation:decide": lambda w, s: {"ref": s.queued.ref},
    "caseloads:team": lambda w, s: {"team_id": w.team_a.pk},
    "concerns:detail": lambda w, s: {"pk": s.concern.pk},
    "concerns:my-concern": lambda w, s: {"pk": s.concern.pk},
    "concerns:raise-for-her": lambda w, s: {"ref": w.woman_a.ref},
    "core:review-emergency": lambda w, s: {"pk": s.grant.pk},
    "core:retention-decide": lambda w, s: {"pk": s.retention.pk},
    "cover:call-out-visits": lambda w, s: {"pk": s.call_out.pk},
    "cover:cancel": lambda w, s: {"pk": s.absence.pk},
    "cover:decide": lambda w, s: {"pk": s.absence.pk},
    "cover:shift": lambda w, s: {"pk": s.shift.pk},
    "feedback:answer": lambda w, s: {"token": s.feedback.token},
    "planning:detail": lambda w, s: {"pk": s.scenario.pk},
    "planning:detail-csv": lambda w, s: {"pk": s.scenario.pk},
    "plans:woman": lambda w, s: {"ref": w.woman_a.ref},
    "portal:link": lambda w, s: {"token": "not-a-real-token"},
    "pregnancies:woman": lambda w, s: {"ref": w.woman_a.ref},
    "pregnancies:void": lambda w, s: {"ref": w.woman_a.ref, "kind": "visit", "pk": s.visit.pk},
    "referrals:detail": lambda w, s: {"pk": s.referral.pk},
    "referrals:new": lambda w, s: {"ref": w.woman_a.ref},
    "referrals:place": lambda w, s: {"ref": w.woman_a.ref},
    "visits:move": lambda w, s: {"pk": s.visit.pk},
    "visits:outcome": lambda w, s: {"pk": s.past_visit.pk},
    "governance:aim": lambda w, s: {"pk": s.plan_aim.pk},
    "governance:action": lambda w, s: {"pk": s.plan_action.pk},
    "governance:risk": lambda w, s: {"pk": s.plan_risk.pk},
    "governance:comment": lambda w, s: {"pk": s.plan_comment.pk},
    "governance:review": lambda w, s: {"month": s.plan_month},
    "published:review": lambda w, s: {"month": s.plan_month},
}
# Every role of the test world, tried in this order (None: signed out).
CANDIDATES = ("mw_a", "leader_a", "manager", "woman", "privacy", "board", "admin", "mvp", None)


def url_for(route: str, world: Any, scene: Scene) -> str:
    from django.urls import reverse

    maker = ARGUMENTS.get(route)
    return reverse(route, kwargs=maker(world, scene) if maker else None)


# The pages of records in their other states (answered, declined, decided), besides every
# page the walk opens.
OTHER_PAGES: dict[str, Any] = {
    "concerns:detail": lambda w, s: {"pk": s.answered.pk},
    "concerns:my-concern": lambda w, s: {"pk": s.answered.pk},
    "pregnancies:woman": lambda w, s: {"ref": s.declined.woman.ref},
    "cover:decide": lambda w, s: {"pk": s.refused.pk},
    "cover:shift": lambda w, s: {"pk": s.call_out.pk},
    "core:retention-decide": lambda w, s: {"pk": s.decided.pk},
}


def every_page(world: Any, scene: Any) -> list[tuple[str, str]]:
    """(route, url) for every page of the walk and the other pages above."""
    from django.urls import reverse as _reverse

    pages = [(route, url_for(route, world, scene)) for route in page_routes()]
    pages += [(r, _reverse(r, kwargs=make(world, scene))) for r, make in OTHER_PAGES.items()]
    return pages


def sign_in_as(client: Any, username: str | None) -> None:
    from continuity.accounts.models import User

    client.logout()
    if username is not None:
        client.force_login(User.objects.get(username=username))


def choose_user(client: Any, url: str) -> str | None:
    """The first candidate who may open the page; else the first not refused outright (a page
    that only takes a POST redirects a GET)."""
    answers = {}
    for username in CANDIDATES:
        sign_in_as(client, username)
        response = client.get(url)
        if response.status_code == 200:
            return username
        answers[username] = response
    for username, response in answers.items():
        to_sign_in = response.status_code == 302 and "/sign-in/" in response["Location"]
        if response.status_code not in (403, 404) and not to_sign_in:
            return username
    return None


# -- Reading a page's forms ----------------------------------------------------------------------


@dataclass
class PageField:
    options: list[str] = field(default_factory=list)  # values the page offers (radio, select…)
    many: bool = False  # checkboxes: several values under one name
    editable: bool = False  # a person fills it in (not a hidden input or a button)
    text: bool = False  # free text: an input of type text or a textarea


@dataclass
class PageForm:
    action: str
    fields: dict[str, PageField] = field(default_factory=dict)

    @property
    def editable(self) -> bool:
        return any(f.editable for f in self.fields.values())

    def tampered(self, body: dict[str, list[str]]) -> bool:
        """The body changed what the page set itself: a hidden value, or a name it never sent."""
        for name, values in body.items():
            known = self.fields.get(name)
            if known is None or (not known.editable and not set(values) <= set(known.options)):
                return True
        return False


class PageReader(HTMLParser):
    """A page's POST forms (each field's name and the values the page offers for it) and the
    names of the query parameters its links use."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.forms: list[PageForm] = []
        self.form: PageForm | None = None
        self.select: PageField | None = None
        self.query_names: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and "?" in a.get("href", ""):
            self.query_names |= set(parse_qs(urlsplit(a["href"]).query))
        if tag == "form":
            post = a.get("method", "get").lower() == "post"
            self.form = PageForm(urljoin(self.url, a.get("action") or self.url)) if post else None
            return
        if self.form is None or not a.get("name"):
            if tag == "option" and self.select is not None:
                self.select.options.append(a.get("value", ""))
            return
        known = self.form.fields.setdefault(a["name"], PageField())
        kind = a.get("type", "text").lower() if tag == "input" else tag
        known.editable = known.editable or kind not in ("hidden", "submit", "button", "image")
        known.text = known.text or kind in ("text", "textarea")
        if tag == "select":
            self.select = known
        elif kind in ("hidden", "radio", "checkbox", "submit", "button"):
            known.options.append(a.get("value", "on" if kind == "checkbox" else ""))
            known.many = known.many or kind == "checkbox"

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.form is not None:
            self.forms.append(self.form)
            self.form = None
        elif tag == "select":
            self.select = None


def read_page(response: Any, url: str) -> PageReader:
    reader = PageReader(f"http://testserver{url}")
    if response.get("Content-Type", "").startswith("text/html"):
        reader.feed(response.content.decode())
    return reader
