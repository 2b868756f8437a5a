"""Rounded rows from counts kept earlier: the app keeps unrounded counts and rounds them for
each audience with exactly the rules `compute` uses."""

from __future__ import annotations

from continuity.engines.measures.compute import Counts, _row
from continuity.engines.measures.model import MEASURES, MeasureRow, MeasuresInputError
from continuity.engines.rounding import Rounding


def row_from_counts(
    measure: str, breakdown: str, group: str, counted: Counts, method: Rounding
) -> MeasureRow:
    if measure not in MEASURES:
        raise MeasuresInputError("measure", f"unknown measure {measure!r}")
    return _row(MEASURES[measure], breakdown, group, counted, method)
