"""Reads about midwives."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from continuity.workforce.models import Midwife


def own_midwife(user: Any) -> Midwife:
    """The signed-in user's midwife record; 404 for anyone who has none."""
    midwife = getattr(user, "midwife", None) if user.is_authenticated else None
    if midwife is None:
        raise Http404
    return midwife  # type: ignore[no-any-return]
