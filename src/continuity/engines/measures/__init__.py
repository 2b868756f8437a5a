"""The continuity-of-carer measures as SQL over MSDS-shaped tables (DuckDB).

    from continuity.engines.measures import compute, to_json
    result = compute(Path("msds"), "2026-07", "msds")

See docs/engines/measures.md for every definition.
"""

from __future__ import annotations

from continuity.engines.measures.compute import (
    Counts,
    cohort,
    compute,
    compute_connection,
    counts,
    to_json,
)
from continuity.engines.measures.load import attach, load, validate
from continuity.engines.measures.model import (
    BREAKDOWNS,
    MEASURES,
    Gate,
    MeasureRow,
    MeasuresInputError,
    Result,
)
from continuity.engines.measures.rows import row_from_counts

__all__ = [
    "BREAKDOWNS",
    "MEASURES",
    "Counts",
    "Gate",
    "MeasureRow",
    "MeasuresInputError",
    "Result",
    "attach",
    "cohort",
    "compute",
    "compute_connection",
    "counts",
    "load",
    "row_from_counts",
    "to_json",
    "validate",
]
