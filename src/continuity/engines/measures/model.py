"""The measures engine's values: the measures it knows, its results and its input error.

Nothing here reads a file or a database. The definitions are in `sql.py` and
`docs/engines/measures.md`; `compute.py` runs them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final, Literal

from continuity.engines.rounding import Rounding

DQ = Literal["pass", "low_dq"]

ROUNDINGS: Final[tuple[Rounding, ...]] = ("msds", "star", "none")


class MeasuresInputError(ValueError):
    """Input the engine cannot work with. `path` names what is wrong: `Table.Column`, a table,
    or an option such as `--month`."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


@dataclass(frozen=True, slots=True)
class Measure:
    name: str
    local: bool
    gated: bool  # reports the DQ06/DQ07 gates
    unit: str  # what one numerator/denominator count is
    title: str


MEASURE_LIST: Final[tuple[Measure, ...]] = (
    Measure(
        "COC_by_28weeks",
        False,
        False,
        "pregnancy",
        "Placed on a continuity of carer pathway by 29+0 weeks",
    ),
    Measure(
        "COC_receiving_ongoing",
        False,
        True,
        "pregnancy",
        "Receiving continuity of carer: 70% of contacts with the named midwife or team",
    ),
    Measure(
        "PCSP_by_16weeks",
        False,
        False,
        "pregnancy",
        "Antenatal personalised care and support plan by 17+0 weeks",
    ),
    Measure(
        "PCSP_by_34weeks", False, False, "pregnancy", "Birth personalised care plan by 35+0 weeks"
    ),
    Measure(
        "PCSP_by_36weeks",
        False,
        False,
        "pregnancy",
        "Postpartum personalised care plan by 37+0 weeks",
    ),
    Measure(
        "PCSP_all_three",
        False,
        False,
        "pregnancy",
        "All three personalised care plans by 37+0 weeks",
    ),
    Measure(
        "LOCAL_named_midwife_continuity",
        True,
        True,
        "pregnancy",
        "Receiving continuity from the named midwife herself (70% rule, no team)",
    ),
    Measure(
        "LOCAL_contacts_named_or_buddy",
        True,
        False,
        "contact",
        "Attended contacts by the named midwife or the buddy",
    ),
    Measure(
        "LOCAL_births_known_midwife",
        True,
        False,
        "baby",
        "Births attended by a midwife she knew",
    ),
    Measure(
        "LOCAL_visits_out_of_hours",
        True,
        False,
        "contact",
        "Attended contacts at weekends or outside 09:00-17:00",
    ),
    Measure(
        "LOCAL_guideline_on_time",
        True,
        False,
        "guideline contact",
        "Guideline contacts attended within their window",
    ),
)

MEASURES: Final[dict[str, Measure]] = {m.name: m for m in MEASURE_LIST}

BREAKDOWNS: Final[tuple[str, ...]] = (
    "total",
    "team",
    "site",
    "ethnicity_coc",
    "ethnicity_fine",
    "imd_decile",
    "imd_quintile",
    "core20",
)

TOTAL_GROUP: Final = "All"
NOT_RECORDED: Final = "Not recorded"
GATES: Final[tuple[str, ...]] = ("DQ06", "DQ07")
# A gate passes when its (rounded) rate is above this percentage.
GATE_THRESHOLD: Final = 5.0


@dataclass(frozen=True, slots=True)
class Month:
    """A reporting month: `first` to `last` inclusive."""

    first: date
    last: date

    @property
    def label(self) -> str:
        return f"{self.first.year:04d}-{self.first.month:02d}"

    def shifted(self, months: int) -> Month:
        index = self.first.year * 12 + self.first.month - 1 + months
        return month_of(index // 12, index % 12 + 1)


def month_of(year: int, month: int) -> Month:
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return Month(first, following - timedelta(days=1))


_MONTH = re.compile(r"(\d{4})-(\d{2})")


def parse_month(text: str, path: str = "month") -> Month:
    """`YYYY-MM` → Month. Anything else raises MeasuresInputError naming `path`."""
    match = _MONTH.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1:
        raise MeasuresInputError(path, f"must be a month like 2026-07, not {text!r}")
    return month_of(int(match.group(1)), int(match.group(2)))


# The cohort of COC_receiving_ongoing (and its local variant) reached 29+0 weeks this many
# months before the reporting month.
ONGOING_LAG_MONTHS: Final = 4


@dataclass(frozen=True, slots=True)
class Gate:
    """A data-quality gate for one output row, rounded like the row."""

    name: str
    numerator: int | str
    denominator: int | str
    rate: float | None

    @property
    def passed(self) -> bool:
        return self.rate is not None and self.rate > GATE_THRESHOLD


@dataclass(frozen=True, slots=True)
class MeasureRow:
    measure: str
    local: bool
    breakdown: str
    group: str
    numerator: int | str
    denominator: int | str
    rate: float | None
    dq: DQ = "pass"
    gates: tuple[Gate, ...] | None = None


@dataclass(frozen=True, slots=True)
class Result:
    month: str
    rounding: Rounding
    rows: tuple[MeasureRow, ...]

    def row(self, measure: str, breakdown: str = "total", group: str = TOTAL_GROUP) -> MeasureRow:
        for row in self.rows:
            if (row.measure, row.breakdown, row.group) == (measure, breakdown, group):
                return row
        raise KeyError((measure, breakdown, group))
