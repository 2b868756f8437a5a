"""Booking a pregnancy: the happy path, idempotency and every kind of bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from continuity.core.models import AuditEvent
from continuity.pregnancies.models import Assignment, Pregnancy, PregnancyTransition, Woman

pytestmark = pytest.mark.django_db

URL = reverse("pregnancies:book")


def date_fields(name, d):
    return {
        f"{name}[day]": str(d.day),
        f"{name}[month]": str(d.month),
        f"{name}[year]": str(d.year),
    }


def valid_post(world, **overrides):
    today = timezone.localdate()
    data = {
        "nhs_number": "999 000 0018",
        "given_name": "Grace",
        "family_name": "Okafor",
        **date_fields("date_of_birth", today.replace(year=today.year - 29)),
        "postcode": "nb1 2ab",
        "ethnic_category": "N",
        "preferred_language": "en",
        "booking_date[day]": str(today.day),
        "booking_date[month]": str(today.month),
        "booking_date[year]": str(today.year),
        **date_fields("edd", today + timedelta(days=280 - 63)),
        "previous_live_births": "0",
        "risk": "low",
        "hospital_of_choice": str(world.site.pk),
    }
    data.update(overrides)
    return data


def test_booking_creates_woman_pregnancy_and_queue_entry(world, client_for):
    c = client_for(world.midwife_a.user)
    assert c.get(URL).status_code == 200
    response = c.post(URL, valid_post(world))
    assert response.status_code == 302
    woman = Woman.objects.get(nhs_number="9990000018")
    assert woman.postcode == "NB1 2AB"
    assert woman.imd_decile is None  # no lookup imported: not known, never guessed
    pregnancy = woman.pregnancies.get()
    assert pregnancy.status == Pregnancy.Status.BOOKED
    assignment = Assignment.objects.get(pregnancy=pregnancy, ends_at__isnull=True)
    assert (assignment.team, assignment.named_midwife) == (world.team_a, None)
    assert PregnancyTransition.objects.filter(pregnancy=pregnancy, to_status="booked").exists()
    assert AuditEvent.objects.filter(
        action="pregnancy.booked", object_id=str(pregnancy.pk)
    ).exists()
    assert response["Location"] == reverse("pregnancies:woman", kwargs={"ref": woman.ref})
    assert "9990000018" not in response["Location"]


def test_double_submit_books_once(world, client_for):
    c = client_for(world.midwife_a.user)
    c.post(URL, valid_post(world))
    c.post(URL, valid_post(world))
    assert Pregnancy.objects.filter(woman__nhs_number="9990000018").count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"nhs_number": "999 000 0019"}, "check digit"),
        ({"nhs_number": "12345"}, "NHS number must be 10 digits"),
        ({"nhs_number": ""}, "Enter her NHS number"),
        ({"postcode": "NOT A POSTCODE"}, "Enter a real postcode"),
        ({"ethnic_category": "Q"}, "Select an ethnic category from the list"),
        (
            {"date_of_birth[day]": "31", "date_of_birth[month]": "2"},
            "Date of birth must be a real date",
        ),
        ({"date_of_birth[year]": ""}, "Date of birth must include a year"),
        ({"edd[year]": "2001"}, "Estimated due date must be after the booking date"),
        ({"previous_live_births": "-1"}, "cannot be less than 0"),
        ({"previous_live_births": "two"}, "must be a whole number"),
        ({"hospital_of_choice": "999999"}, "Select a hospital from the list"),
        (
            {"given_name": "<script>alert(1)</script>" * 10},
            "First name must be 100 characters or fewer",
        ),
    ],
)
def test_bad_input_is_refused_with_a_specific_message(world, client_for, overrides, message):
    c = client_for(world.midwife_a.user)
    response = c.post(URL, valid_post(world, **overrides))
    body = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: Book a pregnancy – Continuity – NHS</title>" in body
    assert "nhsuk-error-summary" in body
    assert message in body
    assert not Woman.objects.filter(nhs_number="9990000018").exists()


def test_gestation_over_300_days_is_refused(world, client_for):
    today = timezone.localdate()
    overrides = date_fields("edd", today - timedelta(days=1))
    overrides.update(date_fields("booking_date", today - timedelta(days=400)))
    response = client_for(world.midwife_a.user).post(URL, valid_post(world, **overrides))
    assert response.status_code == 400
    assert "outside 0 to 300 days" in response.content.decode()


def test_what_she_typed_is_kept_after_an_error(world, client_for):
    response = client_for(world.midwife_a.user).post(
        URL, valid_post(world, postcode="bad", given_name="Grace")
    )
    body = response.content.decode()
    assert 'value="Grace"' in body and 'value="bad"' in body


def test_script_in_names_is_escaped_never_run(world, client_for):
    c = client_for(world.midwife_a.user)
    response = c.post(URL, valid_post(world, given_name="<b>Grace</b>"), follow=True)
    body = response.content.decode()
    assert "<b>Grace</b>" not in body
    assert "&lt;b&gt;Grace&lt;/b&gt;" in body


def test_second_active_pregnancy_is_refused(world, client_for):
    woman = world.woman_a
    data = valid_post(world, nhs_number=woman.nhs_number)
    response = client_for(world.midwife_a.user).post(URL, data)
    assert response.status_code == 400
    assert "already has a pregnancy in care" in response.content.decode()
