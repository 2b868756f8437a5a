"""Running the measures: counts per breakdown group, rounding, the DQ gates and the JSON form."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from continuity.engines import rounding as rounding_rules
from continuity.engines.measures.load import ensure_tables, load
from continuity.engines.measures.model import (
    BREAKDOWNS,
    GATES,
    MEASURE_LIST,
    MEASURES,
    NOT_RECORDED,
    ROUNDINGS,
    TOTAL_GROUP,
    Gate,
    Measure,
    MeasureRow,
    MeasuresInputError,
    Month,
    Result,
    parse_month,
)
from continuity.engines.measures.sql import KEYED, MISSING, flags_sql, measure_sql
from continuity.engines.rounding import Rounding


@dataclass(frozen=True, slots=True)
class Counts:
    """Unrounded counts for one (measure, breakdown, group). `placed`, `dq06` and `dq07` are
    set for the gated measures: DQ06 is dq06 of placed, DQ07 is dq07 of placed."""

    numerator: int
    denominator: int
    placed: int | None = None
    dq06: int | None = None
    dq07: int | None = None


def measure_names(measures: Sequence[str] | None) -> tuple[str, ...]:
    if measures is None:
        return tuple(m.name for m in MEASURE_LIST)
    for name in measures:
        if name not in MEASURES:
            raise MeasuresInputError(
                "measure", f"unknown measure {name!r}; choose from {', '.join(MEASURES)}"
            )
    wanted = set(measures)
    return tuple(m.name for m in MEASURE_LIST if m.name in wanted)


def _check_rounding(method: str) -> Rounding:
    for known in ROUNDINGS:
        if method == known:
            return known
    raise MeasuresInputError("rounding", f"must be msds, star or none, not {method!r}")


def compute(
    folder: Path, month: str, rounding: Rounding, measures: Sequence[str] | None = None
) -> Result:
    """Load the folder's tables (see `load.py`) and compute the measures for `month`."""
    reporting = parse_month(month)
    method = _check_rounding(rounding)
    names = measure_names(measures)
    con = load(folder)
    try:
        return _run(con, reporting, method, names)
    finally:
        con.close()


def compute_connection(
    con: duckdb.DuckDBPyConnection,
    month: str,
    rounding: Rounding,
    measures: Sequence[str] | None = None,
) -> Result:
    """The measures over tables (or views) already on `con`, named and typed as in the schema.
    Missing optional tables are created empty on `con`. The values are not checked again: call
    `load.validate(con)` first for data from elsewhere."""
    reporting = parse_month(month)
    method = _check_rounding(rounding)
    names = measure_names(measures)
    ensure_tables(con)
    return _run(con, reporting, method, names)


def _run(
    con: duckdb.DuckDBPyConnection, month: Month, method: Rounding, names: Sequence[str]
) -> Result:
    rows: list[MeasureRow] = []
    for name in names:
        rows.extend(measure_rows(name, counts(con, name, month), method))
    return Result(month.label, method, tuple(rows))


def counts(
    con: duckdb.DuckDBPyConnection, measure: str, month: Month | str
) -> dict[tuple[str, str], Counts]:
    """Unrounded counts keyed by (breakdown, group). The total is always there (0/0 when the
    denominator is empty); other groups only with a non-zero denominator."""
    reporting = parse_month(month) if isinstance(month, str) else month
    if measure not in MEASURES:
        measure_names([measure])
    gated = MEASURES[measure].gated
    found: dict[tuple[str, str], Counts] = {}
    keyed = len(KEYED)
    for row in con.execute(measure_sql(measure, reporting)).fetchall():
        flags, labels, values = row[:keyed], row[keyed : 2 * keyed], row[2 * keyed :]
        grouped = [i for i, flag in enumerate(flags) if flag == 0]
        key = (KEYED[grouped[0]], str(labels[grouped[0]])) if grouped else ("total", TOTAL_GROUP)
        numbers = [int(v or 0) for v in values]
        if numbers[0] == 0 and key[0] != "total":
            continue
        extra = numbers[2:] if gated else [None, None, None]
        found[key] = Counts(numbers[1], numbers[0], *extra)
    if ("total", TOTAL_GROUP) not in found:
        zero = 0 if gated else None
        found[("total", TOTAL_GROUP)] = Counts(0, 0, zero, zero, zero)
    return found


def group_order(group: str) -> tuple[bool, int, str]:
    """Numeric groups in number order, "Not recorded" and "Missing/Unknown" last."""
    special = group in (NOT_RECORDED, MISSING)
    return (special, int(group) if group.isdigit() else 0, group)


def measure_rows(
    name: str, found: dict[tuple[str, str], Counts], method: Rounding
) -> list[MeasureRow]:
    """The output rows of one measure from its unrounded counts: rounded, gated, in order."""
    measure = MEASURES[name]
    rows: list[MeasureRow] = []
    for breakdown in BREAKDOWNS:
        groups = sorted((g for b, g in found if b == breakdown), key=group_order)
        for group in groups:
            rows.append(_row(measure, breakdown, group, found[(breakdown, group)], method))
    return rows


def _row(
    measure: Measure, breakdown: str, group: str, counted: Counts, method: Rounding
) -> MeasureRow:
    value = rounding_rules.rate(counted.numerator, counted.denominator, method)
    gates: tuple[Gate, ...] | None = None
    passed = True
    if measure.gated:
        placed = counted.placed or 0
        gates = tuple(
            Gate(
                name,
                rounding_rules.round_count(num, method),
                rounding_rules.round_count(placed, method),
                rounding_rules.rate(num, placed, method),
            )
            for name, num in zip(GATES, (counted.dq06 or 0, counted.dq07 or 0), strict=True)
        )
        passed = all(gate.passed for gate in gates)
    return MeasureRow(
        measure=measure.name,
        local=measure.local,
        breakdown=breakdown,
        group=group,
        numerator=rounding_rules.round_count(counted.numerator, method),
        denominator=rounding_rules.round_count(counted.denominator, method),
        rate=value if passed else None,
        dq="pass" if passed else "low_dq",
        gates=gates,
    )


def cohort(
    con: duckdb.DuckDBPyConnection, measure: str, month: str
) -> list[tuple[str | None, bool]]:
    """(UniqPregID, in the numerator) for each unit the measure counts: a pregnancy, or the
    pregnancy of each contact, baby or guideline contact. Unrounded: for the care team only."""
    reporting = parse_month(month)
    measure_names([measure])
    ensure_tables(con)
    return [
        (None if preg is None else str(preg), bool(num))
        for preg, num in con.execute(flags_sql(measure, reporting)).fetchall()
    ]


def row_to_json(row: MeasureRow) -> dict[str, Any]:
    out: dict[str, Any] = {
        "measure": row.measure,
        "breakdown": row.breakdown,
        "group": row.group,
        "numerator": row.numerator,
        "denominator": row.denominator,
        "rate": row.rate,
        "dq": row.dq,
        "local": row.local,
    }
    if row.gates is not None:
        out["gates"] = {
            gate.name: {
                "numerator": gate.numerator,
                "denominator": gate.denominator,
                "rate": gate.rate,
            }
            for gate in row.gates
        }
    return out


def to_json(result: Result) -> dict[str, Any]:
    return {
        "month": result.month,
        "rounding": result.rounding,
        "measures": [row_to_json(row) for row in result.rows],
    }
