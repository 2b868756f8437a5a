"""A national-scale, MSDS-shaped synthetic year for the measures benchmark.

`generate(folder, pregnancies=600_000, contacts_per_pregnancy=25, seed=1)` writes every table of
`continuity.engines.measures.schema` as Parquet: by default ~600k pregnancies and 15M contacts
(about England's maternity activity in a year), generated inside DuckDB in a few seconds.

Randomness comes from hashing (row number, column, seed), never from a stateful generator, so the
same arguments give byte-identical tables however many threads DuckDB uses. The shape follows
what the measures care about, not real prevalences: bookings spread over two years, about a fifth
of pregnancies on a continuity pathway with most of their contacts by the named midwife or team,
plans sometimes late, missing a professional or a team, or replaced; discharges before 29 weeks;
births with and without the named team; every ethnic category including Z and 99; LSOAs missing
from the deprivation lookup. Identifiers are synthetic strings; there is no personal data.

    python -m bench.msds_national OUT_DIR [--pregnancies N] [--contacts-per-pregnancy K]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import duckdb

from continuity.engines.measures.schema import TABLES

START = "2024-01-01"  # first booking date
SITES = 150
LSOAS = 33_000
STAFF = 25_000
ETHNIC = ["A", "A", "A", "A", "A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M", "N"]
ETHNIC += ["P", "R", "S", "Z", "99"]


def _u(expr: str, salt: int, seed: int) -> str:
    """A uniform number in [0, 1) from hashing `expr` with a salt and the seed."""
    return f"(hash({expr}, {salt}, {seed}) % 1000000) / 1000000.0"


def _sql(pregnancies: int, per: int, seed: int) -> dict[str, str]:
    def u(expr: str, salt: int) -> str:
        return _u(expr, salt, seed)

    codes = ", ".join(f"'{c}'" for c in ETHNIC)
    preg = f"""
        SELECT i,
               'P' || i AS UniqPregID,
               'M' || CAST(floor(i * 0.97) AS BIGINT) AS Person_ID_Mother,
               CAST(DATE '{START}' + CAST(floor({u("i", 1)} * 730) AS INTEGER) AS DATE)
                   AS AntenatalAppDate,
               CAST(56 + floor({u("i", 2)} * 84) AS INTEGER) AS ga,
               {u("i", 3)} < 0.02 AS no_ga,
               {u("i", 4)} < 0.20 AS coc,
               {u("i", 5)} AS r_dis,
               'S' || CAST(i % {SITES} AS INTEGER) AS site,
               'T' || CAST(i % {SITES} AS INTEGER) || '-' || CAST(floor({u("i", 6)} * 8) AS INTEGER)
                   AS team,
               'CP' || CAST(floor({u("i", 7)} * {STAFF}) AS INTEGER) AS named,
               'CP' || CAST(floor({u("i", 8)} * {STAFF}) AS INTEGER) AS buddy
        FROM range({pregnancies}) AS t(i)
    """
    return {
        "preg": preg,
        "MSD101PregnancyBooking": f"""
            SELECT UniqPregID, Person_ID_Mother, AntenatalAppDate,
                   CASE WHEN no_ga THEN NULL ELSE ga END AS GestAgeBooking,
                   CAST(AntenatalAppDate + (280 - ga) AS DATE) AS EDDAgreed,
                   CAST(floor({u("i", 9)} * 3) AS INTEGER) AS PreviousLiveBirths,
                   CASE
                     WHEN r_dis < 0.03 THEN CAST(AntenatalAppDate + 20 + CAST(r_dis * 1000 AS INTEGER) AS DATE)
                     WHEN r_dis < 0.96 THEN CAST(AntenatalAppDate + (280 - ga) + 10 + CAST(r_dis * 30 AS INTEGER) AS DATE)
                     ELSE NULL END AS DischargeDateMatService,
                   site AS OrgSiteIDBooking
            FROM preg
        """,
        "MSD001MotherDemog": f"""
            SELECT Person_ID_Mother,
                   list_extract([{codes}], 1 + CAST(floor({u("Person_ID_Mother", 10)} * {len(ETHNIC)}) AS INTEGER))
                       AS EthnicCategoryMother,
                   CASE WHEN {u("Person_ID_Mother", 11)} < 0.01 THEN NULL
                        ELSE 'E01' || lpad(CAST(floor({u("Person_ID_Mother", 12)} * {LSOAS * 1.01}) AS VARCHAR), 6, '0')
                   END AS LSOAMother2011
            FROM (SELECT DISTINCT Person_ID_Mother FROM preg)
        """,
        "IMD_LSOA": f"""
            SELECT 'E01' || lpad(CAST(i AS VARCHAR), 6, '0') AS LSOA,
                   CAST(1 + floor({u("i", 13)} * 10) AS INTEGER) AS IMD_Decile
            FROM range({LSOAS}) AS t(i)
        """,
        # Antenatal plan near booking (and sometimes a later replacement or a late one), a birth
        # plan near 35 weeks and a postnatal plan after the birth, for most.
        "MSD102MatCarePlan": f"""
            WITH base AS (SELECT *, CAST(AntenatalAppDate - ga AS DATE) AS lmp FROM preg)
            SELECT UniqPregID, CAST(AntenatalAppDate + CAST(5 + {u("i", 14)} * 25 AS INTEGER) AS DATE),
                   '05',
                   CASE WHEN {u("i", 15)} < 0.02 THEN NULL WHEN coc THEN 'Y' ELSE 'N' END,
                   CASE WHEN {u("i", 16)} < 0.7 THEN 'Y' ELSE 'N' END,
                   CASE WHEN coc AND {u("i", 17)} < 0.03 THEN NULL WHEN coc THEN named END,
                   CASE WHEN {u("i", 18)} < 0.03 THEN NULL ELSE team END
            FROM base
            UNION ALL
            SELECT UniqPregID, CAST(lmp + 190 + CAST({u("i", 19)} * 40 AS INTEGER) AS DATE), '05',
                   CASE WHEN {u("i", 20)} < 0.5 THEN 'Y' ELSE 'N' END, 'Y', named, team
            FROM base WHERE {u("i", 21)} < 0.08
            UNION ALL
            SELECT UniqPregID, CAST(lmp + 230 + CAST({u("i", 22)} * 25 AS INTEGER) AS DATE), '06',
                   CASE WHEN coc THEN 'Y' ELSE 'N' END,
                   CASE WHEN {u("i", 23)} < 0.6 THEN 'Y' ELSE 'N' END,
                   CASE WHEN coc THEN named END, team
            FROM base WHERE {u("i", 24)} < 0.85
            UNION ALL
            SELECT UniqPregID, CAST(lmp + 255 + CAST({u("i", 25)} * 30 AS INTEGER) AS DATE), '07',
                   CASE WHEN coc THEN 'Y' ELSE 'N' END,
                   CASE WHEN {u("i", 26)} < 0.5 THEN 'Y' ELSE 'N' END,
                   CASE WHEN coc THEN named END, team
            FROM base WHERE {u("i", 27)} < 0.8
        """,
        # `per` contacts a pregnancy, every ~10 days from booking; the last few may be future.
        "contacts": f"""
            SELECT c, c // {per} AS i, c % {per} AS k FROM range({pregnancies * per}) AS t(c)
        """,
        "MSD201CareContactPreg": f"""
            SELECT p.UniqPregID, 'C' || c.c AS CareConID,
                   CAST(p.AntenatalAppDate + CAST(c.k * 10 AS INTEGER) + CAST({u("c.c", 28)} * 6 AS INTEGER) AS DATE)
                       AS CContactDate,
                   make_time(8 + CAST(floor({u("c.c", 29)} * 12) AS BIGINT),
                             CAST(floor({u("c.c", 30)} * 4) * 15 AS BIGINT), 0) AS CContactTime,
                   CASE WHEN {u("c.c", 31)} < 0.80 THEN '5' WHEN {u("c.c", 31)} < 0.84 THEN '6'
                        WHEN {u("c.c", 31)} < 0.88 THEN '3' WHEN {u("c.c", 31)} < 0.92 THEN '2'
                        WHEN {u("c.c", 31)} < 0.95 THEN '4' WHEN {u("c.c", 31)} < 0.97 THEN '7'
                        ELSE '0' END AS AttendCode,
                   CASE WHEN {u("c.c", 32)} < 0.5 THEN 'home' ELSE 'clinic' END AS LocCode
            FROM contacts c JOIN preg p USING (i)
        """,
        # Continuity women: ~75% of contacts by the named midwife, ~10% by someone else in the
        # team; others by anyone. Some contacts have two professionals.
        "MSD202CareActivityPreg": f"""
            SELECT 'C' || c.c AS CareConID,
                   CASE WHEN p.coc AND {u("c.c", 33)} < 0.75 THEN p.named
                        WHEN p.coc AND {u("c.c", 33)} < 0.80 THEN p.buddy
                        ELSE 'CP' || CAST(floor({u("c.c", 34)} * {STAFF}) AS INTEGER) END,
                   CASE WHEN {u("c.c", 35)} < 0.02 THEN NULL
                        WHEN p.coc AND {u("c.c", 33)} < 0.90 THEN p.team
                        ELSE 'T' || CAST(floor({u("c.c", 36)} * {SITES}) AS INTEGER) || '-9' END
            FROM contacts c JOIN preg p USING (i)
            UNION ALL
            SELECT 'C' || c.c, 'CP' || CAST(floor({u("c.c", 37)} * {STAFF}) AS INTEGER), p.team
            FROM contacts c JOIN preg p USING (i) WHERE {u("c.c", 38)} < 0.04
        """,
        "MSD301LabourDelivery": f"""
            SELECT UniqPregID, 'L' || i AS LabourDeliveryID,
                   CAST(AntenatalAppDate + (280 - ga) + CAST(({u("i", 39)} - 0.7) * 30 AS INTEGER) AS DATE)
                       AS LabourOnsetDate,
                   CASE WHEN {u("i", 40)} < 0.03 THEN 'home' ELSE 'obstetric_unit' END
            FROM preg WHERE r_dis >= 0.03 AND r_dis < 0.96
        """,
        "MSD302CareActivityLabDel": f"""
            SELECT 'L' || i, CASE WHEN coc AND {u("i", 41)} < 0.6 THEN named
                                  ELSE 'CP' || CAST(floor({u("i", 42)} * {STAFF}) AS INTEGER) END,
                   CASE WHEN coc AND {u("i", 41)} < 0.8 THEN team ELSE site || '-H' END
            FROM preg WHERE r_dis >= 0.03 AND r_dis < 0.96
            UNION ALL
            SELECT 'L' || i, 'CP' || CAST(floor({u("i", 43)} * {STAFF}) AS INTEGER), site || '-H'
            FROM preg WHERE r_dis >= 0.03 AND r_dis < 0.96 AND {u("i", 44)} < 0.5
        """,
        "MSD401BabyDemographics": f"""
            SELECT 'L' || i,
                   CAST(AntenatalAppDate + (280 - ga) + CAST(({u("i", 39)} - 0.7) * 30 AS INTEGER)
                        + CAST({u("i", 45)} < 0.3 AS INTEGER) AS DATE),
                   CASE WHEN {u("i", 40)} < 0.03 THEN 'home' ELSE 'obstetric_unit' END,
                   CASE WHEN coc AND {u("i", 41)} < 0.6 THEN named ELSE NULL END
            FROM preg WHERE r_dis >= 0.03 AND r_dis < 0.96
        """,
        "MSD901StaffDetails": f"""
            SELECT 'CP' || i, CASE WHEN i % 9 = 0 THEN 'Doctor' ELSE 'Midwife' END
            FROM range({STAFF}) AS t(i)
        """,
        "LOCALBuddy": "SELECT UniqPregID, buddy FROM preg WHERE coc",
        "LOCALGuidelineContact": f"""
            SELECT p.UniqPregID, 'ANC' || g.k,
                   CAST(p.AntenatalAppDate + CAST(g.k * 28 AS INTEGER) AS DATE),
                   CAST(p.AntenatalAppDate + CAST(g.k * 28 + 14 AS INTEGER) AS DATE)
            FROM preg p CROSS JOIN range(8) AS g(k)
            WHERE {u("p.i", 46)} < 0.5
        """,
    }


def generate(
    folder: Path, pregnancies: int = 600_000, contacts_per_pregnancy: int = 25, seed: int = 1
) -> dict[str, int]:
    """Write every schema table as `<name>.parquet` in `folder`; return rows per table."""
    folder.mkdir(parents=True, exist_ok=True)
    sql = _sql(pregnancies, contacts_per_pregnancy, seed)
    con = duckdb.connect()
    try:
        con.execute(f"CREATE TEMP TABLE preg AS {sql['preg']}")
        con.execute(f"CREATE TEMP VIEW contacts AS {sql['contacts']}")
        counts: dict[str, int] = {}
        for name, columns in TABLES.items():
            names = ", ".join(f"col{k}" for k in range(len(columns)))
            casts = ", ".join(
                f"CAST(col{k} AS {kind}) AS {column}" for k, (column, kind) in enumerate(columns)
            )
            target = folder / f"{name}.parquet"
            con.execute(
                f"COPY (SELECT {casts} FROM ({sql[name]}) AS t({names})) "
                f"TO '{target}' (FORMAT PARQUET)"
            )
            counts[name] = int(
                con.execute(f"SELECT count(*) FROM read_parquet('{target}')").fetchone()[0]  # type: ignore[index]
            )
        return counts
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.msds_national")
    parser.add_argument("out", type=Path)
    parser.add_argument("--pregnancies", type=int, default=600_000)
    parser.add_argument("--contacts-per-pregnancy", type=int, default=25)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    started = time.perf_counter()
    counts = generate(args.out, args.pregnancies, args.contacts_per_pregnancy, args.seed)
    for name, n in counts.items():
        print(f"{name:<26} {n:>12,}")
    print(f"Generated in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
