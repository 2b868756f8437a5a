"""The personalised care and support plan: her words, the midwife's part, discussions, agreeing
a section (which writes the MSD102 record and moves the PCSP measures), scoping and bad input."""

from __future__ import annotations

import io
from datetime import timedelta

import pypdf
import pytest
from django.utils import timezone

from continuity.assurance import compute
from continuity.core.models import AccessEvent, AuditEvent
from continuity.plans import actions, headings
from continuity.plans.models import PlanEntry, PlanSection
from continuity.pregnancies.actions import ActionError, StaleRecord
from continuity.pregnancies.models import CarePlanRecord

pytestmark = pytest.mark.django_db


def _post_mine(client, section, version=0, **texts):
    return client.post("/my/plan/", {"section": section, "version": version, **texts})


def test_she_writes_her_part_and_it_is_kept_as_versions(world, client_for):
    client = client_for(world.woman_user)
    response = _post_mine(client, "antenatal", what_matters="Having my partner at every visit")
    assert response.status_code == 302
    section = PlanSection.objects.get(pregnancy=world.pregnancy_a, key="antenatal")
    assert section.status == PlanSection.Status.DRAFT and section.version == 2
    _post_mine(
        client,
        "antenatal",
        version=2,
        what_matters="Having my partner at every visit, and visits after 6pm",
    )
    entries = PlanEntry.objects.filter(section=section, heading="what_matters")
    assert entries.count() == 2
    assert entries.first().text.endswith("after 6pm")
    text = client.get("/my/plan/").content.decode()
    assert "visits after 6pm" in text
    # The audit says which headings changed, never what she wrote.
    event = AuditEvent.objects.filter(action="plan.save").latest("at")
    assert event.changes == {"headings": ["what_matters"]}
    assert "partner" not in str(event.changes)


def test_she_cannot_write_the_midwifes_headings(world):
    with pytest.raises(ActionError) as refused:
        actions.save_headings(
            by=world.woman_user,
            pregnancy=world.pregnancy_a,
            section_key="antenatal",
            texts={"previous_pregnancies": "x"},
            writer=headings.WOMAN,
        )
    assert refused.value.field == "previous_pregnancies"


def test_too_long_text_is_refused_with_her_words_kept(world, client_for):
    client = client_for(world.woman_user)
    long_text = "a" * (headings.MAX_TEXT + 1)
    response = _post_mine(client, "birth", birth_preferences=long_text, pain_relief="Water")
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text and "2000 characters or fewer" in text
    assert long_text in text and "Water" in text  # nothing she wrote is lost
    assert not PlanEntry.objects.exists()


def test_script_is_stored_as_written_and_shown_escaped(world, client_for):
    client = client_for(world.woman_user)
    payload = '<script>alert("x")</script>'
    _post_mine(client, "postnatal", feeding=payload)
    assert PlanEntry.objects.get(heading="feeding").text == payload
    for page in ("/my/plan/", f"/women/{world.woman_a.ref}/plan/"):
        who = world.woman_user if page.startswith("/my") else world.midwife_a.user
        html = client_for(who).get(page).content.decode()
        assert payload not in html and "&lt;script&gt;" in html


def test_a_stale_save_is_refused_and_her_text_stays_in_the_form(world, client_for):
    client = client_for(world.woman_user)
    _post_mine(client, "antenatal", version=0, worries="Sleep")
    response = _post_mine(client, "antenatal", version=0, worries="Sleep and work")
    assert response.status_code == 400
    assert "changed while you were writing" in response.content.decode()
    assert "Sleep and work" in response.content.decode()


def test_the_midwife_records_a_discussion_and_agrees_the_section(world, client_for):
    actions.save_headings(
        by=world.woman_user,
        pregnancy=world.pregnancy_a,
        section_key="antenatal",
        texts={"what_matters": "Continuity"},
        writer=headings.WOMAN,
    )
    client = client_for(world.midwife_a.user)
    url = f"/women/{world.woman_a.ref}/plan/"
    response = client.post(
        url, {"action": "save:antenatal", "version": 2, "previous_pregnancies": "First baby"}
    )
    assert response.status_code == 302
    response = client.post(
        url, {"action": "discuss:antenatal", "antenatal-note": "Talked about visits"}
    )
    assert response.status_code == 302
    section = PlanSection.objects.get(pregnancy=world.pregnancy_a, key="antenatal")
    assert section.discussions.get().note == "Talked about visits"
    response = client.post(url, {"action": "agree:antenatal", "version": section.version})
    assert response.status_code == 302
    section.refresh_from_db()
    assert section.status == PlanSection.Status.AGREED
    record = section.care_plan_record
    assert (record.plan_type, record.personalised_plan, record.coc_pathway) == ("05", "Y", "Y")
    assert record.professional == world.midwife_a and record.team == world.team_a
    assert record.plan_date == timezone.localdate()
    # She changes her words afterwards: the section needs agreeing again.
    actions.save_headings(
        by=world.woman_user,
        pregnancy=world.pregnancy_a,
        section_key="antenatal",
        texts={"what_matters": "Continuity, and evening visits"},
        writer=headings.WOMAN,
    )
    section.refresh_from_db()
    assert section.status == PlanSection.Status.CHANGED


def test_agreeing_needs_something_written_and_the_latest_version(world):
    section = actions.section_for(world.pregnancy_a, "birth")
    with pytest.raises(ActionError, match="at least one heading"):
        actions.agree_section(by=world.midwife_a.user, section=section, version=section.version)
    actions.save_headings(
        by=world.midwife_a.user,
        pregnancy=world.pregnancy_a,
        section_key="birth",
        texts={"place_of_birth": "Home"},
        writer=headings.MIDWIFE,
    )
    with pytest.raises(StaleRecord):
        actions.agree_section(by=world.midwife_a.user, section=section, version=1)
    assert not CarePlanRecord.objects.filter(plan_type="06").exists()


def test_agreeing_the_antenatal_section_moves_the_pcsp_measure(world):
    today = timezone.localdate()
    p = world.pregnancy_a
    # She reaches 17+0 weeks (119 days) today.
    p.ga_at_booking_days = 70
    p.booking_date = today - timedelta(days=49)
    p.edd = p.booking_date + timedelta(days=210)
    p.save()

    def pcsp_by_16_weeks():
        snapshot = compute.refresh(by=None, months=1)
        month = snapshot.months[-1]
        row = next(
            r
            for r in snapshot.counts[month]
            if (r["measure"], r["breakdown"]) == ("PCSP_by_16weeks", "total")
        )
        return row["numerator"], row["denominator"]

    assert pcsp_by_16_weeks() == (0, 1)
    actions.save_headings(
        by=world.woman_user,
        pregnancy=p,
        section_key="antenatal",
        texts={"what_matters": "Being listened to"},
        writer=headings.WOMAN,
    )
    section = actions.section_for(p, "antenatal")
    actions.agree_section(by=world.midwife_a.user, section=section, version=section.version)
    assert pcsp_by_16_weeks() == (1, 1)


def test_staff_outside_her_care_cannot_see_her_plan(world, client_for):
    url = f"/women/{world.woman_a.ref}/plan/"
    assert client_for(world.midwife_b.user).get(url).status_code == 404
    assert client_for(world.midwife_a.user).get(url).status_code == 200
    assert AccessEvent.objects.filter(user=world.midwife_a.user, woman=world.woman_a).exists()
    assert client_for(world.board).get(url).status_code == 403


def test_she_prints_and_downloads_her_plan(world, client_for):
    client = client_for(world.woman_user)
    _post_mine(client, "birth", birth_partners="My sister Grace")
    printable = client.get("/my/plan/print/").content.decode()
    assert "My sister Grace" in printable and "Not agreed yet" in printable
    pdf = client.get("/my/plan.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
    assert "My sister Grace" in text


def test_planning_points_prompt_before_and_after(world):
    from datetime import date

    from continuity.plans.queries import prompt_for

    due = date(2026, 12, 1)
    assert prompt_for(due, "draft", date(2026, 11, 16)) is None
    assert prompt_for(due, "draft", date(2026, 11, 17)) == "due"
    assert prompt_for(due, "changed", date(2026, 12, 1)) == "due"
    assert prompt_for(due, "draft", date(2026, 12, 2)) == "overdue"
    assert prompt_for(due, "agreed", date(2026, 12, 2)) is None


def test_her_named_midwife_is_prompted_near_each_planning_point(world):
    from continuity.caseloads.queries import my_caseload

    today = timezone.localdate()
    p = world.pregnancy_a
    # 15+0 weeks today: the antenatal section is due at 16+0, within two weeks.
    p.ga_at_booking_days = 70
    p.booking_date = today - timedelta(days=35)
    p.edd = p.booking_date + timedelta(days=210)
    p.save()

    def flags():
        [row] = [r for r in my_caseload(world.midwife_a.user) if r.pregnancy.pk == p.pk]
        return row.flags

    assert "plan_due" in flags()
    p.booking_date = today - timedelta(days=60)  # 18+4 weeks: overdue
    p.edd = p.booking_date + timedelta(days=210)
    p.save()
    assert "plan_overdue" in flags()
    actions.save_headings(
        by=world.midwife_a.user,
        pregnancy=p,
        section_key="antenatal",
        texts={"screening": "Accepted"},
        writer=headings.MIDWIFE,
    )
    section = actions.section_for(p, "antenatal")
    actions.agree_section(by=world.midwife_a.user, section=section, version=section.version)
    assert not {"plan_due", "plan_overdue"} & set(flags())


def test_inside_the_nhs_app_our_header_is_hidden(world, client_for):
    client = client_for(world.woman_user)
    assert 'class="nhsuk-header' in client.get("/my/plan/").content.decode()
    inside = client.get("/my/plan/", HTTP_USER_AGENT="Mozilla/5.0 nhsapp-ios/2.41")
    assert 'class="nhsuk-header' not in inside.content.decode()
    assert "What matters to me" in inside.content.decode()
    client.get("/my/plan/?source=nhsapp")
    assert 'class="nhsuk-header' not in client.get("/my/plan/").content.decode()
