"""The equity funnel and the Wilson score interval.

Golden values for `wilson` were worked out apart from the engine: each bound is a root of
(p̂ − p)² = z²·p(1 − p)/n, solved as a quadratic with 40-digit decimals, and rounded to 10
places. Funnel counts and conversions are worked out by hand from the records.
"""

from __future__ import annotations

import json
import math
from statistics import NormalDist

import pytest
from hypothesis import given
from hypothesis import strategies as st

from continuity.engines.funnel import (
    STAGES,
    Z95,
    Conversion,
    FunnelInputError,
    FunnelRecord,
    funnel,
    funnel_from_dict,
    funnel_from_json,
    funnel_to_dict,
    wilson,
)
from continuity.engines.rounding import round_count_msds


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        (0, 10, 0.0, 0.2775327999),
        (10, 10, 0.7224672001, 1.0),
        (5, 10, 0.2365930905, 0.7634069095),
        (1, 100, 0.0017674321, 0.0544861962),
        (1, 3, 0.0614919447, 0.7923403992),
        (45, 50, 0.7863976856, 0.9565242351),
    ],
)
def test_wilson_golden(successes: int, n: int, low: float, high: float) -> None:
    interval = wilson(successes, n)
    assert interval is not None
    assert interval[0] == pytest.approx(low, abs=1e-9)
    assert interval[1] == pytest.approx(high, abs=1e-9)
    assert round(interval[0], 6) == round(low, 6) and round(interval[1], 6) == round(high, 6)


def test_wilson_edges() -> None:
    assert wilson(0, 0) is None
    assert wilson(0, 10) == (0.0, pytest.approx(0.2775327999, abs=1e-9))
    assert wilson(10, 10)[1] == 1.0  # type: ignore[index]
    assert math.isclose(Z95, NormalDist().inv_cdf(0.975), rel_tol=1e-12)
    # a 1-sigma interval is narrower
    one = wilson(5, 10, z=1.0)
    assert one is not None and one[0] > 0.2365930905
    for bad in ((-1, 10), (11, 10), (1, -1), (True, 2)):
        with pytest.raises(ValueError):
            wilson(*bad)
    with pytest.raises(ValueError, match="z must be a positive number"):
        wilson(1, 2, z=0.0)


@given(st.integers(min_value=1, max_value=5000), st.data())
def test_wilson_contains_the_proportion(n: int, data: st.DataObject) -> None:
    s = data.draw(st.integers(min_value=0, max_value=n))
    interval = wilson(s, n)
    assert interval is not None
    low, high = interval
    assert 0.0 <= low <= s / n <= high <= 1.0


@given(
    st.integers(min_value=1, max_value=200),
    st.data(),
    st.integers(min_value=2, max_value=50),
)
def test_wilson_shrinks_as_n_grows(n: int, data: st.DataObject, k: int) -> None:
    s = data.draw(st.integers(min_value=0, max_value=n))
    small, large = wilson(s, n), wilson(k * s, k * n)  # the same proportion, k times the women
    assert small is not None and large is not None
    assert large[1] - large[0] < small[1] - small[0]


# -- the funnel ----------------------------------------------------------------------------------

COC = "ethnicity_coc"
Q = "imd_quintile"


def women(stage: str, count: int, *groups: tuple[str, str]) -> list[FunnelRecord]:
    return [FunnelRecord(stage, tuple(groups))] * count  # type: ignore[arg-type]


# Group BAME (quintile 1): 10 eligible; 2 stop there, 1 after the offer, 2 after accepting,
# 1 after being placed, 4 receiving. Counts: eligible 10, offered 8, accepted 7, placed 5,
# receiving 4. Group White (quintile 5): 20 eligible, all 20 receiving.
RECORDS = [
    *women("eligible", 2, (COC, "BAME"), (Q, "1")),
    *women("offered", 1, (COC, "BAME"), (Q, "1")),
    *women("accepted", 2, (COC, "BAME"), (Q, "1")),
    *women("placed", 1, (COC, "BAME"), (Q, "1")),
    *women("receiving", 4, (COC, "BAME"), (Q, "1")),
    *women("receiving", 20, (COC, "White"), (Q, "5")),
]


def counts(result: object, breakdown: str, group: str) -> list[int | str]:
    return [s.count for s in result.group(breakdown, group).stages]  # type: ignore[attr-defined]


def test_counts_are_cumulative_by_stage() -> None:
    f = funnel(RECORDS)
    assert [(g.breakdown, g.group) for g in f.groups] == [
        ("all", "all"),
        (COC, "BAME"),
        (COC, "White"),
        (Q, "1"),
        (Q, "5"),
    ]
    assert counts(f, COC, "BAME") == [10, 8, 7, 5, 4]
    assert counts(f, Q, "1") == [10, 8, 7, 5, 4]
    assert counts(f, COC, "White") == [20] * 5
    assert counts(f, "all", "all") == [30, 28, 27, 25, 24]
    assert [s.stage for s in f.groups[0].stages] == list(STAGES)


def test_conversions_from_the_previous_stage_and_from_eligible() -> None:
    bame = funnel(RECORDS).group(COC, "BAME")
    eligible, offered, accepted, placed, receiving = bame.stages
    assert eligible.from_previous is None and eligible.from_eligible is None
    assert offered.from_previous == offered.from_eligible
    assert (offered.from_previous.numerator, offered.from_previous.denominator) == (8, 10)  # type: ignore[union-attr]
    assert accepted.from_previous.proportion == 7 / 8  # type: ignore[union-attr]
    assert placed.from_previous.proportion == 5 / 7  # type: ignore[union-attr]
    assert receiving.from_previous.proportion == 4 / 5  # type: ignore[union-attr]
    assert placed.from_eligible == Conversion(
        5, 10, 0.5, pytest.approx(0.2365930905, abs=1e-9), pytest.approx(0.7634069095, abs=1e-9)
    )
    assert receiving.from_eligible.proportion == 0.4  # type: ignore[union-attr]
    white = funnel(RECORDS).group(COC, "White").stage("receiving").from_eligible
    assert white is not None and (white.proportion, white.high) == (1.0, 1.0)


def test_msds_rounding_rounds_counts_first() -> None:
    f = funnel(RECORDS, "msds")
    # 10, 8, 7, 5, 4 → 10, 10, 5, 5, 5
    assert counts(f, COC, "BAME") == [10, 10, 5, 5, 5]
    bame = f.group(COC, "BAME")
    offered = bame.stage("offered").from_previous
    assert offered is not None and (offered.numerator, offered.denominator) == (10, 10)
    assert offered.proportion == 1.0
    assert (offered.low, offered.high) == (pytest.approx(0.7224672001, abs=1e-9), 1.0)
    accepted = bame.stage("accepted").from_previous
    assert accepted is not None and (accepted.numerator, accepted.denominator) == (5, 10)
    assert (accepted.proportion, accepted.low) == (0.5, pytest.approx(0.2365930905, abs=1e-9))
    placed = bame.stage("placed").from_previous
    assert placed is not None and placed.proportion == 1.0  # 5 of 5
    # all women: 30, 28, 27, 25, 24 → 30, 30, 25, 25, 25
    assert counts(f, "all", "all") == [30, 30, 25, 25, 25]


def test_star_rounding_suppresses_small_counts() -> None:
    f = funnel(RECORDS, "star")
    assert counts(f, COC, "BAME") == [10, 10, "*", "*", "*"]
    bame = f.group(COC, "BAME")
    offered = bame.stage("offered").from_previous
    assert offered is not None and offered.proportion == 1.0  # 8 of 10 → 10 of 10
    accepted = bame.stage("accepted").from_previous
    assert accepted == Conversion("*", 10, None, None, None)


def test_a_stage_nobody_reached_has_no_proportion_after_it() -> None:
    f = funnel(women("eligible", 3, (COC, "Other")))
    other = f.group(COC, "Other")
    assert [s.count for s in other.stages] == [3, 0, 0, 0, 0]
    assert other.stage("offered").from_previous == Conversion(
        0, 3, 0.0, 0.0, pytest.approx(0.5614970317, abs=1e-9)
    )
    assert other.stage("accepted").from_previous == Conversion(0, 0, None, None, None)


def test_no_records_gives_an_empty_total() -> None:
    f = funnel([])
    assert [(g.breakdown, g.group) for g in f.groups] == [("all", "all")]
    assert counts(f, "all", "all") == [0] * 5


@given(
    st.lists(
        st.tuples(st.sampled_from(STAGES), st.sampled_from(["A", "B", "C"])),
        max_size=120,
    ),
    st.sampled_from(["none", "msds", "star"]),
)
def test_funnel_properties(people: list[tuple[str, str]], rounding: str) -> None:
    records = [FunnelRecord(stage, (("g", group),)) for stage, group in people]  # type: ignore[arg-type]
    f = funnel(records, rounding)  # type: ignore[arg-type]
    raw = funnel(records)
    for g, r in zip(f.groups, raw.groups, strict=True):
        raw_counts = [int(s.count) for s in r.stages]
        assert raw_counts == sorted(raw_counts, reverse=True)
        for s, rs in zip(g.stages, r.stages, strict=True):
            assert isinstance(rs.count, int)
            if rounding == "msds":
                assert s.count == round_count_msds(rs.count)
            for c in (s.from_previous, s.from_eligible):
                if c is None or c.proportion is None:
                    continue
                assert c.low is not None and c.high is not None
                assert 0.0 <= c.low <= c.proportion <= c.high <= 1.0
    total = [s.count for s in raw.group("all", "all").stages]
    per_group = [sum(int(g.stage(stage).count) for g in raw.groups[1:]) for stage in STAGES]
    assert total == per_group


# -- bad input and the JSON form -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("records", "rounding", "message"),
    [
        ([FunnelRecord("booked")], "none", "records[0].stage: must be one of eligible, offered"),  # type: ignore[arg-type]
        ([FunnelRecord("placed", (("all", "x"),))], "none", "records[0].groups[0]: 'all' is kept"),
        (
            [FunnelRecord("placed", ((COC, "BAME"), (COC, "White")))],
            "none",
            "records[0].groups[1]: 'ethnicity_coc' appears twice for one woman",
        ),
        (
            [FunnelRecord("placed", ((COC, ""),))],
            "none",
            "records[0].groups[0]: must be a (breakdown",
        ),
        ([], "round", "rounding: must be msds, star or none"),
    ],
)
def test_bad_input_is_refused(records: list[FunnelRecord], rounding: str, message: str) -> None:
    with pytest.raises(FunnelInputError) as caught:
        funnel(records, rounding)  # type: ignore[arg-type]
    assert str(caught.value).startswith(message)


def test_json_form() -> None:
    raw = {
        "rounding": "msds",
        "records": [
            {"stage": "receiving", "groups": {COC: "BAME", Q: "1"}},
            *[{"stage": "offered", "groups": {COC: "White"}}] * 9,
        ],
    }
    answer = funnel_to_dict(funnel_from_json(json.dumps(raw)))
    json.dumps(answer, allow_nan=False)
    assert answer["rounding"] == "msds" and answer["z"] == Z95
    total = answer["groups"][0]
    assert (total["breakdown"], total["group"]) == ("all", "all")
    # all: 10, 10, 1, 1, 1 → 10, 10, 5, 5, 5
    assert [s["count"] for s in total["stages"]] == [10, 10, 5, 5, 5]
    accepted = total["stages"][2]
    assert accepted["from_previous"] == {
        "numerator": 5,
        "denominator": 10,
        "proportion": 0.5,
        "low": pytest.approx(0.2365930905, abs=1e-9),
        "high": pytest.approx(0.7634069095, abs=1e-9),
    }
    assert total["stages"][0]["from_previous"] is None
    assert [(g["breakdown"], g["group"]) for g in answer["groups"]] == [
        ("all", "all"),
        (COC, "BAME"),
        (COC, "White"),
        (Q, "1"),
    ]
    assert math.isclose(answer["groups"][2]["stages"][1]["from_previous"]["proportion"], 1.0)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("[]", "must be an object"),
        ('{"rounding": "none"}', "records: is required"),
        ('{"records": [{"stage": "x"}]}', "records[0].stage: must be one of"),
        ('{"records": [{}]}', "records[0].stage: is required"),
        (
            '{"records": [{"stage": "placed", "groups": {"imd": 3}}]}',
            "records[0].groups.imd: must be",
        ),
        ('{"records": [{"stage": "placed", "group": {}}]}', "records[0].group: is not a field"),
        ('{"records": [], "rounding": "stars"}', "rounding: must be msds, star or none"),
        ("{nope", "not valid JSON"),
    ],
)
def test_json_errors(raw: str, message: str) -> None:
    with pytest.raises(FunnelInputError) as caught:
        funnel_from_json(raw)
    assert str(caught.value).startswith(message)


def test_from_dict_defaults_to_no_rounding() -> None:
    f = funnel_from_dict({"records": [{"stage": "eligible"}]})
    assert f.rounding == "none" and counts(f, "all", "all") == [1, 0, 0, 0, 0]
