"""The measures in vectorised pandas: the benchmark's baseline at national scale.

The same definitions as `continuity.engines.measures` (docs/engines/measures.md), written again
with DataFrame joins and group-bys instead of SQL, so that the benchmark can time a pandas
implementation on 600k pregnancies and check that both give identical counts. (The tests use a
second, slower reference written record by record, `tests/measures_reference.py`.)

`counts(tables, measure, month)` returns {(breakdown, group): (denominator, numerator, placed,
dq06, dq07)}, with the last three None for measures without data-quality gates.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from continuity.engines import equity
from continuity.engines.measures.schema import TABLES

Frames = dict[str, pd.DataFrame]
Counted = dict[tuple[str, str], tuple[int, int, int | None, int | None, int | None]]
NOT_RECORDED = "Not recorded"
MISSING = equity.MISSING_UNKNOWN
ATTENDED = ("5", "6")
KEYED = ("team", "site", "ethnicity_coc", "ethnicity_fine", "imd_decile", "imd_quintile", "core20")
GATED = {"COC_receiving_ongoing", "LOCAL_named_midwife_continuity"}


def read(folder: Path) -> Frames:
    """Every table as a DataFrame (Parquet read through DuckDB; pandas needs no pyarrow)."""
    con = duckdb.connect()
    frames: Frames = {}
    for name, columns in TABLES.items():
        path = folder / f"{name}.parquet"
        if path.exists():
            frames[name] = con.execute(f"SELECT * FROM read_parquet('{path}')").df()  # noqa: S608
        else:
            frames[name] = pd.DataFrame({c: pd.Series(dtype="object") for c, _ in columns})
    con.close()
    for name, columns in TABLES.items():
        for column, kind in columns:
            if kind == "DATE":
                frames[name][column] = pd.to_datetime(frames[name][column])
    return frames


def month_bounds(month: str, shift: int = 0) -> tuple[pd.Timestamp, pd.Timestamp]:
    year, m = (int(x) for x in month.split("-"))
    y, mm = divmod(year * 12 + m - 1 + shift, 12)
    first = date(y, mm + 1, 1)
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return pd.Timestamp(first), pd.Timestamp(last)


def _present(s: pd.Series) -> pd.Series:
    text = s.astype("object")
    blank = text.isna() | (text.astype(str).str.strip() == "")
    return text.where(~blank, None)


def _reach(b: pd.DataFrame, days: int) -> pd.Series:
    ga = b["GestAgeBooking"]
    from_booking = b["AntenatalAppDate"] + pd.to_timedelta(days - ga.fillna(0), unit="D")
    from_edd = b["EDDAgreed"] + pd.Timedelta(days=days - 280)
    return from_booking.where(ga.notna(), from_edd)


def _plans05(t: Frames, any_indicator: bool = False) -> pd.DataFrame:
    p = t["MSD102MatCarePlan"]
    keep = (p["CarePlanType"] == "05") & p["CarePlanDate"].notna()
    if not any_indicator:
        keep &= p["ContCarePathInd"].notna()
    p = p[keep]
    return pd.DataFrame(
        {
            "UniqPregID": p["UniqPregID"],
            "CarePlanDate": p["CarePlanDate"],
            "ind": p["ContCarePathInd"],
            "prof": _present(p["CareProfLID"]),
            "team": _present(p["TeamLocalID"]),
        }
    )


def _latest(refs: pd.DataFrame, plans: pd.DataFrame) -> pd.DataFrame:
    """For each (UniqPregID, ref_date): the latest plan on or before, complete rows first on a
    tie, then prof and team ascending with nulls last."""
    m = refs[["UniqPregID", "ref_date"]].drop_duplicates().merge(plans, on="UniqPregID")
    m = m[m["CarePlanDate"] <= m["ref_date"]].copy()
    m["placed"] = (m["ind"] == "Y") & m["prof"].notna() & m["team"].notna()
    m["incomplete"] = ~m["placed"]
    m = m.sort_values(
        ["UniqPregID", "ref_date", "CarePlanDate", "incomplete", "prof", "team"],
        ascending=[True, True, False, True, True, True],
        na_position="last",
        kind="mergesort",
    )
    m = m.drop_duplicates(["UniqPregID", "ref_date"], keep="first")
    return m.rename(columns={"CarePlanDate": "plan_date"})[
        ["UniqPregID", "ref_date", "plan_date", "prof", "team", "placed"]
    ]


def _cohort(t: Frames, days: int, month: str, *, exclude_discharged: bool = True) -> pd.DataFrame:
    b = t["MSD101PregnancyBooking"]
    first, last = month_bounds(month)
    dated = pd.DataFrame(
        {
            "UniqPregID": b["UniqPregID"],
            "ref_date": _reach(b, days),
            "discharge": b["DischargeDateMatService"],
        }
    )
    units = dated[(dated["ref_date"] >= first) & (dated["ref_date"] <= last)]
    if exclude_discharged:
        units = units[units["discharge"].isna() | (units["discharge"] > units["ref_date"])]
    return units


def _with_plan(units: pd.DataFrame, plans: pd.DataFrame) -> pd.DataFrame:
    latest = _latest(units, plans)
    return units.merge(latest, on=["UniqPregID", "ref_date"], how="left")


def _team_label(s: pd.Series) -> pd.Series:
    return s.fillna(NOT_RECORDED)


def coc_by_28weeks(t: Frames, month: str) -> pd.DataFrame:
    u = _with_plan(_cohort(t, 203, month), _plans05(t))
    return pd.DataFrame(
        {
            "preg": u["UniqPregID"],
            "num": u["placed"].fillna(False).astype(bool),
            "team": _team_label(u["team"]),
        }
    )


def _pcsp(days: int, types: tuple[str, ...]) -> Callable[[Frames, str], pd.DataFrame]:
    def build(t: Frames, month: str) -> pd.DataFrame:
        u = _with_plan(_cohort(t, days, month), _plans05(t))
        p = t["MSD102MatCarePlan"]
        p = p[(p["MatPersCarePlanInd"] == "Y") & p["CarePlanType"].isin(types)]
        m = u[["UniqPregID", "ref_date"]].merge(p, on="UniqPregID")
        m = m[m["CarePlanDate"] <= m["ref_date"]]
        kinds = m.groupby("UniqPregID")["CarePlanType"].nunique()
        met = u["UniqPregID"].map(kinds).fillna(0) == len(types)
        return pd.DataFrame(
            {"preg": u["UniqPregID"], "num": met.to_numpy(), "team": _team_label(u["team"])}
        )

    return build


def _ongoing(team_counts: bool) -> Callable[[Frames, str], pd.DataFrame]:
    def build(t: Frames, month: str) -> pd.DataFrame:
        cohort_month = f"{month_bounds(month, -4)[0]:%Y-%m}"
        u = _with_plan(_cohort(t, 203, cohort_month, exclude_discharged=False), _plans05(t))
        placed = u[u["placed"].fillna(False).astype(bool)]
        c = t["MSD201CareContactPreg"].merge(
            placed[["UniqPregID", "plan_date", "discharge", "prof", "team"]], on="UniqPregID"
        )
        c = c[(c["CContactDate"] >= c["plan_date"]) & (c["CContactDate"] <= c["discharge"])]
        c = c.assign(att=c["AttendCode"].isin(ATTENDED))
        window = c.groupby(["UniqPregID", "CareConID"], as_index=False).agg(
            attended=("att", "max"), prof=("prof", "first"), team=("team", "first")
        )
        a = t["MSD202CareActivityPreg"]
        hit = window[window["attended"]].merge(a, on="CareConID", suffixes=("", "_a"))
        by = hit["CareProfLID"] == hit["prof"]
        if team_counts:
            by |= hit["TeamLocalID"] == hit["team"]
        named = hit[by].drop_duplicates(["UniqPregID", "CareConID"]).groupby("UniqPregID").size()
        contacts = window.groupby("UniqPregID").size()
        attended = window.groupby("UniqPregID")["attended"].sum()
        lab = t["MSD301LabourDelivery"].merge(
            placed[["UniqPregID", "prof", "team"]], on="UniqPregID"
        )
        laboured = set(lab["UniqPregID"])
        la = lab.merge(t["MSD302CareActivityLabDel"], on="LabourDeliveryID")
        lby = la["CareProfLID"] == la["prof"]
        if team_counts:
            lby |= la["TeamLocalID"] == la["team"]
        labour_named = set(la.loc[lby, "UniqPregID"])
        ids = u["UniqPregID"]
        is_placed = u["placed"].fillna(False).astype(bool).to_numpy()
        disch_ok = (u["discharge"] >= u["plan_date"]).fillna(False).to_numpy() & is_placed
        n_contacts = ids.map(contacts).fillna(0).to_numpy()
        n_att = ids.map(attended).fillna(0).to_numpy()
        n_named = ids.map(named).fillna(0).to_numpy()
        labour_ok = np.array([(p not in laboured) or (p in labour_named) for p in ids])
        num = disch_ok & (n_att > 0) & (10 * n_named >= 7 * n_att) & labour_ok
        return pd.DataFrame(
            {
                "preg": ids,
                "num": num,
                "team": _team_label(u["team"]),
                "placed": is_placed,
                "dq06": disch_ok,
                "dq07": is_placed & (n_contacts >= 3),
            }
        )

    return build


def _team_at_month_end(t: Frames, pregs: pd.Series, month: str) -> pd.Series:
    last = month_bounds(month)[1]
    refs = pd.DataFrame({"UniqPregID": pregs.dropna().unique(), "ref_date": last})
    latest = _latest(refs, _plans05(t)).set_index("UniqPregID")["team"]
    return _team_label(pregs.map(latest))


def _attended_in_month(t: Frames, month: str) -> pd.DataFrame:
    first, last = month_bounds(month)
    c = t["MSD201CareContactPreg"]
    c = c[
        c["AttendCode"].isin(ATTENDED) & (c["CContactDate"] >= first) & (c["CContactDate"] <= last)
    ]
    return c


def contacts_named_or_buddy(t: Frames, month: str) -> pd.DataFrame:
    c = _attended_in_month(t, month)
    att = c.groupby(["UniqPregID", "CareConID"], as_index=False)["CContactDate"].min()
    att = att.rename(columns={"CContactDate": "ref_date"})
    latest = _latest(att, _plans05(t))
    units = att.merge(latest, on=["UniqPregID", "ref_date"])
    units = units[units["placed"]]
    a = t["MSD202CareActivityPreg"].merge(
        units[["UniqPregID", "CareConID", "prof"]], on="CareConID"
    )
    buddy = t["LOCALBuddy"].rename(columns={"CareProfLIDBuddy": "buddy"})
    a = a.merge(buddy, on="UniqPregID", how="left")
    hit = a[(a["CareProfLID"] == a["prof"]) | (a["CareProfLID"] == a["buddy"])]
    hits = set(zip(hit["UniqPregID"], hit["CareConID"], strict=True))
    num = [(p, k) in hits for p, k in zip(units["UniqPregID"], units["CareConID"], strict=True)]
    return pd.DataFrame(
        {
            "preg": units["UniqPregID"].to_numpy(),
            "num": num,
            "team": _team_at_month_end(t, units["UniqPregID"], month).to_numpy(),
        }
    )


def births_known_midwife(t: Frames, month: str) -> pd.DataFrame:
    first, last = month_bounds(month)
    d = t["MSD401BabyDemographics"]
    d = d[(d["PersonBirthDateBaby"] >= first) & (d["PersonBirthDateBaby"] <= last)].copy()
    d = d.merge(
        t["MSD301LabourDelivery"][["LabourDeliveryID", "UniqPregID"]],
        on="LabourDeliveryID",
        how="left",
    )
    d["baby"] = np.arange(len(d))
    d["ref_date"] = d["PersonBirthDateBaby"]
    d["deliverer"] = _present(d["CareProfLIDDel"])
    refs = d.dropna(subset=["UniqPregID"])[["UniqPregID", "ref_date"]]
    plan = _latest(refs, _plans05(t, any_indicator=True))
    k1 = d.merge(plan, on=["UniqPregID", "ref_date"])[["baby", "prof"]].dropna()
    buddy = t["LOCALBuddy"].dropna(subset=["CareProfLIDBuddy"])
    k2 = d.merge(buddy, on="UniqPregID")[["baby", "CareProfLIDBuddy"]].rename(
        columns={"CareProfLIDBuddy": "prof"}
    )
    c = t["MSD201CareContactPreg"]
    c = c[c["AttendCode"].isin(ATTENDED)]
    c = d[["baby", "UniqPregID", "ref_date"]].merge(c, on="UniqPregID")
    c = c[c["CContactDate"] < c["ref_date"]]
    k3 = (
        c.merge(t["MSD202CareActivityPreg"], on="CareConID")[["baby", "CareProfLID"]]
        .rename(columns={"CareProfLID": "prof"})
        .dropna()
    )
    known = pd.concat([k1, k2, k3]).drop_duplicates()
    p1 = d[["baby", "deliverer"]].rename(columns={"deliverer": "prof"}).dropna()
    p2 = d[["baby", "LabourDeliveryID"]].merge(t["MSD302CareActivityLabDel"], on="LabourDeliveryID")
    p2 = p2[["baby", "CareProfLID"]].rename(columns={"CareProfLID": "prof"}).dropna()
    present = pd.concat([p1, p2]).drop_duplicates()
    hits = set(known.merge(present, on=["baby", "prof"])["baby"])
    return pd.DataFrame(
        {
            "preg": d["UniqPregID"].to_numpy(),
            "num": d["baby"].isin(hits).to_numpy(),
            "team": _team_at_month_end(t, d["UniqPregID"], month).to_numpy(),
        }
    )


def visits_out_of_hours(t: Frames, month: str) -> pd.DataFrame:
    c = _attended_in_month(t, month).copy()
    times = c["CContactTime"]
    early = times.map(lambda v: v is not None and not pd.isna(v) and v.hour < 9)
    late = times.map(lambda v: v is not None and not pd.isna(v) and v.hour >= 17)
    weekend = c["CContactDate"].dt.dayofweek >= 5
    c["ooh"] = (weekend | early | late).astype(int)
    u = c.groupby(["UniqPregID", "CareConID"], as_index=False)["ooh"].max()
    return pd.DataFrame(
        {
            "preg": u["UniqPregID"].to_numpy(),
            "num": (u["ooh"] == 1).to_numpy(),
            "team": _team_at_month_end(t, u["UniqPregID"], month).to_numpy(),
        }
    )


def guideline_on_time(t: Frames, month: str) -> pd.DataFrame:
    first, last = month_bounds(month)
    g = t["LOCALGuidelineContact"]
    g = g[(g["WindowEndDate"] >= first) & (g["WindowEndDate"] <= last)].copy()
    g["due"] = np.arange(len(g))
    c = t["MSD201CareContactPreg"]
    c = c[c["AttendCode"].isin(ATTENDED)][["UniqPregID", "CContactDate"]]
    m = g.merge(c, on="UniqPregID")
    m = m[(m["CContactDate"] >= m["WindowStartDate"]) & (m["CContactDate"] <= m["WindowEndDate"])]
    hits = set(m["due"])
    return pd.DataFrame(
        {
            "preg": g["UniqPregID"].to_numpy(),
            "num": g["due"].isin(hits).to_numpy(),
            "team": _team_at_month_end(t, g["UniqPregID"], month).to_numpy(),
        }
    )


BUILDERS: dict[str, Callable[[Frames, str], pd.DataFrame]] = {
    "COC_by_28weeks": coc_by_28weeks,
    "COC_receiving_ongoing": _ongoing(team_counts=True),
    "PCSP_by_16weeks": _pcsp(119, ("05",)),
    "PCSP_by_34weeks": _pcsp(245, ("06",)),
    "PCSP_by_36weeks": _pcsp(259, ("07",)),
    "PCSP_all_three": _pcsp(259, ("05", "06", "07")),
    "LOCAL_named_midwife_continuity": _ongoing(team_counts=False),
    "LOCAL_contacts_named_or_buddy": contacts_named_or_buddy,
    "LOCAL_births_known_midwife": births_known_midwife,
    "LOCAL_visits_out_of_hours": visits_out_of_hours,
    "LOCAL_guideline_on_time": guideline_on_time,
}


def _labels(t: Frames, flags: pd.DataFrame) -> pd.DataFrame:
    b = t["MSD101PregnancyBooking"][["UniqPregID", "Person_ID_Mother", "OrgSiteIDBooking"]]
    m = t["MSD001MotherDemog"]
    i = t["IMD_LSOA"]
    f = flags.merge(b, left_on="preg", right_on="UniqPregID", how="left")
    f = f.merge(m, on="Person_ID_Mother", how="left")
    f = f.merge(i, left_on="LSOAMother2011", right_on="LSOA", how="left")
    codes = f["EthnicCategoryMother"].astype("object")
    known = set(equity.ETHNIC_CATEGORIES)

    def group(fn: Callable[[str | None], str]) -> pd.Series:
        mapping = {c: fn(c) for c in known}
        return codes.map(lambda c: mapping.get(c, fn(None)))

    decile = f["IMD_Decile"]
    valid = decile.isin(range(1, 11))
    as_int = decile.where(valid, 0).fillna(0).astype(int)
    f["site"] = _present(f["OrgSiteIDBooking"]).fillna(NOT_RECORDED)
    f["ethnicity_coc"] = group(equity.coc_group)
    f["ethnicity_fine"] = group(equity.fine_group)
    f["imd_decile"] = as_int.astype(str).where(valid, MISSING)
    f["imd_quintile"] = ((as_int + 1) // 2).astype(str).where(valid, MISSING)
    f["core20"] = np.where(valid, np.where(as_int <= 2, "Core20", "Not Core20"), MISSING)
    return f


def counts(t: Frames, measure: str, month: str) -> Counted:
    flags = BUILDERS[measure](t, month)
    gated = measure in GATED
    f = _labels(t, flags)
    cols = ["num", *(["placed", "dq06", "dq07"] if gated else [])]
    for c in cols:
        f[c] = f[c].astype(bool).astype(int)
    out: Counted = {}

    def pack(n: int, sums: pd.Series) -> tuple[int, int, int | None, int | None, int | None]:
        extra = (
            (int(sums["placed"]), int(sums["dq06"]), int(sums["dq07"]))
            if gated
            else (None, None, None)
        )
        return (int(n), int(sums["num"]), *extra)

    out[("total", "All")] = pack(len(f), f[cols].sum())
    for key in KEYED:
        grouped = f.groupby(key)[cols]
        sums = grouped.sum()
        sizes = grouped.size()
        for label, n in sizes.items():
            if n:
                out[(key, str(label))] = pack(int(n), sums.loc[label])
    return out
