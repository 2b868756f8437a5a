"""Reads for planning. Scenarios hold assumptions and results only, so every planner in the trust
sees every scenario (they are shared work); the pages still ask for the planning activity."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import QuerySet
from django.http import Http404

from continuity.planning.models import Scenario

MAX_COMPARED = 4


def scenarios() -> QuerySet[Scenario]:
    return Scenario.objects.select_related("created_by").defer("result")


def scenario(pk: int) -> Scenario:
    found = Scenario.objects.select_related("created_by").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def compared(ids: Sequence[str]) -> list[Scenario]:
    """Finished simulation scenarios among `ids`, in the order asked, at most MAX_COMPARED."""
    # ASCII digits, at most 9: "²" passes isdigit() but not int(), and a longer id overflows.
    wanted = [int(i) for i in ids if i.isascii() and i.isdigit() and len(i) <= 9][:MAX_COMPARED]
    found = {
        s.pk: s
        for s in Scenario.objects.filter(
            pk__in=wanted, kind=Scenario.Kind.SIMULATE, status=Scenario.Status.DONE
        )
    }
    return [found[i] for i in dict.fromkeys(wanted) if i in found]


def headlines(ids: Sequence[int], keys: Sequence[str]) -> dict[int, dict[str, float | None]]:
    """For each scenario, the midwives and the mean of each of `keys` in what it answers: a
    simulation's own result, or the workforce a search found (all None if it found none). Read
    inside the JSON by the database: the stored answers, with every replication, are not loaded
    for a list."""
    own = {key: f"result__metrics__{key}__mean" for key in keys}
    searched = {key: f"result__result__metrics__{key}__mean" for key in keys}
    rows = Scenario.objects.filter(pk__in=ids).values(
        "pk",
        "kind",
        "parameters__teams",
        "parameters__midwives_per_team",
        "result__found",
        "result__midwives",
        *own.values(),
        *searched.values(),
    )
    out: dict[int, dict[str, float | None]] = {}
    for row in rows:
        if row["kind"] == Scenario.Kind.SOLVE:
            lookups = searched if row["result__found"] is True else {}
            midwives = row["result__midwives"] if lookups else None
        else:
            lookups = own
            teams, per_team = row["parameters__teams"], row["parameters__midwives_per_team"]
            midwives = None if teams is None or per_team is None else teams * per_team
        out[row["pk"]] = {
            "midwives": None if midwives is None else float(midwives),
            **{
                key: None
                if key not in lookups or row[lookups[key]] is None
                else float(row[lookups[key]])
                for key in keys
            },
        }
    return out
