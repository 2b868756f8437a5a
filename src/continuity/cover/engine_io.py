"""ORM rows to cover-engine inputs.

Engine ids are professional ids for midwives, team local ids for teams and pregnancy primary
keys for women: no names or NHS numbers, so a rota file can be shared for support.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet

from continuity.engines.cover import model as engine
from continuity.organisations.models import Team
from continuity.pregnancies.models import Assignment, Pregnancy
from continuity.workforce.models import CoverArrangement, Midwife, RotaEntry

# A call-out the day before the window still decides who is resting at its start.
LOOKBACK = timedelta(days=2)


def engine_team(team: Team) -> engine.Team:
    site = team.home_site
    return engine.Team(
        id=team.local_id,
        name=team.name,
        promise_24_7=team.care_model == Team.Model.CONTINUITY,
        triage_phone=site.triage_phone if site else "",
    )


def engine_midwife(mw: Midwife) -> engine.Midwife:
    return engine.Midwife(
        id=mw.professional_id,
        team=mw.team.local_id,
        name=mw.name,
        phone=mw.phone,
        start_date=mw.start_date,
        end_date=mw.end_date,
        opted_out_48h=mw.opted_out_48h,
    )


def engine_entry(entry: RotaEntry) -> engine.Entry:
    return engine.Entry(
        midwife=entry.midwife.professional_id,
        kind=engine.Kind(entry.kind),
        start=entry.starts_at,
        end=entry.ends_at,
    )


def engine_arrangement(arr: CoverArrangement) -> engine.Arrangement:
    return engine.Arrangement(
        covering=arr.covering.professional_id,
        covered=arr.covered.professional_id,
        start=arr.starts_at,
        end=arr.ends_at,
    )


def _open(teams: Iterable[Team]) -> QuerySet[Assignment]:
    return Assignment.objects.filter(
        team__in=list(teams),
        ends_at__isnull=True,
        pregnancy__status__in=Pregnancy.ACTIVE_STATUSES,
    ).order_by("pregnancy_id")


def open_assignments(teams: Iterable[Team]) -> list[Assignment]:
    """The current assignment of every active pregnancy in these teams."""
    return list(_open(teams).select_related("team", "named_midwife", "buddy", "pregnancy__woman"))


def open_women(teams: Iterable[Team]) -> tuple[list[engine.Woman], set[int]]:
    """What the engine needs of `open_assignments`, read as plain values rather than rows: each
    woman as `engine_woman` gives her, and the midwives (primary keys) named or buddy on any of
    them, for `rota_for(people=...)`."""
    women: list[engine.Woman] = []
    people: set[int] = set()
    for pregnancy, team, named_pk, named, buddy_pk, buddy in _open(teams).values_list(
        "pregnancy_id",
        "team__local_id",
        "named_midwife_id",
        "named_midwife__professional_id",
        "buddy_id",
        "buddy__professional_id",
    ):
        women.append(engine.Woman(id=str(pregnancy), team=team, named=named, buddy=buddy))
        people.update(pk for pk in (named_pk, buddy_pk) if pk is not None)
    return women, people


def engine_woman(assignment: Assignment) -> engine.Woman:
    return engine.Woman(
        id=str(assignment.pregnancy_id),
        team=assignment.team.local_id,
        named=assignment.named_midwife.professional_id if assignment.named_midwife else None,
        buddy=assignment.buddy.professional_id if assignment.buddy else None,
    )


def rota_for(
    teams: Sequence[Team],
    start: datetime,
    end: datetime,
    *,
    assignments: Sequence[Assignment] = (),
    people: Iterable[int] = (),
    lookback: timedelta = LOOKBACK,
    extra_entries: Sequence[RotaEntry] = (),
    extra_arrangements: Sequence[CoverArrangement] = (),
) -> engine.Rota:
    """The approved rota of these teams' midwives (and anyone covering them) over the window.

    `extra_*` are unsaved rows to try out — a leave request as if approved, say — so a preview
    answers with the same engine as the real thing. `people` are more midwives to include (by
    primary key), as `open_women` gives them, like the named and buddy midwives of `assignments`.
    """
    team_ids = [t.pk for t in teams]
    arrangements = [
        *CoverArrangement.objects.live()
        .filter(starts_at__lt=end, ends_at__gt=start - lookback)
        .filter(Q(covered__team_id__in=team_ids) | Q(covering__team_id__in=team_ids))
        .select_related("covering", "covered"),
        *extra_arrangements,
    ]
    wanted = Q(team_id__in=team_ids) | Q(
        pk__in={a.covering_id for a in arrangements} | {a.covered_id for a in arrangements}
    )
    named = {pk for a in assignments for pk in (a.named_midwife_id, a.buddy_id) if pk is not None}
    named.update(people)
    if named:
        wanted |= Q(pk__in=named)
    midwives = list(Midwife.objects.filter(wanted).select_related("user", "team"))
    by_pk = {m.pk: m for m in midwives}
    # Only what `engine_entry` reads, as plain values: a month's rows are many.
    rows = [
        engine.Entry(midwife=by_pk[midwife].professional_id, kind=engine.Kind(kind), start=s, end=e)
        for midwife, kind, s, e in RotaEntry.objects.live()
        .filter(
            midwife_id__in=by_pk,
            status=RotaEntry.Status.APPROVED,
            starts_at__lt=end,
            ends_at__gt=start - lookback,
        )
        .order_by("starts_at", "pk")
        .values_list("midwife_id", "kind", "starts_at", "ends_at")
    ]
    for row in extra_entries:
        row.midwife = by_pk[row.midwife_id]
    for arr in arrangements:
        arr.covering = by_pk.get(arr.covering_id, arr.covering)
        arr.covered = by_pk.get(arr.covered_id, arr.covered)
    every_team = {m.team_id: m.team for m in midwives} | {t.pk: t for t in teams}
    return engine.Rota(
        teams=tuple(engine_team(t) for t in every_team.values()),
        midwives=tuple(engine_midwife(m) for m in midwives),
        entries=(*rows, *(engine_entry(r) for r in extra_entries)),
        arrangements=tuple(engine_arrangement(a) for a in arrangements),
    )
