"""The JSON API: tokens and sessions, scoping like the pages, access events, paging, ETags and
If-Match, the documented error bodies, and booking import."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from continuity.api.tokens import issue, revoke
from continuity.core.models import AccessEvent
from continuity.pregnancies.models import Pregnancy

pytestmark = pytest.mark.django_db


def _token_client(user) -> Client:
    _token, plain = issue(user=user, name="test system")
    return Client(HTTP_AUTHORIZATION=f"Bearer {plain}")


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"status", "code", "message", "errors"}
    assert body["status"] == status and body["message"]
    return body


def test_the_schema_is_published():
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Continuity API"
    paths = schema["paths"]
    for path in (
        "/api/v1/women",
        "/api/v1/women/{ref}",
        "/api/v1/women/search",
        "/api/v1/pregnancies/{ref}/transition",
        "/api/v1/pregnancies/{ref}/contacts",
        "/api/v1/referrals",
        "/api/v1/concerns",
        "/api/v1/rota",
        "/api/v1/measures",
        "/api/v1/bookings/import",
    ):
        assert path in paths, path
    transition = paths["/api/v1/pregnancies/{ref}/transition"]["post"]["responses"]
    assert {"200", "401", "403", "404", "409", "412", "422", "428"} <= set(transition)


def test_without_credentials_or_with_a_bad_or_revoked_token_it_is_401(world):
    _error(Client().get("/api/v1/women"), 401)
    _error(Client(HTTP_AUTHORIZATION="Bearer cty_nope_nope").get("/api/v1/women"), 401)
    token, plain = issue(user=world.midwife_a.user, name="x")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert client.get("/api/v1/women").status_code == 200
    revoke(token=token, by=None)
    response = client.get("/api/v1/women")
    _error(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_token_sees_exactly_what_its_user_sees_on_the_pages(world):
    mine = _token_client(world.midwife_a.user).get("/api/v1/women").json()
    refs = {w["ref"] for w in mine["items"]}
    assert str(world.pregnancy_a.woman.ref) in refs
    assert str(world.pregnancy_b.woman.ref) not in refs  # team B's woman
    _error(
        _token_client(world.midwife_a.user).get(f"/api/v1/women/{world.pregnancy_b.woman.ref}"),
        404,
    )
    _error(
        _token_client(world.midwife_a.user).get(f"/api/v1/pregnancies/{world.pregnancy_b.ref}"),
        404,
    )
    # The board sees aggregates, never a woman.
    _error(_token_client(world.board).get("/api/v1/women"), 403)


def test_reading_her_record_writes_an_access_event_and_gives_an_etag(world):
    client = _token_client(world.midwife_a.user)
    woman = world.pregnancy_a.woman
    before = AccessEvent.objects.filter(woman=woman).count()
    response = client.get(f"/api/v1/women/{woman.ref}")
    assert response.status_code == 200
    assert response["ETag"] == f'"{woman.version}"'
    assert response.json()["nhs_number"] == woman.nhs_number
    event = AccessEvent.objects.filter(woman=woman).latest("at")
    assert AccessEvent.objects.filter(woman=woman).count() == before + 1
    assert event.user == world.midwife_a.user and event.basis == "named_midwife"
    assert woman.nhs_number not in event.route


def test_find_her_by_nhs_number_in_the_body(world):
    client = _token_client(world.midwife_a.user)
    woman = world.pregnancy_a.woman
    found = client.post(
        "/api/v1/women/search", {"nhs_number": woman.nhs_number}, content_type="application/json"
    )
    assert found.status_code == 200 and found.json()["ref"] == str(woman.ref)
    other = world.pregnancy_b.woman.nhs_number
    _error(
        client.post("/api/v1/women/search", {"nhs_number": other}, content_type="application/json"),
        404,
    )
    bad = _error(
        client.post(
            "/api/v1/women/search", {"nhs_number": "1234567890"}, content_type="application/json"
        ),
        422,
    )
    assert bad["errors"][0]["field"] == "nhs_number"


def test_paging_walks_every_item_once(world):
    client = _token_client(world.manager)
    first = client.get("/api/v1/pregnancies?page_size=1").json()
    assert first["count"] == 2 and first["previous"] is None and first["next"]
    second = client.get(first["next"]).json()
    assert second["next"] is None and second["previous"]
    assert {first["items"][0]["ref"], second["items"][0]["ref"]} == {
        str(world.pregnancy_a.ref),
        str(world.pregnancy_b.ref),
    }
    body = _error(client.get("/api/v1/pregnancies?page_size=500"), 400)
    assert body["errors"][0]["field"] == "page_size"
    _error(client.get("/api/v1/pregnancies?status=unheard-of"), 400)


def test_a_write_needs_the_current_etag(world):
    client = _token_client(world.midwife_a.user)
    pregnancy = world.pregnancy_a
    assert pregnancy.status == Pregnancy.Status.ANTENATAL
    url = f"/api/v1/pregnancies/{pregnancy.ref}/transition"
    etag = client.get(f"/api/v1/pregnancies/{pregnancy.ref}")["ETag"]
    body = {"to": "postnatal", "reason": "Born at home"}
    _error(client.post(url, body, content_type="application/json"), 428)
    _error(client.post(url, body, content_type="application/json", HTTP_IF_MATCH='"999"'), 412)
    moved = client.post(url, body, content_type="application/json", HTTP_IF_MATCH=etag)
    assert moved.status_code == 200, moved.content
    assert moved.json()["status"] == "postnatal" and moved["ETag"] != etag
    pregnancy.refresh_from_db()
    assert pregnancy.status == Pregnancy.Status.POSTNATAL
    # The old ETag is now stale: nothing changes.
    stale = client.post(
        url, {"to": "discharged"}, content_type="application/json", HTTP_IF_MATCH=etag
    )
    _error(stale, 412)
    pregnancy.refresh_from_db()
    assert pregnancy.status == Pregnancy.Status.POSTNATAL
    # Not a step the pregnancy can take now: 409, nothing changes.
    current = client.get(f"/api/v1/pregnancies/{pregnancy.ref}")["ETag"]
    conflict = client.post(
        url, {"to": "antenatal"}, content_type="application/json", HTTP_IF_MATCH=current
    )
    assert _error(conflict, 409)["errors"][0]["field"] == "to"
    pregnancy.refresh_from_db()
    assert pregnancy.status == Pregnancy.Status.POSTNATAL


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ("{not json", 400, None),
        (json.dumps({"to": "nowhere"}), 422, "to"),
        (json.dumps({"to": 3}), 422, "to"),
        (json.dumps({"reason": "x"}), 422, "to"),
        (json.dumps({"to": "postnatal", "reason": "x" * 501}), 422, "reason"),
    ],
)
def test_bad_bodies_get_the_documented_error(world, payload, status, field):
    client = _token_client(world.midwife_a.user)
    response = client.post(
        f"/api/v1/pregnancies/{world.pregnancy_a.ref}/transition",
        payload,
        content_type="application/json",
        HTTP_IF_MATCH='"1"',
    )
    body = _error(response, status)
    if field:
        assert field in [e["field"] for e in body["errors"]]
    world.pregnancy_a.refresh_from_db()
    assert world.pregnancy_a.status == Pregnancy.Status.ANTENATAL


def test_other_resources_are_scoped_and_shaped(world):
    client = _token_client(world.midwife_a.user)
    ref = world.pregnancy_a.ref
    for path in (f"/api/v1/pregnancies/{ref}/contacts", "/api/v1/referrals", "/api/v1/rota"):
        body = client.get(path).json()
        assert {"items", "count", "page", "next"} <= set(body), path
    assert client.get(f"/api/v1/pregnancies/{ref}/care-plans").json() == []
    allocation = client.get(f"/api/v1/pregnancies/{ref}/allocation").json()
    assert allocation[-1]["named_midwife"]["professional_id"] == (world.midwife_a.professional_id)
    assert allocation[-1]["ends_at"] is None
    _error(client.get("/api/v1/measures"), 403)  # a midwife sees no aggregates
    manager = _token_client(world.manager)
    _error(manager.get("/api/v1/measures"), 404)  # none computed yet
    _error(manager.get("/api/v1/measures?month=2026-13"), 400)


def test_import_through_the_api(world):
    from tests.integration.test_import_bookings import _csv, _row

    admin = _token_client(world.admin)
    text = _csv([_row(world), _row(world)])
    response = admin.post("/api/v1/bookings/import", text, content_type="text/csv")
    assert response.status_code == 200, response.content
    assert response.json() == {"rows": 2, "created": 2, "existing": 0}
    again = admin.post("/api/v1/bookings/import", text, content_type="text/csv")
    assert again.json() == {"rows": 2, "created": 0, "existing": 2}
    bad = _csv([_row(world), _row(world, risk="extreme")])
    body = _error(admin.post("/api/v1/bookings/import", bad, content_type="text/csv"), 422)
    assert body["errors"] == [{"field": "line 3: risk", "message": body["errors"][0]["message"]}]
    _error(admin.post("/api/v1/bookings/import", "{}", content_type="application/json"), 400)
    _error(
        _token_client(world.midwife_a.user).post(
            "/api/v1/bookings/import", text, content_type="text/csv"
        ),
        403,
    )


def test_the_browser_session_works_and_needs_csrf_for_writes(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.midwife_a.user)
    assert client.get("/api/v1/women").status_code == 200
    response = client.post(
        f"/api/v1/pregnancies/{world.pregnancy_a.ref}/transition",
        {"to": "postnatal"},
        content_type="application/json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 403
    world.pregnancy_a.refresh_from_db()
    assert world.pregnancy_a.status == Pregnancy.Status.ANTENATAL


def test_a_token_is_made_on_the_console_and_shown_once(world):
    from io import StringIO

    from django.core.management import call_command

    from continuity.api.models import ApiToken

    out = StringIO()
    call_command(
        "create_api_token", "--user", "manager", "--name", "PAS", "--days", "30", stdout=out
    )
    plain = out.getvalue().splitlines()[1]
    token = ApiToken.objects.get(name="PAS")
    assert plain.startswith(f"cty_{token.prefix}_") and plain not in token.secret_hash
    assert token.expires_at is not None
    assert (
        Client(HTTP_AUTHORIZATION=f"Bearer {plain}").get("/api/v1/pregnancies").status_code == 200
    )


def test_cover_visits_and_feedback(world):
    from datetime import timedelta

    from django.utils import timezone

    from continuity.visits.models import WeekPlan
    from continuity.workforce.models import CoverArrangement

    now = timezone.now()
    CoverArrangement.objects.create(
        covering=world.buddy_a,
        covered=world.midwife_a,
        starts_at=now,
        ends_at=now + timedelta(hours=12),
        reason="Night off",
    )
    client = _token_client(world.midwife_a.user)
    cover = client.get("/api/v1/cover").json()
    assert [(c["covering"], c["covered"]) for c in cover["items"]] == [
        (world.buddy_a.professional_id, world.midwife_a.professional_id)
    ]
    assert _token_client(world.midwife_b.user).get("/api/v1/cover").json()["count"] == 0

    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    _error(client.get(f"/api/v1/visits?week_start={monday}"), 404)
    start = (now + timedelta(days=1)).isoformat()
    WeekPlan.objects.create(
        team=world.team_a,
        week_start=monday,
        status=WeekPlan.Status.PUBLISHED,
        created_at=now,
        created_by=world.leader_a.user,
        published_at=now,
        items=[
            {
                "contact": None,
                "pregnancy": world.pregnancy_a.pk,
                "code": "an_28",
                "kind": "antenatal",
                "midwife": world.midwife_a.professional_id,
                "start": start,
                "duration": 40,
                "rank": 0,
                "in_preferred": True,
                "reason": "",
            },
            {
                "contact": None,
                "pregnancy": world.pregnancy_b.pk,
                "code": "an_31",
                "kind": "antenatal",
                "midwife": None,
                "start": None,
                "duration": 40,
                "rank": None,
                "in_preferred": False,
                "reason": "no_time",
            },
        ],
    )
    week = client.get(f"/api/v1/visits?week_start={monday}").json()
    assert week["team"] == world.team_a.local_id
    assert [v["pregnancy"] for v in week["visits"]] == [str(world.pregnancy_a.ref)]
    assert week["visits"][0]["with_named_midwife"] is True
    _error(client.get("/api/v1/visits?week_start=2026-02-30"), 400)

    _error(client.get("/api/v1/feedback"), 403)
    summary = _token_client(world.board).get("/api/v1/feedback?month=2026-10").json()
    assert summary["month"] == "2026-10" and {"fft", "survey", "concerns"} <= set(summary)


def test_an_unknown_query_parameter_is_refused_not_ignored(world):
    client = _token_client(world.manager)
    body = _error(client.get("/api/v1/pregnancies?stauts=booked"), 400)
    assert body["errors"] == [{"field": "stauts", "message": "Not a parameter of this operation"}]
    assert client.get("/api/v1/pregnancies?status=booked&page=1").status_code == 200
    _error(client.get(f"/api/v1/women/{world.pregnancy_a.woman.ref}?nhs_number=1"), 400)


def test_oversized_and_deeply_nested_bodies_get_the_documented_error(world):
    client = _token_client(world.midwife_a.user)
    url = f"/api/v1/pregnancies/{world.pregnancy_a.ref}/transition"
    huge = '{"to": "' + "x" * 3_000_000 + '"}'
    _error(client.post(url, huge, content_type="application/json", HTTP_IF_MATCH='"1"'), 413)
    deep = "[" * 100_000 + "]" * 100_000
    _error(client.post(url, deep, content_type="application/json", HTTP_IF_MATCH='"1"'), 400)
    admin = _token_client(world.admin)
    big_csv = "a" * 3_000_000
    _error(admin.post("/api/v1/bookings/import", big_csv, content_type="text/csv"), 413)
    world.pregnancy_a.refresh_from_db()
    assert world.pregnancy_a.status == Pregnancy.Status.ANTENATAL
