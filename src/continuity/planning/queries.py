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
    """The mean of each of `keys` for each scenario, read inside the JSON by the database (the
    stored answers, with every replication, are not loaded for a list)."""
    lookups = {key: f"result__metrics__{key}__mean" for key in keys}
    rows = Scenario.objects.filter(pk__in=ids).values("pk", *lookups.values())
    return {
        row["pk"]: {
            key: None if row[lookup] is None else float(row[lookup])
            for key, lookup in lookups.items()
        }
        for row in rows
    }
