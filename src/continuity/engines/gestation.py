"""Gestational age, counted in days, exactly as the domain definition says.

GA on date d = GA at booking + (d - booking date); without a booking GA, GA = 280 - (EDD - d).
All thresholds are inclusive day counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

TERM_DAYS = 280
MAX_BOOKING_GA_DAYS = 300

# Named thresholds (inclusive): 17+0, 24+0, 29+0, 35+0, 37+0.
GA_17_0 = 119
GA_24_0 = 167
GA_29_0 = 203
GA_35_0 = 245
GA_37_0 = 259


@dataclass(frozen=True, slots=True)
class Dating:
    booking_date: date
    edd: date
    ga_at_booking_days: int | None = None


def ga_days(dating: Dating, on: date) -> int:
    """Gestational age in whole days on the given date."""
    if dating.ga_at_booking_days is not None:
        return dating.ga_at_booking_days + (on - dating.booking_date).days
    return TERM_DAYS - (dating.edd - on).days


def date_reaching(dating: Dating, days: int) -> date:
    """The date on which gestational age reaches `days`."""
    if dating.ga_at_booking_days is not None:
        return dating.booking_date + timedelta(days=days - dating.ga_at_booking_days)
    return dating.edd - timedelta(days=TERM_DAYS - days)


def edd_from_booking(booking_date: date, ga_at_booking_days: int) -> date:
    return booking_date + timedelta(days=TERM_DAYS - ga_at_booking_days)


def weeks_and_days(days: int) -> tuple[int, int]:
    """29+0 weeks is 203 days; negative ages are not meaningful and are refused."""
    if days < 0:
        raise ValueError("gestational age cannot be negative")
    return divmod(days, 7)


def format_weeks_days(days: int) -> str:
    weeks, rem = weeks_and_days(days)
    return f"{weeks}+{rem}"


class DatingError(ValueError):
    """Impossible dating, with a message a person can act on."""


def check_dating(
    booking_date: date, edd: date, ga_at_booking_days: int | None
) -> list[tuple[str, str]]:
    """Return (field, message) pairs for impossible dating; empty when consistent."""
    problems: list[tuple[str, str]] = []
    if edd <= booking_date:
        problems.append(("edd", "Estimated due date must be after the booking date"))
    if ga_at_booking_days is not None and not 0 <= ga_at_booking_days <= MAX_BOOKING_GA_DAYS:
        problems.append(
            ("ga_at_booking_days", "Gestational age at booking must be between 0 and 300 days")
        )
    implied = TERM_DAYS - (edd - booking_date).days
    if not problems and not 0 <= implied <= MAX_BOOKING_GA_DAYS:
        problems.append(
            ("edd", "Estimated due date gives a gestational age at booking outside 0 to 300 days")
        )
    return problems
