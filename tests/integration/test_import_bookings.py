"""Booking import: all or nothing, idempotent, a row-level report, into the allocation queue."""

from __future__ import annotations

import random
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from continuity.allocation.queries import queue
from continuity.core.identifiers import synthetic_nhs_number
from continuity.core.models import AuditEvent
from continuity.pregnancies.imports import COLUMNS, export_rows, import_bookings
from continuity.pregnancies.models import Pregnancy, Woman

pytestmark = pytest.mark.django_db
RNG = random.Random(9)


def _row(world, **changes) -> dict[str, str]:
    today = timezone.localdate()
    booking = today - timedelta(days=3)
    row = {
        "nhs_number": synthetic_nhs_number(RNG),
        "given_name": "Imported",
        "family_name": "Woman",
        "date_of_birth": "1994-05-17",
        "postcode": "LS1 4AP",
        "ethnic_category": "A",
        "preferred_language": "en",
        "interpreter_needed": "no",
        "booking_date": booking.isoformat(),
        "edd": (booking + timedelta(days=280 - 70)).isoformat(),
        "previous_live_births": "1",
        "risk": "low",
        "hospital_site": world.site.ods_code,
        "team": world.team_a.local_id,
    }
    row.update(changes)
    return row


def _csv(rows: list[dict[str, str]], columns=COLUMNS) -> str:
    lines = [",".join(columns)]
    lines += [",".join(r.get(c, "") for c in columns) for r in rows]
    return "\n".join(lines) + "\n"


def test_a_good_file_books_every_row_into_the_allocation_queue(world):
    rows = [_row(world), _row(world, team=world.team_b.local_id, risk="high")]
    report = import_bookings(by=world.admin, text=_csv(rows))
    assert report.ok, report.errors
    assert (report.rows, report.created, report.existing) == (2, 2, 0)
    first = Pregnancy.objects.get(woman__nhs_number=rows[0]["nhs_number"])
    assert first.status == Pregnancy.Status.BOOKED and first.previous_live_births == 1
    assert first in queue(world.leader_a.user, world.team_a)
    second = Pregnancy.objects.get(woman__nhs_number=rows[1]["nhs_number"])
    assert second.risk == "high" and second not in queue(world.leader_a.user, world.team_a)
    assert AuditEvent.objects.filter(action="pregnancy.booked", actor=world.admin).count() == 2


def test_the_same_file_twice_changes_nothing(world):
    text = _csv([_row(world), _row(world)])
    assert import_bookings(by=world.admin, text=text).created == 2
    before = (Woman.objects.count(), Pregnancy.objects.count())
    again = import_bookings(by=world.admin, text=text)
    assert again.ok and (again.created, again.existing) == (0, 2)
    assert (Woman.objects.count(), Pregnancy.objects.count()) == before


def test_one_bad_row_among_good_ones_writes_nothing_and_names_the_line_and_column(world):
    today = timezone.localdate()
    rows = [
        _row(world),
        _row(world, nhs_number="9990000001"),  # fails the check digit
        _row(world, edd=(today - timedelta(days=40)).isoformat()),
        _row(world, hospital_site="NOPE", interpreter_needed="perhaps"),
        _row(world, booking_date="21/11/2026"),
    ]
    before = Pregnancy.objects.count()
    report = import_bookings(by=world.admin, text=_csv(rows))
    assert not report.ok and report.created == 0
    assert Pregnancy.objects.count() == before
    found = {(e.line, e.column) for e in report.errors}
    assert (3, "nhs_number") in found
    assert (4, "edd") in found
    assert (5, "hospital_site") in found and (5, "interpreter_needed") in found
    assert (6, "booking_date") in found
    assert not any(e.line == 2 for e in report.errors)
    # Nothing personal in the report: no NHS number, no name.
    text = str(report.as_dict())
    assert rows[0]["nhs_number"] not in text and "9990000001" not in text
    assert "Imported" not in text


def test_a_refusal_by_the_booking_itself_rolls_back_the_whole_file(world):
    # Her NHS number is already in care with another pregnancy: the booking action refuses.
    in_care = world.pregnancy_a.woman.nhs_number
    rows = [_row(world), _row(world, nhs_number=in_care)]
    report = import_bookings(by=world.admin, text=_csv(rows))
    assert not report.ok and report.created == 0
    assert [(e.line, e.column) for e in report.errors] == [(3, "nhs_number")]
    assert not Woman.objects.filter(nhs_number=rows[0]["nhs_number"]).exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nhs_number,given_name\n1,2\n", "Missing columns"),
        (_csv([], columns=(*COLUMNS, "=cmd()")), "Unknown columns: '=cmd()"),
        (",".join(COLUMNS) + "\n", "The file has no bookings"),
    ],
)
def test_the_file_itself_is_checked(world, text, message):
    report = import_bookings(by=world.admin, text=text)
    assert not report.ok and any(message in e.message for e in report.errors)


def test_the_same_booking_twice_in_one_file_is_refused(world):
    row = _row(world)
    report = import_bookings(by=world.admin, text=_csv([row, dict(row)]))
    assert [(e.line, e.column) for e in report.errors] == [(3, "nhs_number")]
    assert "line 2" in report.errors[0].message


def test_the_command_reports_and_exits_2_on_a_bad_file(world, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(_csv([_row(world)]))
    out = StringIO()
    call_command("import_bookings", str(good), "--by", "admin", stdout=out)
    assert "1 booked, 0 already booked" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text(_csv([_row(world, risk="extreme")]))
    err = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import_bookings", str(bad), "--by", "admin", stderr=err)
    assert refused.value.returncode == 2
    assert "line 2, risk:" in err.getvalue()
    with pytest.raises(CommandError, match="No active user"):
        call_command("import_bookings", str(good), "--by", "nobody")


def test_the_demos_bookings_round_trip(db):
    call_command(
        "demo",
        "--births",
        "150",
        "--seed",
        "5",
        "--today",
        "2026-11-21",
        "--no-plan",
        "--no-measures",
        "--no-scenarios",
        stdout=StringIO(),
    )
    from continuity.accounts.models import User

    admin = User.objects.get(username="admin")
    pregnancies = Pregnancy.objects.select_related("woman", "booking_site", "hospital_of_choice")
    exported = export_rows(pregnancies.order_by("pk"))
    count = pregnancies.count()
    report = import_bookings(by=admin, text=exported)
    assert report.ok, report.errors[:5]
    assert (report.rows, report.created, report.existing) == (count, 0, count)
    assert export_rows(pregnancies.order_by("pk")) == exported
    assert date.fromisoformat(exported.splitlines()[1].split(",")[8]) <= timezone.localdate()
