"""A midwife's rota as an iCalendar file (RFC 5545), to open in her own calendar.

Only her own shifts, on-call, time away and call-outs: no women's details ever go in it.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from icalendar import Calendar, Event

from continuity.workforce.models import Midwife, RotaEntry

PAST = timedelta(days=31)
FUTURE = timedelta(days=366)


def rota_calendar(midwife: Midwife) -> bytes:
    now = timezone.now()
    cal = Calendar()
    cal.add("prodid", "-//Continuity//Rota//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"Rota – {midwife.name}")
    rows = (
        RotaEntry.objects.live()
        .filter(
            midwife=midwife,
            status__in=(RotaEntry.Status.APPROVED, RotaEntry.Status.REQUESTED),
            ends_at__gt=now - PAST,
            starts_at__lt=now + FUTURE,
        )
        .order_by("starts_at", "pk")
    )
    for row in rows:
        event = Event()
        event.add("uid", f"rota-{row.pk}-{midwife.professional_id}@continuity")
        summary = str(row.get_kind_display())
        if row.status == RotaEntry.Status.REQUESTED:
            summary += " (requested)"
        event.add("summary", summary)
        event.add("dtstart", row.starts_at)  # stored in UTC; calendars show local time
        event.add("dtend", row.ends_at)
        event.add("dtstamp", now)
        event.add("sequence", row.version)
        event.add("status", "CONFIRMED" if row.status == RotaEntry.Status.APPROVED else "TENTATIVE")
        event.add("transp", "TRANSPARENT" if row.kind in RotaEntry.DUTY_KINDS else "OPAQUE")
        cal.add_component(event)
    return bytes(cal.to_ical())
