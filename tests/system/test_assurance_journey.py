"""Browser journeys through assurance: the board viewer reads this month's measures, the trend
and the funnel, opens the board report; a team leader checks continuity at risk; anyone reads the
public page. axe on every page."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import expect

from continuity.assurance import compute
from continuity.pregnancies.models import CarePlanRecord
from tests import factories


def _reaching_29_weeks(world, day: date, placed: bool) -> None:
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


def _measured(world) -> None:
    today = date.today()
    first = today.replace(day=1)
    for months_back in range(1, 14):
        day = first - timedelta(days=30 * months_back - 10)
        for k in range(8):
            _reaching_29_weeks(world, day + timedelta(days=k), placed=k % 3 != 0)
    compute.refresh(by=None, months=15)


def test_the_board_viewer_reads_the_measures_and_the_board_report(
    sign_in, live_world, check_a11y, live_server
):
    _measured(live_world)
    page = sign_in("board")
    page.get_by_role("link", name="Measures").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Continuity measures")
    expect(page.get_by_role("heading", name="Headline measures for")).to_be_visible()
    expect(
        page.get_by_role("img", name="Placed on a continuity of carer pathway by 29 weeks")
    ).to_be_visible()
    # The numbers behind the chart are one click away.
    page.get_by_text("The numbers behind this chart").first.click()
    expect(page.get_by_role("table").filter(has_text="Signal").first).to_be_visible()
    expect(page.get_by_text("rounded to the nearest 5").first).to_be_visible()
    check_a11y(page)
    # Another month.
    options = page.locator("#month option")
    earlier = options.nth(1).get_attribute("value")
    page.get_by_label("Month").select_option(earlier)
    page.get_by_role("button", name="Show this month").click()
    expect(page).to_have_url(f"{live_server.url}/measures/?month={earlier}")
    check_a11y(page)
    # The board report.
    page.get_by_role("link", name="Board report for").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("board report for")
    expect(
        page.get_by_role("heading", name="6. Workforce and on-call load in continuity teams")
    ).to_be_visible()
    check_a11y(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this report as a PDF").click()
    assert download.value.suggested_filename.startswith("continuity-board-report-")


def test_the_public_page_is_open_to_everyone(page, live_world, check_a11y, live_server):
    _measured(live_world)
    page.goto(f"{live_server.url}/public/continuity/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Continuity of carer: how we are doing"
    )
    expect(page.get_by_role("link", name="Sign out")).to_have_count(0)
    check_a11y(page)
    with page.expect_download() as download:
        page.get_by_role(
            "link", name="Download every month's figures as a spreadsheet (CSV)"
        ).click()
    assert download.value.suggested_filename == "continuity-of-carer.csv"


def test_the_team_leader_checks_continuity_at_risk(sign_in, live_world, check_a11y):
    page = sign_in("leader_a")
    page.get_by_role("link", name="Teams").first.click()
    page.get_by_role("link", name="Riverside").first.click()
    page.get_by_role("link", name="Women whose continuity is at risk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Continuity at risk")
    check_a11y(page)
