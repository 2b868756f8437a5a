"""The on-call load forecast: how many of a midwife's women are likely to give birth each week.

Each woman's day of birth is drawn from a distribution of gestation at birth, conditioned on her
not having given birth before today. Gestational age on a day d is 280 - (EDD - d) days.

Assumptions behind the defaults (settings, not facts about any one woman):

- `DEFAULT_BIRTH_DISTRIBUTION` gives the probability of birth by completed week of gestation,
  weeks 22 to 42. It is shaped on England's birth statistics (ONS births by gestation; NHS
  Maternity Statistics), which show about 8% of births preterm (before 37+0): weeks 22-27
  together 0.5%, 28-31 0.8%, 32-33 1.2%, 34 1.4%, 35 1.7%, 36 2.4%; then 37 7.5%, 38 15%,
  39 24.5%, 40 26%, 41 16%, 42 3%. Post-term birth is cut short by induction of labour, offered
  from 41 weeks, so births are taken to end by 42+6. Births before 22 weeks are not in scope.
  The weights are normalised to sum to 1. Within a week, the week's mass is spread evenly over
  its 7 days.
- `DEFAULT_NIGHT_FRACTION` is the share of labours that start in the legal night (23:00-06:00):
  spontaneous labour onset peaks at night, so it is above the 7/24 (0.29) an even spread gives.
  Induced and planned births shift it down; a service can set its own.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta

from continuity.engines.cover.model import BirthDistribution, CoverInputError, Pregnancy, WeekLoad
from continuity.engines.gestation import TERM_DAYS

MAX_WEEKS = 104
SUM_TOLERANCE = 1e-9

_DEFAULT_WEIGHTS: tuple[float, ...] = (
    # 22-27: 0.5% together
    0.0005,
    0.0006,
    0.0007,
    0.0008,
    0.0011,
    0.0013,
    # 28-31: 0.8% together
    0.0016,
    0.0018,
    0.0021,
    0.0025,
    # 32-33: 1.2% together
    0.0055,
    0.0065,
    # 34, 35, 36
    0.014,
    0.017,
    0.024,
    # 37-42
    0.075,
    0.15,
    0.245,
    0.26,
    0.16,
    0.03,
)


def _normalised(weights: Sequence[float]) -> tuple[float, ...]:
    total = math.fsum(weights)
    return tuple(w / total for w in weights)


DEFAULT_BIRTH_DISTRIBUTION = BirthDistribution(
    first_week=22, probabilities=_normalised(_DEFAULT_WEIGHTS)
)
DEFAULT_NIGHT_FRACTION = 0.38


def birth_probabilities(
    edd: date, today: date, distribution: BirthDistribution
) -> dict[date, float]:
    """P(birth on d | not born before today) for each day d >= today with a chance above 0.

    Past the end of the distribution (after 42+6 with the default) nothing is left to condition
    on, so all the mass is put on today: she is overdue now.
    """
    tail = _Tail(distribution)
    ga_today = TERM_DAYS - (edd - today).days
    survival = tail.at(ga_today)
    if survival <= 0.0:
        return {today: 1.0}
    result: dict[date, float] = {}
    for ga in range(max(ga_today, tail.first_day), tail.end_day):
        p = tail.day_mass(ga) / survival
        if p > 0.0:
            result[today + timedelta(days=ga - ga_today)] = p
    return result


def forecast(
    pregnancies: Sequence[Pregnancy],
    today: date,
    weeks: int,
    distribution: BirthDistribution = DEFAULT_BIRTH_DISTRIBUTION,
    night_fraction: float = DEFAULT_NIGHT_FRACTION,
) -> tuple[WeekLoad, ...]:
    """Expected births per midwife per week, for `weeks` weeks from the Monday on or before today.

    The first week counts only the days from today on. Every midwife named or buddy for a woman
    not yet delivered gets a row for every week, zero or not. Sorted by (midwife, week_start).
    """
    if isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= MAX_WEEKS:
        raise CoverInputError("weeks", f"must be a whole number from 1 to {MAX_WEEKS}")
    if not 0.0 <= night_fraction <= 1.0:  # also refuses NaN
        raise CoverInputError("night_fraction", "must be between 0 and 1")
    tail = _Tail(distribution)

    monday = today - timedelta(days=today.weekday())
    week_starts = [monday + timedelta(days=7 * k) for k in range(weeks)]
    # Day offsets from today of each week's boundaries; the first week starts today.
    bounds = [0] + [(monday - today).days + 7 * k for k in range(1, weeks + 1)]

    named: dict[str, list[float]] = {}
    buddy: dict[str, list[float]] = {}
    none_named: dict[str, list[float]] = {}  # running product of (1 - p) over named women
    for pregnancy in pregnancies:
        if pregnancy.born or (pregnancy.named is None and pregnancy.buddy is None):
            continue
        masses = tail.week_masses(TERM_DAYS - (pregnancy.edd - today).days, bounds)
        for midwife in (pregnancy.named, pregnancy.buddy):
            if midwife is not None and midwife not in named:
                named[midwife] = [0.0] * weeks
                buddy[midwife] = [0.0] * weeks
                none_named[midwife] = [1.0] * weeks
        if pregnancy.named is not None:
            sums, products = named[pregnancy.named], none_named[pregnancy.named]
            for k, p in enumerate(masses):
                sums[k] += p
                products[k] *= 1.0 - p
        if pregnancy.buddy is not None:
            sums = buddy[pregnancy.buddy]
            for k, p in enumerate(masses):
                sums[k] += p

    return tuple(
        WeekLoad(
            midwife=midwife,
            week_start=week_starts[k],
            expected_births_named=named[midwife][k],
            expected_births_buddy=buddy[midwife][k],
            expected_night_births_named=named[midwife][k] * night_fraction,
            p_at_least_one_named=min(1.0, max(0.0, 1.0 - none_named[midwife][k])),
        )
        for midwife in sorted(named)
        for k in range(weeks)
    )


class _Tail:
    """A checked distribution by day of gestation, with its survival function precomputed.

    `at(ga)` is the probability of birth on day `ga` of gestation or later, summed from the end
    so that late in pregnancy, where it is small, it stays accurate.
    """

    def __init__(self, distribution: BirthDistribution) -> None:
        _check_distribution(distribution)
        self.first_day = 7 * distribution.first_week
        self.end_day = self.first_day + 7 * len(distribution.probabilities)
        self._per_day = [p / 7.0 for p in distribution.probabilities]
        # survival[i] = P(birth on day first_day + i or later), i = 0 .. 7 * weeks.
        survival = [0.0] * (7 * len(self._per_day) + 1)
        for i in range(len(survival) - 2, -1, -1):
            survival[i] = survival[i + 1] + self._per_day[i // 7]
        self._survival = survival

    def at(self, ga: int) -> float:
        if ga <= self.first_day:
            return self._survival[0]
        if ga >= self.end_day:
            return 0.0
        return self._survival[ga - self.first_day]

    def day_mass(self, ga: int) -> float:
        if not self.first_day <= ga < self.end_day:
            return 0.0
        return self._per_day[(ga - self.first_day) // 7]

    def week_masses(self, ga_today: int, bounds: Sequence[int]) -> list[float]:
        """P(birth in [today + bounds[k], today + bounds[k+1]) days | not born before today)."""
        survival = self.at(ga_today)
        if survival <= 0.0:
            return [1.0] + [0.0] * (len(bounds) - 2)  # overdue: all on today, in the first week
        masses: list[float] = []
        previous = survival
        for offset in bounds[1:]:
            current = self.at(ga_today + offset)
            masses.append((previous - current) / survival)
            previous = current
        return masses


def _check_distribution(distribution: BirthDistribution) -> None:
    path = "distribution.probabilities"
    if distribution.first_week < 0:
        raise CoverInputError("distribution.first_week", "must not be negative")
    if not distribution.probabilities:
        raise CoverInputError(path, "must not be empty")
    for i, p in enumerate(distribution.probabilities):
        if not 0.0 <= p <= 1.0 or math.isnan(p):
            raise CoverInputError(f"{path}[{i}]", "must be between 0 and 1")
    total = math.fsum(distribution.probabilities)
    if abs(total - 1.0) > SUM_TOLERANCE:
        raise CoverInputError(path, f"must sum to 1 (they sum to {total!r})")
