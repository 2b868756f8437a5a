"""The cover engine: worked examples of the chain, clock changes, and properties on random rotas.

Pure: no Django. The property tests hold `Index` to a straightforward scan of the raw entries
(`reference_answer`) as well as to its own promises (one answer, tiling timelines, grid = answer,
gaps found wherever a 24/7 team's woman falls through to triage).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from continuity.engines.cover.model import (
    DUTY_KINDS,
    Arrangement,
    Entry,
    Kind,
    Midwife,
    Rota,
    Step,
    Team,
    Unavailable,
    Woman,
)
from continuity.engines.cover.resolve import Index

LONDON = ZoneInfo("Europe/London")


def local(y: int, m: int, d: int, hour: int = 0, minute: int = 0, *, fold: int = 0) -> datetime:
    return datetime(y, m, d, hour, minute, tzinfo=LONDON, fold=fold)


def secs(at: datetime) -> int:
    return int(at.timestamp())


def entry(who: str, kind: Kind, start: datetime, end: datetime) -> Entry:
    return Entry(who, kind, start, end)


TEAMS = (Team("T1", promise_24_7=True), Team("T2", promise_24_7=False))
MIDWIVES = (
    Midwife("N", "T1"),  # named
    Midwife("B", "T1"),  # buddy
    Midwife("C", "T1"),  # covers N's leave
    Midwife("O", "T1"),  # team on call
    Midwife("X", "T2"),
)
W1 = Woman("W1", "T1", named="N", buddy="B")
W2 = Woman("W2", "T2", named="X")
DAY = date(2026, 6, 2)  # a Tuesday, far from any clock change


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def rota(
    *entries: Entry,
    arrangements: Sequence[Arrangement] = (),
    midwives: tuple[Midwife, ...] = MIDWIVES,
) -> Rota:
    return Rota(TEAMS, midwives, tuple(entries), tuple(arrangements))


# -- the chain, link by link ---------------------------------------------------------------------


def test_named_midwife_on_duty_answers() -> None:
    index = Index(rota(entry("N", Kind.WORK, at(9), at(17)), entry("B", Kind.WORK, at(9), at(17))))
    r = index.resolve(W1, at(10))
    assert (r.step, r.midwife, r.gap) == (Step.NAMED, "N", False)
    assert [(a.step, a.midwife, a.unavailable) for a in r.chain] == [(Step.NAMED, "N", None)]


def test_named_on_leave_with_an_arrangement_goes_to_the_cover() -> None:
    leave = (at(0), at(0) + timedelta(days=5))
    index = Index(
        rota(
            entry("N", Kind.WORK, at(9), at(17)),  # rostered, but the leave wins
            entry("N", Kind.LEAVE, *leave),
            entry("C", Kind.WORK, at(9), at(17)),
            entry("B", Kind.WORK, at(9), at(17)),
            arrangements=[Arrangement("C", "N", *leave)],
        )
    )
    r = index.resolve(W1, at(10))
    assert (r.step, r.midwife) == (Step.COVER, "C")
    assert [(a.step, a.midwife, a.unavailable) for a in r.chain] == [
        (Step.NAMED, "N", Unavailable.LEAVE),
        (Step.COVER, "C", None),
    ]


def test_arrangements_are_tried_in_the_order_listed_then_the_buddy() -> None:
    span = (at(0), at(23))
    index = Index(
        rota(
            entry("C", Kind.WORK, at(9), at(13)),
            entry("O", Kind.WORK, at(9), at(17)),
            entry("B", Kind.WORK, at(9), at(20)),
            arrangements=[Arrangement("C", "N", *span), Arrangement("O", "N", *span)],
        )
    )
    assert index.answer(W1, secs(at(10))) == (Step.COVER, "C")
    assert index.answer(W1, secs(at(14))) == (Step.COVER, "O")
    assert index.answer(W1, secs(at(18))) == (Step.BUDDY, "B")


def test_named_off_duty_goes_to_the_buddy() -> None:
    index = Index(
        rota(entry("N", Kind.WORK, at(9), at(17)), entry("B", Kind.ON_CALL_OWN, at(17), at(23)))
    )
    r = index.resolve(W1, at(18))
    assert (r.step, r.midwife) == (Step.BUDDY, "B")
    assert r.chain[0].unavailable == Unavailable.OFF_DUTY


def test_both_off_goes_to_the_team_on_call() -> None:
    index = Index(rota(entry("O", Kind.ON_CALL_TEAM, at(17), at(9) + timedelta(days=1))))
    r = index.resolve(W1, at(22))
    assert (r.step, r.midwife, r.gap) == (Step.TEAM_ON_CALL, "O", False)
    assert [a.step for a in r.chain] == [Step.NAMED, Step.BUDDY, Step.TEAM_ON_CALL]


def test_nobody_goes_to_triage_a_gap_only_for_a_24_7_team() -> None:
    index = Index(rota(entry("X", Kind.WORK, at(9), at(17))))
    continuity = index.resolve(W1, at(3))
    traditional = index.resolve(W2, at(3))
    assert (continuity.step, continuity.midwife, continuity.gap) == (Step.TRIAGE, None, True)
    assert (traditional.step, traditional.midwife, traditional.gap) == (Step.TRIAGE, None, False)
    assert continuity.chain[-1].step == Step.TRIAGE
    assert all(a.unavailable is not None for a in continuity.chain[:-1])


def test_a_night_call_out_takes_her_off_the_chain_for_the_rest_after_it() -> None:
    tomorrow = DAY + timedelta(days=1)
    index = Index(
        rota(
            entry("N", Kind.ON_CALL_OWN, at(17), at(9, day=tomorrow)),
            entry("N", Kind.CALL_OUT, at(1, day=tomorrow), at(4, day=tomorrow)),
            entry("N", Kind.WORK, at(9, day=tomorrow), at(17, day=tomorrow)),
            entry("B", Kind.WORK, at(9, day=tomorrow), at(17, day=tomorrow)),
        )
    )
    assert index.answer(W1, secs(at(2, day=tomorrow))) == (Step.NAMED, "N")  # at the birth
    r = index.resolve(W1, at(10, day=tomorrow))
    assert (r.step, r.midwife) == (Step.BUDDY, "B")
    assert r.chain[0].unavailable == Unavailable.RESTING
    assert r.until == at(15, day=tomorrow)  # 11 h after the call-out ended at 04:00
    assert index.answer(W1, secs(at(15, day=tomorrow))) == (Step.NAMED, "N")


def test_an_evening_call_out_that_misses_the_night_gives_no_rest() -> None:
    tomorrow = DAY + timedelta(days=1)
    index = Index(
        rota(
            entry("N", Kind.ON_CALL_OWN, at(17), at(9, day=tomorrow)),
            entry("N", Kind.CALL_OUT, at(19), at(23)),  # ends as the night begins
            entry("N", Kind.WORK, at(9, day=tomorrow), at(17, day=tomorrow)),
        )
    )
    assert index.answer(W1, secs(at(10, day=tomorrow))) == (Step.NAMED, "N")


def test_a_midwife_who_has_left_is_not_employed() -> None:
    leaver = replace(MIDWIVES[0], end_date=DAY - timedelta(days=1))
    starter = replace(MIDWIVES[1], start_date=DAY + timedelta(days=1))
    index = Index(
        rota(
            entry("N", Kind.WORK, at(9), at(17)),
            entry("B", Kind.WORK, at(9), at(17)),
            midwives=(leaver, starter, *MIDWIVES[2:]),
        )
    )
    r = index.resolve(W1, at(10))
    assert [(a.step, a.unavailable) for a in r.chain[:2]] == [
        (Step.NAMED, Unavailable.NOT_EMPLOYED),
        (Step.BUDDY, Unavailable.NOT_EMPLOYED),
    ]
    assert (r.step, r.gap) == (Step.TRIAGE, True)
    # Her last day is hers to the end of it, local time.
    assert index.status("N", secs(at(23, 59, day=DAY - timedelta(days=1)))) != (
        Unavailable.NOT_EMPLOYED
    )


def test_sickness_wins_over_duty() -> None:
    index = Index(
        rota(
            entry("N", Kind.WORK, at(9), at(17)),
            entry("N", Kind.SICKNESS, at(12), at(23)),
            entry("B", Kind.WORK, at(9), at(17)),
        )
    )
    assert index.answer(W1, secs(at(11))) == (Step.NAMED, "N")
    assert index.chain(W1, secs(at(13)))[0].unavailable == Unavailable.SICKNESS
    assert index.answer(W1, secs(at(13))) == (Step.BUDDY, "B")


def test_until_is_when_the_answer_changes() -> None:
    index = Index(
        rota(
            entry("N", Kind.WORK, at(9), at(13)),
            entry("N", Kind.WORK, at(13), at(17)),  # same answer across the join
            entry("B", Kind.WORK, at(9), at(20)),
        )
    )
    assert index.resolve(W1, at(10)).until == at(17)
    assert index.resolve(W1, at(17)).until == at(20)
    quiet = index.resolve(W1, at(21), horizon=timedelta(hours=6))
    assert quiet.step == Step.TRIAGE and quiet.until is None


def test_team_on_call_answers_with_whoever_began_first() -> None:
    tomorrow = DAY + timedelta(days=1)
    index = Index(
        rota(
            entry("C", Kind.ON_CALL_TEAM, at(20), at(9, day=tomorrow)),
            entry("O", Kind.ON_CALL_TEAM, at(17), at(8, day=tomorrow)),
            entry("O", Kind.SICKNESS, at(2, day=tomorrow), at(9, day=tomorrow)),
        )
    )
    assert index.answer(W1, secs(at(18))) == (Step.TEAM_ON_CALL, "O")
    assert index.answer(W1, secs(at(23))) == (Step.TEAM_ON_CALL, "O")
    assert index.answer(W1, secs(at(3, day=tomorrow))) == (Step.TEAM_ON_CALL, "C")


# -- clock changes and midnight ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("saturday", "night_hours"),
    [
        (date(2026, 10, 24), 15),  # autumn: 01:00-02:00 happens twice
        (date(2026, 3, 28), 13),  # spring: 01:00-02:00 does not happen
    ],
)
def test_on_call_across_a_clock_change(saturday: date, night_hours: int) -> None:
    sunday = saturday + timedelta(days=1)
    index = Index(
        rota(
            entry("N", Kind.ON_CALL_OWN, at(19, day=saturday), at(9, day=sunday)),
            entry("B", Kind.WORK, at(9, day=sunday), at(17, day=sunday)),
        )
    )
    for fold in (0, 1):
        when = local(sunday.year, sunday.month, sunday.day, 1, 30, fold=fold)
        assert index.resolve(W1, when).midwife == "N", fold
    for hour in (0, 2, 8):
        assert index.answer(W1, secs(at(hour, 30, day=sunday))) == (Step.NAMED, "N")
    assert index.resolve(W1, at(9, 30, day=sunday)).midwife == "B"
    night = index.timeline(W1, at(12, day=saturday), at(12, day=sunday))[1]
    assert (night.step, night.midwife) == (Step.NAMED, "N")
    assert night.end - night.start == timedelta(hours=night_hours)


def test_a_twelve_hour_night_shift_in_october_is_thirteen_hours_long() -> None:
    index = Index(rota(entry("N", Kind.WORK, local(2026, 10, 24, 20), local(2026, 10, 25, 8))))
    (shift,) = [
        s for s in index.timeline(W1, local(2026, 10, 24), local(2026, 10, 26)) if s.midwife
    ]
    assert shift.end - shift.start == timedelta(hours=13)


def test_no_hole_at_midnight_between_an_entry_ending_and_the_next_starting() -> None:
    tomorrow = DAY + timedelta(days=1)
    index = Index(
        rota(
            entry("N", Kind.ON_CALL_OWN, at(17), at(0, day=tomorrow)),
            entry("N", Kind.ON_CALL_OWN, at(0, day=tomorrow), at(9, day=tomorrow)),
        )
    )
    assert index.answer(W1, secs(at(0, day=tomorrow))) == (Step.NAMED, "N")
    assert index.answer(W1, secs(at(0, day=tomorrow)) - 1) == (Step.NAMED, "N")
    named = [s for s in index.timeline(W1, at(12), at(12, day=tomorrow)) if s.step == Step.NAMED]
    assert [(s.start, s.end) for s in named] == [(at(17), at(9, day=tomorrow))]
    assert not index.gaps([W1], at(17), at(9, day=tomorrow))


def test_team_on_call_split_at_midnight_keeps_its_place() -> None:
    tomorrow = DAY + timedelta(days=1)
    index = Index(
        rota(
            entry("O", Kind.ON_CALL_TEAM, at(17), at(0, day=tomorrow)),
            entry("O", Kind.ON_CALL_TEAM, at(0, day=tomorrow), at(9, day=tomorrow)),
            entry("C", Kind.ON_CALL_TEAM, at(20), at(9, day=tomorrow)),
        )
    )
    assert index.answer(W1, secs(at(1, day=tomorrow))) == (Step.TEAM_ON_CALL, "O")


def test_gaps_name_the_women_and_the_uncovered_team() -> None:
    index = Index(rota(entry("B", Kind.WORK, at(9), at(17)), entry("X", Kind.WORK, at(9), at(17))))
    found = index.gaps([W1, W2], at(6), at(20))
    assert [(g.team, g.start, g.end, g.women, g.team_uncovered) for g in found] == [
        ("T1", at(6), at(9), ("W1",), True),
        ("T1", at(17), at(20), ("W1",), True),
    ]


# -- properties on random rotas -----------------------------------------------------------------

STARTS = (date(2026, 10, 24), date(2026, 3, 28), date(2026, 6, 10))
WINDOW = 3 * 24 * 3600
FIVE = 300


@st.composite
def rotas(draw: st.DrawFn) -> tuple[Rota, tuple[Woman, ...], int]:
    first = draw(st.sampled_from(STARTS))
    t0 = secs(local(first.year, first.month, first.day))
    n_teams = draw(st.integers(1, 2))
    teams = tuple(Team(f"T{k}", promise_24_7=k == 0 or draw(st.booleans())) for k in range(n_teams))
    n_mid = draw(st.integers(3, 6))
    days = [first + timedelta(days=d) for d in range(-1, 4)]
    midwives = tuple(
        Midwife(
            f"M{k}",
            f"T{draw(st.integers(0, n_teams - 1))}",
            start_date=draw(st.none() | st.sampled_from(days)) if k % 3 == 0 else None,
            end_date=draw(st.none() | st.sampled_from(days)) if k % 3 == 1 else None,
        )
        for k in range(n_mid)
    )
    ids = [m.id for m in midwives]

    def span() -> tuple[datetime, datetime]:
        # Whole minutes; a third of them on the 15-minute grid, so instants land on boundaries.
        step = draw(st.sampled_from((1, 15, 15)))
        start = draw(st.integers(-12 * 60, 72 * 60)) // step * step
        length = max(step, draw(st.integers(1, 20 * 60)) // step * step)
        a = t0 + start * 60
        return datetime.fromtimestamp(a, UTC), datetime.fromtimestamp(a + length * 60, UTC)

    kinds = st.sampled_from(
        [
            *(Kind.WORK, Kind.WORK, Kind.ON_CALL_OWN, Kind.ON_CALL_OWN),
            *(Kind.ON_CALL_TEAM, Kind.CALL_OUT, Kind.LEAVE, Kind.SICKNESS, Kind.STUDY),
        ]
    )
    entries = [
        Entry(draw(st.sampled_from(ids)), draw(kinds), *span())
        for _ in range(draw(st.integers(0, 24)))
    ]
    # Some team on-call shifts carry on in a second entry (a night split at midnight).
    for e in list(entries):
        if e.kind == Kind.ON_CALL_TEAM and draw(st.booleans()):
            more = timedelta(minutes=draw(st.integers(1, 12 * 60)))
            entries.append(Entry(e.midwife, Kind.ON_CALL_TEAM, e.end, e.end + more))
    arrangements = []
    for _ in range(draw(st.integers(0, 3))):
        covering, covered = draw(st.permutations(ids))[:2]
        arrangements.append(Arrangement(covering, covered, *span()))
    women = []
    for k in range(draw(st.integers(1, 6))):
        named = draw(st.none() | st.sampled_from(ids))
        buddy = draw(st.none() | st.sampled_from([m for m in ids if m != named]))
        women.append(Woman(f"W{k}", f"T{draw(st.integers(0, n_teams - 1))}", named, buddy))
    return Rota(teams, midwives, tuple(entries), tuple(arrangements)), tuple(women), t0


def _night(t: int) -> bool:
    hour = datetime.fromtimestamp(t, LONDON).hour
    return hour >= 23 or hour < 6


def reference_status(rota: Rota, who: str, t: int) -> Unavailable | None:
    """Her status at t by scanning the raw entries: no folding, no bisection."""
    m = next(m for m in rota.midwives if m.id == who)
    if m.start_date is not None and t < secs(
        local(m.start_date.year, m.start_date.month, m.start_date.day)
    ):
        return Unavailable.NOT_EMPLOYED
    if m.end_date is not None:
        after = m.end_date + timedelta(days=1)
        if t >= secs(local(after.year, after.month, after.day)):
            return Unavailable.NOT_EMPLOYED
    mine = [e for e in rota.entries if e.midwife == who]
    here = {e.kind for e in mine if secs(e.start) <= t < secs(e.end)}
    for kind, why in (
        (Kind.SICKNESS, Unavailable.SICKNESS),
        (Kind.LEAVE, Unavailable.LEAVE),
        (Kind.STUDY, Unavailable.STUDY),
    ):
        if kind in here:
            return why
    for e in mine:
        s, end = secs(e.start), secs(e.end)
        if (
            e.kind == Kind.CALL_OUT
            and end <= t < end + 11 * 3600
            and any(_night(x) for x in range(s, end, 60))
        ):
            return Unavailable.RESTING
    return None if here & DUTY_KINDS else Unavailable.OFF_DUTY


def _team_shifts(rota: Rota, team: str) -> list[tuple[int, int, str]]:
    shifts: list[tuple[int, int, str]] = []
    for m in (m.id for m in rota.midwives if m.team == team):
        spans = sorted(
            (secs(e.start), secs(e.end))
            for e in rota.entries
            if e.midwife == m and e.kind == Kind.ON_CALL_TEAM
        )
        for s, e in spans:
            if shifts and shifts[-1][2] == m and s <= shifts[-1][1]:
                shifts[-1] = (shifts[-1][0], max(e, shifts[-1][1]), m)
            else:
                shifts.append((s, e, m))
    return shifts


def reference_answer(rota: Rota, woman: Woman, t: int) -> tuple[Step, str | None]:
    def free(who: str) -> bool:
        return reference_status(rota, who, t) is None

    if woman.named is not None:
        if free(woman.named):
            return Step.NAMED, woman.named
        for a in rota.arrangements:
            if a.covered == woman.named and secs(a.start) <= t < secs(a.end) and free(a.covering):
                return Step.COVER, a.covering
    if woman.buddy is not None and free(woman.buddy):
        return Step.BUDDY, woman.buddy
    # Her place on the team rota is the start of her shift: back-to-back or overlapping
    # team on-call entries of one midwife are one shift.
    on_call = sorted((s, m) for s, e, m in _team_shifts(rota, woman.team) if s <= t < e and free(m))
    if on_call:
        return Step.TEAM_ON_CALL, on_call[0][1]
    return Step.TRIAGE, None


def instants(t0: int) -> range:
    return range(t0, t0 + WINDOW, FIVE)


PROPERTY = settings(max_examples=50, deadline=None)


@PROPERTY
@given(rotas())
def test_one_answer_at_every_instant_and_the_chain_ends_with_it(
    case: tuple[Rota, tuple[Woman, ...], int],
) -> None:
    rota_, women, t0 = case
    index = Index(rota_)
    for woman in women:
        for t in instants(t0):
            step, who = index.answer(woman, t)
            assert (step == Step.TRIAGE) == (who is None)
            chain = index.chain(woman, t)
            assert (chain[-1].step, chain[-1].midwife, chain[-1].unavailable) == (step, who, None)
            assert all(a.unavailable is not None for a in chain[:-1])
            if step != Step.TRIAGE:
                assert who is not None and index.status(who, t) is None


@PROPERTY
@given(rotas())
def test_the_index_agrees_with_a_scan_of_the_raw_entries(
    case: tuple[Rota, tuple[Woman, ...], int],
) -> None:
    rota_, women, t0 = case
    index = Index(rota_)
    probes = [Woman(f"probe-{t.id}", t.id) for t in rota_.teams]  # straight to the team rota
    for woman in (*women, *probes):
        for t in range(t0, t0 + WINDOW, 4 * FIVE + 60):  # every 21 minutes
            assert index.answer(woman, t) == reference_answer(rota_, woman, t), (woman, t)


@PROPERTY
@given(rotas(), st.randoms(use_true_random=False))
def test_timeline_tiles_the_window_and_holds_the_answer(
    case: tuple[Rota, tuple[Woman, ...], int], rng: random.Random
) -> None:
    rota_, women, t0 = case
    index = Index(rota_)
    start, end = datetime.fromtimestamp(t0, UTC), datetime.fromtimestamp(t0 + WINDOW, UTC)
    for woman in women:
        segments = index.timeline(woman, start, end)
        assert segments[0].start == start and segments[-1].end == end
        for a, b in itertools.pairwise(segments):
            assert a.end == b.start
            assert (a.step, a.midwife) != (b.step, b.midwife)  # maximal
        for seg in segments:
            s, e = secs(seg.start), secs(seg.end)
            assert s < e
            for t in {s, e - 1, *(rng.randrange(s, e) for _ in range(3))}:
                assert index.answer(woman, t) == (seg.step, seg.midwife)
            team = next(x for x in rota_.teams if x.id == woman.team)
            assert seg.gap == (team.promise_24_7 and seg.step == Step.TRIAGE)


@PROPERTY
@given(rotas())
def test_grid_equals_answer_at_every_slot(case: tuple[Rota, tuple[Woman, ...], int]) -> None:
    rota_, women, t0 = case
    index = Index(rota_)
    count = WINDOW // FIVE
    grid = index.grid(women, datetime.fromtimestamp(t0, UTC), timedelta(seconds=FIVE), count)
    assert grid.who.shape == grid.steps.shape == (len(women), count)
    for i, woman in enumerate(women):
        for k in range(count):
            assert grid.at(i, k) == index.answer(woman, t0 + k * FIVE)


def _gaps_are_exact(rota_: Rota, women: Sequence[Woman], t0: int) -> None:
    index = Index(rota_)
    start, end = datetime.fromtimestamp(t0, UTC), datetime.fromtimestamp(t0 + WINDOW, UTC)
    found = index.gaps(women, start, end)
    promise = {t.id: t.promise_24_7 for t in rota_.teams}
    for team in promise:
        mine = sorted((g for g in found if g.team == team), key=lambda g: g.start)
        for a, b in itertools.pairwise(mine):
            assert a.end <= b.start  # no overlap within a team
    for g in found:
        assert promise[g.team] and start <= g.start < g.end <= end
        s, e = secs(g.start), secs(g.end)
        members = [m.id for m in rota_.midwives if m.team == g.team]
        for t in [s, *range(s - (s - t0) % FIVE + FIVE, e, FIVE)]:
            for woman in women:
                if woman.team == g.team:
                    triage = index.answer(woman, t)[0] == Step.TRIAGE
                    assert triage == (woman.id in g.women), (woman, t, g)
            uncovered = all(index.status(m, t) is not None for m in members)
            assert uncovered == g.team_uncovered
    for team, promised in promise.items():
        members = [m.id for m in rota_.midwives if m.team == team]
        for t in instants(t0) if promised else ():
            if all(index.status(m, t) is not None for m in members):
                assert any(
                    g.team == team and secs(g.start) <= t < secs(g.end) and g.team_uncovered
                    for g in found
                ), (team, t)
    for woman in women:
        if not promise[woman.team]:
            continue
        for t in instants(t0):
            if index.answer(woman, t)[0] == Step.TRIAGE:
                assert any(
                    g.team == woman.team
                    and secs(g.start) <= t < secs(g.end)
                    and woman.id in g.women
                    for g in found
                ), (woman, t)


@PROPERTY
@given(rotas())
def test_gaps_hold_exactly_the_women_who_fall_through_to_triage(
    case: tuple[Rota, tuple[Woman, ...], int],
) -> None:
    _gaps_are_exact(*case)


@PROPERTY
@given(rotas(), st.data())
def test_leave_with_cover_to_the_buddy_never_hides_a_hole(
    case: tuple[Rota, tuple[Woman, ...], int], data: st.DataObject
) -> None:
    rota_, women, t0 = case
    paired = [w for w in women if w.named is not None and w.buddy is not None]
    if not paired:
        return
    woman = data.draw(st.sampled_from(paired))
    assert woman.named is not None and woman.buddy is not None
    a = t0 + data.draw(st.integers(-24, 71)) * 3600
    b = a + data.draw(st.integers(1, 72)) * 3600
    leave = (datetime.fromtimestamp(a, UTC), datetime.fromtimestamp(b, UTC))
    with_leave = replace(
        rota_,
        entries=(*rota_.entries, Entry(woman.named, Kind.LEAVE, *leave)),
        arrangements=(*rota_.arrangements, Arrangement(woman.buddy, woman.named, *leave)),
    )
    _gaps_are_exact(with_leave, women, t0)
    index = Index(with_leave)
    for t in range(max(a, t0), min(b, t0 + WINDOW), FIVE):
        for w in women:
            if w.named == woman.named:
                assert index.answer(w, t)[0] != Step.NAMED


@st.composite
def team_rotas(draw: st.DrawFn) -> tuple[Rota, int]:
    """One team with only a team on-call rota: shifts, some stored split in two, and absences."""
    t0 = secs(local(2026, 10, 24))
    ids = [f"M{k}" for k in range(draw(st.integers(2, 4)))]
    quarter = 15 * 60
    entries: list[Entry] = []
    for m in ids:
        for _ in range(draw(st.integers(1, 3))):
            a = t0 + draw(st.integers(0, 60 * 4)) * quarter
            b = a + draw(st.integers(4, 16 * 4)) * quarter
            cuts = sorted({a, b, *draw(st.lists(st.integers(a + 1, b - 1), max_size=2))})
            for s, e in itertools.pairwise(cuts):
                entries.append(Entry(m, Kind.ON_CALL_TEAM, datetime.fromtimestamp(s, UTC),
                                     datetime.fromtimestamp(e, UTC)))  # fmt: skip
        if draw(st.booleans()):
            a = t0 + draw(st.integers(0, 70 * 4)) * quarter
            b = a + draw(st.integers(1, 12 * 4)) * quarter
            kind = draw(st.sampled_from([Kind.SICKNESS, Kind.CALL_OUT]))
            entries.append(Entry(m, kind, datetime.fromtimestamp(a, UTC),
                                 datetime.fromtimestamp(b, UTC)))  # fmt: skip
    rota_ = Rota((Team("T"),), tuple(Midwife(m, "T") for m in ids), tuple(entries))
    return rota_, t0


@PROPERTY
@given(team_rotas())
def test_team_on_call_goes_to_whoever_began_her_shift_first(case: tuple[Rota, int]) -> None:
    rota_, t0 = case
    index = Index(rota_)
    probe = Woman("W", "T")
    for t in range(t0, t0 + WINDOW, FIVE):
        assert index.answer(probe, t) == reference_answer(rota_, probe, t), t


def test_a_sick_team_on_call_midwife_is_named_in_the_chain_with_why() -> None:
    index = Index(
        rota(
            entry("O", Kind.ON_CALL_TEAM, at(17), at(23)),
            entry("O", Kind.SICKNESS, at(0), at(0, day=DAY + timedelta(days=1))),
        )
    )
    tried = index.chain(W1, secs(at(20)))
    assert [(a.step, a.midwife, a.unavailable) for a in tried[-2:]] == [
        (Step.TEAM_ON_CALL, "O", Unavailable.SICKNESS),
        (Step.TRIAGE, None, None),
    ]
    # With nobody on the team rota at all, the link says none was recorded.
    assert index.chain(W1, secs(at(12)))[-2].unavailable == Unavailable.NONE_RECORDED
