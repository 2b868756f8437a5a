"""The schedule engine: guideline schedules as data, turned into one pregnancy's due contacts."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from continuity.engines.gestation import Dating, date_reaching, ga_days
from continuity.engines.schedule import (
    SCHEDULE_NAMES,
    AntenatalContact,
    DueContact,
    ExtraVisit,
    PregnancyFacts,
    Schedule,
    ScheduleInputError,
    ScheduleSettings,
    due_contacts,
    due_contacts_to_json,
    facts_from_dict,
    load_schedule,
    load_schedule_file,
    schedule_from_dict,
    schedule_from_json,
    schedule_to_dict,
    settings_from_dict,
)

LONDON = ZoneInfo("Europe/London")
NICE = load_schedule("nice_ng201")
WHO = load_schedule("who_2016")
DEFAULTS = ScheduleSettings()
SIX_WEEKS = ScheduleSettings(continue_to_six_weeks=True)

BOOKING = date(2026, 1, 5)
EDD = date(2026, 8, 3)  # booked at 70 days (10+0)


def facts(**changes: Any) -> PregnancyFacts:
    base = PregnancyFacts(booking_date=BOOKING, edd=EDD, previous_live_births=0)
    return replace(base, **changes)


def dating(p: PregnancyFacts) -> Dating:
    return Dating(p.booking_date, p.edd, p.ga_at_booking_days)


def by_code(contacts: tuple[DueContact, ...]) -> dict[str, DueContact]:
    return {c.code: c for c in contacts}


def antenatal(contacts: tuple[DueContact, ...]) -> list[DueContact]:
    return [c for c in contacts if c.kind in ("booking", "antenatal")]


def ga_window(p: PregnancyFacts, c: DueContact) -> tuple[int, int, int]:
    d = dating(p)
    return ga_days(d, c.earliest), ga_days(d, c.target), ga_days(d, c.latest)


def at(day: date, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


# -- antenatal ----------------------------------------------------------------------------------


def test_nulliparous_women_get_ten_antenatal_contacts_including_booking():
    contacts = due_contacts(facts(previous_live_births=0), NICE, DEFAULTS)
    assert [c.code for c in contacts] == [
        "booking",
        "an_16",
        "an_25",
        "an_28",
        "an_31",
        "an_34",
        "an_36",
        "an_38",
        "an_40",
        "an_41",
    ]
    assert [c.kind for c in contacts] == ["booking"] + ["antenatal"] * 9
    assert {c.source for c in contacts} == {"nice_ng201"}


@pytest.mark.parametrize("parity", [1, 2, 5])
def test_parous_women_get_seven(parity):
    contacts = due_contacts(facts(previous_live_births=parity), NICE, DEFAULTS)
    assert [c.code for c in contacts] == [
        "booking",
        "an_16",
        "an_28",
        "an_34",
        "an_36",
        "an_38",
        "an_41",
    ]


def test_who_2016_gives_eight_contacts_for_everyone():
    for parity in (0, 3):
        contacts = due_contacts(facts(previous_live_births=parity), WHO, DEFAULTS)
        assert [c.code for c in contacts] == [
            "booking",
            "an_20",
            "an_26",
            "an_30",
            "an_34",
            "an_36",
            "an_38",
            "an_40",
        ]
        assert {c.source for c in contacts} == {"who_2016"}
    assert SCHEDULE_NAMES == ("nice_ng201", "who_2016")


def test_target_weeks_and_windows_in_gestational_days():
    p = facts()
    windows = {c.code: ga_window(p, c) for c in due_contacts(p, NICE, DEFAULTS)}
    assert windows["an_16"] == (98, 112, 126)  # 14+0, 16+0, 18+0 as NICE gives it
    assert windows["an_28"] == (189, 196, 203)  # 27+0, 28+0, 29+0: the ±1 week choice
    assert windows["an_40"] == (273, 280, 286)  # 39+0 to 40+6
    assert windows["an_41"] == (287, 287, 294)  # not before 41+0
    for code, (earliest, target, latest) in windows.items():
        assert earliest <= target <= latest, code
        if code != "booking":
            assert target == int(code.removeprefix("an_")) * 7


def test_every_window_contains_its_target():
    for schedule in (NICE, WHO):
        for contact in schedule.antenatal:
            assert contact.earliest_ga_days <= contact.target_ga_days <= contact.latest_ga_days
        for c in due_contacts(facts(), schedule, DEFAULTS):
            assert c.earliest <= c.target <= c.latest


def test_activities_carbon_monoxide_and_reduced_fetal_movements():
    contacts = by_code(due_contacts(facts(), NICE, DEFAULTS))
    co = sorted(code for code, c in contacts.items() if "co_reading" in c.activities)
    assert co == ["an_36", "booking"]
    rfm = [c for c in contacts.values() if "rfm_info" in c.activities]
    assert [c.code for c in rfm] == ["an_16"]
    assert ga_days(dating(facts()), rfm[0].latest) <= 24 * 7  # by 24 weeks


def test_booking_is_pinned_to_the_booking_date_and_uses_the_booking_duration():
    late = facts(edd=BOOKING + timedelta(days=280 - 150))  # booked at 21+3
    booking = by_code(due_contacts(late, NICE, DEFAULTS))["booking"]
    assert booking.earliest == booking.target == booking.latest == BOOKING
    assert booking.target_ga_days == 150
    assert booking.duration_minutes == 90
    coc = ScheduleSettings(continuity_of_carer=True)
    assert by_code(due_contacts(late, NICE, coc))["booking"].duration_minutes == 120


def test_durations_come_from_settings_unless_the_schedule_says_otherwise():
    chosen = ScheduleSettings(booking_minutes=75, antenatal_minutes=30, postnatal_minutes=60)
    p = facts(birth_at=at(date(2026, 8, 1), 10), home_birth=True)
    contacts = due_contacts(p, NICE, chosen)
    assert {c.duration_minutes for c in contacts if c.kind == "antenatal"} == {30}
    assert {c.duration_minutes for c in contacts if c.kind == "postnatal"} == {60}
    assert by_code(contacts)["booking"].duration_minutes == 75
    longer = replace(
        NICE,
        antenatal=tuple(
            replace(c, duration_minutes=60) if c.code == "an_16" else c for c in NICE.antenatal
        ),
    )
    assert by_code(due_contacts(facts(), longer, chosen))["an_16"].duration_minutes == 60


def test_late_booking_drops_contacts_whose_window_has_passed():
    booked_20 = facts(edd=BOOKING + timedelta(days=280 - 140))  # booked at 20+0
    codes = [c.code for c in due_contacts(booked_20, NICE, DEFAULTS)]
    assert codes[:3] == ["booking", "an_25", "an_28"]
    assert "an_16" not in codes
    # A window that closes on the booking day is covered by the booking itself.
    booked_18 = facts(edd=BOOKING + timedelta(days=280 - 126))
    assert "an_16" not in by_code(due_contacts(booked_18, NICE, DEFAULTS))
    # A window still open keeps the contact, from the day after the booking.
    booked_17 = facts(edd=BOOKING + timedelta(days=280 - 119))
    an_16 = by_code(due_contacts(booked_17, NICE, DEFAULTS))["an_16"]
    assert an_16.earliest == BOOKING + timedelta(days=1)
    assert an_16.target == BOOKING + timedelta(days=1)  # 16+0 had passed: as soon as possible
    assert an_16.latest == BOOKING + timedelta(days=7)
    # Booked at 41+3: only the booking and the 41-week contact are left.
    booked_41 = facts(edd=BOOKING - timedelta(days=10))
    assert [c.code for c in due_contacts(booked_41, NICE, DEFAULTS)] == ["booking", "an_41"]


def test_a_changed_edd_shifts_everything():
    before = due_contacts(facts(), NICE, DEFAULTS)
    after = due_contacts(facts(edd=EDD + timedelta(days=9)), NICE, DEFAULTS)
    assert [c.code for c in before] == [c.code for c in after]
    for old, new in zip(before, after, strict=True):
        if old.kind == "booking":
            assert new.target == old.target == BOOKING
            assert new.target_ga_days == old.target_ga_days - 9
            continue
        assert new.earliest - old.earliest == timedelta(days=9)
        assert new.target - old.target == timedelta(days=9)
        assert new.latest - old.latest == timedelta(days=9)
        assert new.target_ga_days == old.target_ga_days


def test_the_gestational_age_at_booking_wins_over_the_edd_as_in_gestation():
    p = facts(ga_at_booking_days=84, edd=EDD)  # EDD says 70 days; booking GA says 84
    an_16 = by_code(due_contacts(p, NICE, DEFAULTS))["an_16"]
    assert an_16.target == BOOKING + timedelta(days=112 - 84)
    assert an_16.target == date_reaching(dating(p), 112)


def test_a_changed_parity_just_gives_a_new_list():
    first = due_contacts(facts(previous_live_births=0), NICE, DEFAULTS)
    second = due_contacts(facts(previous_live_births=1), NICE, DEFAULTS)
    assert set(second) < set(first)
    assert {c.code for c in set(first) - set(second)} == {"an_25", "an_31", "an_40"}


# -- birth and postnatal ------------------------------------------------------------------------


BIRTH_DAY = date_reaching(Dating(BOOKING, EDD), 37 * 7 + 2)  # 37+2, before 38 weeks


def test_birth_before_38_weeks_drops_later_antenatal_contacts():
    p = facts(birth_at=at(BIRTH_DAY, 4, 30))
    contacts = due_contacts(p, NICE, DEFAULTS)
    assert [c.code for c in contacts] == [
        "booking",
        "an_16",
        "an_25",
        "an_28",
        "an_31",
        "an_34",
        "an_36",
    ]  # still in hospital: no postnatal series yet
    assert ga_window(p, contacts[-1]) == (245, 252, 259)  # closed before the birth: unchanged
    # Born at 36+3: the 36-week contact stays, its window cut to end the day before the birth.
    day = date_reaching(Dating(BOOKING, EDD), 36 * 7 + 3)
    an_36 = due_contacts(facts(birth_at=at(day, 12)), NICE, DEFAULTS)[-1]
    assert an_36.code == "an_36"
    assert an_36.latest == day - timedelta(days=1)
    # Born on the day a contact was due: it is dropped.
    day = date_reaching(Dating(BOOKING, EDD), 36 * 7)
    assert "an_36" not in by_code(due_contacts(facts(birth_at=at(day, 9)), NICE, DEFAULTS))


def test_postnatal_series_after_transfer_home():
    birth = at(BIRTH_DAY, 4, 30)
    home = birth + timedelta(hours=30)
    p = facts(birth_at=birth, postnatal_start_at=home)
    contacts = due_contacts(p, NICE, DEFAULTS)
    assert "an_38" not in by_code(contacts)
    postnatal = [c for c in contacts if c.kind == "postnatal"]
    assert {c.source for c in postnatal} == {"nice_postnatal"}
    assert [c.code for c in postnatal] == [
        "pn_newborn_exam",
        "pn_first_visit",
        "pn_blood_spot",
        "pn_discharge",
        "pn_6_8_week_check",
    ]
    pn = by_code(contacts)

    first = pn["pn_first_visit"]  # within 36 hours of transfer home
    assert first.earliest_at == home
    assert first.latest_at == home + timedelta(hours=36)
    assert first.target_at == home + timedelta(hours=24)
    assert first.earliest == home.date() and first.latest == (home + timedelta(hours=36)).date()
    assert first.duration_minutes == 45

    exam = pn["pn_newborn_exam"]  # within 72 hours of birth; the community part from transfer
    assert exam.latest_at == birth + timedelta(hours=72)
    assert exam.earliest_at == home
    assert "newborn_physical_exam" in exam.activities

    spot = pn["pn_blood_spot"]  # day 5, by day 8 at the latest (day of birth is day 0)
    assert spot.target == BIRTH_DAY + timedelta(days=5)
    assert spot.earliest == BIRTH_DAY + timedelta(days=5)
    assert spot.latest == BIRTH_DAY + timedelta(days=8)
    assert spot.earliest_at is None

    discharge = pn["pn_discharge"]
    assert (discharge.earliest, discharge.latest) == (
        BIRTH_DAY + timedelta(days=10),
        BIRTH_DAY + timedelta(days=14),
    )
    assert "midwifery_discharge" in discharge.activities

    check = pn["pn_6_8_week_check"]
    assert (check.earliest, check.latest) == (
        BIRTH_DAY + timedelta(days=42),
        BIRTH_DAY + timedelta(days=56),
    )
    assert set(check.activities) == {"maternal_check", "newborn_6_8_week_exam"}


def test_no_postnatal_series_until_the_start_of_postnatal_care_is_known():
    birth = at(BIRTH_DAY, 4, 30)
    in_hospital = due_contacts(facts(birth_at=birth), NICE, DEFAULTS)
    assert not [c for c in in_hospital if c.kind == "postnatal"]
    no_birth = due_contacts(facts(home_birth=True), NICE, DEFAULTS)
    assert not [c for c in no_birth if c.kind == "postnatal"]


def test_home_birth_starts_from_the_midwife_leaving_or_else_the_birth():
    birth = at(BIRTH_DAY, 4, 30)
    from_birth = by_code(due_contacts(facts(birth_at=birth, home_birth=True), NICE, DEFAULTS))
    assert from_birth["pn_first_visit"].earliest_at == birth
    assert from_birth["pn_first_visit"].latest_at == birth + timedelta(hours=36)
    left = birth + timedelta(hours=3)
    p = facts(birth_at=birth, home_birth=True, postnatal_start_at=left)
    from_leaving = by_code(due_contacts(p, NICE, DEFAULTS))
    assert from_leaving["pn_first_visit"].latest_at == left + timedelta(hours=36)


def test_contacts_whose_window_closed_in_hospital_are_dropped():
    birth = at(BIRTH_DAY, 4, 30)
    p = facts(birth_at=birth, postnatal_start_at=at(BIRTH_DAY + timedelta(days=9), 12))
    codes = {c.code for c in due_contacts(p, NICE, DEFAULTS)}
    assert "pn_newborn_exam" not in codes  # 72 hours had passed
    assert "pn_blood_spot" not in codes  # day 8 had passed
    assert {"pn_first_visit", "pn_discharge", "pn_6_8_week_check"} <= codes


def test_the_36_hours_are_elapsed_hours_across_the_clock_change():
    # Clocks go forward at 01:00 GMT on Sunday 29 March 2026.
    home = datetime(2026, 3, 28, 20, 0, tzinfo=UTC)
    p = PregnancyFacts(
        booking_date=date(2025, 8, 1),
        edd=date(2026, 4, 10),
        previous_live_births=1,
        birth_at=home - timedelta(hours=6),
        postnatal_start_at=home,
    )
    first = by_code(due_contacts(p, NICE, DEFAULTS))["pn_first_visit"]
    assert first.latest_at == home + timedelta(hours=36)
    assert first.latest_at.astimezone(UTC) == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)
    # Dates are local (Europe/London): 23:30 GMT on 31 March is 00:30 BST on 1 April.
    late = replace(p, postnatal_start_at=datetime(2026, 3, 31, 23, 30, tzinfo=UTC))
    assert by_code(due_contacts(late, NICE, DEFAULTS))["pn_first_visit"].earliest == date(
        2026, 4, 1
    )


def test_continuing_to_six_weeks_adds_weekly_visits():
    birth = at(BIRTH_DAY, 4, 30)
    p = facts(birth_at=birth, postnatal_start_at=birth + timedelta(hours=8))
    standard = by_code(due_contacts(p, NICE, DEFAULTS))
    continuing = by_code(due_contacts(p, NICE, SIX_WEEKS))
    assert set(continuing) - set(standard) == {
        "pn_review_day_10",
        "pn_week_3",
        "pn_week_4",
        "pn_week_5",
        "pn_week_6",
    }
    assert set(standard) - set(continuing) == {"pn_discharge"}  # discharge moves to week 6
    review = continuing["pn_review_day_10"]
    assert (review.earliest, review.latest) == (
        standard["pn_discharge"].earliest,
        standard["pn_discharge"].latest,
    )
    for week in (3, 4, 5, 6):
        visit = continuing[f"pn_week_{week}"]
        assert visit.target == BIRTH_DAY + timedelta(days=7 * week)
        assert visit.earliest == visit.target - timedelta(days=3)
        assert visit.latest == visit.target + timedelta(days=3)
    assert "midwifery_discharge" in continuing["pn_week_6"].activities
    assert "midwifery_discharge" not in continuing["pn_review_day_10"].activities
    # Everything they share is identical.
    for code in set(standard) & set(continuing):
        assert standard[code] == continuing[code]


# -- extra visits, today, answers ---------------------------------------------------------------


def test_extra_visits_pass_through():
    visit = ExtraVisit(
        code="extra-41",
        earliest=date(2026, 3, 2),
        latest=date(2026, 3, 6),
        duration_minutes=60,
        target=date(2026, 3, 4),
        activities=("mental_health_review",),
    )
    plain = ExtraVisit(
        code="extra-42", earliest=date(2026, 3, 9), latest=date(2026, 3, 9), duration_minutes=20
    )
    contacts = due_contacts(facts(extra=(visit, plain)), NICE, DEFAULTS)
    got = by_code(contacts)
    assert got["extra-41"] == DueContact(
        code="extra-41",
        kind="extra",
        label_key="contact.extra",
        earliest=date(2026, 3, 2),
        target=date(2026, 3, 4),
        latest=date(2026, 3, 6),
        duration_minutes=60,
        activities=("mental_health_review",),
        source="extra",
    )
    assert got["extra-42"].target == date(2026, 3, 9)
    assert len(contacts) == 12
    targets = [c.target for c in contacts]
    assert targets == sorted(targets)


def test_today_leaves_out_windows_already_closed():
    everything = due_contacts(facts(), NICE, DEFAULTS)
    today = date(2026, 5, 12)
    current = due_contacts(facts(), NICE, DEFAULTS, today=today)
    assert current == tuple(c for c in everything if c.latest >= today)
    assert current[0].code == "an_28"  # window 27+0 to 29+0 is still open


def test_answers_and_facts_have_a_json_form():
    p = facts(
        birth_at=datetime(2026, 7, 20, 9, 15, tzinfo=UTC),
        home_birth=True,
        extra=(ExtraVisit("x1", date(2026, 3, 1), date(2026, 3, 2), 30),),
    )
    text = due_contacts_to_json(due_contacts(p, NICE, DEFAULTS))
    data = json.loads(text)
    first = next(c for c in data["contacts"] if c["code"] == "pn_first_visit")
    assert first["earliest_at"] == "2026-07-20T09:15:00Z"
    assert first["latest_at"] == "2026-07-21T21:15:00Z"
    booking = next(c for c in data["contacts"] if c["code"] == "booking")
    assert booking["earliest_at"] is None and booking["target_ga_days"] == 70
    read = facts_from_dict(
        {
            "booking_date": "2026-01-05",
            "edd": "2026-08-03",
            "previous_live_births": 0,
            "birth_at": "2026-07-20T10:15:00+01:00",
            "home_birth": True,
            "extra": [
                {
                    "code": "x1",
                    "earliest": "2026-03-01",
                    "latest": "2026-03-02",
                    "duration_minutes": 30,
                }
            ],
        }
    )
    assert read == p
    assert settings_from_dict({}) == DEFAULTS
    assert settings_from_dict({"continue_to_six_weeks": True}) == SIX_WEEKS


def test_schedules_round_trip_through_json():
    for schedule in (NICE, WHO):
        assert schedule_from_dict(schedule_to_dict(schedule)) == schedule
        assert schedule_from_json(json.dumps(schedule_to_dict(schedule))) == schedule
    assert NICE.postnatal is not None and NICE.postnatal.name == "nice_postnatal"
    assert WHO.postnatal == NICE.postnatal


def test_a_schedule_file_can_be_loaded(tmp_path: Path):
    data = {
        "name": "local_trust",
        "postnatal": None,
        "antenatal": [
            {
                "code": "booking",
                "kind": "booking",
                "label_key": "contact.booking",
                "earliest_ga": 0,
                "target_ga": "9+0",
                "latest_ga": "10+0",
            },
            {
                "code": "an_20",
                "label_key": "contact.antenatal.20_weeks",
                "earliest_ga": "19+0",
                "target_ga": "20+0",
                "latest_ga": "21+0",
                "duration_minutes": 30,
                "activities": ["rfm_info"],
            },
        ],
    }
    path = tmp_path / "local.json"
    path.write_text(json.dumps(data))
    schedule = load_schedule_file(path)
    assert schedule == Schedule(
        name="local_trust",
        title="",
        antenatal=(
            AntenatalContact("booking", "contact.booking", 63, 0, 70, kind="booking"),
            AntenatalContact(
                "an_20",
                "contact.antenatal.20_weeks",
                140,
                133,
                147,
                duration_minutes=30,
                activities=("rfm_info",),
            ),
        ),
    )
    contacts = due_contacts(facts(birth_at=at(BIRTH_DAY), home_birth=True), schedule, DEFAULTS)
    assert [c.code for c in contacts] == ["booking", "an_20"]  # no postnatal series given


# -- invalid input ------------------------------------------------------------------------------


def error(call: Any) -> ScheduleInputError:
    with pytest.raises(ScheduleInputError) as info:
        call()
    assert isinstance(info.value, ValueError)
    return info.value


def test_an_edd_far_before_the_booking_is_refused():
    p = facts(edd=BOOKING - timedelta(days=301))
    e = error(lambda: due_contacts(p, NICE, DEFAULTS))
    assert e.path == "pregnancy.edd"
    assert "581 days" in e.message and "from 2025-12-16 to 2026-10-12" in e.message
    # More than 280 days after the booking means a negative age at booking.
    e = error(lambda: due_contacts(facts(edd=BOOKING + timedelta(days=281)), NICE, DEFAULTS))
    assert e.path == "pregnancy.edd"


def test_unknown_schedule_name_is_refused():
    e = error(lambda: load_schedule("nice_2008"))
    assert e.path == "schedule"
    assert "nice_ng201" in e.message and "who_2016" in e.message


def schedule_file(tmp_path: Path, change: Any) -> Path:
    data = schedule_to_dict(NICE)
    change(data)
    path = tmp_path / "schedule.json"
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        (
            lambda d: d["antenatal"][1].update(duration_minutes=-30),
            "antenatal[1].duration_minutes",
            "from 1 to 480",
        ),
        (
            lambda d: d["postnatal"]["contacts"][2].update(duration_minutes=-5),
            "postnatal.contacts[2].duration_minutes",
            "from 1 to 480",
        ),
        (
            lambda d: d["antenatal"][2].update(target_ga="25+9"),
            "antenatal[2].target_ga",
            "weeks+days",
        ),
        (
            lambda d: d["antenatal"][3].update(earliest_ga="29+1"),
            "antenatal[3].target",
            "not be before the earliest",
        ),
        (lambda d: d["antenatal"][4].update(code="an_28"), "antenatal[4].code", "repeats"),
        (lambda d: d["antenatal"][4].update(weeks=31), "antenatal[4].weeks", "not a field"),
        (lambda d: d["antenatal"][0].update(kind="scan"), "antenatal[0].kind", "one of"),
        (lambda d: d["antenatal"][1].update(kind="booking"), "antenatal[1].kind", "at most one"),
        (lambda d: d.update(postnatal="who_postnatal"), "postnatal", "no postnatal series"),
        (
            lambda d: d["postnatal"]["contacts"][0].update(unit="weeks"),
            "postnatal.contacts[0].unit",
            "one of",
        ),
        (
            lambda d: d["postnatal"]["contacts"][0].update(latest=3000),
            "postnatal.contacts[0].latest",
            "from 0 to 2016",
        ),
        (lambda d: d.pop("antenatal"), "antenatal", "required"),
    ],
)
def test_a_bad_schedule_file_is_refused_with_the_path(tmp_path, change, path, words):
    e = error(lambda: load_schedule_file(schedule_file(tmp_path, change)))
    assert e.path == path
    assert words in e.message
    assert str(e).startswith(f"{path}: ")


def test_invalid_json_is_refused(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    assert "not valid JSON" in str(error(lambda: load_schedule_file(bad)))


def test_a_schedule_built_in_code_is_checked_too():
    bad = replace(NICE, antenatal=(replace(NICE.antenatal[1], duration_minutes=-1),))
    assert error(lambda: due_contacts(facts(), bad, DEFAULTS)).path == (
        "antenatal[0].duration_minutes"
    )


@pytest.mark.parametrize(
    ("p", "path"),
    [
        (facts(previous_live_births=-1), "pregnancy.previous_live_births"),
        (facts(ga_at_booking_days=301), "pregnancy.ga_at_booking_days"),
        (facts(birth_at=datetime(2026, 7, 1, 9, 0)), "pregnancy.birth_at"),
        (facts(postnatal_start_at=at(date(2026, 7, 1))), "pregnancy.birth_at"),
        (
            facts(birth_at=at(date(2026, 7, 2)), postnatal_start_at=at(date(2026, 7, 1))),
            "pregnancy.postnatal_start_at",
        ),
        (facts(birth_at=at(date(2025, 12, 1))), "pregnancy.birth_at"),
        (
            facts(extra=(ExtraVisit("an_16", date(2026, 3, 1), date(2026, 3, 2), 30),)),
            "pregnancy.extra[0].code",
        ),
        (
            facts(extra=(ExtraVisit("x", date(2026, 3, 2), date(2026, 3, 1), 30),)),
            "pregnancy.extra[0].latest",
        ),
        (
            facts(extra=(ExtraVisit("x", date(2026, 3, 1), date(2026, 3, 2), 0),)),
            "pregnancy.extra[0].duration_minutes",
        ),
        (
            facts(
                extra=(
                    ExtraVisit("x", date(2026, 3, 1), date(2026, 3, 2), 30),
                    ExtraVisit("x", date(2026, 3, 3), date(2026, 3, 4), 30),
                )
            ),
            "pregnancy.extra[1].code",
        ),
    ],
)
def test_impossible_facts_are_refused_with_the_path(p, path):
    assert error(lambda: due_contacts(p, NICE, DEFAULTS)).path == path


@pytest.mark.parametrize(
    ("chosen", "path"),
    [
        (ScheduleSettings(antenatal_minutes=-40), "settings.antenatal_minutes"),
        (ScheduleSettings(booking_minutes=0), "settings.booking_minutes"),
        (ScheduleSettings(timezone="Europe/Leeds"), "settings.timezone"),
    ],
)
def test_impossible_settings_are_refused_with_the_path(chosen, path):
    assert error(lambda: due_contacts(facts(), NICE, chosen)).path == path


def test_bad_json_facts_and_settings_name_the_field():
    assert error(lambda: settings_from_dict({"postnatal_minutes": "45"})).path == (
        "settings.postnatal_minutes"
    )
    assert error(lambda: settings_from_dict({"booking_minute": 90})).path == (
        "settings.booking_minute"
    )
    base = {"booking_date": "2026-01-05", "edd": "2026-08-03", "previous_live_births": 0}
    assert error(lambda: facts_from_dict({**base, "birth_at": "2026-07-01T09:00"})).path == (
        "pregnancy.birth_at"
    )
    assert error(lambda: facts_from_dict({**base, "edd": "3 Aug"})).path == "pregnancy.edd"


# -- properties ---------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    booking=st.dates(date(2024, 1, 1), date(2030, 12, 31)),
    ga_at_booking=st.integers(0, 300),
    use_booking_ga=st.booleans(),
    parity=st.integers(0, 6),
    schedule=st.sampled_from([NICE, WHO]),
    six_weeks=st.booleans(),
    birth_ga=st.none() | st.integers(154, 300),
    birth_minute=st.integers(0, 24 * 60 - 1),
    start_after_hours=st.none() | st.integers(0, 24 * 14),
    home_birth=st.booleans(),
    today_offset=st.none() | st.integers(-30, 400),
)
def test_contacts_are_sorted_windowed_and_unique(
    booking,
    ga_at_booking,
    use_booking_ga,
    parity,
    schedule,
    six_weeks,
    birth_ga,
    birth_minute,
    start_after_hours,
    home_birth,
    today_offset,
):
    edd = booking + timedelta(days=280 - ga_at_booking)
    base = PregnancyFacts(
        booking_date=booking,
        edd=edd,
        ga_at_booking_days=ga_at_booking if use_booking_ga else None,
        previous_live_births=parity,
        home_birth=home_birth,
    )
    birth_at = None
    if birth_ga is not None:
        birth_day = max(booking, date_reaching(dating(base), birth_ga))
        birth_at = at(birth_day) + timedelta(minutes=birth_minute)
    start = (
        None
        if birth_at is None or start_after_hours is None
        else birth_at + timedelta(hours=start_after_hours)
    )
    p = replace(base, birth_at=birth_at, postnatal_start_at=start)
    today = None if today_offset is None else booking + timedelta(days=today_offset)
    chosen = ScheduleSettings(continue_to_six_weeks=six_weeks)
    contacts = due_contacts(p, schedule, chosen, today=today)

    targets = [c.target for c in contacts]
    assert targets == sorted(targets)
    codes = [c.code for c in contacts]
    assert len(codes) == len(set(codes))
    for c in contacts:
        assert c.earliest <= c.target <= c.latest
        if c.earliest_at is not None:
            assert c.target_at is not None and c.latest_at is not None
            assert c.earliest_at <= c.target_at <= c.latest_at
        assert c.duration_minutes > 0
        if today is not None:
            assert c.latest >= today
        if c.kind == "antenatal":
            assert c.earliest > booking
            if birth_at is not None:
                assert c.latest < birth_at.astimezone(LONDON).date()
    # Recomputing from the same facts gives the same answer.
    assert due_contacts(p, schedule, chosen, today=today) == contacts
    if today is None and birth_at is None:
        expected = sum(1 for a in schedule.antenatal if not a.nulliparous_only or parity == 0)
        dropped = sum(
            1
            for a in schedule.antenatal
            if a.kind == "antenatal"
            and (not a.nulliparous_only or parity == 0)
            and date_reaching(dating(p), a.latest_ga_days) <= booking
        )
        assert len(contacts) == expected - dropped
