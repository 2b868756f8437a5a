"""Creating forms carry an idempotency key: a double submit or a replay creates nothing twice.

See continuity.core.idempotency. Each creating page is sent twice with the same key; the second
send creates nothing and is taken where the first went. A failed send keeps nothing, so the
corrected form can go again with the same key.
"""

from __future__ import annotations

import re
import threading
import uuid
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.utils import timezone

from continuity.concerns.models import Concern
from continuity.core import idempotency
from continuity.core.models import BreakGlass, Submission
from continuity.planning.models import Scenario
from continuity.plans.models import PlanDiscussion
from continuity.pregnancies.models import Pregnancy
from continuity.referrals.models import Referral
from continuity.workforce.models import RotaEntry
from tests.integration.test_booking import valid_post as booking_post
from tests.integration.test_planning import SMALL as SCENARIO

pytestmark = pytest.mark.django_db

KEY = re.compile(r'<input type="hidden" name="submission" value="([0-9a-f-]{36})">')


def _days(name, day):
    return {
        f"{name}[day]": str(day.day),
        f"{name}[month]": str(day.month),
        f"{name}[year]": day.year,
    }


def _cases(world):
    """(who, url, valid data, what one send creates) for every creating page."""
    today = timezone.localdate()
    woman = world.woman_a
    return {
        "booking": (world.midwife_a.user, "/book/", booking_post(world), Pregnancy.objects),
        "her concern": (
            world.woman_user,
            "/my/tell-us/new/",
            {"summary": "Visits keep moving", "details": "Three times."},
            Concern.objects,
        ),
        "concern for her": (
            world.midwife_a.user,
            f"/women/{woman.ref}/concerns/new/",
            {"summary": "She asked us to raise this", "details": "Details.", "raised_for": "staff"},
            Concern.objects,
        ),
        "referral": (
            world.midwife_a.user,
            f"/women/{woman.ref}/referrals/new/",
            {
                "service": "consultant",
                "site": world.site.pk,
                "urgency": "routine",
                "reason": "Plan",
            },
            Referral.objects,
        ),
        "time away": (
            world.midwife_a.user,
            "/rota/time-away/",
            {
                "kind": "leave",
                **_days("first_day", today + timedelta(days=10)),
                **_days("last_day", today + timedelta(days=12)),
            },
            RotaEntry.objects,
        ),
        "call-out": (
            world.midwife_a.user,
            "/rota/call-out/",
            {**_days("day", today - timedelta(days=1)), "start_time": "01:00", "end_time": "04:00"},
            RotaEntry.objects,
        ),
        "scenario": (world.manager, "/planning/new/", dict(SCENARIO), Scenario.objects),
        "plan discussion": (
            world.midwife_a.user,
            f"/women/{woman.ref}/plan/",
            {"action": "discuss:antenatal", "antenatal-note": "Talked about visits"},
            PlanDiscussion.objects,
        ),
        "emergency access": (
            world.midwife_a.user,
            "/emergency-access/",
            {
                "nhs_number": world.pregnancy_b.woman.nhs_number,
                "reason": "In triage in labour; her team cannot be reached",
                "understood": "on",
            },
            BreakGlass.objects,
        ),
    }


CASES = [
    "booking",
    "her concern",
    "concern for her",
    "referral",
    "time away",
    "call-out",
    "scenario",
    "plan discussion",
    "emergency access",
]


def _key_on(client, url):
    page = client.get(url)
    assert page.status_code == 200, url
    found = KEY.findall(page.content.decode())
    assert found, f"{url} has no submission key"
    return found[0]


@pytest.mark.parametrize("case", CASES)
def test_sending_a_creating_form_twice_creates_once(world, client, case):
    user, url, data, created = _cases(world)[case]
    client.force_login(user)
    key = _key_on(client, url)
    before = created.count()
    first = client.post(url, {**data, "submission": key})
    assert first.status_code == 302, first.content.decode()[:2000]
    assert created.count() == before + 1
    again = client.post(url, {**data, "submission": key})
    assert again.status_code == 302
    assert again["Location"] == first["Location"]
    assert created.count() == before + 1
    said = [str(m) for m in get_messages(again.wsgi_request)]
    assert idempotency.replay_message() in said
    assert Submission.objects.filter(user=user, key=key).count() == 1


@pytest.mark.parametrize("case", ["her concern", "referral", "time away"])
def test_a_fresh_page_gets_a_fresh_key_and_creates_again(world, client, case):
    user, url, data, created = _cases(world)[case]
    if case == "time away":  # a second request must not overlap the first
        today = timezone.localdate()
        second = {
            **data,
            **_days("first_day", today + timedelta(days=20)),
            **_days("last_day", today + timedelta(days=21)),
        }
    else:
        second = data
    client.force_login(user)
    before = created.count()
    first_key, second_key = _key_on(client, url), _key_on(client, url)
    assert first_key != second_key
    client.post(url, {**data, "submission": first_key})
    client.post(url, {**second, "submission": second_key})
    assert created.count() == before + 2


def test_a_refused_send_keeps_nothing_and_the_same_key_works_once_corrected(world, client):
    client.force_login(world.woman_user)
    url = "/my/tell-us/new/"
    key = _key_on(client, url)
    refused = client.post(url, {"summary": "", "details": "Details.", "submission": key})
    assert refused.status_code == 400
    assert KEY.findall(refused.content.decode()) == [key]  # shown again with the same key
    assert not Submission.objects.exists() and not Concern.objects.exists()
    client.post(url, {"summary": "Visits keep moving", "details": "Details.", "submission": key})
    client.post(url, {"summary": "Visits keep moving", "details": "Details.", "submission": key})
    assert Concern.objects.count() == 1


def test_an_action_refusal_rolls_the_key_back(world, client):
    """The booking refuses a second open pregnancy; the key is not kept, so nothing is replayed."""
    client.force_login(world.midwife_a.user)
    data = booking_post(world, nhs_number=world.woman_a.nhs_number)
    key = _key_on(client, "/book/")
    refused = client.post("/book/", {**data, "submission": key})
    assert refused.status_code == 400
    assert not Submission.objects.filter(key=key).exists()


def test_a_key_used_for_another_form_is_refused_and_creates_nothing(world, client):
    client.force_login(world.midwife_a.user)
    key = str(uuid.uuid4())
    url = f"/women/{world.woman_a.ref}/referrals/new/"
    _user, _url, data, _created = _cases(world)["referral"]
    client.post(url, {**data, "submission": key})
    concerns = Concern.objects.count()
    response = client.post(
        f"/women/{world.woman_a.ref}/concerns/new/",
        {"summary": "Raised", "details": "Details.", "raised_for": "staff", "submission": key},
        follow=True,
    )
    assert "This form could not be sent" in response.content.decode()
    assert Concern.objects.count() == concerns


def test_keys_belong_to_their_user(world):
    """Another person's key is not a replay of their submission: it is simply a new key."""
    key = uuid.uuid4()
    made = []
    for user in (world.midwife_a.user, world.buddy_a.user):
        done = idempotency.submit_once(
            user=user, key=key, action="test", create=lambda: made.append(1) or "/next/"
        )
        assert not done.replayed
    assert len(made) == 2


def test_an_old_page_without_a_key_still_works(world, client):
    client.force_login(world.woman_user)
    response = client.post(
        "/my/tell-us/new/", {"summary": "Visits keep moving", "details": "Details."}
    )
    assert response.status_code == 302
    assert Concern.objects.count() == 1 and not Submission.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_sends_racing_each_other_create_once():
    """Two requests with one key at the same moment: the database lets only one through."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers, so the race needs PostgreSQL (CI runs it)")
    from tests import factories

    world = factories.build_world()
    key = uuid.uuid4()
    created, results, errors = [], [], []
    start = threading.Barrier(2)

    def send():
        from django.db import connection as conn

        try:
            start.wait(timeout=10)

            def create():
                created.append(Concern.objects.count())
                return "/done/"

            results.append(
                idempotency.submit_once(
                    user=world.woman_user, key=key, action="race", create=create
                )
            )
        except Exception as exc:
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert len(created) == 1
    assert sorted(r.replayed for r in results) == [False, True]
    assert {r.url for r in results} == {"/done/"}


@pytest.mark.parametrize(
    "url",
    ["/book/", "/rota/time-away/", "/rota/call-out/", "/planning/how-many/", "/cover/shifts/"],
)
def test_every_creating_page_carries_a_key(world, client, url):
    user = world.manager if "planning" in url or "shifts" in url else world.midwife_a.user
    if url == "/cover/shifts/":
        url = f"{url}?team={world.team_a.local_id}"
    client.force_login(user)
    assert _key_on(client, url)
