"""The measures engine (DuckDB SQL) against the pandas reference on random small worlds.

Each example is a small trust (up to 30 pregnancies) around a reporting month, written to a
temporary folder as CSV or Parquet, loaded by the engine and computed with rounding "none" (and
one other method); every measure, breakdown, group and gate must equal the reference exactly.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.strategies import composite

from continuity.engines import rounding
from continuity.engines.equity import ETHNIC_CATEGORIES
from continuity.engines.measures import Counts, Result, compute_connection, load, to_json
from continuity.engines.measures.compute import measure_rows
from continuity.engines.measures.model import MEASURES
from continuity.engines.measures.schema import REQUIRED, TABLES
from tests.measures_reference import RefCounts, month_bounds, reference

PROFS = ["P1", "P2", "P3", None]
TEAMS = ["T1", "T2", None]
SITES = ["S1", "S2", None]
LSOAS = ["E1", "E2", "E3", "E4", "E9", None]  # E9 is not in IMD_LSOA
ETHNIC = [*ETHNIC_CATEGORIES, None]
MONTHS = ["2026-03", "2026-07", "2026-12", "2027-01"]
OPTIONAL = [t for t in TABLES if t not in REQUIRED]
# Plan dates relative to the GA-203 date: GA 119 is -84, 245 is +42, 259 is +56.
EDGE_OFFSETS = [-85, -84, -83, -1, 0, 1, 41, 42, 56, 57]
EDGE_TIMES = [time(8, 59), time(9, 0), time(16, 59), time(17, 0)]


@dataclass
class World:
    month: str
    rows: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {table: [] for table in TABLES}
    )
    omit: frozenset[str] = frozenset()
    parquet: bool = False
    typed_parquet: bool = True
    short_times: bool = False

    def add(self, table: str, **values: Any) -> None:
        self.rows[table].append({name: values.get(name) for name, _ in TABLES[table]})


def _days(draw: Any, lo: int, hi: int) -> timedelta:
    return timedelta(days=draw(st.integers(lo, hi)))


@composite
def worlds(draw: Any) -> World:
    month = draw(st.sampled_from(MONTHS))
    first, _last = month_bounds(month)
    cohort_first, _ = month_bounds(month, -4)
    w = World(
        month=month,
        omit=frozenset(draw(st.sets(st.sampled_from(OPTIONAL)))),
        parquet=draw(st.booleans()),
        typed_parquet=draw(st.booleans()),
        short_times=draw(st.booleans()),
    )
    for lsoa, decile in zip(
        ["E1", "E2", "E3", "E4"], draw(st.permutations(range(1, 11))), strict=False
    ):
        w.add("IMD_LSOA", LSOA=lsoa, IMD_Decile=decile)
    n = draw(st.integers(1, 30))
    mothers: set[str] = set()
    contact_no = 0
    for i in range(n):
        pid = f"PR{i}"
        mother = f"M{draw(st.integers(0, max(0, n - 1)))}"
        if mother not in mothers and draw(st.integers(0, 9)) > 0:  # some mothers are missing
            w.add(
                "MSD001MotherDemog",
                Person_ID_Mother=mother,
                EthnicCategoryMother=draw(st.sampled_from(ETHNIC)),
                LSOAMother2011=draw(st.sampled_from(LSOAS)),
            )
        mothers.add(mother)
        kind = draw(st.sampled_from(["now119", "now203", "now245", "now259", "ongoing"]))
        if kind == "ongoing":
            d203 = cohort_first + _days(draw, -3, 33)
        else:
            ga = int(kind[3:])
            d203 = first + _days(draw, -3, 33) + timedelta(days=203 - ga)
        gab = draw(st.one_of(st.none(), st.integers(50, 130)))
        if gab is None:
            booking = d203 - _days(draw, 60, 150)
            edd = d203 + timedelta(days=77)
        else:
            booking = d203 - timedelta(days=203 - gab)
            edd = d203 + timedelta(days=77) + _days(draw, -4, 4)  # the booking GA wins
        discharge = draw(
            st.one_of(
                st.none(),
                st.sampled_from(EDGE_OFFSETS).map(lambda k, d=d203: d + timedelta(days=k)),
                st.integers(60, 200).map(lambda k, d=d203: d + timedelta(days=k)),
            )
        )
        w.add(
            "MSD101PregnancyBooking",
            UniqPregID=pid,
            Person_ID_Mother=mother,
            AntenatalAppDate=booking,
            GestAgeBooking=gab,
            EDDAgreed=edd,
            PreviousLiveBirths=draw(st.one_of(st.none(), st.integers(0, 4))),
            DischargeDateMatService=discharge,
            OrgSiteIDBooking=draw(st.sampled_from(SITES)),
        )
        shaped = draw(st.integers(0, 1 if kind == "ongoing" else 3)) == 0
        plan_dates: list[date] = []
        if shaped:
            # On the pathway with P1/T1, discharged later, and a chosen share of contacts by
            # P1 or T1: the 70% boundary from both sides.
            plan_day = d203 - _days(draw, 0, 60)
            w.add(
                "MSD102MatCarePlan",
                UniqPregID=pid,
                CarePlanDate=plan_day,
                CarePlanType="05",
                ContCarePathInd="Y",
                MatPersCarePlanInd=draw(st.sampled_from(["Y", "N", None])),
                CareProfLID="P1",
                TeamLocalID="T1",
            )
            w.rows["MSD101PregnancyBooking"][-1]["DischargeDateMatService"] = d203 + _days(
                draw, 80, 150
            )
            named, total = draw(
                st.sampled_from(
                    [(7, 10), (7, 10), (6, 9), (7, 9), (6, 10), (3, 3), (2, 3), (0, 2), (1, 1)]
                )
            )
            for k in range(total):
                contact_no += 1
                cid = f"C{contact_no}"
                w.add(
                    "MSD201CareContactPreg",
                    UniqPregID=pid,
                    CareConID=cid,
                    CContactDate=plan_day + _days(draw, 0, 80),
                    CContactTime=draw(st.sampled_from([*EDGE_TIMES, None])),
                    AttendCode=draw(st.sampled_from(["5", "6"])),
                    LocCode="HOME",
                )
                if k < named:
                    prof, team = draw(st.sampled_from([("P1", "T2"), ("P2", "T1"), ("P1", None)]))
                else:
                    prof, team = draw(st.sampled_from([("P3", "T2"), (None, "T2"), ("P2", None)]))
                w.add("MSD202CareActivityPreg", CareConID=cid, CareProfLID=prof, TeamLocalID=team)
        if draw(st.integers(0, 3)) == 0:  # all three personalised care plans, near GA 259
            for plan_type in ("05", "06", "07"):
                w.add(
                    "MSD102MatCarePlan",
                    UniqPregID=pid,
                    CarePlanDate=d203
                    + timedelta(days=draw(st.sampled_from([-100, -84, -83, 0, 42, 43, 56, 57]))),
                    CarePlanType=plan_type,
                    ContCarePathInd=None,
                    MatPersCarePlanInd="Y",
                    CareProfLID=draw(st.sampled_from(PROFS)),
                    TeamLocalID=None,
                )
        if not shaped and draw(st.integers(0, 3)) == 0:
            # complete plans tied on one day: the professional, then the team, decides
            day = d203 - _days(draw, 0, 10)
            plan_dates.append(day)
            for prof, team in draw(st.permutations([("P2", "T1"), ("P1", "T2"), ("P1", "T1")])):
                w.add(
                    "MSD102MatCarePlan",
                    UniqPregID=pid,
                    CarePlanDate=day,
                    CarePlanType="05",
                    ContCarePathInd="Y",
                    MatPersCarePlanInd=None,
                    CareProfLID=prof,
                    TeamLocalID=team,
                )
        for _ in range(draw(st.integers(0, 5))):
            if plan_dates and draw(st.booleans()):
                day = draw(st.sampled_from(plan_dates))  # a same-day tie
            else:
                offset = draw(st.one_of(st.integers(-160, 30), st.sampled_from(EDGE_OFFSETS)))
                day = d203 + timedelta(days=offset)
            plan_dates.append(day)
            w.add(
                "MSD102MatCarePlan",
                UniqPregID=pid,
                CarePlanDate=day,
                # a shaped pregnancy keeps her one antenatal plan
                CarePlanType=draw(
                    st.sampled_from(["06", "07"] if shaped else ["05", "05", "06", "07"])
                ),
                ContCarePathInd=draw(st.sampled_from(["Y", "Y", "N", None])),
                MatPersCarePlanInd=draw(st.sampled_from(["Y", "Y", "N", None])),
                CareProfLID=draw(st.sampled_from(PROFS)),
                TeamLocalID=draw(st.sampled_from(TEAMS)),
            )
        for _ in range(draw(st.integers(0, 2 if shaped else 10))):
            contact_no += 1
            cid = f"C{contact_no}"
            row = {
                "UniqPregID": pid,
                "CareConID": cid,
                "CContactDate": d203 + _days(draw, -120, 200),
                "CContactTime": draw(
                    st.one_of(
                        st.none(),
                        st.sampled_from(EDGE_TIMES),
                        st.builds(time, st.integers(6, 21), st.sampled_from([0, 30])),
                    )
                ),
                "AttendCode": draw(st.sampled_from(["5", "5", "6", "7", "2", "3", "4", "0"])),
                "LocCode": "CLINIC",
            }
            w.add("MSD201CareContactPreg", **row)
            if draw(st.integers(0, 9)) == 0:  # the extract repeats a contact
                again = dict(row)
                again["AttendCode"] = draw(st.sampled_from(["5", "7"]))
                w.add("MSD201CareContactPreg", **again)
            for _ in range(draw(st.integers(0, 2))):
                w.add(
                    "MSD202CareActivityPreg",
                    CareConID=cid,
                    CareProfLID=draw(st.sampled_from(PROFS)),
                    TeamLocalID=draw(st.sampled_from(TEAMS)),
                )
        if shaped:  # no labour, or one with the named midwife, the team, or strangers
            carers = draw(
                st.sampled_from(
                    [None, [("P1", None)], [(None, "T1")], [("P7", "T7")], [("P2", "T1")]]
                )
            )
        elif draw(st.booleans()):
            carers = [
                (draw(st.sampled_from(PROFS)), draw(st.sampled_from(TEAMS)))
                for _ in range(draw(st.integers(0, 3)))
            ]
        else:
            carers = None
        if carers is not None:
            lid = f"L{i}"
            w.add(
                "MSD301LabourDelivery",
                UniqPregID=pid,
                LabourDeliveryID=lid,
                LabourOnsetDate=edd,
                SettingIntraCare="01",
            )
            for prof, team in carers:
                w.add(
                    "MSD302CareActivityLabDel",
                    LabourDeliveryID=lid,
                    CareProfLID=prof,
                    TeamLocalID=team,
                )
            for _ in range(draw(st.integers(0, 2))):
                born = first + _days(draw, -3, 33)
                deliverer = draw(st.sampled_from(PROFS))
                w.add(
                    "MSD401BabyDemographics",
                    LabourDeliveryID=lid,
                    PersonBirthDateBaby=born,
                    SettingPlaceBirth="01",
                    CareProfLIDDel=deliverer,
                )
                if deliverer is not None and draw(st.integers(0, 2)) == 0:
                    # she met the deliverer the day before, or only on the day itself
                    contact_no += 1
                    cid = f"C{contact_no}"
                    w.add(
                        "MSD201CareContactPreg",
                        UniqPregID=pid,
                        CareConID=cid,
                        CContactDate=born - _days(draw, 0, 1),
                        CContactTime=None,
                        AttendCode="5",
                        LocCode="HOME",
                    )
                    w.add("MSD202CareActivityPreg", CareConID=cid, CareProfLID=deliverer)
        antenatal = [
            r["CarePlanDate"]
            for r in w.rows["MSD102MatCarePlan"]
            if r["UniqPregID"] == pid and r["CarePlanType"] == "05"
        ]
        if antenatal and draw(st.integers(0, 5)) == 0:  # discharged on a plan's date
            w.rows["MSD101PregnancyBooking"][-1]["DischargeDateMatService"] = draw(
                st.sampled_from(antenatal)
            )
        for _ in range(draw(st.sampled_from([0, 0, 1, 1, 2]))):
            w.add("LOCALBuddy", UniqPregID=pid, CareProfLIDBuddy=draw(st.sampled_from(PROFS)))
        for _ in range(draw(st.integers(0, 3))):
            end = first + _days(draw, -5, 35)
            w.add(
                "LOCALGuidelineContact",
                UniqPregID=pid,
                ScheduleCode="AN",
                WindowStartDate=end - _days(draw, 0, 28),
                WindowEndDate=end,
            )
    if draw(st.integers(0, 4)) == 0:  # a baby whose labour record is missing
        w.add(
            "MSD401BabyDemographics",
            LabourDeliveryID="LX",
            PersonBirthDateBaby=first + _days(draw, 0, 27),
            SettingPlaceBirth="01",
            CareProfLIDDel="P1",
        )
    w.add("MSD901StaffDetails", CareProfLID="P1", StaffGroup="Midwife")
    return w


def _text(value: Any, short_times: bool) -> Any:
    if value is None:
        return None
    if isinstance(value, time):
        return value.strftime("%H:%M" if short_times else "%H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write(world: World, folder: Path) -> dict[str, pd.DataFrame]:
    """Write the world's files; return the DataFrames the reference reads."""
    frames: dict[str, pd.DataFrame] = {}
    staging = folder / "staging"
    staging.mkdir()
    con = duckdb.connect()
    for table, cols in TABLES.items():
        if table in world.omit:
            continue
        names = [name for name, _ in cols]
        rows = world.rows[table]
        frames[table] = pd.DataFrame(rows, columns=names, dtype=object)
        text = pd.DataFrame(
            [{k: _text(v, world.short_times) for k, v in row.items()} for row in rows],
            columns=names,
            dtype=object,
        )
        target = (staging if world.parquet else folder) / f"{table}.csv"
        text.to_csv(target, index=False)
        if world.parquet:
            spec = ", ".join(f"'{name}': 'VARCHAR'" for name in names)
            select = ", ".join(
                f'CAST("{name}" AS {sql_type}) AS "{name}"'
                if world.typed_parquet or sql_type == "VARCHAR"
                else f'"{name}"'
                for name, sql_type in cols
            )
            con.execute(
                f"COPY (SELECT {select} FROM read_csv('{target}', header = true, "  # noqa: S608
                f"auto_detect = false, columns = {{{spec}}})) "
                f"TO '{folder / (table + '.parquet')}' (FORMAT parquet)"
            )
    con.close()
    return frames


def expected(
    ref: dict[tuple[str, str, str], RefCounts], method: rounding.Rounding
) -> dict[tuple[str, str, str], dict[str, Any]]:
    out: dict[tuple[str, str, str], dict[str, Any]] = {}
    for (measure, breakdown, group), cell in ref.items():
        if cell.denominator == 0 and breakdown != "total":
            continue
        row: dict[str, Any] = {
            "numerator": rounding.round_count(cell.numerator, method),
            "denominator": rounding.round_count(cell.denominator, method),
            "rate": rounding.rate(cell.numerator, cell.denominator, method),
            "dq": "pass",
            "local": measure.startswith("LOCAL_"),
        }
        if cell.gates is not None:
            gates = {
                name: {
                    "numerator": rounding.round_count(num, method),
                    "denominator": rounding.round_count(den, method),
                    "rate": rounding.rate(num, den, method),
                }
                for name, (num, den) in cell.gates.items()
            }
            row["gates"] = gates
            if any(g["rate"] is None or g["rate"] <= 5 for g in gates.values()):
                row["dq"] = "low_dq"
                row["rate"] = None
        out[(measure, breakdown, group)] = row
    return out


def actual(json_rows: list[dict[str, Any]]) -> dict[tuple[str, str, str], dict[str, Any]]:
    out: dict[tuple[str, str, str], dict[str, Any]] = {}
    for row in json_rows:
        key = (row["measure"], row["breakdown"], row["group"])
        assert key not in out, f"duplicate row {key}"
        out[key] = {k: v for k, v in row.items() if k not in ("measure", "breakdown", "group")}
    return out


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(world=worlds(), method=st.sampled_from(["msds", "star"]))
def test_engine_equals_reference(world: World, method: rounding.Rounding) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        frames = write(world, folder)
        con = load(folder)
    try:
        engine = to_json(compute_connection(con, world.month, "none"))
    finally:
        con.close()
    ref = reference(frames, world.month)
    assert engine["month"] == world.month
    assert engine["rounding"] == "none"
    assert {row["measure"] for row in engine["measures"]} == set(MEASURES)
    # The unrounded rows give back the counts; round them the other way as compute() would.
    found = _counts(engine["measures"])
    for how in ("none", method):
        result = engine if how == "none" else _as_json(world.month, how, found)
        got = actual(result["measures"])
        want = expected(ref, how)
        assert set(got) == set(want)
        for key in sorted(want):
            assert got[key] == want[key], (how, key)


def _counts(rows: list[dict[str, Any]]) -> dict[str, dict[tuple[str, str], Counts]]:
    found: dict[str, dict[tuple[str, str], Counts]] = {name: {} for name in MEASURES}
    for row in rows:
        gates = row.get("gates")
        extra = (
            (gates["DQ06"]["denominator"], gates["DQ06"]["numerator"], gates["DQ07"]["numerator"])
            if gates
            else (None, None, None)
        )
        found[row["measure"]][(row["breakdown"], row["group"])] = Counts(
            row["numerator"], row["denominator"], *extra
        )
    return found


def _as_json(
    month: str, how: rounding.Rounding, found: dict[str, dict[tuple[str, str], Counts]]
) -> dict[str, Any]:
    rows = tuple(row for name in MEASURES for row in measure_rows(name, found[name], how))
    return to_json(Result(month, how, rows))
