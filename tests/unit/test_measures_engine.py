"""The measures engine on hand-built worked examples: each definition's edges, rounding, the DQ
gates, bad input with messages naming Table.Column, and the `continuity measures` CLI."""

from __future__ import annotations

import csv
import json
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from continuity.engines.measures import (
    MeasuresInputError,
    Result,
    attach,
    cohort,
    compute,
    compute_connection,
    counts,
    load,
    to_json,
    validate,
)
from continuity.engines.measures.cli import main
from continuity.engines.measures.model import MEASURES, parse_month
from continuity.engines.measures.schema import REQUIRED, TABLES
from continuity.engines.rounding import Rounding

MONTH = "2026-07"  # its COC_receiving_ongoing cohort reached 29+0 weeks in 2026-03
JULY = date(2026, 7, 15)
MARCH = date(2026, 3, 10)


class Trust:
    """A tiny MSDS extract, built row by row and written as CSV (or Parquet)."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = {table: [] for table in TABLES}
        self.mothers: set[str] = set()
        self.contacts = 0
        for lsoa, decile in (("E1", 1), ("E2", 2), ("E3", 3), ("E10", 10)):
            self.add("IMD_LSOA", LSOA=lsoa, IMD_Decile=decile)

    def add(self, table: str, **values: Any) -> None:
        names = {name for name, _ in TABLES[table]}
        assert set(values) <= names, set(values) - names
        self.rows[table].append({name: values.get(name) for name, _ in TABLES[table]})

    def pregnancy(
        self,
        pid: str,
        d203: date,
        *,
        gab: int | None = 84,
        discharge: date | None = None,
        site: str | None = "S1",
        ethnic: str | None = "A",
        lsoa: str | None = "E3",
        mother: str | None = None,
    ) -> None:
        mother = mother or f"M{pid}"
        if mother not in self.mothers:
            self.mothers.add(mother)
            self.add(
                "MSD001MotherDemog",
                Person_ID_Mother=mother,
                EthnicCategoryMother=ethnic,
                LSOAMother2011=lsoa,
            )
        booking = d203 - timedelta(days=203 - gab) if gab is not None else d203 - timedelta(100)
        self.add(
            "MSD101PregnancyBooking",
            UniqPregID=pid,
            Person_ID_Mother=mother,
            AntenatalAppDate=booking,
            GestAgeBooking=gab,
            EDDAgreed=d203 + timedelta(days=77),
            PreviousLiveBirths=0,
            DischargeDateMatService=discharge,
            OrgSiteIDBooking=site,
        )

    def plan(
        self,
        pid: str,
        day: date,
        *,
        kind: str = "05",
        coc: str | None = "Y",
        pcsp: str | None = None,
        prof: str | None = "P1",
        team: str | None = "T1",
    ) -> None:
        self.add(
            "MSD102MatCarePlan",
            UniqPregID=pid,
            CarePlanDate=day,
            CarePlanType=kind,
            ContCarePathInd=coc,
            MatPersCarePlanInd=pcsp,
            CareProfLID=prof,
            TeamLocalID=team,
        )

    def contact(
        self,
        pid: str,
        day: date,
        *,
        attend: str = "5",
        at: time | None = time(10, 0),
        prof: str | None = "P1",
        team: str | None = "T1",
    ) -> str:
        self.contacts += 1
        cid = f"C{self.contacts}"
        self.add(
            "MSD201CareContactPreg",
            UniqPregID=pid,
            CareConID=cid,
            CContactDate=day,
            CContactTime=at,
            AttendCode=attend,
            LocCode="HOME",
        )
        if prof is not None or team is not None:
            self.add("MSD202CareActivityPreg", CareConID=cid, CareProfLID=prof, TeamLocalID=team)
        return cid

    def labour(self, pid: str, *carers: tuple[str | None, str | None]) -> str:
        lid = f"L{pid}"
        self.add("MSD301LabourDelivery", UniqPregID=pid, LabourDeliveryID=lid)
        for prof, team in carers:
            self.add(
                "MSD302CareActivityLabDel", LabourDeliveryID=lid, CareProfLID=prof, TeamLocalID=team
            )
        return lid

    def write(self, folder: Path, *, parquet: bool = False, omit: tuple[str, ...] = ()) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        for table, cols in TABLES.items():
            if table in omit:
                continue
            path = folder / f"{table}.csv"
            with path.open("w", newline="", encoding="utf-8") as handle:
                out = csv.writer(handle)
                out.writerow([name for name, _ in cols])
                for row in self.rows[table]:
                    out.writerow([_text(row[name]) for name, _ in cols])
            if parquet:
                con = duckdb.connect()
                spec = ", ".join(f"'{n}': '{t}'" for n, t in cols)
                con.execute(
                    f"COPY (SELECT * FROM read_csv('{path}', header = true, "  # noqa: S608
                    f"columns = {{{spec}}})) "
                    f"TO '{folder / (table + '.parquet')}' (FORMAT parquet)"
                )
                con.close()
                path.unlink()
        return folder


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def run(trust: Trust, tmp_path: Path, rounding: Rounding = "none", **kw: Any) -> Result:
    return compute(trust.write(tmp_path / "msds"), MONTH, rounding, **kw)


def total(result: Result, measure: str) -> tuple[Any, Any, float | None]:
    row = result.row(measure)
    return row.numerator, row.denominator, row.rate


def groups(result: Result, measure: str, breakdown: str) -> dict[str, tuple[Any, Any]]:
    return {
        r.group: (r.numerator, r.denominator)
        for r in result.rows
        if r.measure == measure and r.breakdown == breakdown
    }


# --- COC_by_28weeks -------------------------------------------------------------------------


def test_ga_reached_on_the_first_and_last_day_of_the_month(tmp_path: Path) -> None:
    t = Trust()
    t.pregnancy("first", date(2026, 7, 1))
    t.pregnancy("last", date(2026, 7, 31))
    t.pregnancy("edd_only", date(2026, 7, 20), gab=None)  # dated from the EDD
    t.pregnancy("june", date(2026, 6, 30))
    t.pregnancy("august", date(2026, 8, 1))
    for pid in ("first", "last", "edd_only", "june", "august"):
        t.plan(pid, date(2026, 5, 1))
    result = run(t, tmp_path, measures=["COC_by_28weeks"])
    assert total(result, "COC_by_28weeks") == (3, 3, 100.0)
    con = load(tmp_path / "msds")
    assert [p for p, _ in cohort(con, "COC_by_28weeks", MONTH)] == ["edd_only", "first", "last"]


def test_booking_ga_wins_over_the_edd(tmp_path: Path) -> None:
    t = Trust()
    t.pregnancy("p", date(2026, 7, 31), gab=84)
    t.rows["MSD101PregnancyBooking"][0]["EDDAgreed"] = date(2026, 10, 30)  # would say 2026-08-14
    assert total(run(t, tmp_path, measures=["COC_by_28weeks"]), "COC_by_28weeks")[1] == 1


def test_discharged_on_the_ga_203_date_is_excluded_the_day_after_is_not(tmp_path: Path) -> None:
    t = Trust()
    t.pregnancy("on", JULY, discharge=JULY)
    t.pregnancy("before", JULY, discharge=JULY - timedelta(days=30))
    t.pregnancy("after", JULY, discharge=JULY + timedelta(days=1))
    result = run(t, tmp_path, measures=["COC_by_28weeks"])
    assert total(result, "COC_by_28weeks") == (0, 1, 0.0)


def test_plan_on_the_ga_203_date_counts_a_day_later_does_not(tmp_path: Path) -> None:
    t = Trust()
    t.pregnancy("on", JULY)
    t.plan("on", JULY)
    t.pregnancy("late", JULY)
    t.plan("late", JULY + timedelta(days=1))
    con = load(t.write(tmp_path / "msds"))
    assert dict(cohort(con, "COC_by_28weeks", MONTH)) == {"on": True, "late": False}


def test_the_latest_plan_decides(tmp_path: Path) -> None:
    t = Trust()
    t.pregnancy("n_after_y", JULY)
    t.plan("n_after_y", date(2026, 4, 1), coc="Y")
    t.plan("n_after_y", date(2026, 5, 1), coc="N")
    t.pregnancy("null_after_y", JULY)  # a plan without the indicator is not a CoC plan
    t.plan("null_after_y", date(2026, 4, 1), coc="Y")
    t.plan("null_after_y", date(2026, 5, 1), coc=None, prof=None, team=None)
    t.pregnancy("other_type", JULY)  # only antenatal (05) plans count
    t.plan("other_type", date(2026, 4, 1), kind="06")
    t.pregnancy("no_team", JULY)
    t.plan("no_team", date(2026, 4, 1), team=None)
    t.pregnancy("no_prof", JULY)
    t.plan("no_prof", date(2026, 4, 1), prof="")  # empty counts as missing
    con = load(t.write(tmp_path / "msds"))
    assert dict(cohort(con, "COC_by_28weeks", MONTH)) == {
        "n_after_y": False,
        "null_after_y": True,
        "other_type": False,
        "no_team": False,
        "no_prof": False,
    }


def test_same_day_ties_take_the_most_complete_row(tmp_path: Path) -> None:
    t = Trust()
    day = date(2026, 5, 1)
    t.pregnancy("y_and_n", JULY)
    t.plan("y_and_n", day, coc="N", prof="P0", team="T0")
    t.plan("y_and_n", day, coc="Y", prof="P9", team="T9")
    t.pregnancy("two_teams", JULY)
    t.plan("two_teams", day, coc="Y", prof="P1", team="TB")
    t.plan("two_teams", day, coc="Y", prof="P1", team="TA")
    t.pregnancy("incomplete", JULY)
    t.plan("incomplete", day, coc="Y", prof="P1", team=None)
    t.plan("incomplete", day, coc="N", prof="P1", team="TN")
    result = run(t, tmp_path, measures=["COC_by_28weeks"])
    assert total(result, "COC_by_28weeks")[:2] == (2, 3)
    assert groups(result, "COC_by_28weeks", "team") == {
        "T9": (1, 1),
        "TA": (1, 1),
        "TN": (0, 1),
    }


# --- COC_receiving_ongoing and its named-midwife variant ----------------------------------


def ongoing(
    t: Trust,
    pid: str,
    named: int,
    total: int,
    *,
    by: tuple[str | None, str | None] = ("P1", "T1"),
    discharge: date | None = date(2026, 7, 10),
    labour: tuple[tuple[str | None, str | None], ...] | None = None,
) -> None:
    """On the pathway with P1/T1 from 2026-02-20; `named` of `total` attended contacts by
    `by`, the rest by P2/T2; an unattended contact by P2 that must not count."""
    t.pregnancy(pid, MARCH, discharge=discharge)
    t.plan(pid, date(2026, 2, 20))
    for k in range(total):
        prof, team = by if k < named else ("P2", "T2")
        t.contact(pid, date(2026, 3, 1) + timedelta(days=7 * k), prof=prof, team=team)
    t.contact(pid, date(2026, 3, 2), attend="7", prof="P2", team="T2")
    if labour is not None:
        t.labour(pid, *labour)


def test_seventy_percent_exactly_is_met_six_of_nine_is_not(tmp_path: Path) -> None:
    t = Trust()
    ongoing(t, "seven_of_ten", 7, 10)
    ongoing(t, "six_of_nine", 6, 9)
    con = load(t.write(tmp_path / "msds"))
    assert dict(cohort(con, "COC_receiving_ongoing", MONTH)) == {
        "seven_of_ten": True,
        "six_of_nine": False,
    }
    result = compute_connection(con, MONTH, "none", ["COC_receiving_ongoing"])
    row = result.row("COC_receiving_ongoing")
    assert (row.numerator, row.denominator, row.rate, row.dq) == (1, 2, 50.0, "pass")
    assert row.gates is not None
    assert {g.name: (g.numerator, g.denominator, g.rate) for g in row.gates} == {
        "DQ06": (2, 2, 100.0),
        "DQ07": (2, 2, 100.0),
    }


def test_the_team_counts_for_the_national_measure_only(tmp_path: Path) -> None:
    t = Trust()
    ongoing(t, "team_only", 10, 10, by=("P5", "T1"))
    ongoing(t, "named", 10, 10, by=("P1", None), labour=(("P1", None),))
    con = load(t.write(tmp_path / "msds"))
    assert dict(cohort(con, "COC_receiving_ongoing", MONTH)) == {"named": True, "team_only": True}
    assert dict(cohort(con, "LOCAL_named_midwife_continuity", MONTH)) == {
        "named": True,
        "team_only": False,
    }


def test_labour_with_only_other_teams_is_not_met_no_labour_is_fine(tmp_path: Path) -> None:
    t = Trust()
    ongoing(t, "other_teams", 10, 10, labour=(("P7", "T7"), (None, "T8")))
    ongoing(t, "by_team", 10, 10, labour=(("P7", "T1"),))
    ongoing(t, "no_activity", 10, 10, labour=())
    ongoing(t, "no_labour", 10, 10)
    con = load(t.write(tmp_path / "msds"))
    assert dict(cohort(con, "COC_receiving_ongoing", MONTH)) == {
        "by_team": True,
        "no_activity": False,
        "no_labour": True,
        "other_teams": False,
    }
    # the named-midwife variant needs P1 herself at the labour
    assert dict(cohort(con, "LOCAL_named_midwife_continuity", MONTH))["by_team"] is False


def test_ongoing_needs_a_discharge_on_or_after_the_plan_and_attended_contacts(
    tmp_path: Path,
) -> None:
    t = Trust()
    ongoing(t, "not_discharged", 10, 10, discharge=None)
    ongoing(t, "no_contacts", 0, 0)
    ongoing(t, "ok", 3, 3)
    # contacts after discharge do not count: 3 of 3 before, 3 by others after
    ongoing(t, "after", 3, 3, discharge=date(2026, 3, 16))
    for k in range(3):
        t.contact("after", date(2026, 4, 1) + timedelta(days=k), prof="P2", team="T2")
    con = load(t.write(tmp_path / "msds"))
    flags = dict(cohort(con, "COC_receiving_ongoing", MONTH))
    assert flags == {"not_discharged": False, "no_contacts": False, "ok": True, "after": True}


def test_cohort_is_the_month_four_months_before(tmp_path: Path) -> None:
    t = Trust()
    ongoing(t, "march", 10, 10)
    t.pregnancy("april", date(2026, 4, 1), discharge=date(2026, 7, 1))
    t.plan("april", date(2026, 3, 1))
    con = load(t.write(tmp_path / "msds"))
    assert [p for p, _ in cohort(con, "COC_receiving_ongoing", MONTH)] == ["march"]
    assert [p for p, _ in cohort(con, "COC_receiving_ongoing", "2026-08")] == ["april"]
    # no discharge exclusion: discharged before 29+0 weeks still in the cohort (not met)
    assert cohort(con, "COC_receiving_ongoing", "2026-01") == []


def test_failing_dq_gates_give_low_dq_and_no_rate(tmp_path: Path) -> None:
    t = Trust()
    for k in range(20):  # 20 on the pathway, none discharged: DQ06 and DQ07 are 0%
        t.pregnancy(f"p{k}", MARCH)
        t.plan(f"p{k}", date(2026, 2, 1))
    t.pregnancy("off", MARCH)  # not placed: outside the gates' denominator
    result = run(t, tmp_path, "msds", measures=["COC_receiving_ongoing"])
    row = result.row("COC_receiving_ongoing")
    assert (row.numerator, row.denominator, row.rate, row.dq) == (0, 20, None, "low_dq")
    out = to_json(result)["measures"][0]
    assert out["gates"] == {
        "DQ06": {"numerator": 0, "denominator": 20, "rate": 0.0},
        "DQ07": {"numerator": 0, "denominator": 20, "rate": 0.0},
    }


def test_a_gate_at_exactly_five_percent_fails(tmp_path: Path) -> None:
    t = Trust()
    for k in range(20):
        t.pregnancy(f"p{k}", MARCH, discharge=date(2026, 7, 1) if k == 0 else None)
        t.plan(f"p{k}", date(2026, 2, 1))
        if k == 0:
            for day in (3, 4, 5):
                t.contact(f"p{k}", date(2026, 3, day))
    row = run(t, tmp_path, "none", measures=["COC_receiving_ongoing"]).row("COC_receiving_ongoing")
    assert row.gates is not None
    assert [g.rate for g in row.gates] == [5.0, 5.0]
    assert (row.numerator, row.denominator, row.rate, row.dq) == (1, 20, None, "low_dq")


# --- PCSP ---------------------------------------------------------------------------------


def test_pcsp_plans_on_or_before_each_threshold(tmp_path: Path) -> None:
    t = Trust()
    # GA 119 on 2026-07-15: 203 is 84 days later
    t.pregnancy("by16", JULY + timedelta(days=84))
    t.plan("by16", JULY, coc=None, pcsp="Y")
    t.pregnancy("late16", JULY + timedelta(days=84))
    t.plan("late16", JULY + timedelta(days=1), coc=None, pcsp="Y")
    t.pregnancy("n16", JULY + timedelta(days=84))
    t.plan("n16", JULY - timedelta(days=9), coc=None, pcsp="N")
    # GA 259 on 2026-07-15: 203 is 56 days earlier, 245 (2026-07-01) 14 days earlier
    t.pregnancy("all3", JULY - timedelta(days=56))
    for kind in ("05", "06", "07"):
        t.plan("all3", JULY, kind=kind, coc=None, pcsp="Y")
    t.pregnancy("two", JULY - timedelta(days=56))
    for kind in ("05", "07"):
        t.plan("two", JULY - timedelta(days=3), kind=kind, coc=None, pcsp="Y")
    t.pregnancy("gone", JULY - timedelta(days=56), discharge=JULY)
    result = run(t, tmp_path)
    assert total(result, "PCSP_by_16weeks")[:2] == (1, 3)
    assert total(result, "PCSP_by_36weeks")[:2] == (2, 2)
    assert total(result, "PCSP_all_three")[:2] == (1, 2)
    # the three reach 35+0 weeks on 2026-07-01, before any birth plan (06) is dated
    assert total(result, "PCSP_by_34weeks")[:2] == (0, 3)


# --- the local measures -------------------------------------------------------------------


def test_contacts_by_the_named_midwife_or_the_buddy(tmp_path: Path) -> None:
    t = Trust()
    t.pregnancy("p", JULY)
    t.plan("p", date(2026, 5, 1))  # P1/T1 on the pathway
    t.plan("p", date(2026, 7, 20), coc="N")  # off it from the 20th
    t.add("LOCALBuddy", UniqPregID="p", CareProfLIDBuddy="PB")
    t.contact("p", date(2026, 7, 2), prof="P1")  # named
    t.contact("p", date(2026, 7, 3), prof="PB", team="T9")  # buddy
    t.contact("p", date(2026, 7, 4), prof="P4", team="T1")  # team only: not counted
    t.contact("p", date(2026, 7, 5), attend="7", prof="P1")  # not attended: not counted
    t.contact("p", date(2026, 7, 21), prof="P1")  # after she left the pathway: not counted
    t.contact("p", date(2026, 6, 30), prof="P1")  # June
    result = run(t, tmp_path, measures=["LOCAL_contacts_named_or_buddy"])
    assert total(result, "LOCAL_contacts_named_or_buddy")[:2] == (2, 3)
    # the team breakdown is her plan at the month end: the N plan, still team T1
    assert groups(result, "LOCAL_contacts_named_or_buddy", "team") == {"T1": (2, 3)}
    assert result.row("LOCAL_contacts_named_or_buddy").local is True


def test_births_attended_by_a_midwife_she_knew(tmp_path: Path) -> None:
    t = Trust()
    born = date(2026, 7, 10)
    for pid, deliverer, labour_prof in (
        ("named", "P1", None),  # her named midwife delivered
        ("met", "PX", "P3"),  # P3 saw her antenatally and was at the labour
        ("met_on_the_day", "P4", None),  # P4 only saw her on the birth date itself
        ("buddy", None, "PB"),
        ("stranger", "P9", "P8"),
    ):
        t.pregnancy(pid, date(2026, 5, 1))
        t.plan(pid, date(2026, 3, 1), coc=None)  # any indicator will do for this measure
        t.contact(pid, date(2026, 6, 1), prof="P3", team=None)
        t.contact(pid, born, prof="P4", team=None)
        lid = t.labour(pid, (labour_prof, "T9"))
        t.add(
            "MSD401BabyDemographics",
            LabourDeliveryID=lid,
            PersonBirthDateBaby=born,
            CareProfLIDDel=deliverer,
        )
    t.add("LOCALBuddy", UniqPregID="buddy", CareProfLIDBuddy="PB")
    t.add(
        "MSD401BabyDemographics",
        LabourDeliveryID="Lnamed",
        PersonBirthDateBaby=born,
        CareProfLIDDel="P1",
    )  # twins: two babies
    t.add(
        "MSD401BabyDemographics",
        LabourDeliveryID="Lnamed",
        PersonBirthDateBaby=date(2026, 8, 1),
        CareProfLIDDel="P1",
    )  # August
    con = load(t.write(tmp_path / "msds"))
    assert sorted(cohort(con, "LOCAL_births_known_midwife", MONTH)) == [
        ("buddy", True),
        ("met", True),
        ("met_on_the_day", False),
        ("named", True),
        ("named", True),
        ("stranger", False),
    ]


def test_visits_out_of_hours(tmp_path: Path) -> None:
    t = Trust()
    t.pregnancy("p", JULY)
    friday, saturday, sunday = date(2026, 7, 3), date(2026, 7, 4), date(2026, 7, 5)
    for day, at in (
        (friday, time(8, 59)),  # early: out of hours
        (friday, time(9, 0)),
        (friday, time(16, 59)),
        (friday, time(17, 0)),  # out of hours
        (friday, None),  # unknown time: not out of hours
        (saturday, time(12, 0)),  # weekend
        (sunday, None),  # weekend, whatever the time
    ):
        t.contact("p", day, at=at)
    t.contact("p", saturday, attend="2")  # not attended
    result = run(t, tmp_path, measures=["LOCAL_visits_out_of_hours"])
    assert total(result, "LOCAL_visits_out_of_hours") == (4, 7, 57.1)


def test_guideline_contacts_on_time(tmp_path: Path) -> None:
    t = Trust()
    t.pregnancy("p", JULY)
    t.contact("p", date(2026, 7, 1))
    t.contact("p", date(2026, 7, 20), attend="3")  # did not attend
    for start, end in (
        (date(2026, 6, 20), date(2026, 7, 1)),  # seen on the window's last day
        (date(2026, 7, 1), date(2026, 7, 14)),  # seen on its first day
        (date(2026, 7, 15), date(2026, 7, 31)),  # only a missed contact
        (date(2026, 6, 1), date(2026, 6, 30)),  # ends in June: not this month
    ):
        t.add(
            "LOCALGuidelineContact",
            UniqPregID="p",
            ScheduleCode="AN",
            WindowStartDate=start,
            WindowEndDate=end,
        )
    result = run(t, tmp_path, measures=["LOCAL_guideline_on_time"])
    assert total(result, "LOCAL_guideline_on_time") == (2, 3, 66.7)


# --- breakdowns, rounding, empty months ----------------------------------------------------


def test_breakdowns(tmp_path: Path) -> None:
    t = Trust()
    t.pregnancy("a", JULY, ethnic="Z", lsoa="E2", site=None)  # Z: not stated
    t.pregnancy("b", JULY, ethnic="99", lsoa="E99")  # 99: not known; LSOA not in IMD
    t.pregnancy("c", JULY, ethnic="N", lsoa="E3")
    t.pregnancy("d", JULY, ethnic="G", lsoa="E10", mother="Mc")  # her mother row is c's
    t.pregnancy("e", JULY, ethnic=None, lsoa=None)
    t.rows["MSD101PregnancyBooking"][-1]["Person_ID_Mother"] = "nobody"  # no MSD001 row
    t.plan("c", date(2026, 5, 1), team="T2")
    result = run(t, tmp_path, measures=["COC_by_28weeks"])
    m = "COC_by_28weeks"
    assert groups(result, m, "total") == {"All": (1, 5)}
    assert groups(result, m, "team") == {"T2": (1, 1), "Not recorded": (0, 4)}
    assert groups(result, m, "site") == {"S1": (1, 4), "Not recorded": (0, 1)}
    assert groups(result, m, "ethnicity_coc") == {"BAME": (1, 2), "Missing/Unknown": (0, 3)}
    assert groups(result, m, "ethnicity_fine") == {"Black": (1, 2), "Missing/Unknown": (0, 3)}
    assert groups(result, m, "imd_decile") == {"2": (0, 1), "3": (1, 2), "Missing/Unknown": (0, 2)}
    assert groups(result, m, "imd_quintile") == {
        "1": (0, 1),
        "2": (1, 2),
        "Missing/Unknown": (0, 2),
    }
    assert groups(result, m, "core20") == {
        "Core20": (0, 1),
        "Not Core20": (1, 2),
        "Missing/Unknown": (0, 2),
    }
    order = [r.breakdown for r in result.rows]
    assert order == sorted(
        order,
        key=[
            "total",
            "team",
            "site",
            "ethnicity_coc",
            "ethnicity_fine",
            "imd_decile",
            "imd_quintile",
            "core20",
        ].index,
    )


def _three_of_eight(tmp_path: Path, rounding: Rounding) -> Result:
    t = Trust()
    for k in range(8):
        t.pregnancy(f"p{k}", JULY)
        if k < 3:
            t.plan(f"p{k}", date(2026, 5, 1))
    return run(t, tmp_path, rounding, measures=["COC_by_28weeks"])


def test_msds_rounding_three_of_eight(tmp_path: Path) -> None:
    assert total(_three_of_eight(tmp_path, "msds"), "COC_by_28weeks") == (5, 10, 50.0)


def test_star_rounding_three_of_eight(tmp_path: Path) -> None:
    assert total(_three_of_eight(tmp_path, "star"), "COC_by_28weeks") == ("*", 10, None)


def test_no_rounding_three_of_eight(tmp_path: Path) -> None:
    assert total(_three_of_eight(tmp_path, "none"), "COC_by_28weeks") == (3, 8, 37.5)


def test_an_empty_month_reports_zero_of_zero(tmp_path: Path) -> None:
    t = Trust()
    t.pregnancy("p", date(2025, 1, 1))
    result = run(t, tmp_path, "msds")
    assert {r.measure for r in result.rows} == set(MEASURES)
    assert all(r.breakdown == "total" for r in result.rows)
    for r in result.rows:
        assert (r.numerator, r.denominator, r.rate) == (0, 0, None)
    assert result.row("COC_by_28weeks").dq == "pass"
    assert (
        counts(load(tmp_path / "msds"), "COC_by_28weeks", MONTH)[("total", "All")].denominator == 0
    )


def test_json_form(tmp_path: Path) -> None:
    out = to_json(_three_of_eight(tmp_path, "msds"))
    assert list(out) == ["month", "rounding", "measures"]
    assert (out["month"], out["rounding"]) == (MONTH, "msds")
    assert out["measures"][0] == {
        "measure": "COC_by_28weeks",
        "breakdown": "total",
        "group": "All",
        "numerator": 5,
        "denominator": 10,
        "rate": 50.0,
        "dq": "pass",
        "local": False,
    }


# --- input: formats, optional tables, errors ------------------------------------------------


def test_parquet_is_read_and_preferred_over_csv(tmp_path: Path) -> None:
    t = Trust()
    t.pregnancy("p", JULY)
    t.plan("p", JULY)
    folder = t.write(tmp_path / "msds", parquet=True)
    assert total(compute(folder, MONTH, "none"), "COC_by_28weeks") == (1, 1, 100.0)
    # a CSV beside the Parquet file is ignored
    (folder / "MSD102MatCarePlan.csv").write_text("nonsense\n", encoding="utf-8")
    assert total(compute(folder, MONTH, "none"), "COC_by_28weeks") == (1, 1, 100.0)


def test_attach_keeps_parquet_behind_views_and_validate_checks_it(tmp_path: Path) -> None:
    t = Trust()
    for k in range(8):
        t.pregnancy(f"p{k}", JULY)
        if k < 3:
            t.plan(f"p{k}", date(2026, 5, 1), prof="" if k == 2 else "P1")
    folder = t.write(tmp_path / "msds", parquet=True)
    con = attach(folder)
    kinds = dict(
        con.execute("SELECT table_name, table_type FROM information_schema.tables").fetchall()
    )
    assert kinds["MSD101PregnancyBooking"] == "VIEW"
    validate(con)
    assert counts(con, "COC_by_28weeks", MONTH)[("total", "All")].numerator == 2  # "" is no one
    assert counts(con, "COC_by_28weeks", MONTH) == counts(load(folder), "COC_by_28weeks", MONTH)
    # a text date that cannot be read is found by validate, not by attach
    bad = duckdb.connect()
    bad.execute(
        "COPY (SELECT 'x' AS UniqPregID, 'M' AS Person_ID_Mother, 'soon' AS AntenatalAppDate, "
        "1 AS GestAgeBooking, DATE '2026-01-01' AS EDDAgreed, 0 AS PreviousLiveBirths, "
        "NULL AS DischargeDateMatService, 'S' AS OrgSiteIDBooking) "
        f"TO '{folder / 'MSD101PregnancyBooking.parquet'}' (FORMAT parquet)"
    )
    bad.close()
    con = attach(folder)
    with pytest.raises(
        MeasuresInputError, match=r"^MSD101PregnancyBooking\.AntenatalAppDate: 'soon'"
    ):
        validate(con)


def test_optional_tables_may_be_absent(tmp_path: Path) -> None:
    t = Trust()
    t.pregnancy("p", JULY)
    folder = t.write(
        tmp_path / "msds", omit=("LOCALBuddy", "LOCALGuidelineContact", "MSD901StaffDetails")
    )
    result = compute(folder, MONTH, "none")
    assert total(result, "LOCAL_guideline_on_time") == (0, 0, None)


def _error(folder: Path) -> str:
    with pytest.raises(MeasuresInputError) as caught:
        compute(folder, MONTH, "msds")
    return str(caught.value)


def test_a_required_table_missing(tmp_path: Path) -> None:
    folder = Trust().write(tmp_path / "msds", omit=("MSD201CareContactPreg",))
    assert _error(folder).startswith("MSD201CareContactPreg: table missing")


def test_a_column_missing(tmp_path: Path) -> None:
    folder = Trust().write(tmp_path / "msds")
    (folder / "MSD101PregnancyBooking.csv").write_text("UniqPregID,Person_ID_Mother\n")
    assert _error(folder) == (
        "MSD101PregnancyBooking.AntenatalAppDate: column missing from MSD101PregnancyBooking.csv"
    )


@pytest.mark.parametrize(
    ("table", "column", "value", "message"),
    [
        (
            "MSD101PregnancyBooking",
            "AntenatalAppDate",
            "yesterday",
            "'yesterday' is not a date like 2026-07-31 (UniqPregID p)",
        ),
        ("MSD101PregnancyBooking", "AntenatalAppDate", "2026/03/01", "'2026/03/01' is not a date"),
        ("MSD101PregnancyBooking", "GestAgeBooking", "12.5", "'12.5' is not a whole number"),
        ("MSD201CareContactPreg", "CContactTime", "9am", "'9am' is not a time like 09:30"),
        ("MSD102MatCarePlan", "CarePlanType", "08", "unknown code '08'; it must be '05', '06' or"),
        ("MSD102MatCarePlan", "ContCarePathInd", "X", "unknown code 'X'; it must be 'Y' or 'N' or"),
        ("MSD102MatCarePlan", "MatPersCarePlanInd", "yes", "unknown code 'yes'"),
        ("MSD201CareContactPreg", "AttendCode", "1", "unknown code '1'"),
        ("MSD201CareContactPreg", "AttendCode", None, "is empty"),
        ("MSD001MotherDemog", "EthnicCategoryMother", "Q", "unknown code 'Q'"),
        ("IMD_LSOA", "IMD_Decile", "11", "decile 11 is outside 1 to 10"),
    ],
)
def test_bad_values_name_table_and_column(
    tmp_path: Path, table: str, column: str, value: str | None, message: str
) -> None:
    t = Trust()
    t.pregnancy("p", JULY)
    t.plan("p", JULY)
    t.contact("p", JULY)
    t.rows[table][0][column] = value
    text = _error(t.write(tmp_path / "msds"))
    assert text.startswith(f"{table}.{column}: {message}"), text


def test_bad_value_in_parquet(tmp_path: Path) -> None:
    t = Trust()
    t.pregnancy("p", JULY)
    folder = t.write(tmp_path / "msds", parquet=True)
    con = duckdb.connect()
    con.execute(
        "COPY (SELECT 'x' AS UniqPregID, 'M' AS Person_ID_Mother, 'soon' AS AntenatalAppDate, "
        "1 AS GestAgeBooking, DATE '2026-01-01' AS EDDAgreed, 0 AS PreviousLiveBirths, "
        "NULL AS DischargeDateMatService, 'S' AS OrgSiteIDBooking) "
        f"TO '{folder / 'MSD101PregnancyBooking.parquet'}' (FORMAT parquet)"
    )
    con.close()
    assert _error(folder) == (
        "MSD101PregnancyBooking.AntenatalAppDate: 'soon' is not a date like 2026-07-31 "
        "(UniqPregID x)"
    )


def test_duplicate_pregnancy_and_ragged_csv(tmp_path: Path) -> None:
    t = Trust()
    t.pregnancy("p", JULY)
    t.pregnancy("p", JULY, mother="other")
    assert _error(t.write(tmp_path / "a")).startswith(
        "MSD101PregnancyBooking.UniqPregID: 'p' appears 2 times"
    )
    folder = Trust().write(tmp_path / "b")
    (folder / "IMD_LSOA.csv").write_text("LSOA,IMD_Decile\nE1,1,extra\n")
    assert _error(folder) == (
        "IMD_LSOA: cannot read IMD_LSOA.csv: line 2 has 3 values but the header names 2 columns"
    )


def test_compute_connection_needs_the_required_tables() -> None:
    con = duckdb.connect()
    with pytest.raises(MeasuresInputError, match=r"^MSD001MotherDemog: table missing"):
        compute_connection(con, MONTH, "none")
    for table in REQUIRED:
        cols = ", ".join(f"{n} {t}" for n, t in TABLES[table])
        con.execute(f"CREATE TABLE {table} ({cols})")
    result = compute_connection(con, MONTH, "none")  # optional tables are created empty
    assert total(result, "LOCAL_guideline_on_time") == (0, 0, None)


@pytest.mark.parametrize("month", ["2026-13", "July", "2026-7", "", "2026-00"])
def test_bad_months(month: str) -> None:
    with pytest.raises(MeasuresInputError, match="must be a month like 2026-07"):
        parse_month(month)


def test_unknown_measure(tmp_path: Path) -> None:
    with pytest.raises(MeasuresInputError, match="unknown measure 'COC'"):
        compute(Trust().write(tmp_path / "msds"), MONTH, "none", ["COC"])


# --- the CLI ----------------------------------------------------------------------------------


def _folder(tmp_path: Path) -> Path:
    t = Trust()
    for k in range(8):
        t.pregnancy(f"p{k}", JULY)
        if k < 3:
            t.plan(f"p{k}", date(2026, 5, 1))
    return t.write(tmp_path / "msds")


def test_cli_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _folder(tmp_path)
    code = main(
        [
            "--msds",
            str(folder),
            "--month",
            MONTH,
            "--rounding",
            "msds",
            "--json",
            "--measure",
            "COC_by_28weeks",
            "COC_receiving_ongoing",
        ]
    )
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["month"] == MONTH and out["rounding"] == "msds"
    assert {r["measure"] for r in out["measures"]} == {"COC_by_28weeks", "COC_receiving_ongoing"}
    first = out["measures"][0]
    assert list(first) == [
        "measure",
        "breakdown",
        "group",
        "numerator",
        "denominator",
        "rate",
        "dq",
        "local",
    ]
    assert (first["numerator"], first["denominator"], first["rate"]) == (5, 10, 50.0)
    gated = next(r for r in out["measures"] if r["measure"] == "COC_receiving_ongoing")
    assert set(gated["gates"]) == {"DQ06", "DQ07"}


def test_cli_text_and_out_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _folder(tmp_path)
    target = tmp_path / "out.txt"
    args = ["--msds", str(folder), "--month", MONTH, "--rounding", "star"]
    assert main([*args, "--out", str(target)]) == 0
    assert capsys.readouterr().out == ""
    text = target.read_text()
    assert text.startswith("Measures for 2026-07, rounding star")
    assert "COC_by_28weeks" in text and "LOCAL_guideline_on_time" in text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--month": "2026-13"}, "--month: must be a month like 2026-07, not '2026-13'"),
        ({"--month": "July"}, "--month: must be a month like 2026-07, not 'July'"),
        ({"--msds": "nowhere"}, "--msds: folder"),
        ({"--measure": "COC"}, "--measure: unknown measure 'COC'"),
    ],
)
def test_cli_bad_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: dict[str, str], message: str
) -> None:
    folder = _folder(tmp_path)
    target = tmp_path / "out.json"
    options = {"--msds": str(folder), "--month": MONTH, "--rounding": "msds"}
    options.update({k: str(tmp_path / v) if k == "--msds" else v for k, v in change.items()})
    argv = [item for pair in options.items() for item in pair]
    assert main([*argv, "--json", "--out", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"continuity measures: {message}"), err
    assert err.count("\n") == 1
    assert not target.exists()


def test_cli_bad_input_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _folder(tmp_path)
    (folder / "MSD201CareContactPreg.csv").unlink()
    target = tmp_path / "out.json"
    argv = ["--msds", str(folder), "--month", MONTH, "--rounding", "msds", "--json"]
    assert main([*argv, "--out", str(target)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("continuity measures: MSD201CareContactPreg: table missing")
    assert not target.exists()
    assert not list(tmp_path.glob("*.part"))


def test_cli_missing_out_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--msds", str(_folder(tmp_path)), "--month", MONTH, "--rounding", "none"]
    assert main([*argv, "--out", str(tmp_path / "no" / "out.json")]) == 2
    assert "--out: folder" in capsys.readouterr().err


def test_cli_bad_rounding_is_refused_by_argparse(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--msds", str(tmp_path), "--month", MONTH, "--rounding", "round"])
    assert caught.value.code == 2


def test_console_script_dispatches_without_django(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from continuity.cli import main as continuity

    argv = ["measures", "--msds", str(_folder(tmp_path)), "--month", MONTH, "--rounding", "none"]
    with pytest.raises(SystemExit) as caught:
        continuity([*argv, "--json", "--measure", "PCSP_all_three"])
    assert caught.value.code == 0
    assert json.loads(capsys.readouterr().out)["measures"][0]["measure"] == "PCSP_all_three"
