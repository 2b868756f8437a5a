"""A plain pandas/Python reference for the measures engine, written from the definitions in
docs/engines/measures.md and not from the SQL. Slow and obvious on purpose: small worlds only.

`reference(tables, month)` takes a DataFrame per table (optional tables may be missing) and
returns unrounded counts keyed by (measure, breakdown, group). The tests apply rounding.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from fractions import Fraction
from typing import Any

import pandas as pd

from continuity.engines import equity

NOT_RECORDED = "Not recorded"
MISSING = "Missing/Unknown"
ATTENDED = ("5", "6")
TABLE_NAMES = (
    "MSD001MotherDemog",
    "MSD101PregnancyBooking",
    "MSD102MatCarePlan",
    "MSD201CareContactPreg",
    "MSD202CareActivityPreg",
    "MSD301LabourDelivery",
    "MSD302CareActivityLabDel",
    "MSD401BabyDemographics",
    "IMD_LSOA",
    "LOCALBuddy",
    "LOCALGuidelineContact",
)


@dataclass
class RefCounts:
    numerator: int = 0
    denominator: int = 0
    gates: dict[str, list[int]] | None = None  # name -> [numerator, denominator]


@dataclass
class Plan:
    date: date
    kind: str
    coc: str | None
    pcsp: str | None
    prof: str | None
    team: str | None


@dataclass
class World:
    pregnancies: dict[str, dict[str, Any]] = field(default_factory=dict)
    mothers: dict[str, dict[str, Any]] = field(default_factory=dict)
    imd: dict[str, int | None] = field(default_factory=dict)
    plans: dict[str, list[Plan]] = field(default_factory=lambda: defaultdict(list))
    contacts: list[dict[str, Any]] = field(default_factory=list)
    contacts_of: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    activities: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    labours_of: dict[str, list[str | None]] = field(default_factory=lambda: defaultdict(list))
    labour_preg: dict[str, str | None] = field(default_factory=dict)
    labour_acts: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    babies: list[dict[str, Any]] = field(default_factory=list)
    buddies: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    guideline: list[dict[str, Any]] = field(default_factory=list)


def _value(value: Any) -> Any:
    """None for anything missing or empty; dates/times as Python objects."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT:
        return None
    if isinstance(value, str) and value == "":
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value


def _records(tables: Mapping[str, pd.DataFrame], name: str) -> list[dict[str, Any]]:
    frame = tables.get(name)
    if frame is None:
        return []
    return [{k: _value(v) for k, v in row.items()} for row in frame.to_dict("records")]


def build_world(tables: Mapping[str, pd.DataFrame]) -> World:
    w = World()
    for row in _records(tables, "MSD101PregnancyBooking"):
        w.pregnancies[row["UniqPregID"]] = row
    for row in _records(tables, "MSD001MotherDemog"):
        w.mothers[row["Person_ID_Mother"]] = row
    for row in _records(tables, "IMD_LSOA"):
        w.imd[row["LSOA"]] = None if row["IMD_Decile"] is None else int(row["IMD_Decile"])
    for row in _records(tables, "MSD102MatCarePlan"):
        w.plans[row["UniqPregID"]].append(
            Plan(
                row["CarePlanDate"],
                row["CarePlanType"],
                row["ContCarePathInd"],
                row["MatPersCarePlanInd"],
                row["CareProfLID"],
                row["TeamLocalID"],
            )
        )
    for row in _records(tables, "MSD201CareContactPreg"):
        w.contacts.append(row)
        w.contacts_of[row["UniqPregID"]].append(row)
    for row in _records(tables, "MSD202CareActivityPreg"):
        if row["CareConID"] is not None:
            w.activities[row["CareConID"]].append(row)
    for row in _records(tables, "MSD301LabourDelivery"):
        w.labours_of[row["UniqPregID"]].append(row["LabourDeliveryID"])
        if row["LabourDeliveryID"] is not None:
            w.labour_preg[row["LabourDeliveryID"]] = row["UniqPregID"]
    for row in _records(tables, "MSD302CareActivityLabDel"):
        if row["LabourDeliveryID"] is not None:
            w.labour_acts[row["LabourDeliveryID"]].append(row)
    w.babies = _records(tables, "MSD401BabyDemographics")
    for row in _records(tables, "LOCALBuddy"):
        if row["CareProfLIDBuddy"] is not None:
            w.buddies[row["UniqPregID"]].add(row["CareProfLIDBuddy"])
    w.guideline = _records(tables, "LOCALGuidelineContact")
    return w


def month_bounds(month: str, shift: int = 0) -> tuple[date, date]:
    year, mon = (int(part) for part in month.split("-"))
    index = year * 12 + mon - 1 + shift
    first = date(index // 12, index % 12 + 1, 1)
    nxt = index + 1
    return first, date(nxt // 12, nxt % 12 + 1, 1) - timedelta(days=1)


def ga_date(preg: dict[str, Any], days: int) -> date | None:
    """The date GA reaches `days`: booking + (days - GA at booking), else EDD - (280 - days)."""
    if preg["GestAgeBooking"] is not None:
        if preg["AntenatalAppDate"] is None:
            return None
        return preg["AntenatalAppDate"] + timedelta(days=days - int(preg["GestAgeBooking"]))
    if preg["EDDAgreed"] is None:
        return None
    return preg["EDDAgreed"] - timedelta(days=280 - days)


def latest_antenatal(
    w: World, preg_id: str | None, on: date, *, need_indicator: bool = True
) -> Plan | None:
    """The last type-05 plan dated on or before `on`; same-day ties broken by the rule."""
    if preg_id is None:
        return None
    found = [
        p
        for p in w.plans.get(preg_id, [])
        if p.kind == "05"
        and p.date is not None
        and p.date <= on
        and (p.coc is not None or not need_indicator)
    ]
    if not found:
        return None
    last = max(p.date for p in found)
    same_day = [p for p in found if p.date == last]
    same_day.sort(
        key=lambda p: (
            not on_pathway(p),
            p.prof is None,
            p.prof or "",
            p.team is None,
            p.team or "",
        )
    )
    return same_day[0]


def on_pathway(plan: Plan | None) -> bool:
    return plan is not None and plan.coc == "Y" and bool(plan.prof) and bool(plan.team)


def breakdown_keys(w: World, preg_id: str | None, team: str | None) -> dict[str, str]:
    preg = w.pregnancies.get(preg_id) if preg_id is not None else None
    mother = None
    if preg is not None and preg["Person_ID_Mother"] is not None:
        mother = w.mothers.get(preg["Person_ID_Mother"])
    code = mother["EthnicCategoryMother"] if mother else None
    lsoa = mother["LSOAMother2011"] if mother else None
    decile = w.imd.get(lsoa) if lsoa is not None else None
    site = preg["OrgSiteIDBooking"] if preg else None
    return {
        "total": "All",
        "team": team if team is not None else NOT_RECORDED,
        "site": site if site is not None else NOT_RECORDED,
        "ethnicity_coc": equity.coc_group(code),
        "ethnicity_fine": equity.fine_group(code),
        "imd_decile": MISSING if decile is None else str(decile),
        "imd_quintile": MISSING if decile is None else str(equity.imd_quintile(decile)),
        "core20": MISSING
        if decile is None
        else ("Core20" if equity.is_core20(decile) else "Not Core20"),
    }


class Tally:
    def __init__(self, gated: bool) -> None:
        self.gated = gated
        self.cells: dict[tuple[str, str], RefCounts] = {}

    def add(self, keys: dict[str, str], num: bool, gates: tuple[bool, bool, bool] | None = None):
        for breakdown, group in keys.items():
            cell = self.cells.setdefault(
                (breakdown, group),
                RefCounts(gates={"DQ06": [0, 0], "DQ07": [0, 0]} if self.gated else None),
            )
            cell.denominator += 1
            cell.numerator += int(num)
            if self.gated:
                assert gates is not None and cell.gates is not None
                placed, dq06, dq07 = gates
                cell.gates["DQ06"][0] += int(dq06)
                cell.gates["DQ07"][0] += int(dq07)
                cell.gates["DQ06"][1] += int(placed)
                cell.gates["DQ07"][1] += int(placed)

    def result(self) -> dict[tuple[str, str], RefCounts]:
        if ("total", "All") not in self.cells:
            self.cells[("total", "All")] = RefCounts(
                gates={"DQ06": [0, 0], "DQ07": [0, 0]} if self.gated else None
            )
        return self.cells


def _in(day: date | None, bounds: tuple[date, date]) -> bool:
    return day is not None and bounds[0] <= day <= bounds[1]


def coc_by_28weeks(w: World, month: tuple[date, date]) -> Tally:
    tally = Tally(False)
    for pid, preg in w.pregnancies.items():
        d203 = ga_date(preg, 203)
        if not _in(d203, month):
            continue
        assert d203 is not None
        discharge = preg["DischargeDateMatService"]
        if discharge is not None and discharge <= d203:
            continue
        plan = latest_antenatal(w, pid, d203)
        tally.add(breakdown_keys(w, pid, plan.team if plan else None), on_pathway(plan))
    return tally


def pcsp(w: World, month: tuple[date, date], days: int, kinds: tuple[str, ...]) -> Tally:
    tally = Tally(False)
    for pid, preg in w.pregnancies.items():
        due = ga_date(preg, days)
        if not _in(due, month):
            continue
        assert due is not None
        discharge = preg["DischargeDateMatService"]
        if discharge is not None and discharge <= due:
            continue
        have = {
            p.kind
            for p in w.plans.get(pid, [])
            if p.pcsp == "Y" and p.date is not None and p.date <= due
        }
        plan = latest_antenatal(w, pid, due)
        tally.add(breakdown_keys(w, pid, plan.team if plan else None), set(kinds) <= have)
    return tally


def receiving_ongoing(w: World, cohort: tuple[date, date], *, team_counts: bool) -> Tally:
    tally = Tally(True)
    for pid, preg in w.pregnancies.items():
        d203 = ga_date(preg, 203)
        if not _in(d203, cohort):
            continue
        assert d203 is not None
        plan = latest_antenatal(w, pid, d203)
        placed = on_pathway(plan)
        discharge = preg["DischargeDateMatService"]
        dq06 = dq07 = met = False
        if placed:
            assert plan is not None

            def by_named(act: dict[str, Any], plan: Plan = plan) -> bool:
                if act["CareProfLID"] is not None and act["CareProfLID"] == plan.prof:
                    return True
                return (
                    team_counts
                    and act["TeamLocalID"] is not None
                    and (act["TeamLocalID"] == plan.team)
                )

            dq06 = discharge is not None and discharge >= plan.date
            in_window = [
                c
                for c in w.contacts_of.get(pid, [])
                if discharge is not None
                and c["CContactDate"] is not None
                and plan.date <= c["CContactDate"] <= discharge
            ]
            dq07 = len({c["CareConID"] for c in in_window}) >= 3
            attended = {c["CareConID"] for c in in_window if c["AttendCode"] in ATTENDED}
            named = {cid for cid in attended if any(by_named(a) for a in w.activities.get(cid, []))}
            labours = w.labours_of.get(pid, [])
            labour_ok = not labours or any(
                by_named(a) for ld in labours if ld is not None for a in w.labour_acts.get(ld, [])
            )
            met = (
                dq06
                and len(attended) > 0
                and Fraction(len(named), len(attended)) >= Fraction(7, 10)
                and labour_ok
            )
        tally.add(breakdown_keys(w, pid, plan.team if plan else None), met, (placed, dq06, dq07))
    return tally


def _attended_in_month(w: World, month: tuple[date, date]) -> dict[tuple[Any, Any], list[dict]]:
    grouped: dict[tuple[Any, Any], list[dict]] = defaultdict(list)
    for c in w.contacts:
        if c["AttendCode"] in ATTENDED and _in(c["CContactDate"], month):
            grouped[(c["UniqPregID"], c["CareConID"])].append(c)
    return grouped


def _team_at(w: World, pid: str | None, on: date) -> str | None:
    plan = latest_antenatal(w, pid, on)
    return plan.team if plan else None


def contacts_named_or_buddy(w: World, month: tuple[date, date]) -> Tally:
    tally = Tally(False)
    for (pid, cid), rows in _attended_in_month(w, month).items():
        first = min(r["CContactDate"] for r in rows)
        plan = latest_antenatal(w, pid, first)
        if not on_pathway(plan):
            continue
        assert plan is not None
        who = {plan.prof} | w.buddies.get(pid, set())
        num = any(a["CareProfLID"] in who for a in w.activities.get(cid, []))
        tally.add(breakdown_keys(w, pid, _team_at(w, pid, month[1])), num)
    return tally


def births_known_midwife(w: World, month: tuple[date, date]) -> Tally:
    tally = Tally(False)
    for baby in w.babies:
        born = baby["PersonBirthDateBaby"]
        if not _in(born, month):
            continue
        ld = baby["LabourDeliveryID"]
        pid = w.labour_preg.get(ld) if ld is not None else None
        known: set[str] = set()
        if pid is not None:
            plan = latest_antenatal(w, pid, born, need_indicator=False)
            if plan is not None and plan.prof is not None:
                known.add(plan.prof)
            known |= w.buddies.get(pid, set())
            for c in w.contacts_of.get(pid, []):
                day = c["CContactDate"]
                if c["AttendCode"] in ATTENDED and day is not None and day < born:
                    known |= {
                        a["CareProfLID"]
                        for a in w.activities.get(c["CareConID"], [])
                        if a["CareProfLID"] is not None
                    }
        there = {baby["CareProfLIDDel"]} if baby["CareProfLIDDel"] is not None else set()
        if ld is not None:
            there |= {
                a["CareProfLID"] for a in w.labour_acts.get(ld, []) if a["CareProfLID"] is not None
            }
        tally.add(breakdown_keys(w, pid, _team_at(w, pid, month[1])), bool(known & there))
    return tally


def visits_out_of_hours(w: World, month: tuple[date, date]) -> Tally:
    tally = Tally(False)
    for (pid, _cid), rows in _attended_in_month(w, month).items():

        def outside(row: dict[str, Any]) -> bool:
            if row["CContactDate"].weekday() >= 5:
                return True
            at = row["CContactTime"]
            return at is not None and (at < time(9, 0) or at >= time(17, 0))

        num = any(outside(r) for r in rows)
        tally.add(breakdown_keys(w, pid, _team_at(w, pid, month[1])), num)
    return tally


def guideline_on_time(w: World, month: tuple[date, date]) -> Tally:
    tally = Tally(False)
    for due in w.guideline:
        if not _in(due["WindowEndDate"], month):
            continue
        pid, start, end = due["UniqPregID"], due["WindowStartDate"], due["WindowEndDate"]
        num = start is not None and any(
            c["AttendCode"] in ATTENDED
            and c["CContactDate"] is not None
            and start <= c["CContactDate"] <= end
            for c in w.contacts_of.get(pid, [])
        )
        tally.add(breakdown_keys(w, pid, _team_at(w, pid, month[1])), num)
    return tally


def reference(
    tables: Mapping[str, pd.DataFrame], month: str
) -> dict[tuple[str, str, str], RefCounts]:
    w = build_world(tables)
    this = month_bounds(month)
    cohort = month_bounds(month, -4)
    tallies = {
        "COC_by_28weeks": coc_by_28weeks(w, this),
        "COC_receiving_ongoing": receiving_ongoing(w, cohort, team_counts=True),
        "PCSP_by_16weeks": pcsp(w, this, 119, ("05",)),
        "PCSP_by_34weeks": pcsp(w, this, 245, ("06",)),
        "PCSP_by_36weeks": pcsp(w, this, 259, ("07",)),
        "PCSP_all_three": pcsp(w, this, 259, ("05", "06", "07")),
        "LOCAL_named_midwife_continuity": receiving_ongoing(w, cohort, team_counts=False),
        "LOCAL_contacts_named_or_buddy": contacts_named_or_buddy(w, this),
        "LOCAL_births_known_midwife": births_known_midwife(w, this),
        "LOCAL_visits_out_of_hours": visits_out_of_hours(w, this),
        "LOCAL_guideline_on_time": guideline_on_time(w, this),
    }
    return {
        (measure, breakdown, group): counts
        for measure, tally in tallies.items()
        for (breakdown, group), counts in tally.result().items()
    }
