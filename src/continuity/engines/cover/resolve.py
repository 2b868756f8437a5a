"""Who answers for a woman at any instant: named midwife, cover, buddy, team on-call, triage.

Each midwife's rota is folded once into a step function of time (`Index`): at every instant she
is available, or unavailable for one reason (not employed, sickness, leave, study, resting after
a night call-out, off duty). A woman's answer is the first available link of her chain:

    named midwife -> cover arrangement(s) for the named midwife -> buddy -> team on-call -> triage

Everything is exact on the half-open intervals of the rota, in whole seconds of UTC. `timeline`
gives the answer as segments; `gaps` finds the intervals where a 24/7 team's women fall through
to triage; `grid` answers a whole population on a regular grid of instants with numpy.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from continuity.engines.cover.model import (
    ABSENCE_KINDS,
    DUTY_KINDS,
    Attempt,
    CoverInputError,
    Gap,
    Kind,
    Resolution,
    Rota,
    Segment,
    Step,
    Team,
    Unavailable,
    Woman,
)

_FAR_PAST = -(2**62)
# When two absences overlap, the one shown is the most serious.
_ABSENCE_ORDER = (Unavailable.SICKNESS, Unavailable.LEAVE, Unavailable.STUDY, Unavailable.RESTING)
_ABSENCE_REASON = {
    Kind.SICKNESS: Unavailable.SICKNESS,
    Kind.LEAVE: Unavailable.LEAVE,
    Kind.STUDY: Unavailable.STUDY,
}
STEP_CODES: tuple[Step, ...] = tuple(Step)  # the grid stores a step as its index here


def _secs(at: datetime) -> int:
    if at.tzinfo is None or at.utcoffset() is None:
        raise CoverInputError("", f"{at.isoformat()} has no time zone")
    return int(at.timestamp())


def _instant(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def _local_midnight(day: date, tz: ZoneInfo) -> int:
    return int(datetime.combine(day, time(0), tzinfo=tz).timestamp())


def touches_night(start: int, end: int, tz: ZoneInfo, night_start: int, night_end: int) -> bool:
    """Whether [start, end) overlaps the legal night (local night_start:00 to night_end:00)."""
    first = _instant(start).astimezone(tz).date() - timedelta(days=1)
    last = _instant(end).astimezone(tz).date()
    day = first
    while day <= last:
        n0 = int(datetime.combine(day, time(night_start), tzinfo=tz).timestamp())
        n1 = int(datetime.combine(day + timedelta(days=1), time(night_end), tzinfo=tz).timestamp())
        if night_start < night_end:  # a "night" inside one calendar day, for odd policies
            n1 = int(datetime.combine(day, time(night_end), tzinfo=tz).timestamp())
        if start < n1 and n0 < end:
            return True
        day += timedelta(days=1)
    return False


@dataclass(frozen=True, slots=True)
class _Steps:
    """A step function of time: value[i] holds on [points[i], points[i+1])."""

    points: tuple[int, ...]
    values: tuple[object, ...]

    def at(self, t: int) -> object:
        return self.values[bisect_right(self.points, t) - 1]


def _fold(
    intervals: Iterable[tuple[int, int, object]], order: Sequence[object], default: object
) -> _Steps:
    """A step function from labelled intervals; where labels overlap, the earliest in `order`
    wins; where none applies, `default`."""
    events: dict[int, list[tuple[int, object]]] = defaultdict(list)
    for start, end, label in intervals:
        if end > start:
            events[start].append((1, label))
            events[end].append((-1, label))
    active: dict[object, int] = defaultdict(int)
    points: list[int] = [_FAR_PAST]
    values: list[object] = [default]
    for t in sorted(events):
        for delta, label in events[t]:
            active[label] += delta
        value = next((label for label in order if active[label] > 0), default)
        if value != values[-1]:
            points.append(t)
            values.append(value)
    return _Steps(tuple(points), tuple(values))


class Index:
    """A rota folded into step functions, ready for any number of questions."""

    def __init__(self, rota: Rota) -> None:
        self.rota = rota
        self.tz = ZoneInfo(rota.policy.timezone)
        self.teams = {t.id: t for t in rota.teams}
        self.midwives = {m.id: m for m in rota.midwives}
        policy = rota.policy
        rest = int(policy.rest_after_night_call_out_hours * 3600)
        labelled: dict[str, list[tuple[int, int, object]]] = defaultdict(list)
        team_calls: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        for n, entry in enumerate(rota.entries):
            if entry.midwife not in self.midwives:
                raise CoverInputError(f"entries[{n}].midwife", f"unknown midwife {entry.midwife!r}")
            start, end = _secs(entry.start), _secs(entry.end)
            if end <= start:
                raise CoverInputError(f"entries[{n}].end", "must be after its start")
            if entry.kind in DUTY_KINDS:
                labelled[entry.midwife].append((start, end, "duty"))
            if entry.kind in ABSENCE_KINDS:
                labelled[entry.midwife].append((start, end, _ABSENCE_REASON[entry.kind]))
            if entry.kind == Kind.CALL_OUT and touches_night(
                start, end, self.tz, policy.night_start_hour, policy.night_end_hour
            ):
                labelled[entry.midwife].append((end, end + rest, Unavailable.RESTING))
            if entry.kind == Kind.ON_CALL_TEAM:
                team = self.midwives[entry.midwife].team
                team_calls[team].append((start, end, entry.midwife))
        for m in rota.midwives:
            if m.start_date is not None:
                first = _local_midnight(m.start_date, self.tz)
                labelled[m.id].append((_FAR_PAST + 1, first, Unavailable.NOT_EMPLOYED))
            if m.end_date is not None:
                after = _local_midnight(m.end_date + timedelta(days=1), self.tz)
                labelled[m.id].append((after, 2**62, Unavailable.NOT_EMPLOYED))
        order: tuple[object, ...] = (Unavailable.NOT_EMPLOYED, *_ABSENCE_ORDER, "duty")
        self._status: dict[str, _Steps] = {
            m.id: _fold(labelled[m.id], order, Unavailable.OFF_DUTY) for m in rota.midwives
        }
        self._team_calls = dict(team_calls)
        self._team_on_call = {team: self._fold_team(calls) for team, calls in team_calls.items()}
        self._cover: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        for n, arr in enumerate(rota.arrangements):
            for field_name in ("covering", "covered"):
                if getattr(arr, field_name) not in self.midwives:
                    raise CoverInputError(
                        f"arrangements[{n}].{field_name}",
                        f"unknown midwife {getattr(arr, field_name)!r}",
                    )
            start, end = _secs(arr.start), _secs(arr.end)
            if end <= start:
                raise CoverInputError(f"arrangements[{n}].end", "must be after its start")
            self._cover[arr.covered].append((start, end, arr.covering))

    # -- one midwife ---------------------------------------------------------------------------

    def status(self, midwife: str, t: int) -> Unavailable | None:
        """None when she can answer at t; otherwise why not."""
        value = self._status[midwife].at(t)
        return None if value == "duty" else value  # type: ignore[return-value]

    def status_points(self, midwife: str) -> tuple[int, ...]:
        return self._status[midwife].points

    def _fold_team(self, calls: list[tuple[int, int, str]]) -> _Steps:
        """Who answers the team's on-call phone: of those on the team rota and available, the
        one whose shift began first (then by id)."""
        bounds = {t for s, e, _ in calls for t in (s, e)}
        for member in {c[2] for c in calls}:
            bounds.update(p for p in self._status[member].points if p != _FAR_PAST)
        points: list[int] = [_FAR_PAST]
        values: list[object] = [None]
        # One midwife's back-to-back entries (a night split at midnight) are one shift, so she
        # keeps her place against a colleague who began later.
        joined: list[tuple[int, int, str]] = []
        for s, e, m in sorted(calls, key=lambda c: (c[2], c[0])):
            if joined and joined[-1][2] == m and s <= joined[-1][1]:
                joined[-1] = (joined[-1][0], max(e, joined[-1][1]), m)
            else:
                joined.append((s, e, m))
        ordered = sorted(joined, key=lambda c: (c[0], c[2]))
        for t in sorted(bounds):
            who = next(
                (m for s, e, m in ordered if s <= t < e and self.status(m, t) is None),
                None,
            )
            if who != values[-1]:
                points.append(t)
                values.append(who)
        return _Steps(tuple(points), tuple(values))

    def team_on_call(self, team: str, t: int) -> str | None:
        steps = self._team_on_call.get(team)
        return None if steps is None else steps.at(t)  # type: ignore[return-value]

    def covering(self, named: str, t: int) -> list[str]:
        return [who for s, e, who in self._cover.get(named, ()) if s <= t < e]

    # -- one woman -----------------------------------------------------------------------------

    def chain(self, woman: Woman, t: int) -> tuple[Attempt, ...]:
        """Every link tried, in order, ending with the one that answers."""
        tried: list[Attempt] = []
        if woman.named is None:
            tried.append(Attempt(Step.NAMED, None, Unavailable.NONE_RECORDED))
        else:
            why = self.status(woman.named, t)
            tried.append(Attempt(Step.NAMED, woman.named, why))
            if why is None:
                return tuple(tried)
            for cover in self.covering(woman.named, t):
                why = self.status(cover, t)
                tried.append(Attempt(Step.COVER, cover, why))
                if why is None:
                    return tuple(tried)
        if woman.buddy is None:
            tried.append(Attempt(Step.BUDDY, None, Unavailable.NONE_RECORDED))
        else:
            why = self.status(woman.buddy, t)
            tried.append(Attempt(Step.BUDDY, woman.buddy, why))
            if why is None:
                return tuple(tried)
        who = self.team_on_call(woman.team, t)
        if who is not None:
            tried.append(Attempt(Step.TEAM_ON_CALL, who, None))
            return tuple(tried)
        rostered = sorted((s, m) for s, e, m in self._team_calls.get(woman.team, ()) if s <= t < e)
        if rostered:  # on the team rota but unable to answer (sick, resting, ...)
            member = rostered[0][1]
            tried.append(Attempt(Step.TEAM_ON_CALL, member, self.status(member, t)))
        else:
            tried.append(Attempt(Step.TEAM_ON_CALL, None, Unavailable.NONE_RECORDED))
        tried.append(Attempt(Step.TRIAGE, None, None))
        return tuple(tried)

    def answer(self, woman: Woman, t: int) -> tuple[Step, str | None]:
        """The chain's answer at t, without the record of what was tried."""
        if woman.named is not None:
            if self.status(woman.named, t) is None:
                return Step.NAMED, woman.named
            for cover in self.covering(woman.named, t):
                if self.status(cover, t) is None:
                    return Step.COVER, cover
        if woman.buddy is not None and self.status(woman.buddy, t) is None:
            return Step.BUDDY, woman.buddy
        who = self.team_on_call(woman.team, t)
        if who is not None:
            return Step.TEAM_ON_CALL, who
        return Step.TRIAGE, None

    def _boundaries(self, woman: Woman, start: int, end: int) -> list[int]:
        points: set[int] = {start}
        people = [m for m in (woman.named, woman.buddy) if m is not None]
        if woman.named is not None:
            for s, e, cover in self._cover.get(woman.named, ()):
                if s < end and start < e:
                    points.update((s, e))
                    people.append(cover)
        for m in people:
            points.update(self._status[m].points)
        steps = self._team_on_call.get(woman.team)
        if steps is not None:
            points.update(steps.points)
        return sorted(p for p in points if start <= p < end)

    def timeline(self, woman: Woman, start: datetime, end: datetime) -> tuple[Segment, ...]:
        """The answers for a woman over [start, end), as maximal segments."""
        s, e = _secs(start), _secs(end)
        if e <= s:
            raise CoverInputError("end", "must be after start")
        gap_team = self._team(woman.team).promise_24_7
        out: list[tuple[int, int, Step, str | None]] = []
        points = self._boundaries(woman, s, e)
        for n, t in enumerate(points):
            step, who = self.answer(woman, t)
            t_end = points[n + 1] if n + 1 < len(points) else e
            if out and out[-1][2] == step and out[-1][3] == who:
                out[-1] = (out[-1][0], t_end, step, who)
            else:
                out.append((t, t_end, step, who))
        return tuple(
            Segment(_instant(a), _instant(b), step, who, gap_team and step == Step.TRIAGE)
            for a, b, step, who in out
        )

    def resolve(self, woman: Woman, at: datetime, horizon: timedelta | None = None) -> Resolution:
        """Who is responsible for her at `at`; `until` is when that changes (within `horizon`,
        default 14 days)."""
        t = _secs(at)
        tried = self.chain(woman, t)
        last = tried[-1]
        horizon = timedelta(days=14) if horizon is None else horizon
        segments = self.timeline(woman, at, at + horizon)
        until = segments[0].end if len(segments) > 1 else None
        return Resolution(
            woman=woman.id,
            at=at,
            step=last.step,
            midwife=last.midwife,
            gap=last.step == Step.TRIAGE and self._team(woman.team).promise_24_7,
            chain=tried,
            until=until,
        )

    def _team(self, team_id: str) -> Team:
        team = self.teams.get(team_id)
        if team is None:
            raise CoverInputError("team", f"unknown team {team_id!r}")
        return team

    # -- many women ----------------------------------------------------------------------------

    def gaps(self, women: Sequence[Woman], start: datetime, end: datetime) -> tuple[Gap, ...]:
        """Every interval in [start, end) in which a 24/7 team has nobody on duty, or some of its
        women fall through to triage, with the women affected. Women sharing a named midwife,
        buddy and team share an answer, so each combination is worked out once."""
        s, e = _secs(start), _secs(end)
        if e <= s:
            raise CoverInputError("end", "must be after start")
        by_key: dict[tuple[str, str | None, str | None], list[str]] = defaultdict(list)
        for woman in women:
            if self._team(woman.team).promise_24_7:
                by_key[(woman.team, woman.named, woman.buddy)].append(woman.id)
        # Per team: events of women entering (+) and leaving (-) a gap.
        events: dict[str, dict[int, list[tuple[int, tuple[str, ...]]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for (team, named, buddy), ids in by_key.items():
            probe = Woman("", team, named, buddy)
            for seg in self.timeline(probe, start, end):
                if seg.gap:
                    a, b = _secs(seg.start), _secs(seg.end)
                    events[team][a].append((1, tuple(ids)))
                    events[team][b].append((-1, tuple(ids)))
        for each in self.teams.values():
            if each.promise_24_7:
                for a, b in self._team_uncovered(each.id, s, e):
                    events[each.id][a].append((1, ()))
                    events[each.id][b].append((-1, ()))
        out: list[Gap] = []
        for team_id, team_events in events.items():
            out.extend(self._sweep_gaps(team_id, team_events, e))
        return tuple(sorted(out, key=lambda g: (g.start, g.team)))

    def _team_uncovered(self, team: str, s: int, e: int) -> list[tuple[int, int]]:
        members = [m.id for m in self.rota.midwives if m.team == team]
        points = sorted({s} | {p for m in members for p in self._status[m].points if s <= p < e})
        out: list[tuple[int, int]] = []
        for n, t in enumerate(points):
            if any(self.status(m, t) is None for m in members):
                continue
            t_end = points[n + 1] if n + 1 < len(points) else e
            if out and out[-1][1] == t:
                out[-1] = (out[-1][0], t_end)
            else:
                out.append((t, t_end))
        return out

    @staticmethod
    def _sweep_gaps(
        team: str, events: dict[int, list[tuple[int, tuple[str, ...]]]], end: int
    ) -> list[Gap]:
        affected: dict[str, int] = defaultdict(int)
        uncovered = 0
        out: list[Gap] = []
        open_at: int | None = None
        state: tuple[tuple[str, ...], bool] = ((), False)
        for t in sorted(events):
            for delta, ids in events[t]:
                if not ids:
                    uncovered += delta
                for w in ids:
                    affected[w] += delta
            new = (tuple(sorted(w for w, c in affected.items() if c > 0)), uncovered > 0)
            if new == state:
                continue
            if open_at is not None and (state[0] or state[1]) and t > open_at:
                out.append(Gap(team, _instant(open_at), _instant(t), state[0], state[1]))
            state, open_at = new, t
        if open_at is not None and (state[0] or state[1]) and end > open_at:
            out.append(Gap(team, _instant(open_at), _instant(end), state[0], state[1]))
        return out

    def grid(self, women: Sequence[Woman], start: datetime, step: timedelta, count: int) -> Grid:
        """The answer for every woman at every instant start + k*step (k < count)."""
        if count < 1:
            raise CoverInputError("count", "must be at least 1")
        if step <= timedelta(0):
            raise CoverInputError("step", "must be positive")
        ids = [m.id for m in self.rota.midwives]
        number = {m: n for n, m in enumerate(ids)}
        times = _secs(start) + np.arange(count, dtype=np.int64) * int(step.total_seconds())

        def lookup(steps: _Steps) -> npt.NDArray[np.intp]:
            return np.searchsorted(np.asarray(steps.points, dtype=np.int64), times, "right") - 1

        free = {
            m: np.asarray([v == "duty" for v in self._status[m].values], dtype=bool)[
                lookup(self._status[m])
            ]
            for m in ids
        }
        team_who: dict[str, npt.NDArray[np.int32]] = {}
        for team, steps in self._team_on_call.items():
            codes = np.asarray([-1 if v is None else number[str(v)] for v in steps.values])
            team_who[team] = codes.astype(np.int32)[lookup(steps)]
        none = np.full(count, -1, dtype=np.int32)
        cover_who: dict[str, npt.NDArray[np.int32]] = {}
        for covered, arrangements in self._cover.items():
            who = none.copy()
            for s, e, covering in reversed(arrangements):  # the first listed wins
                on = (times >= s) & (times < e) & free[covering]
                who[on] = number[covering]
            cover_who[covered] = who
        dtype = np.int16 if len(ids) < 2**15 else np.int32
        keys: dict[tuple[str, str | None, str | None], int] = {}
        rows_who: list[npt.NDArray[np.int32]] = []
        rows_step: list[npt.NDArray[np.uint8]] = []
        code = {s: np.uint8(n) for n, s in enumerate(STEP_CODES)}
        of_woman = np.empty(len(women), dtype=np.int32)
        for n, woman in enumerate(women):
            key = (woman.team, woman.named, woman.buddy)
            row = keys.get(key)
            if row is None:
                self._team(woman.team)
                who = team_who.get(woman.team, none).copy()
                st = np.where(who >= 0, code[Step.TEAM_ON_CALL], code[Step.TRIAGE]).astype(np.uint8)
                if woman.buddy is not None:
                    on = free[woman.buddy]
                    who[on] = number[woman.buddy]
                    st[on] = code[Step.BUDDY]
                if woman.named is not None:
                    cov = cover_who.get(woman.named)
                    if cov is not None:
                        on = cov >= 0
                        who[on] = cov[on]
                        st[on] = code[Step.COVER]
                    on = free[woman.named]
                    who[on] = number[woman.named]
                    st[on] = code[Step.NAMED]
                row = keys[key] = len(rows_who)
                rows_who.append(who)
                rows_step.append(st)
            of_woman[n] = row
        who_table: npt.NDArray[np.signedinteger[npt.NBitBase]] = (
            np.stack(rows_who).astype(dtype) if rows_who else np.empty((0, count), dtype)
        )
        step_table = np.stack(rows_step) if rows_step else np.empty((0, count), np.uint8)
        return Grid(
            start=start,
            step=step,
            women=tuple(w.id for w in women),
            midwives=tuple(ids),
            who=who_table[of_woman],
            steps=step_table[of_woman],
        )


@dataclass(frozen=True)
class Grid:
    """`who[i, k]` is the index into `midwives` of woman i's responsible midwife at instant k
    (-1: the triage line); `steps[i, k]` indexes STEP_CODES."""

    start: datetime
    step: timedelta
    women: tuple[str, ...]
    midwives: tuple[str, ...]
    who: npt.NDArray[np.signedinteger[npt.NBitBase]]
    steps: npt.NDArray[np.uint8]

    def at(self, woman: int, k: int) -> tuple[Step, str | None]:
        code = int(self.who[woman, k])
        return STEP_CODES[int(self.steps[woman, k])], None if code < 0 else self.midwives[code]


def resolve(rota: Rota, woman: Woman, at: datetime) -> Resolution:
    """Convenience for one question; build an `Index` to ask many."""
    return Index(rota).resolve(woman, at)


def gaps(rota: Rota, women: Sequence[Woman], start: datetime, end: datetime) -> tuple[Gap, ...]:
    return Index(rota).gaps(women, start, end)
