"""Browser journeys for workforce planning, each page checked with axe."""

from __future__ import annotations

from playwright.sync_api import expect


def _model(page, name: str, policy_label: str) -> None:
    page.get_by_role("button", name="Model a scenario").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Model a scenario")
    page.get_by_label("Name of this scenario").fill(name)
    page.get_by_label(policy_label).check()
    page.get_by_label("Births a year in the trust").fill("250")
    page.get_by_label("Years to simulate").select_option("20")
    page.get_by_role("button", name="Run the scenario").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def test_compare_two_scenarios(sign_in, live_world, check_a11y):
    page = sign_in("manager")
    page.get_by_role("link", name="Planning").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Workforce planning")
    check_a11y(page)

    # A mistake first: the error summary, the field's message, nothing lost.
    page.get_by_role("button", name="Model a scenario").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Model a scenario")
    check_a11y(page)
    page.get_by_label("Name of this scenario").fill("Too few")
    page.get_by_label("Continuity teams").fill("-1")
    page.get_by_role("button", name="Run the scenario").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Continuity teams must be from 1 to 500")
    expect(page.get_by_label("Name of this scenario")).to_have_value("Too few")
    check_a11y(page)
    page.get_by_role("link", name="Back to workforce planning").click()

    _model(page, "Own midwife on call", "Each midwife is on call for her own women")
    expect(page.get_by_role("img", name="Who attends births on the pathway")).to_be_visible()
    expect(
        page.get_by_role("table").filter(has_text="Births on the pathway, by who")
    ).to_be_visible()
    check_a11y(page)
    page.get_by_role("link", name="Back to workforce planning").click()
    _model(page, "Team rota", "The team shares an on-call rota")
    page.get_by_role("link", name="Back to workforce planning").click()

    page.get_by_label("Compare Own midwife on call").check()
    page.get_by_label("Compare Team rota").check()
    page.get_by_role("button", name="Compare the chosen scenarios").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Compare scenarios")
    expect(page.get_by_role("columnheader", name="Own midwife on call").first).to_be_visible()
    expect(page.get_by_role("columnheader", name="Team rota").first).to_be_visible()
    expect(page.get_by_role("heading", name="What differs")).to_be_visible()
    check_a11y(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the comparison (CSV)").click()
    assert download.value.suggested_filename == "continuity-scenarios-compared.csv"


def test_how_many_midwives_for_a_target(sign_in, live_world, check_a11y):
    page = sign_in("board")
    page.get_by_role("link", name="Planning").first.click()
    page.get_by_role("button", name="How many midwives for a target?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How many midwives?")
    check_a11y(page)
    page.get_by_label("Name of this scenario").fill("Teams for 35%")
    page.get_by_label("The number of teams, each the size given below").check()
    page.get_by_label("Smallest value to try").fill("1")
    page.get_by_label("Largest value to try").fill("4")
    page.get_by_role("textbox", name="Midwives in each team").fill("4")
    page.get_by_label("Births a year in the trust").fill("300")
    page.get_by_label("Years to simulate").select_option("10")
    page.get_by_role("button", name="Find the smallest workforce").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Teams for 35%")
    expect(page.get_by_role("heading", name="What each value reached")).to_be_visible()
    expect(page.get_by_role("table").filter(has_text="Values tried")).to_be_visible()
    check_a11y(page)
