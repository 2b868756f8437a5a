"""ORM rows to cover-engine inputs.

Engine ids are professional ids for midwives, team local ids for teams and pregnancy primary
keys for women: no names or NHS numbers, so a rota file can be shared for support.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.db.models import Q

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


def open_assignments(teams: Iterable[Team]) -> list[Assignment]:
    """The current assignment of every active pregnancy in these teams."""
    return list(
        Assignment.objects.filter(
            team__in=list(teams),
            ends_at__isnull=True,
            pregnancy__status__in=Pregnancy.ACTIVE_STATUSES,
        )
        .select_related("team", "named_midwife", "buddy", "pregnancy__woman")
        .order_by("pregnancy_id")
    )


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
    lookback: timedelta = LOOKBACK,
    extra_entries: Sequence[RotaEntry] = (),
    extra_arrangements: Sequence[CoverArrangement] = (),
) -> engine.Rota:
    """The approved rota of these teams' midwives (and anyone covering them) over the window.

    `extra_*` are unsaved rows to try out — a leave request as if approved, say — so a preview
    answers with the same engine as the real thing.
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
    people = {pk for a in assignments for pk in (a.named_midwife_id, a.buddy_id) if pk is not None}
    if people:
        wanted |= Q(pk__in=people)
    midwives = list(Midwife.objects.filter(wanted).select_related("user", "team"))
    by_pk = {m.pk: m for m in midwives}
    rows = list(
        RotaEntry.objects.live()
        .filter(
            midwife_id__in=by_pk,
            status=RotaEntry.Status.APPROVED,
            starts_at__lt=end,
            ends_at__gt=start - lookback,
        )
        .order_by("starts_at", "pk")
    )
    for row in [*rows, *extra_entries]:
        row.midwife = by_pk[row.midwife_id]
    for arr in arrangements:
        arr.covering = by_pk.get(arr.covering_id, arr.covering)
        arr.covered = by_pk.get(arr.covered_id, arr.covered)
    every_team = {m.team_id: m.team for m in midwives} | {t.pk: t for t in teams}
    return engine.Rota(
        teams=tuple(engine_team(t) for t in every_team.values()),
        midwives=tuple(engine_midwife(m) for m in midwives),
        entries=tuple(engine_entry(r) for r in [*rows, *extra_entries]),
        arrangements=tuple(engine_arrangement(a) for a in arrangements),
    )
