"""The measures page, the board report (HTML and PDF), the public page and its open data."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pypdf
import pytest
from django.test import Client

from continuity.assurance import compute, presenters
from continuity.assurance.models import MeasureSnapshot
from continuity.core.models import AuditEvent
from continuity.pregnancies.models import CarePlanRecord
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 21)
OCTOBER_29_WEEKS = date(2026, 10, 15)


def _reaching_29_weeks(world, day: date, *, placed: bool):
    """A pregnancy that reaches 29+0 weeks on `day`, placed on the pathway or not."""
    booking = day - timedelta(days=203 - 70)
    p = factories.PregnancyFactory(
        booking_site=world.site,
        booking_date=booking,
        ga_at_booking_days=70,
        edd=booking + timedelta(days=210),
    )
    CarePlanRecord.objects.create(
        pregnancy=p,
        plan_date=booking + timedelta(days=14),
        plan_type="05",
        coc_pathway="Y" if placed else "N",
        professional=world.midwife_a if placed else None,
        team=world.team_a,
    )
    return p


@pytest.fixture
def measured(world):
    # October: 4 women reached 29 weeks, 3 of them on a pathway. Earlier months: 10 each, half
    # placed, so the trend has months to draw.
    for k, placed in enumerate((True, True, True, False)):
        _reaching_29_weeks(world, OCTOBER_29_WEEKS + timedelta(days=k), placed=placed)
    for months_back in range(1, 14):
        day = date(2026, 10, 10) - timedelta(days=30 * months_back)
        for k in range(10):
            _reaching_29_weeks(world, day + timedelta(days=k), placed=k % 2 == 0)
    return compute.refresh(by=None, today=TODAY, months=15)


def test_the_snapshot_keeps_unrounded_counts(measured):
    october = {(r["measure"], r["breakdown"], r["group"]): r for r in measured.counts["2026-10"]}
    total = october[("COC_by_28weeks", "total", "All")]
    assert (total["numerator"], total["denominator"]) == (3, 4)
    assert measured.months[-1] == "2026-11" and len(measured.months) == 15
    assert AuditEvent.objects.filter(action="measures.refresh").exists()


def test_the_board_sees_rounded_counts_and_the_team_leader_exact_ones(world, measured, client_for):
    board = client_for(world.board).get("/measures/?month=2026-10").content.decode()
    assert "5 of 5 women" in board and "100.0%" in board
    assert "3 of 4 women" not in board
    assert "rounded to the nearest 5" in board
    leader = client_for(world.leader_a.user).get("/measures/?month=2026-10").content.decode()
    assert "3 of 4 women" in leader and "75.0%" in leader


def test_rounded_rows_never_show_a_small_count(measured):
    for month in measured.months:
        for row in presenters.rows_for(measured, month, "msds"):
            for value in (row.numerator, row.denominator):
                assert value == 0 or (value >= 5 and value % 5 == 0)


def test_the_measures_page_draws_the_trend_with_its_table(world, measured, client_for):
    text = client_for(world.board).get("/measures/?month=2026-10").content.decode()
    assert 'role="img"' in text and "<desc" in text
    assert "The numbers behind this chart" in text
    assert "Placed on a continuity of carer pathway by 29 weeks, month by month" in text


def test_only_aggregate_roles_see_the_measures(world, measured, client_for):
    assert client_for(world.midwife_a.user).get("/measures/").status_code == 403
    assert client_for(world.woman_user).get("/measures/").status_code == 403
    response = Client().get("/measures/")
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_recompute_from_the_page(world, measured, client_for):
    client = client_for(world.board)
    before = MeasureSnapshot.objects.count()
    response = client.post("/measures/")
    assert response.status_code == 302
    assert MeasureSnapshot.objects.count() == before + 1  # the immediate backend ran it
    latest = compute.latest()
    assert latest is not None and latest.computed_by == world.board


def test_the_board_report_is_rounded_and_prints_as_a_pdf(world, measured, client_for):
    client = client_for(world.board)
    html = client.get("/measures/board-report/?month=2026-10")
    assert html.status_code == 200
    text = html.content.decode()
    assert "board report for October 2026" in text and "5 of 5 women" in text
    assert "Workforce and on-call load" in text
    pdf = client.get("/measures/board-report.pdf?month=2026-10")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    document = pypdf.PdfReader(io.BytesIO(pdf.content))
    assert len(document.pages) >= 2
    first = document.pages[0].extract_text()
    assert "board report for October 2026" in first and "5 of 5 women" in first
    assert "Page 1 of" in first  # the page footer from the print stylesheet
    assert "continuity-board-report-2026-10.pdf" in pdf["Content-Disposition"]


def test_the_public_page_needs_no_sign_in_and_shows_only_rounded_figures(measured, client):
    response = client.get("/public/continuity/?month=2026-10")
    assert response.status_code == 200
    text = response.content.decode()
    assert "5 of 5 women" in text and "3 of 4" not in text
    assert "/public/continuity.csv" in text


def test_the_open_data_is_rounded_and_has_no_teams_or_sites(measured, client):
    response = client.get("/public/continuity.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows, "every complete month's figures"
    assert {r["breakdown"] for r in rows} <= set(presenters.PUBLIC_BREAKDOWNS)
    for r in rows:
        for value in (r["numerator"], r["denominator"]):
            assert value == "0" or (int(value) >= 5 and int(value) % 5 == 0)
    october = [r for r in rows if r["month"] == "2026-10" and r["measure"] == "COC_by_28weeks"]
    total = next(r for r in october if r["breakdown"] == "total")
    assert (total["numerator"], total["denominator"], total["rate_percent"]) == ("5", "5", "100.0")


def test_before_the_first_computation_the_pages_say_so(world, client_for):
    client = Client()
    assert (
        "have not been computed yet" in client_for(world.board).get("/measures/").content.decode()
    )
    assert (
        "once the first month has been counted"
        in client.get("/public/continuity/").content.decode()
    )
    assert client_for(world.board).get("/measures/board-report/").status_code == 404
    rows = list(csv.reader(io.StringIO(client.get("/public/continuity.csv").content.decode())))
    assert rows == [
        [
            "month",
            "measure",
            "local",
            "breakdown",
            "group",
            "numerator",
            "denominator",
            "rate_percent",
            "data_quality",
        ]
    ]
