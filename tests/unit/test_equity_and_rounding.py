import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from continuity.engines import equity
from continuity.engines.rounding import rate, round_count, round_count_msds


@pytest.mark.parametrize(
    ("code", "coc", "fine"),
    [
        ("A", "White", "White"),
        ("C", "White", "White"),
        ("D", "BAME", "Mixed"),
        ("G", "Other", "Mixed"),
        ("H", "BAME", "Asian"),
        ("L", "BAME", "Asian"),
        ("M", "BAME", "Black"),
        ("P", "BAME", "Black"),
        ("R", "Other", "Other"),
        ("S", "Other", "Other"),
        ("Z", "Missing/Unknown", "Missing/Unknown"),
        ("99", "Missing/Unknown", "Missing/Unknown"),
        (None, "Missing/Unknown", "Missing/Unknown"),
        ("Q", "Missing/Unknown", "Missing/Unknown"),
    ],
)
def test_groupings(code, coc, fine):
    assert equity.coc_group(code) == coc
    assert equity.fine_group(code) == fine


def test_not_stated_and_not_known_are_distinct_codes():
    assert equity.ETHNIC_CATEGORIES["Z"] != equity.ETHNIC_CATEGORIES["99"]


@pytest.mark.parametrize(("decile", "quintile"), [(1, 1), (2, 1), (3, 2), (5, 3), (9, 5), (10, 5)])
def test_quintile_is_ceiling_not_bankers_rounding(decile, quintile):
    assert equity.imd_quintile(decile) == quintile


def test_core20_and_unknown():
    assert equity.is_core20(1) and equity.is_core20(2)
    assert not equity.is_core20(3) and not equity.is_core20(None)
    assert equity.imd_quintile(None) is None
    with pytest.raises(ValueError):
        equity.imd_quintile(11)


@pytest.mark.parametrize(
    ("n", "shown"),
    [(0, 0), (1, 5), (7, 5), (8, 10), (12, 10), (13, 15), (17, 15), (18, 20), (22, 20)],
)
def test_msds_rounding(n, shown):
    assert round_count_msds(n) == shown


def test_star_rounding_hides_small_counts():
    assert round_count(3, "star") == "*"
    assert round_count(0, "star") == 0
    assert round_count(12, "star") == 10
    assert round_count(3, "none") == 3


def test_rates_use_rounded_counts():
    assert rate(3, 12, "msds") == 50.0  # 5 / 10
    assert rate(3, 12, "none") == 25.0
    assert rate(0, 0, "msds") is None
    assert rate(3, 40, "star") is None


@given(st.integers(min_value=8, max_value=10**7))
def test_msds_rounding_is_nearest_five_half_up(n):
    shown = round_count_msds(n)
    assert shown % 5 == 0
    assert abs(shown - n) <= 2.5
    assert shown == 5 * math.floor(n / 5 + 0.5)
