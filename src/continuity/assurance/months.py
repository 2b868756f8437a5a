"""Calendar months, the unit every measure is reported in: 'YYYY-MM' text, first days, shifts
and the month's span as local instants."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone


def first_of(text: str) -> date:
    """'2026-10' → 1 October 2026 (ValueError for anything else)."""
    year, month = text.split("-")
    if len(year) != 4 or len(month) != 2:
        raise ValueError(text)
    return date(int(year), int(month), 1)


def text_of(first: date) -> str:
    return f"{first:%Y-%m}"


def shift(first: date, months: int) -> date:
    """The first day of the month `months` after (negative: before) this one."""
    y, m = divmod(first.year * 12 + first.month - 1 + months, 12)
    return date(y, m + 1, 1)


def shift_text(text: str, months: int) -> str:
    return text_of(shift(first_of(text), months))


def last_day(first: date) -> date:
    return shift(first, 1) - timedelta(days=1)


def span(text: str) -> tuple[datetime, datetime]:
    """The month as [start, end) instants in local time."""
    first = first_of(text)
    start = timezone.make_aware(datetime.combine(first, time.min))
    return start, timezone.make_aware(datetime.combine(shift(first, 1), time.min))
