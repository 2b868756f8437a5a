"""The SPC engine: XmR charts as NHSRplotthedots 0.2.2 draws them.

Golden tests: every expected number below was worked out by hand from the series (the moving
ranges and their sums are written next to each example), or is the package's own published
output (its test snapshots for `set.seed(123); rnorm(20)`). The rule helpers are also held to
the package's own unit tests (tests/testthat/test-ptd_calculate_point_type.R), and a property
test holds the whole chart to plain restatements of the four rules.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from continuity.engines.spc import (
    Chart,
    Observation,
    Series,
    SpcInputError,
    chart_to_dict,
    series_from_dict,
    series_from_json,
    xmr,
)
from continuity.engines.spc.cli import main
from continuity.engines.spc.rules import (
    part_of_seven_trend,
    part_of_two_in_three,
    point_type,
    seven_point_one_side_mean,
    seven_point_trend,
    special_cause_types,
    two_in_three,
)

C = "common_cause"
I = "special_cause_improvement"  # noqa: E741
K = "special_cause_concern"  # (C)oncern is taken


def chart(values: Sequence[float], direction: str = "increase", **options: Any) -> Chart:
    points = tuple(Observation(f"2026-{i + 1:02d}", v) for i, v in enumerate(values))
    return xmr(Series(points, direction, **options))  # type: ignore[arg-type]


def types(c: Chart) -> list[str]:
    return [p.point_type for p in c.points]


# -- a published example: the package's own snapshot (tests/testthat/_snaps/ptd_spc_standard.md)

# set.seed(123); rnorm(20), as printed by R to 8 decimal places
RNORM = [
    -0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774,
    1.71506499, 0.46091621, -1.26506123, -0.68685285, -0.44566197,
    1.22408180, 0.35981383, 0.40077145, 0.11068272, -0.55584113,
    1.78691314, 0.49785048, -1.96661716, 0.70135590, -0.47279141,
]  # fmt: skip


def test_published_rnorm_example_matches_the_package_snapshot() -> None:
    c = chart(RNORM, target=0.5)
    # snapshot r1: mean_col 0.1416238, lpl -3.01138, upl 3.294627
    assert c.mean == pytest.approx(0.1416238, abs=5e-8)
    assert c.limits.lower_process_limit == pytest.approx(-3.01138, abs=5e-6)
    assert c.limits.upper_process_limit == pytest.approx(3.294627, abs=5e-7)
    # mR̄ = (upl − lpl) / (2 × 2.66) = 6.306007 / 5.32 = 1.1853
    assert c.mean_moving_range == pytest.approx(1.1853, abs=5e-5)
    # snapshot relative_to_mean, first 15
    assert [p.relative_to_mean for p in c.points][:15] == [
        -1, -1, 1, -1, -1, 1, 1, -1, -1, -1, 1, 1, 1, -1, -1,
    ]  # fmt: skip
    # the package's summary: 20 points, all common cause
    assert types(c) == [C] * 20 and c.variation == "common_cause"
    assert c.periods[0].moving_ranges_used == 19 and c.warnings == ()
    assert c.assurance == "inconsistent"  # −3.01 < 0.5 < 3.29


def test_published_rnorm_example_with_an_outlier_screened_and_not() -> None:
    y = list(RNORM)
    y[14] = 10  # the package's `data$y[15] <- 10`
    screened, raw = chart(y), chart(y, screen_outliers=False)
    assert screened.mean == raw.mean == pytest.approx(0.6694159, abs=5e-8)
    assert screened.limits.lower_process_limit == pytest.approx(-2.383666, abs=5e-7)
    assert screened.limits.upper_process_limit == pytest.approx(3.722497, abs=5e-7)
    assert raw.limits.lower_process_limit == pytest.approx(-4.596625, abs=5e-7)
    assert raw.limits.upper_process_limit == pytest.approx(5.935457, abs=5e-7)
    # the two moving ranges either side of 10 are left out when screening
    assert [
        p.x for p in screened.points if p.moving_range is not None and not p.moving_range_used
    ] == [
        "2026-15",
        "2026-16",
    ]
    assert screened.periods[0].moving_ranges_excluded == 2
    assert raw.periods[0].moving_ranges_excluded == 0
    assert screened.points[14].special_cause_type == "Above UCL"


def test_published_rnorm_example_rebased_matches_the_faceted_snapshot() -> None:
    # the package's summary with the series split into two groups of 10: means 0.0746 and
    # 0.209, limits (-2.60, 2.75) and (-3.28, 3.70); each group on its own is the same sum
    c = chart(RNORM, rebase=("2026-11",))
    first, second = c.periods
    assert (first.start, first.size, second.start, second.size) == (0, 10, 10, 10)
    assert first.limits.mean == pytest.approx(0.0746, abs=5e-5)
    assert first.limits.lower_process_limit == pytest.approx(-2.60, abs=5e-3)
    assert first.limits.upper_process_limit == pytest.approx(2.75, abs=5e-3)
    assert second.limits.mean == pytest.approx(0.209, abs=5e-4)
    assert second.limits.lower_process_limit == pytest.approx(-3.28, abs=5e-3)
    assert second.limits.upper_process_limit == pytest.approx(3.70, abs=5e-3)
    assert c.limits == second.limits
    assert c.points[10].moving_range is None and c.points[10].period == 1
    assert c.points[11].moving_range == pytest.approx(abs(0.35981383 - 1.22408180))
    assert len(c.warnings) == 2 and c.warnings[0] == (
        "The period starting at 2026-01 has 10 points: "
        "the limits are unreliable with fewer than 12 points."
    )


# -- rule 2: a shift, 7 or more points on one side of the mean --------------------------------

# mean 140/14 = 10; moving ranges 4,4,0,3,1,1,1,1,1,1,3,0,0 (sum 20), none ≥ 3.267 × 20/13
SHIFT_7 = [8, 12, 8, 8, 11, 12, 11, 12, 11, 12, 11, 8, 8, 8]
# mean 140/14 = 10; moving ranges 4,4,0,3,1,1,1,1,1,4,0,0,3 (sum 23)
SHIFT_6 = [8, 12, 8, 8, 11, 12, 11, 12, 11, 12, 8, 8, 8, 11]


def test_seven_points_above_the_mean_are_a_shift() -> None:
    c = chart(SHIFT_7)
    assert c.mean == 10.0
    assert c.mean_moving_range == pytest.approx(20 / 13)
    assert c.limits.upper_process_limit == pytest.approx(14.0923077, abs=1e-7)  # 10 + 2.66×20/13
    assert c.limits.lower_process_limit == pytest.approx(5.9076923, abs=1e-7)
    assert c.limits.upper_two_sigma == pytest.approx(12.7282051, abs=1e-7)  # 10 + 2×2.66/3×20/13
    assert c.limits.lower_one_sigma == pytest.approx(8.6358974, abs=1e-7)  # 10 − 2.66/3×20/13
    assert types(c) == [C] * 4 + [I] * 7 + [C] * 3
    assert {p.rules for p in c.points[4:11]} == {("shift",)}
    assert {p.special_cause_type for p in c.points[4:11]} == {"7 Points Above CL"}
    # lower is better: the same run is a concern
    assert types(chart(SHIFT_7, "decrease")) == [C] * 4 + [K] * 7 + [C] * 3


def test_six_points_on_one_side_are_not_a_shift() -> None:
    c = chart(SHIFT_6)
    assert c.mean == 10.0 and c.mean_moving_range == pytest.approx(23 / 13)
    assert [p.relative_to_mean for p in c.points[4:10]] == [1] * 6
    assert types(c) == [C] * 14 and all(p.rules == () for p in c.points)


def test_a_point_on_the_mean_breaks_a_run() -> None:
    # mean 140/14 = 10 exactly; the 8th point is on it, with 3 above before and 4 after
    on_mean = [8, 12, 8, 8, 11, 12, 11, 10, 12, 11, 12, 11, 7, 7]
    c = chart(on_mean)
    assert c.mean == 10.0 and c.points[7].relative_to_mean == 0
    assert types(c) == [C] * 14
    # the same point at 11 (mean 141/14 = 10.07) joins them: 8 above, all flagged
    above = [*on_mean[:7], 11, *on_mean[8:]]
    assert types(chart(above)) == [C] * 4 + [I] * 8 + [C] * 2


# -- rule 3: a trend, 7 points each higher (or lower) than the one before -----------------------

# mean 149/14 = 10.642857; moving ranges 4,4,4,1,1,1,1,1,1,6,4,4,4 (sum 36): 2σ lines 5.73, 15.55
TREND_7 = [12, 8, 12, 8, 9, 10, 11, 12, 13, 14, 8, 12, 8, 12]
# the 7th point of the rise repeats the 6th: 6 rising points (5 rises), then a tie
TREND_6 = [12, 8, 12, 8, 9, 10, 11, 12, 13, 13, 8, 12, 8, 12]


def test_seven_rising_points_are_a_trend_even_across_the_mean() -> None:
    c = chart(TREND_7)
    assert c.mean == pytest.approx(149 / 14) and c.mean_moving_range == pytest.approx(36 / 13)
    assert [p.relative_to_mean for p in c.points[3:10]] == [-1, -1, -1, 1, 1, 1, 1]
    # the points below the mean are improvement too: the trend's direction decides (0.2.2, #171)
    assert types(c) == [C] * 3 + [I] * 7 + [C] * 4
    assert {p.special_cause_type for p in c.points[3:10]} == {"7 Point Trend (Increasing)"}
    assert {p.rules for p in c.points[3:10]} == {("trend",)}
    assert types(chart(TREND_7, "decrease")) == [C] * 3 + [K] * 7 + [C] * 4


def test_six_rises_are_needed_and_a_tie_breaks_a_trend() -> None:
    assert types(chart(TREND_6)) == [C] * 14
    assert seven_point_trend([1, 2, 3, 4, 5, 6]) == [0] * 6
    assert seven_point_trend([1, 2, 3, 4, 5, 6, 7]) == [0] * 6 + [1]


def test_a_peak_shared_by_a_rise_and_a_fall_takes_the_fall() -> None:
    y = [1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1]
    labels, trend, _, _ = special_cause_types(y, [1] * 13, [False] * 13, [False] * 13)
    assert trend == [1] * 13
    assert labels == ["7 Point Trend (Increasing)"] * 6 + ["7 Point Trend (Decreasing)"] * 7


# -- rule 4: two of three beyond a 2-sigma line --------------------------------------------------

# mean 180/18 = 10; moving ranges 1,1,1,1,1,3.5,1,1,4.5,1,1,1,4.5,1,1,4.5,1 (sum 30): mR̄ 30/17,
# 2σ lines 10 ± 3.129412, process limits 10 ± 4.694118: 14 and 6 are beyond 2σ, 13 and 7 are not
TWO_IN_THREE = [
    9.5,
    10.5,
    9.5,
    10.5,
    9.5,
    10.5,
    14,
    13,
    14,
    9.5,
    10.5,
    9.5,
    10.5,
    6,
    7,
    6,
    10.5,
    9.5,
]


def test_two_of_three_beyond_two_sigma_on_one_side() -> None:
    c = chart(TWO_IN_THREE)
    assert c.mean == 10.0 and c.mean_moving_range == pytest.approx(30 / 17)
    assert c.limits.upper_two_sigma == pytest.approx(13.129412, abs=1e-6)
    assert c.limits.upper_process_limit == pytest.approx(14.694118, abs=1e-6)
    assert [i for i, p in enumerate(c.points) if p.close_to_limits] == [6, 8, 13, 15]
    # the third point of each window (13, then 7) is not flagged: the package flags only the
    # points beyond the 2-sigma line
    expected = [C] * 6 + [I, C, I] + [C] * 4 + [K, C, K] + [C] * 2
    assert types(c) == expected
    assert c.points[6].special_cause_type == "2 in 3 Above CL"
    assert c.points[13].special_cause_type == "2 in 3 Below CL"
    assert c.points[6].rules == ("two_in_three",)


def test_two_beyond_two_sigma_on_opposite_sides_are_no_signal() -> None:
    # the package's own test (test-ptd_spc_standard.R): ±1 alternating, then 5.5 and −5.5.
    # mean 0; moving ranges 2 (×13), 6.5, 11 (sum 43.5, mean 2.9); 11 ≥ 3.267 × 2.9 = 9.47 is
    # screened out, so mR̄ = 32.5/14 = 2.321429: 2σ lines ±4.116667, limits ±6.175
    c = chart([1, -1] * 7 + [5.5, -5.5])
    assert c.mean == 0.0 and c.mean_moving_range == pytest.approx(32.5 / 14)
    assert c.limits.upper_process_limit == pytest.approx(6.175)
    assert c.points[-1].moving_range_used is False
    assert c.points[-2].close_to_limits and c.points[-1].close_to_limits
    assert types(c) == [C] * 16


def test_two_in_three_needs_all_three_on_the_same_side() -> None:
    # a point across the mean between two close points spoils the window (0.2.2, #143)
    assert two_in_three([True, False, True], [1, -1, 1]) == [0, 0, 0]
    assert two_in_three([True, False, True], [1, 1, 1]) == [1, 1, 1]
    assert part_of_two_in_three([1, 1, 1], [True, False, True]) == [1, 0, 1]


# -- rule 1: outside the process limits, and a point exactly on a limit -------------------------

# fixed after 12 points: mean 1200/12 = 100, moving ranges all 25 (mR̄ 275/11 = 25), so the
# limits are exactly 100 ± 2.66 × 25 = 33.5 and 166.5 (2.66 × 25 rounds to 66.5 exactly)
BASE = [87.5, 112.5] * 6


def test_a_point_on_a_limit_is_not_outside_it() -> None:
    c = chart([*BASE, 166.5, 100, 166.6, 33.5], fix_after_n_points=12)
    assert c.mean == 100.0 and c.mean_moving_range == 25.0
    assert c.limits.lower_process_limit == 33.5 and c.limits.upper_process_limit == 166.5
    on_upper, on_mean, beyond, on_lower = c.points[12:]
    assert on_upper.rules == () and on_upper.close_to_limits and on_upper.point_type == C
    assert on_mean.relative_to_mean == 0
    assert beyond.rules == ("outside_limits",) and beyond.special_cause_type == "Above UCL"
    assert beyond.point_type == I
    assert on_lower.rules == () and on_lower.close_to_limits and on_lower.point_type == C
    # moving ranges after the fix are shown but not used
    assert on_upper.moving_range == 54.0 and not on_upper.moving_range_used
    assert c.periods[0].moving_ranges_used == 11 and c.periods[0].moving_ranges_excluded == 4


def test_below_the_lower_limit_is_a_concern_when_higher_is_better() -> None:
    c = chart([*BASE, 33.4], fix_after_n_points=12)
    assert c.points[-1].special_cause_type == "Below LCL" and c.points[-1].point_type == K


# -- moving-range screening ----------------------------------------------------------------------

# mean (6×10 + 5×12 + 30)/12 = 12.5. Moving ranges 2 (×9) and 20, 20: mean 58/11 = 5.2727;
# 20 ≥ 3.267 × 5.2727 = 17.23, so both 20s are screened out and mR̄ = 18/9 = 2
SPIKE = [10, 12, 10, 12, 10, 12, 10, 30, 10, 12, 10, 12]


def test_screening_outlying_moving_ranges_narrows_the_limits() -> None:
    screened, raw = chart(SPIKE), chart(SPIKE, screen_outliers=False)
    assert screened.mean == raw.mean == 12.5
    assert screened.mean_moving_range == 2.0
    assert screened.limits.lower_process_limit == pytest.approx(7.18)
    assert screened.limits.upper_process_limit == pytest.approx(17.82)
    assert raw.mean_moving_range == pytest.approx(58 / 11)
    assert raw.limits.lower_process_limit == pytest.approx(-1.5254545, abs=1e-7)
    assert raw.limits.upper_process_limit == pytest.approx(26.5254545, abs=1e-7)
    assert [p.moving_range_used for p in screened.points[7:9]] == [False, False]
    assert (screened.periods[0].moving_ranges_used, screened.periods[0].moving_ranges_excluded) == (
        9,
        2,
    )
    assert screened.points[7].point_type == raw.points[7].point_type == I


def test_a_flat_series_has_a_zero_moving_range_and_no_signals() -> None:
    c = chart([5.0] * 12)
    assert c.mean == 5.0 and c.mean_moving_range == 0.0
    assert c.limits.upper_process_limit == 5.0 and types(c) == [C] * 12
    assert c.periods[0].moving_ranges_excluded == 0


# -- assurance and variation icons ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("direction", "target", "expected"),
    [
        ("increase", 30, "consistent_pass"),  # below the lower limit 33.5
        ("increase", 170, "consistent_fail"),  # above the upper limit 166.5
        ("increase", 100, "inconsistent"),
        ("increase", 33.5, "inconsistent"),  # on the limit: not beyond it
        ("increase", 166.5, "inconsistent"),
        ("decrease", 30, "consistent_fail"),
        ("decrease", 170, "consistent_pass"),
        ("decrease", 100, "inconsistent"),
        ("neutral", 30, None),
        ("increase", None, None),
    ],
)
def test_assurance(direction: str, target: float | None, expected: str | None) -> None:
    assert chart(BASE, direction, target=target).assurance == expected


@pytest.mark.parametrize(
    ("last", "direction", "point", "icon"),
    [
        (200, "increase", I, "improvement_high"),
        (200, "decrease", K, "concern_high"),
        (200, "neutral", "special_cause_neutral_high", "neither_high"),
        (0, "increase", K, "concern_low"),
        (0, "decrease", I, "improvement_low"),
        (0, "neutral", "special_cause_neutral_low", "neither_low"),
        (100, "increase", C, "common_cause"),
    ],
)
def test_the_variation_icon_follows_the_last_point(
    last: float, direction: str, point: str, icon: str
) -> None:
    c = chart([*BASE, last], direction, fix_after_n_points=12)
    assert c.points[-1].point_type == point and c.variation == icon


def test_an_earlier_signal_does_not_set_the_icon() -> None:
    c = chart([*BASE, 200, 100], fix_after_n_points=12)
    assert c.points[-2].point_type == I and c.variation == "common_cause"


def test_neutral_points_are_high_or_low() -> None:
    assert types(chart(SHIFT_7, "neutral"))[4:11] == ["special_cause_neutral_high"] * 7
    assert point_type("7 Point Trend (Decreasing)", "neutral") == "special_cause_neutral_low"
    assert point_type("Common Cause", "neutral") == C


# -- warnings and periods ------------------------------------------------------------------------


def test_fewer_than_12_points_warns() -> None:
    assert chart(SHIFT_7[:11]).warnings == (
        "The series has 11 points: the limits are unreliable with fewer than 12 points.",
    )
    assert chart(SHIFT_7[:12]).warnings == ()
    assert chart([1, 2]).warnings[0].startswith("The series has 2 points")


def test_fix_after_n_points_uses_only_the_first_n_in_each_period() -> None:
    c = chart([*BASE, 500, 600, 700], fix_after_n_points=12)
    assert c.mean == 100.0 and c.mean_moving_range == 25.0
    assert chart([*BASE, 500], fix_after_n_points=13).mean == pytest.approx(1700 / 13)


# -- the package's own unit tests for the rule helpers ------------------------------------------


def test_seven_point_one_side_mean_as_the_package_tests_it() -> None:
    assert seven_point_one_side_mean([]) == []
    assert seven_point_one_side_mean([1] * 6) == [0] * 6
    assert seven_point_one_side_mean([1] * 6 + [-1]) == [0] * 7
    assert seven_point_one_side_mean([1] * 8 + [-1]) == [0] * 6 + [1, 1, 0]
    assert seven_point_one_side_mean([-1] * 8 + [1]) == [0] * 6 + [1, 1, 0]


def test_part_of_seven_trend_as_the_package_tests_it() -> None:
    assert part_of_seven_trend([]) == []
    assert part_of_seven_trend([0] * 6) == [0] * 6
    assert part_of_seven_trend([0] * 6 + [1, 0]) == [1] * 7 + [0]
    assert part_of_seven_trend([0] * 7 + [1, 0]) == [0] + [1] * 7 + [0]
    assert part_of_seven_trend([0] * 6 + [-1, 0]) == [1] * 7 + [0]
    assert part_of_seven_trend([0] * 7 + [-1, 0]) == [0] + [1] * 7 + [0]


def test_seven_point_trend_as_the_package_tests_it() -> None:
    assert seven_point_trend([]) == []
    assert seven_point_trend([1, 2, 3, 3, 4, 5, 6]) == [0] * 7
    assert seven_point_trend([2, 1, 2, 3, 4, 5, 6, 7, 3]) == [0] * 7 + [1, 0]
    assert seven_point_trend([7, 6, 5, 4, 3, 2, 1]) == [0] * 6 + [-1]
    assert seven_point_trend([2, 7, 6, 5, 4, 3, 2, 1, 3]) == [0] * 7 + [-1, 0]


def test_two_in_three_as_the_package_tests_it() -> None:
    t, f = True, False
    assert two_in_three([], []) == []
    for close in ([t, f, t], [f, t, t], [t, t, f]):
        assert two_in_three(close, [1, 1, 1]) == [1, 1, 1]
        assert two_in_three(close, [1, -1, 1]) == [0, 0, 0]
    assert two_in_three([f, f, t, f, t, f, f], [1] * 7) == [0, 0, 1, 1, 1, 0, 0]
    assert two_in_three([f, f, t, t, f, f, f], [1] * 7) == [0, 1, 1, 1, 1, 0, 0]
    assert two_in_three([f, f, t, f, t, f, f], [1, -1] * 3 + [1]) == [0] * 7
    assert two_in_three([f, f, t, t, f, f, f], [-1, 1] * 3 + [-1]) == [0] * 7
    close = [t, f, f, t]
    assert part_of_two_in_three(two_in_three(close, [1] * 4), close) == [0] * 4
    close = [t, f, f, t, t]
    assert part_of_two_in_three(two_in_three(close, [1] * 5), close) == [0, 0, 0, 1, 1]


# -- property: the chart agrees with plain statements of the rules ------------------------------


def _reference_rules(c: Chart) -> list[tuple[str, ...]]:
    """Each rule as the package's definition reads, written as windows over the series."""
    y = [p.value for p in c.points]
    rtm = [p.relative_to_mean for p in c.points]
    close = [p.close_to_limits for p in c.points]
    lim = c.limits
    n = len(y)
    out = []
    for i in range(n):
        fired = []
        if y[i] > lim.upper_process_limit or y[i] < lim.lower_process_limit:
            fired.append("outside_limits")
        windows7 = [range(s, s + 7) for s in range(max(0, i - 6), min(i, n - 7) + 1)]
        if any(
            all(y[j] > y[j - 1] for j in list(w)[1:]) or all(y[j] < y[j - 1] for j in list(w)[1:])
            for w in windows7
        ):
            fired.append("trend")
        windows3 = [range(s, s + 3) for s in range(max(0, i - 2), min(i, n - 3) + 1)]
        if close[i] and any(
            sum(close[j] for j in w) >= 2 and len({rtm[j] for j in w}) == 1 and rtm[w[0]] != 0
            for w in windows3
        ):
            fired.append("two_in_three")
        if any(len({rtm[j] for j in w}) == 1 and rtm[w[0]] != 0 for w in windows7):
            fired.append("shift")
        out.append(tuple(fired))
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=12), min_size=2, max_size=40))
def test_every_rule_matches_its_plain_statement(values: list[int]) -> None:
    c = chart([float(v) for v in values])
    assert [p.rules for p in c.points] == _reference_rules(c)
    for p in c.points:
        assert (p.point_type == C) == (p.rules == ())
        if p.rules and p.rules[0] == "outside_limits":
            assert p.point_type == (I if p.relative_to_mean == 1 else K)


# -- bad input -----------------------------------------------------------------------------------


def _series(values: Sequence[float], **kw: Any) -> Series:
    return Series(tuple(Observation(f"p{i}", v) for i, v in enumerate(values)), "increase", **kw)


@pytest.mark.parametrize(
    ("series", "message"),
    [
        (_series([1.0]), "points: needs at least 2 points to draw limits (got 1)"),
        (_series([]), "points: needs at least 2 points to draw limits (got 0)"),
        (_series([1.0, float("nan")]), "points[1].value: must be a finite number"),
        (_series([1.0, float("inf")]), "points[1].value: must be a finite number"),
        (
            Series((Observation("a", 1), Observation("b", 2), Observation("a", 3)), "increase"),
            "points[2].x: 'a' is also the label of points[0]; each point needs its own",
        ),
        (
            Series((Observation("a", 1), Observation("b", 2)), "up"),  # type: ignore[arg-type]
            "improvement_direction: must be increase, decrease or neutral",
        ),
        (_series([1, 2], target=float("nan")), "target: must be a finite number"),
        (
            _series([1] * 12, fix_after_n_points=11),
            "fix_after_n_points: must be a whole number of at least 12",
        ),
        (_series([1, 2, 3], rebase=("p9",)), "rebase[0]: 'p9' is not the label of any point"),
        (
            _series([1, 2, 3], rebase=("p2",)),
            "rebase: each period needs at least 2 points; the one starting at 'p2' has 1",
        ),
    ],
)
def test_bad_series_are_refused_with_a_specific_message(series: Series, message: str) -> None:
    with pytest.raises(SpcInputError) as caught:
        xmr(series)
    assert str(caught.value) == message
    assert isinstance(caught.value, ValueError)


# -- the JSON form and the command line ----------------------------------------------------------


def good() -> dict[str, Any]:
    return {
        "improvement_direction": "increase",
        "target": 95,
        "points": [{"x": f"2026-{i + 1:02d}", "value": v} for i, v in enumerate(SHIFT_7)],
    }


def test_json_round_trip() -> None:
    c = xmr(series_from_json(json.dumps(good())))
    answer = chart_to_dict(c)
    assert answer["limits"]["mean"] == 10.0
    assert answer["assurance"] == "consistent_fail" and answer["variation"] == "common_cause"
    assert answer["periods"] == [
        {
            "start": "2026-01",
            "points": 14,
            "limits": answer["limits"],
            "moving_ranges_used": 13,
            "moving_ranges_excluded": 0,
            "short": False,
        }
    ]
    assert answer["points"][4] == {
        "x": "2026-05",
        "value": 11.0,
        "period": 0,
        "moving_range": 3.0,
        "moving_range_used": True,
        "relative_to_mean": 1,
        "close_to_limits": False,
        "rules": ["shift"],
        "special_cause_type": "7 Points Above CL",
        "point_type": "special_cause_improvement",
    }
    assert answer["points"][0]["moving_range"] is None
    json.dumps(answer, allow_nan=False)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"improvement_direction": None}, "improvement_direction: must be increase, decrease"),
        ({"points": None}, "points: must be a list"),
        ({"points": [{"x": "a", "value": "1"}]}, "points[0].value: must be a number"),
        ({"points": [{"x": "a", "value": True}]}, "points[0].value: must be a number"),
        ({"points": [{"x": "", "value": 1}]}, "points[0].x: must be a non-empty label"),
        ({"points": [{"x": "a"}]}, "points[0].value: is required"),
        ({"points": [{"x": "a", "value": 1, "y": 2}]}, "points[0].y: is not a field"),
        ({"target": "95%"}, "target: must be a number"),
        ({"screen_outliers": "yes"}, "screen_outliers: must be true or false"),
        ({"fix_after_n_points": 12.5}, "fix_after_n_points: must be a whole number"),
        ({"rebase": "2026-03"}, "rebase: must be a list"),
        ({"improvment_direction": "increase"}, "improvment_direction: is not a field"),
    ],
)
def test_json_errors_name_the_field(change: dict[str, Any], message: str) -> None:
    raw = {**good(), **change}
    with pytest.raises(SpcInputError, match="^" + message.replace("[", r"\[").replace("]", r"\]")):
        xmr(series_from_dict(raw))


def test_json_requires_the_improvement_direction() -> None:
    raw = good()
    del raw["improvement_direction"]
    with pytest.raises(SpcInputError, match=r"^improvement_direction: is required$"):
        series_from_dict(raw)


def test_cli_writes_the_chart(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source, out = tmp_path / "series.json", tmp_path / "chart.json"
    source.write_text(json.dumps(good()))
    assert main(["--in", str(source), "--out", str(out)]) == 0
    assert capsys.readouterr().err == ""
    answer = json.loads(out.read_text())
    assert [p["point_type"] for p in answer["points"]] == types(chart(SHIFT_7))
    assert main(["--in", str(source)]) == 0
    assert json.loads(capsys.readouterr().out) == answer


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("{not json", "continuity spc: not valid JSON (line 1, column 2"),
        (json.dumps({**good(), "points": good()["points"][:1]}), "continuity spc: points: needs"),
        (
            json.dumps({**good(), "points": [*good()["points"], good()["points"][0]]}),
            "continuity spc: points[14].x: '2026-01' is also the label of points[0]",
        ),
        ('{"improvement_direction": "increase", '
         '"points": [{"x": "a", "value": NaN}, {"x": "b", "value": 1}]}',
         "continuity spc: points[0].value: must be a finite number"),
    ],
)  # fmt: skip
def test_cli_bad_input_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], raw: str, message: str
) -> None:
    source, out = tmp_path / "series.json", tmp_path / "chart.json"
    source.write_text(raw)
    assert main(["--in", str(source), "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(message) and captured.err.count("\n") == 1
    assert captured.out == "" and list(tmp_path.iterdir()) == [source]


def test_cli_missing_file_and_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--in", str(tmp_path / "absent.json")]) == 2
    assert "continuity spc: --in: cannot read" in capsys.readouterr().err
    source = tmp_path / "series.json"
    source.write_text(json.dumps(good()))
    assert main(["--in", str(source), "--out", str(tmp_path / "no" / "a.json")]) == 2
    assert "continuity spc: --out: folder" in capsys.readouterr().err


def test_the_continuity_command_dispatches_spc(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from continuity.cli import main as continuity

    source = tmp_path / "series.json"
    source.write_text(json.dumps(good()))
    with pytest.raises(SystemExit) as done:
        continuity(["spc", "--in", str(source)])
    assert done.value.code == 0
    assert json.loads(capsys.readouterr().out)["limits"]["mean"] == 10.0
