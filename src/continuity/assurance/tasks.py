"""Background work for assurance: recompute the measures snapshot (`continuity worker` runs it;
`continuity compute_measures` does the same from cron)."""

from __future__ import annotations

from django_tasks import task

from continuity.accounts.models import User
from continuity.assurance import compute


@task()
def refresh_measures(user_id: int | None = None) -> int:
    by = User.objects.filter(pk=user_id).first() if user_id is not None else None
    return compute.refresh(by=by).pk
