"""`continuity export-msds`: the app's data as MSDS-shaped tables at the end of a month."""

from __future__ import annotations

import csv
from datetime import date, datetime, time
from io import StringIO
from zoneinfo import ZoneInfo

import duckdb
import pytest
from django.core.management import CommandError, call_command

from continuity.assurance import msds
from continuity.engines.measures.schema import TABLES
from continuity.pregnancies.models import (
    CarePlanRecord,
    Contact,
    ContactProfessional,
    LabourProfessional,
    LabourRecord,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
OCTOBER = date(2026, 10, 1)


def _contact(world, pregnancy, when, midwife, attendance="5", **fields):
    contact = Contact.objects.create(
        pregnancy=pregnancy,
        kind=Contact.Kind.ANTENATAL,
        scheduled_start=when,
        attendance=attendance,
        **fields,
    )
    ContactProfessional.objects.create(contact=contact, midwife=midwife, team=midwife.team)
    return contact


@pytest.fixture
def october(world):
    p = world.pregnancy_a
    p.booking_date = date(2026, 5, 1)
    p.ga_at_booking_days = 70
    p.edd = date(2026, 12, 15)
    p.save()
    p.assignments.update(starts_at=datetime(2026, 6, 1, 9, 0, tzinfo=LONDON))
    CarePlanRecord.objects.create(
        pregnancy=p,
        plan_date=date(2026, 6, 1),
        plan_type="05",
        coc_pathway="Y",
        personalised_plan="Y",
        professional=world.midwife_a,
        team=world.team_a,
    )
    CarePlanRecord.objects.create(  # after the month: not yet a fact
        pregnancy=p, plan_date=date(2026, 11, 3), plan_type="06", coc_pathway="Y"
    )
    CarePlanRecord.objects.create(  # voided: never exported
        pregnancy=p,
        plan_date=date(2026, 6, 2),
        plan_type="05",
        coc_pathway="N",
        voided_at=datetime(2026, 6, 3, tzinfo=LONDON),
        void_reason="Entered in error",
    )
    # 31 October 2026, 23:30 in London is still October there (GMT after the clocks went back).
    late = _contact(world, p, datetime(2026, 10, 31, 23, 30, tzinfo=LONDON), world.midwife_a)
    summer = _contact(world, p, datetime(2026, 7, 1, 9, 15, tzinfo=LONDON), world.buddy_a)
    _contact(world, p, datetime(2026, 11, 2, 10, 0, tzinfo=LONDON), world.midwife_a, "0")
    return p, late, summer


def test_the_month_is_a_snapshot_at_its_end(world, october):
    p, late, summer = october
    tables = msds.rows_by_table(msds.extract(OCTOBER))
    [booking] = [r for r in tables["MSD101PregnancyBooking"] if r["UniqPregID"] == str(p.ref)]
    assert booking["AntenatalAppDate"] == date(2026, 5, 1)
    assert booking["GestAgeBooking"] == 70
    assert booking["EDDAgreed"] == date(2026, 12, 15)
    assert booking["OrgSiteIDBooking"] == world.site.ods_code
    assert booking["Person_ID_Mother"] == str(p.woman.ref)
    plans = [r for r in tables["MSD102MatCarePlan"] if r["UniqPregID"] == str(p.ref)]
    assert plans == [
        {
            "UniqPregID": str(p.ref),
            "CarePlanDate": date(2026, 6, 1),
            "CarePlanType": "05",
            "ContCarePathInd": "Y",
            "MatPersCarePlanInd": "Y",
            "CareProfLID": world.midwife_a.professional_id,
            "TeamLocalID": "TA",
        }
    ]
    contacts = {r["CareConID"]: r for r in tables["MSD201CareContactPreg"]}
    assert set(contacts) == {str(late.pk), str(summer.pk)}  # November's visit is not yet
    assert contacts[str(late.pk)]["CContactDate"] == date(2026, 10, 31)
    assert contacts[str(late.pk)]["CContactTime"] == time(23, 30)
    assert contacts[str(summer.pk)]["CContactTime"] == time(9, 15)  # BST, not UTC
    activities = {r["CareConID"]: r for r in tables["MSD202CareActivityPreg"]}
    assert activities[str(summer.pk)]["CareProfLID"] == world.buddy_a.professional_id
    assert activities[str(summer.pk)]["TeamLocalID"] == "TA"
    buddies = {r["UniqPregID"]: r["CareProfLIDBuddy"] for r in tables["LOCALBuddy"]}
    assert buddies[str(p.ref)] == world.buddy_a.professional_id
    # An assignment made after the month is not in its snapshot.
    p.assignments.update(starts_at=datetime(2026, 11, 5, 9, 0, tzinfo=LONDON))
    later = msds.rows_by_table(msds.extract(OCTOBER))["LOCALBuddy"]
    assert str(p.ref) not in {r["UniqPregID"] for r in later}
    staff = {r["CareProfLID"] for r in tables["MSD901StaffDetails"]}
    assert world.midwife_a.professional_id in staff


def test_a_discharge_or_birth_after_the_month_is_not_yet_known(world, october):
    p, _, _ = october
    p.discharge_date = date(2026, 11, 20)
    p.save()
    labour = LabourRecord.objects.create(
        pregnancy=p, birth_at=datetime(2026, 11, 10, 4, 0, tzinfo=LONDON), setting="home"
    )
    LabourProfessional.objects.create(
        labour=labour, midwife=world.midwife_a, team=world.team_a, at_delivery=True
    )
    october_tables = msds.rows_by_table(msds.extract(OCTOBER))
    [booking] = [
        r for r in october_tables["MSD101PregnancyBooking"] if r["UniqPregID"] == str(p.ref)
    ]
    assert booking["DischargeDateMatService"] is None
    assert october_tables["MSD301LabourDelivery"] == []
    november = msds.rows_by_table(msds.extract(date(2026, 11, 1)))
    [booking] = [r for r in november["MSD101PregnancyBooking"] if r["UniqPregID"] == str(p.ref)]
    assert booking["DischargeDateMatService"] == date(2026, 11, 20)
    [delivery] = november["MSD301LabourDelivery"]
    assert delivery["SettingIntraCare"] == "home"
    assert delivery["LabourOnsetDate"] == date(2026, 11, 10)  # no onset recorded: the birth
    [baby] = november["MSD401BabyDemographics"]
    assert baby == {
        "LabourDeliveryID": str(labour.pk),
        "PersonBirthDateBaby": date(2026, 11, 10),
        "SettingPlaceBirth": "home",
        "CareProfLIDDel": world.midwife_a.professional_id,
    }
    assert november["MSD302CareActivityLabDel"] == [
        {
            "LabourDeliveryID": str(labour.pk),
            "CareProfLID": world.midwife_a.professional_id,
            "TeamLocalID": "TA",
        }
    ]


def test_guideline_contacts_due_carry_their_windows(world, october):
    p, _, _ = october
    rows = [r for r in msds.rows_by_table(msds.extract(OCTOBER))["LOCALGuidelineContact"]]
    mine = [r for r in rows if r["UniqPregID"] == str(p.ref)]
    assert mine, "the schedule engine gives her contacts due in the year to October"
    for r in mine:
        assert r["WindowStartDate"] <= r["WindowEndDate"] <= date(2026, 10, 31)


def test_the_command_writes_csv_and_parquet_with_no_names_or_nhs_numbers(world, october, tmp_path):
    out = StringIO()
    call_command("export_msds", "--month", "2026-10", "--out", str(tmp_path), stdout=out)
    assert "Wrote 24 files for 2026-10" in out.getvalue()
    con = duckdb.connect()
    for name, columns in TABLES.items():
        with (tmp_path / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        assert header == [c for c, _ in columns]
        described = con.execute(
            f"DESCRIBE SELECT * FROM read_parquet('{tmp_path / f'{name}.parquet'}')"  # noqa: S608
        ).fetchall()
        assert [(row[0], row[1]) for row in described] == list(columns)
    everything = "".join(path.read_text(encoding="utf-8") for path in tmp_path.glob("*.csv"))
    woman = world.pregnancy_a.woman
    for secret in (woman.nhs_number, woman.family_name, woman.given_name, woman.postcode):
        assert secret not in everything
    assert not list(tmp_path.glob(".export-*")), "no scratch files left behind"


def test_csv_cells_that_could_be_formulas_are_neutralised_but_parquet_keeps_the_value(
    world, october, tmp_path
):
    world.team_a.local_id = "=HYPERLINK(1)"
    world.team_a.save()
    msds.write(msds.extract(OCTOBER), tmp_path)
    text = (tmp_path / "MSD102MatCarePlan.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK(1)" in text
    assert ",=HYPERLINK" not in text
    teams = (
        duckdb.connect()
        .execute(
            f"SELECT DISTINCT TeamLocalID FROM '{tmp_path / 'MSD102MatCarePlan.parquet'}'"  # noqa: S608
        )
        .fetchall()
    )
    assert ("=HYPERLINK(1)",) in teams


@pytest.mark.parametrize("value", ["-12", "+44", "@SUM(A1)", "\tx"])
def test_neutralise_each_formula_start(value):
    assert msds.neutralise(value) == "'" + value
    assert msds.neutralise("Y") == "Y"
    assert msds.neutralise(5) == 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--month", "2026-13"], "YYYY-MM"),
        (["--month", "October"], "YYYY-MM"),
        (["--month", "2026-1"], "YYYY-MM"),
    ],
)
def test_the_command_rejects_a_bad_month(args, message, tmp_path):
    with pytest.raises(CommandError, match=message):
        call_command("export_msds", *args, "--out", str(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_the_command_refuses_a_file_as_the_folder(tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("x")
    with pytest.raises(CommandError, match="must be a folder"):
        call_command("export_msds", "--month", "2026-10", "--out", str(target))
