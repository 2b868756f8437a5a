"""The frozen values the SPC engine reads and returns, its constants and its input error.

The names and codes follow NHSRplotthedots 0.2.2 (`ptd_spc`) wherever the package has one:
`point_type` values, the special-cause labels and the assurance codes are the package's own
strings. See docs/engines/spc.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Direction = Literal["increase", "decrease", "neutral"]
DIRECTIONS: tuple[Direction, ...] = ("increase", "decrease", "neutral")

PointType = Literal[
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral_high",
    "special_cause_neutral_low",
]
Variation = Literal[
    "common_cause",
    "improvement_high",
    "improvement_low",
    "concern_high",
    "concern_low",
    "neither_high",
    "neither_low",
]
Assurance = Literal["consistent_pass", "consistent_fail", "inconsistent"]
Rule = Literal["outside_limits", "trend", "two_in_three", "shift"]
# The order in which the package decides which rule labels a point (ptd_special_cause_type).
RULES: tuple[Rule, ...] = ("outside_limits", "trend", "two_in_three", "shift")

LIMIT = 2.66  # process limits: mean ± 2.66 × mean moving range (3 sigma)
LIMIT_CLOSE = 2 * (LIMIT / 3)  # the 2-sigma lines, written as the package writes them
LIMIT_ONE_SIGMA = LIMIT / 3
SCREEN = 3.267  # moving ranges at or above 3.267 × their mean are left out when screening
MIN_POINTS = 2
RELIABLE_POINTS = 12  # fewer points than this in a period: the package warns
MIN_FIX_AFTER = 12  # the package rejects fix_after_n_points below 12
COMMON_CAUSE_LABEL = "Common Cause"


class SpcInputError(ValueError):
    """Input the engine cannot work with. `path` names the offending field, e.g. points[3].value."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


@dataclass(frozen=True, slots=True)
class Observation:
    """One point of the series: its label on the x axis (a date or period) and its value."""

    x: str
    value: float


@dataclass(frozen=True, slots=True)
class Series:
    """What `xmr` reads. `points` are in time order: the engine does not sort them.

    `rebase` lists the labels of points that start a new period (new mean and limits);
    `fix_after_n_points` computes each period's mean and limits from its first n points only.
    """

    points: tuple[Observation, ...]
    improvement_direction: Direction
    target: float | None = None
    screen_outliers: bool = True
    fix_after_n_points: int | None = None
    rebase: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Limits:
    """The lines of one period: the mean (centre line), the mean moving range it was built
    from, the process limits (3 sigma) and the 2- and 1-sigma lines."""

    mean: float
    mean_moving_range: float
    lower_process_limit: float
    upper_process_limit: float
    lower_two_sigma: float
    upper_two_sigma: float
    lower_one_sigma: float
    upper_one_sigma: float


@dataclass(frozen=True, slots=True)
class Period:
    """A run of points sharing one set of limits: the whole series unless it was rebased.

    `start` is the index of its first point; `moving_ranges_used` and `moving_ranges_excluded`
    count the moving ranges that went into the mean moving range and those left out (screened
    as outliers, or after `fix_after_n_points`)."""

    start: int
    size: int
    limits: Limits
    moving_ranges_used: int
    moving_ranges_excluded: int

    @property
    def short(self) -> bool:
        return self.size < RELIABLE_POINTS


@dataclass(frozen=True, slots=True)
class ChartPoint:
    """One point of the chart with everything the rules found.

    `moving_range` is |value − previous value| within the period (None for a period's first
    point); `moving_range_used` says whether it went into the mean moving range.
    `relative_to_mean` is −1, 0 or 1. `close_to_limits` is the package's flag: beyond a
    2-sigma line but not outside the process limits. `rules` lists every rule the point is part
    of; `special_cause_type` is the package's label for the rule that decides its colour
    ("Above UCL", "7 Point Trend (Increasing)", "2 in 3 Below CL", "7 Points Above CL", or
    "Common Cause")."""

    x: str
    value: float
    period: int
    moving_range: float | None
    moving_range_used: bool
    relative_to_mean: int
    close_to_limits: bool
    rules: tuple[Rule, ...]
    special_cause_type: str
    point_type: PointType


@dataclass(frozen=True, slots=True)
class Chart:
    """The XmR chart. `limits` are the latest period's (the ones the assurance uses)."""

    improvement_direction: Direction
    target: float | None
    periods: tuple[Period, ...]
    points: tuple[ChartPoint, ...]
    variation: Variation
    assurance: Assurance | None
    warnings: tuple[str, ...]

    @property
    def limits(self) -> Limits:
        return self.periods[-1].limits

    @property
    def mean(self) -> float:
        return self.limits.mean

    @property
    def mean_moving_range(self) -> float:
        return self.limits.mean_moving_range
