"""Reads for visits: a midwife's day, a woman's own visits, a team's week. Scoped as everywhere:
a midwife sees the visits she is doing; a woman sees her own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.http import Http404
from django.utils import timezone

from continuity.cover.clock import day_bounds
from continuity.engines.geo import Point, TravelModel, distance_km
from continuity.pregnancies.models import Contact, Pregnancy, Woman
from continuity.pregnancies.queries import visible_pregnancies
from continuity.visits.models import MoveRequest
from continuity.workforce.models import Midwife


@dataclass
class Stop:
    contact: Contact
    travel_minutes: float | None  # from the previous stop (or her base), None if not known
    distance_km: float | None


@dataclass
class Day:
    day: date
    stops: list[Stop]
    start: Point | None  # her base
    total_travel: float


def _point(lat: float | None, lon: float | None) -> Point | None:
    return Point(lat, lon) if lat is not None and lon is not None else None


def my_day(midwife: Midwife, day: date) -> Day:
    """Her visits on a day in time order, with the drive between them."""
    start, end = day_bounds(day, day)
    contacts = list(
        Contact.objects.live()
        .filter(
            activities__midwife=midwife,
            scheduled_start__gte=start,
            scheduled_start__lt=end,
            cancelled_at__isnull=True,
        )
        .select_related("pregnancy__woman")
        .prefetch_related("activities__midwife__user")
        .order_by("scheduled_start", "pk")
    )
    travel = TravelModel()
    base = _point(midwife.base_lat, midwife.base_lon)
    here = base
    stops: list[Stop] = []
    total = 0.0
    for contact in contacts:
        woman = contact.pregnancy.woman
        there = _point(woman.lat, woman.lon) if contact.location == Contact.Location.HOME else None
        minutes = distance = None
        if here is not None and there is not None:
            minutes = travel.minutes(here, there)
            distance = distance_km(here, there) * travel.circuity
            total += minutes
        stops.append(Stop(contact, minutes, distance))
        here = there or here
    return Day(day, stops, base, total)


def my_contact(midwife: Midwife, pk: int) -> Contact:
    """A visit she is down to do; 404 otherwise."""
    contact = (
        Contact.objects.live()
        .filter(pk=pk, activities__midwife=midwife)
        .select_related("pregnancy__woman", "team")
        .first()
    )
    if contact is None:
        raise Http404
    return contact  # type: ignore[no-any-return]


def her_pregnancy(user: Any) -> Pregnancy:
    woman = Woman.objects.filter(user=user).first()
    pregnancy = woman.latest_pregnancy() if woman else None
    if pregnancy is None:
        raise Http404
    return pregnancy  # type: ignore[no-any-return]


def her_upcoming(pregnancy: Pregnancy, now: datetime | None = None) -> list[Contact]:
    now = now or timezone.now()
    return list(
        pregnancy.contacts.live()
        .filter(scheduled_start__gte=now, cancelled_at__isnull=True, attendance="0")
        .prefetch_related("activities__midwife__user", "move_requests")
        .order_by("scheduled_start")
    )


def her_contact(pregnancy: Pregnancy, pk: int) -> Contact:
    contact = (
        pregnancy.contacts.live()
        .filter(
            pk=pk, scheduled_start__gte=timezone.now(), attendance="0", cancelled_at__isnull=True
        )
        .first()
    )
    if contact is None:
        raise Http404
    return contact  # type: ignore[no-any-return]


def open_requests(user: Any, team: Any) -> list[MoveRequest]:
    return list(
        MoveRequest.objects.filter(
            status=MoveRequest.Status.OPEN,
            contact__pregnancy__in=visible_pregnancies(user),
            contact__team=team,
        )
        .select_related("contact__pregnancy__woman")
        .order_by("asked_at")
    )
