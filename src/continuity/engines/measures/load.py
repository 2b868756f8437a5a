"""Reading the MSDS-shaped tables into DuckDB with the schema's types, and checking them.

A folder holds one file per table, `<Table>.parquet` or `<Table>.csv` (Parquet wins when both
exist). CSV has a header row; dates are `YYYY-MM-DD`, times `HH:MM` or `HH:MM:SS`, and an empty
cell is NULL. Parquet columns are cast to the schema's types. Empty text becomes NULL
everywhere (whitespace is kept: it is a value). Anything the engine cannot use raises
`MeasuresInputError` naming `Table.Column` and, for a bad value, the row's key.

`load` copies every table into memory, checked; `attach` leaves Parquet files on disk behind
typed views and checks nothing until `validate`.

Bandit's B608 is silenced line by line here: table and column names come from `schema.py`, and
every name or path that comes from a file is quoted with `_q` (identifiers) or `_s` (strings).
"""

# ruff: noqa: S608 - names come from schema.py; file paths and values are quoted by _s/_q.

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Final

import duckdb

from continuity.engines.equity import ETHNIC_CATEGORIES
from continuity.engines.measures.dialect import full_match
from continuity.engines.measures.model import MeasuresInputError
from continuity.engines.measures.schema import REQUIRED, TABLES

SUFFIXES: Final[tuple[str, ...]] = (".parquet", ".csv")

_PATTERN: Final[dict[str, str]] = {
    "DATE": r"\d{4}-\d{2}-\d{2}",
    "TIME": r"\d{2}:\d{2}(:\d{2})?",
    "INTEGER": r"[+-]?\d+",
}
_KIND: Final[dict[str, str]] = {
    "DATE": "a date like 2026-07-31",
    "TIME": "a time like 09:30 or 09:30:00",
    "INTEGER": "a whole number",
}

# Codes each table may hold: (table, column, allowed codes, NULL allowed).
CODES: Final[tuple[tuple[str, str, tuple[str, ...], bool], ...]] = (
    ("MSD102MatCarePlan", "CarePlanType", ("05", "06", "07"), False),
    ("MSD102MatCarePlan", "ContCarePathInd", ("Y", "N"), True),
    ("MSD102MatCarePlan", "MatPersCarePlanInd", ("Y", "N"), True),
    ("MSD201CareContactPreg", "AttendCode", ("0", "2", "3", "4", "5", "6", "7"), False),
    ("MSD001MotherDemog", "EthnicCategoryMother", tuple(ETHNIC_CATEGORIES), True),
)

# Identifiers that must be unique (and present) in their table: (table, column, NULL allowed).
KEYS: Final[tuple[tuple[str, str, bool], ...]] = (
    ("MSD101PregnancyBooking", "UniqPregID", False),
    ("MSD001MotherDemog", "Person_ID_Mother", False),
    ("MSD301LabourDelivery", "LabourDeliveryID", True),
    ("IMD_LSOA", "LSOA", False),
)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _s(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def key_column(table: str) -> str:
    """The column that identifies a row in messages: UniqPregID when the table has one."""
    names = [name for name, _ in TABLES[table]]
    return "UniqPregID" if "UniqPregID" in names else names[0]


def find_source(folder: Path, table: str) -> Path | None:
    for suffix in SUFFIXES:
        path = folder / f"{table}{suffix}"
        if path.is_file():
            return path
    return None


def load(folder: Path, con: duckdb.DuckDBPyConnection | None = None) -> duckdb.DuckDBPyConnection:
    """Every table of the schema as a typed, checked DuckDB table on `con` (a new in-memory
    connection by default). Optional tables missing from the folder are created empty."""
    if not folder.is_dir():
        raise MeasuresInputError("folder", f"{folder} does not exist")
    con = duckdb.connect() if con is None else con
    for table in TABLES:
        source = find_source(folder, table)
        if source is None:
            if table in REQUIRED:
                raise MeasuresInputError(
                    table, f"table missing: no {table}.parquet or {table}.csv in {folder}"
                )
            create_empty(con, table)
            continue
        _load_table(con, table, source)
    validate(con)
    return con


def create_empty(con: duckdb.DuckDBPyConnection, table: str) -> None:
    cols = ", ".join(f"{_q(name)} {sql_type}" for name, sql_type in TABLES[table])
    con.execute(f"CREATE OR REPLACE TABLE {_q(table)} ({cols})")


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    line = re.search(r"CSV Error on Line: (\d+)", text)
    found = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
    if line and found:
        return (
            f"line {line.group(1)} has {found.group(2)} values but the header names "
            f"{found.group(1)} columns"
        )
    return text.splitlines()[0] if text else type(exc).__name__


def _csv_header(table: str, source: Path) -> list[str]:
    try:
        with source.open(newline="", encoding="utf-8-sig") as handle:
            header = next(csv.reader(handle), None)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise MeasuresInputError(table, f"cannot read {source.name}: {exc}") from None
    if not header:
        raise MeasuresInputError(
            table, f"{source.name} is empty: its first line must name the columns"
        )
    names = [name.strip() for name in header]
    seen: set[str] = set()
    for name in names:
        if name.lower() in seen:
            raise MeasuresInputError(f"{table}.{name}", f"column named twice in {source.name}")
        seen.add(name.lower())
    return names


def _raw_name(table: str) -> str:
    return _q(f"raw_{table}")


def _open_raw(con: duckdb.DuckDBPyConnection, table: str, source: Path) -> dict[str, str]:
    """`raw_<table>` on `con` as the file has it (CSV: a temporary table of text; Parquet: a
    view over the file). Returns each column's type in the file."""
    raw = _raw_name(table)
    path = _s(str(source))
    try:
        if source.suffix == ".csv":
            names = _csv_header(table, source)
            _require_columns(table, names, source)
            spec = ", ".join(f"{_s(name)}: 'VARCHAR'" for name in names)
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE {raw} AS SELECT * FROM read_csv({path}, "
                f"header = true, auto_detect = false, delim = ',', quote = '\"', "
                f"escape = '\"', columns = {{{spec}}})"  # nosec B608
            )
            return {name: "VARCHAR" for name in names}
        con.execute(f"CREATE OR REPLACE TEMP VIEW {raw} AS SELECT * FROM read_parquet({path})")  # nosec B608
        found = _described(con, raw)
    except duckdb.Error as exc:
        raise MeasuresInputError(table, f"cannot read {source.name}: {_first_line(exc)}") from None
    _require_columns(table, list(found), source)
    return found


def _described(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    return {str(row[0]): str(row[1]) for row in con.execute(f"DESCRIBE {relation}").fetchall()}


def _typed(table: str, found: dict[str, str]) -> str:
    """The SELECT list turning `raw_<table>` into the schema's names and types."""
    return ", ".join(
        f"{_cast(name, sql_type, found[name])} AS {_q(name)}" for name, sql_type in TABLES[table]
    )


def _load_table(con: duckdb.DuckDBPyConnection, table: str, source: Path) -> None:
    raw = _raw_name(table)
    found = _open_raw(con, table, source)
    try:
        _check_types(con, table, raw, found)
        con.execute(
            f"CREATE OR REPLACE TABLE {_q(table)} AS SELECT {_typed(table, found)} FROM {raw}"  # nosec B608
        )
    except duckdb.Error as exc:
        raise MeasuresInputError(table, f"cannot read {source.name}: {_first_line(exc)}") from None
    finally:
        kind = "TABLE" if source.suffix == ".csv" else "VIEW"
        con.execute(f"DROP {kind} IF EXISTS {raw}")


def attach(folder: Path, con: duckdb.DuckDBPyConnection | None = None) -> duckdb.DuckDBPyConnection:
    """Like `load`, but each Parquet file stays on disk behind a view (typed as the schema says)
    instead of being copied into memory, and its values are not checked: call `validate(con)`
    for that. CSV files are loaded and checked as in `load`. For measuring one measure on a
    large extract without paying for the whole load."""
    if not folder.is_dir():
        raise MeasuresInputError("folder", f"{folder} does not exist")
    con = duckdb.connect() if con is None else con
    for table in TABLES:
        source = find_source(folder, table)
        if source is None:
            if table in REQUIRED:
                raise MeasuresInputError(
                    table, f"table missing: no {table}.parquet or {table}.csv in {folder}"
                )
            create_empty(con, table)
        elif source.suffix == ".csv":
            _load_table(con, table, source)
        else:
            found = _open_raw(con, table, source)
            con.execute(
                f"CREATE OR REPLACE VIEW {_q(table)} AS "
                f"SELECT {_typed(table, found)} FROM {_raw_name(table)}"  # nosec B608
            )
    return con


def _require_columns(table: str, present: Iterable[str], source: Path) -> None:
    have = set(present)
    for name, _ in TABLES[table]:
        if name not in have:
            raise MeasuresInputError(f"{table}.{name}", f"column missing from {source.name}")


def _blank_to_null(text_sql: str) -> str:
    return f"NULLIF(TRIM({text_sql}), '')"


def _bad(name: str, target: str, source_type: str) -> str | None:
    """SQL true for a value that cannot become `target`; None when every value can."""
    col = _q(name)
    if target == "VARCHAR" or source_type == target:
        return None
    if source_type == "VARCHAR":
        value = _blank_to_null(col)
        return (
            f"({value} IS NOT NULL AND NOT ({full_match(value, _PATTERN[target])} "
            f"AND TRY_CAST({value} AS {target}) IS NOT NULL))"
        )
    bad = f"({col} IS NOT NULL AND TRY_CAST({col} AS {target}) IS NULL)"
    if target == "INTEGER" and (
        source_type in ("FLOAT", "DOUBLE") or source_type.startswith("DECIMAL")
    ):
        bad = f"({bad} OR ({col} IS NOT NULL AND {col} <> ROUND({col})))"
    return bad


def _cast(name: str, target: str, source_type: str) -> str:
    col = _q(name)
    if target == "VARCHAR":
        text = col if source_type == "VARCHAR" else f"CAST({col} AS VARCHAR)"
        return f"NULLIF({text}, '')"
    if source_type == target:
        return col
    if source_type == "VARCHAR":
        return f"CAST({_blank_to_null(col)} AS {target})"
    return f"CAST({col} AS {target})"


def _check_types(
    con: duckdb.DuckDBPyConnection, table: str, raw: str, found: dict[str, str]
) -> None:
    checks = [
        (name, sql_type, bad)
        for name, sql_type in TABLES[table]
        if (bad := _bad(name, sql_type, found[name])) is not None
    ]
    if not checks:
        return
    flags = ", ".join(
        f"COALESCE(MAX(CASE WHEN {bad} THEN 1 ELSE 0 END), 0)" for _, _, bad in checks
    )
    counts = con.execute(f"SELECT {flags} FROM {raw}").fetchone()  # nosec B608
    assert counts is not None
    for (name, sql_type, bad), flagged in zip(checks, counts, strict=True):
        if not flagged:
            continue
        key = key_column(table)
        example = con.execute(
            f"SELECT CAST({_q(key)} AS VARCHAR), CAST({_q(name)} AS VARCHAR) FROM {raw} "
            f"WHERE {bad} ORDER BY 1 NULLS FIRST LIMIT 1"  # nosec B608
        ).fetchone()
        assert example is not None
        kind = _KIND.get(sql_type, sql_type)
        where = "" if key == name else f" ({key} {example[0]})"
        raise MeasuresInputError(f"{table}.{name}", f"{example[1]!r} is not {kind}{where}")


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Check that `con` has every required table with its columns; create missing optional
    tables empty. For a connection built elsewhere (the app, a benchmark)."""
    for table in TABLES:
        try:
            described = con.execute(f"DESCRIBE {_q(table)}").fetchall()
        except duckdb.CatalogException:
            if table in REQUIRED:
                raise MeasuresInputError(table, "table missing from the connection") from None
            create_empty(con, table)
            continue
        have = {str(row[0]) for row in described}
        for name, _ in TABLES[table]:
            if name not in have:
                raise MeasuresInputError(f"{table}.{name}", "column missing from the connection")


def validate(con: duckdb.DuckDBPyConnection) -> None:
    """Types (for tables still behind `attach`'s views), codes, ranges and the identifiers the
    measures rely on. Raises MeasuresInputError for the first problem."""
    for table in TABLES:
        raw = _raw_name(table)
        try:
            found = _described(con, raw)
        except duckdb.CatalogException:
            continue  # loaded into memory, and checked, by `load`
        _check_types(con, table, raw, found)
    for table, column, codes, nullable in CODES:
        allowed = ", ".join(_s(code) for code in codes)
        condition = f"{_q(column)} NOT IN ({allowed})"
        if not nullable:
            condition = f"({_q(column)} IS NULL OR {condition})"
        _fail_on(con, table, column, condition, _code_message(codes, nullable))
    _fail_on(
        con,
        "IMD_LSOA",
        "IMD_Decile",
        '"IMD_Decile" NOT BETWEEN 1 AND 10',
        lambda value: f"decile {value} is outside 1 to 10",
    )
    for table, column, nullable in KEYS:
        col = _q(column)
        if not nullable:
            _fail_on(con, table, column, f"{col} IS NULL", lambda _value: "is empty")
        row = con.execute(
            f"SELECT CAST({col} AS VARCHAR), COUNT(*) FROM {_q(table)} WHERE {col} IS NOT NULL "
            f"GROUP BY {col} HAVING COUNT(*) > 1 ORDER BY 1 LIMIT 1"  # nosec B608
        ).fetchone()
        if row is not None:
            raise MeasuresInputError(
                f"{table}.{column}", f"{row[0]!r} appears {row[1]} times; it must be unique"
            )


def _code_message(codes: tuple[str, ...], nullable: bool) -> Callable[[object], str]:
    def describe(value: object) -> str:
        found = "is empty" if value is None else f"unknown code {value!r}"
        return f"{found}; it must be {_one_of(codes)}" + (" or empty" if nullable else "")

    return describe


def _one_of(codes: tuple[str, ...]) -> str:
    quoted = [repr(code) for code in codes]
    return ", ".join(quoted[:-1]) + " or " + quoted[-1] if len(quoted) > 1 else quoted[0]


def _fail_on(
    con: duckdb.DuckDBPyConnection,
    table: str,
    column: str,
    condition: str,
    describe: Callable[[object], str],
) -> None:
    key = key_column(table)
    row = con.execute(
        f"SELECT CAST({_q(key)} AS VARCHAR), {_q(column)} FROM {_q(table)} "
        f"WHERE {condition} ORDER BY 1 NULLS FIRST LIMIT 1"  # nosec B608
    ).fetchone()
    if row is None:
        return
    where = "" if key == column else f" ({key} {row[0]})"
    raise MeasuresInputError(f"{table}.{column}", describe(row[1]) + where)
