"""Retention: records are flagged for review 25 years after care ends, and never deleted."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from continuity.core import retention
from continuity.core.models import AccessEvent, AuditEvent, RetentionReview
from continuity.pregnancies.models import Pregnancy, Woman
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 21)


def _ended(world, discharged: date, **fields):
    """A woman whose only pregnancy ended (discharged) on the given day."""
    woman = factories.WomanFactory(**fields)
    factories.PregnancyFactory(
        woman=woman,
        booking_date=discharged - timedelta(days=300),
        edd=discharged - timedelta(days=42),
        status=Pregnancy.Status.DISCHARGED,
        discharge_date=discharged,
    )
    return woman


def test_years_after_keeps_the_day_and_handles_29_february():
    assert retention.years_after(date(2001, 3, 1)) == date(2026, 3, 1)
    assert retention.years_after(date(2000, 2, 29)) == date(2025, 2, 28)


def test_a_record_is_flagged_on_the_day_25_years_after_care_ended_and_not_before(world):
    due = _ended(world, date(2001, 11, 21))
    not_yet = _ended(world, date(2001, 11, 22))
    run = retention.flag_due(TODAY)
    assert run.flagged == 1
    review = RetentionReview.objects.get()
    assert review.woman == due and review.due_on == TODAY
    assert review.care_ended_on == date(2001, 11, 21)
    assert not RetentionReview.objects.filter(woman=not_yet).exists()
    assert AuditEvent.objects.filter(action="retention.flagged").count() == 1


def test_flagging_is_idempotent_and_deletes_nothing(world):
    _ended(world, date(1990, 1, 1))
    women, pregnancies = Woman.objects.count(), Pregnancy.objects.count()
    assert retention.flag_due(TODAY).flagged == 1
    again = retention.flag_due(TODAY)
    assert (again.flagged, again.already_open) == (0, 1)
    assert RetentionReview.objects.count() == 1
    assert (Woman.objects.count(), Pregnancy.objects.count()) == (women, pregnancies)


def test_the_latest_pregnancy_counts_and_care_in_progress_is_never_due(world):
    woman = _ended(world, date(1995, 6, 1))
    factories.PregnancyFactory(
        woman=woman,
        booking_date=date(2009, 1, 1),
        edd=date(2009, 8, 1),
        status=Pregnancy.Status.DISCHARGED,
        discharge_date=date(2009, 9, 12),
    )
    assert retention.care_ended(woman) == date(2009, 9, 12)
    assert retention.flag_due(TODAY).flagged == 0
    # Every pregnancy of the test world is in care: none of them is due, whatever the date.
    assert retention.flag_due(date(2090, 1, 1)).flagged == 1
    assert list(RetentionReview.objects.values_list("woman", flat=True)) == [woman.pk]
    assert retention.care_ended(world.woman_a) is None


def test_keeping_a_record_holds_it_until_the_date_then_it_is_flagged_again(world, client_for):
    woman = _ended(world, date(1999, 5, 5))
    retention.flag_due(TODAY)
    review = RetentionReview.objects.get()
    client = client_for(world.privacy)
    page = client.get(f"/retention-review/{review.pk}/")
    assert page.status_code == 200 and woman.full_name in page.content.decode()
    assert AccessEvent.objects.filter(woman=woman, basis="retention_review").exists()
    keep = timezone.localdate() + timedelta(days=365 * 5)
    done = client.post(
        f"/retention-review/{review.pk}/",
        {
            "decision": "keep",
            "keep_until[day]": keep.day,
            "keep_until[month]": keep.month,
            "keep_until[year]": keep.year,
            "note": "Subject to a legal hold",
        },
    )
    assert done.status_code == 302
    review.refresh_from_db()
    assert review.decision == "keep" and review.keep_until == keep
    assert retention.flag_due(keep - timedelta(days=1)).flagged == 0
    assert retention.flag_due(keep).flagged == 1
    assert Woman.objects.filter(pk=woman.pk).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"note": "x"}, "Choose whether to keep the record or pass it on"),
        ({"decision": "keep", "note": "Legal hold"}, "Enter the date to keep the record until"),
        ({"decision": "disposal", "note": ""}, "Enter the reason for your decision"),
        (
            {
                "decision": "keep",
                "note": "Hold",
                "keep_until[day]": "1",
                "keep_until[month]": "1",
                "keep_until[year]": "2001",
            },
            "The date to keep it until must be in the future",
        ),
    ],
)
def test_a_decision_needs_a_choice_a_reason_and_for_keeping_a_future_date(
    world, client_for, data, message
):
    _ended(world, date(1999, 5, 5))
    retention.flag_due(TODAY)
    review = RetentionReview.objects.get()
    response = client_for(world.privacy).post(f"/retention-review/{review.pk}/", data)
    assert response.status_code == 400
    assert "nhsuk-error-summary" in response.content.decode()
    assert message in response.content.decode()
    review.refresh_from_db()
    assert review.decided_at is None


def test_passing_to_the_records_manager_is_recorded_and_never_flagged_again(world, client_for):
    woman = _ended(world, date(1999, 5, 5))
    retention.flag_due(TODAY)
    review = RetentionReview.objects.get()
    client_for(world.privacy).post(
        f"/retention-review/{review.pk}/", {"decision": "disposal", "note": "No reason to keep"}
    )
    review.refresh_from_db()
    assert review.decision == "disposal" and review.decided_by == world.privacy
    assert AuditEvent.objects.filter(action="retention.disposal").exists()
    assert retention.flag_due(date(2060, 1, 1)).flagged == 0
    assert Woman.objects.filter(pk=woman.pk).exists()  # the software itself deletes nothing


def test_only_the_privacy_officer_reviews_and_the_list_names_no_one(world, client_for):
    woman = _ended(world, date(1999, 5, 5))
    retention.flag_due(TODAY)
    page = client_for(world.privacy).get("/retention-review/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Records waiting for a decision" in body
    assert woman.full_name not in body and woman.nhs_number not in body
    for user in (world.midwife_a.user, world.manager, world.board, world.admin):
        assert client_for(user).get("/retention-review/").status_code == 403


def test_the_command_flags_and_prints_counts_only(world, capsys):
    woman = _ended(world, date(1999, 5, 5))
    call_command("retention_review", "--today", "2026-11-21")
    out = capsys.readouterr().out
    assert "1 newly flagged" in out and woman.full_name not in out
