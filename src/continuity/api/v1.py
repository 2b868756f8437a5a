"""`/api/v1/`: the records behind the pages, scoped exactly like the pages.

Every endpoint asks for the same named activity as its page (403 otherwise) and reads through
the same scoped queries, so a record outside the caller's relationships is a 404. Every view of
a woman's data writes an access event. Writes need the record's ETag in `If-Match`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any, Literal
from uuid import UUID

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI, Query, Router, Schema
from pydantic import Field

from continuity.api import errors
from continuity.api.auth import AUTH
from continuity.api.errors import READ_ERRORS, WRITE_ERRORS, ApiError, ErrorBody
from continuity.api.etags import expected_version, set_etag
from continuity.api.paging import MAX_PAGE_SIZE, PageMeta, page_of
from continuity.api.schemas import (
    AssignmentOut,
    CarePlanOut,
    ConcernOut,
    ConcernsPage,
    ContactsPage,
    ImportReport,
    MeasuresOut,
    PregnanciesPage,
    PregnancyOut,
    ReferralOut,
    ReferralsPage,
    RotaPage,
    TransitionIn,
    WomanOut,
    WomenPage,
)
from continuity.assurance import compute, presenters
from continuity.concerns import queries as concern_queries
from continuity.core.audit import record_access, record_access_many
from continuity.core.identifiers import NhsNumberError, normalise_nhs_number
from continuity.core.models import AccessEvent
from continuity.core.permissions import can
from continuity.cover.queries import rota_teams
from continuity.pregnancies import actions
from continuity.pregnancies.imports import import_bookings
from continuity.pregnancies.models import Pregnancy, Woman
from continuity.pregnancies.queries import (
    current_assignment,
    relationship_basis,
    visible_pregnancies,
    visible_women,
    with_current_assignment,
)
from continuity.referrals import queries as referral_queries
from continuity.visits.models import WeekPlan
from continuity.workforce.models import CoverArrangement, Midwife, RotaEntry

api = NinjaAPI(
    title="Continuity API",
    version="1",
    description=(errors.__doc__ or "").strip(),
    urls_namespace="api-v1",
    auth=AUTH,
    docs_url=None,
)
errors.install(api)


class Paging(Schema):
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


def _require(request: HttpRequest, *activities: str) -> Any:
    """The caller, if their role may do this; and no query parameter the operation does not
    know (a misspelt filter must not silently return everything)."""
    user = request.user
    if not any(can(user, a) for a in activities):
        raise ApiError(403, errors.MESSAGES[403])
    _check_query(request)
    return user


@cache
def _query_names() -> dict[tuple[str, str], frozenset[str]]:
    """(METHOD, OpenAPI path) -> the query parameters it declares, read from the schema."""
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    found: dict[tuple[str, str], frozenset[str]] = {}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            names = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
            found[(method.upper(), path.rstrip("/"))] = frozenset(names)
    return found


def _check_query(request: HttpRequest) -> None:
    match = request.resolver_match
    if match is None:
        return
    path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", match.route).rstrip("/")
    allowed = _query_names().get((request.method or "GET", path))
    if allowed is None:
        return
    unknown = sorted(set(request.GET) - allowed)
    if unknown:
        raise ApiError(
            400,
            "Unknown query parameters.",
            [{"field": name, "message": "Not a parameter of this operation"} for name in unknown],
        )


def _listed(
    request: HttpRequest,
    user: Any,
    rows: Any,
    paging: Paging,
    serialise: Callable[[Any], dict[str, Any]],
    woman_id: Callable[[Any], int],
) -> dict[str, Any]:
    """A page of rows, with a LIST access event for each woman on it."""
    body, shown = page_of(request, rows, paging.page, paging.page_size, serialise)
    record_access_many(
        user=user,
        women_ids=sorted({woman_id(r) for r in shown}),
        action=AccessEvent.Action.LIST,
        request=request,
    )
    return body


def _one(
    request: HttpRequest,
    response: HttpResponse,
    user: Any,
    rows: Any,
    woman: Callable[[Any], Woman],
    basis: Callable[[Any], str] | None = None,
) -> Any:
    """The one row the scoped `rows` hold (else 404), with a VIEW access event and its ETag."""
    found = rows.first()
    if found is None:
        raise ApiError(404, errors.MESSAGES[404])
    why = basis(found) if basis is not None else ""
    record_access(user=user, woman=woman(found), basis=why, request=request)
    set_etag(response, found)
    return found


# -- serialisers --------------------------------------------------------------------------------


def _person(midwife: Midwife | None) -> dict[str, str] | None:
    if midwife is None:
        return None
    return {"professional_id": midwife.professional_id, "name": str(midwife.user)}


def woman_out(w: Woman) -> dict[str, Any]:
    return {
        "ref": w.ref,
        "nhs_number": w.nhs_number,
        "given_name": w.given_name,
        "family_name": w.family_name,
        "date_of_birth": w.date_of_birth,
        "postcode": w.postcode,
        "ethnic_category": w.ethnic_category,
        "preferred_language": w.preferred_language,
        "interpreter_needed": w.interpreter_needed,
        "imd_decile": w.imd_decile,
        "version": w.version,
    }


def pregnancy_out(p: Pregnancy) -> dict[str, Any]:
    current = current_assignment(p)
    return {
        "ref": p.ref,
        "woman": p.woman.ref,
        "booking_date": p.booking_date,
        "edd": p.edd,
        "status": p.status,
        "risk": p.risk,
        "planned_place_of_birth": p.planned_place_of_birth,
        "previous_live_births": p.previous_live_births,
        "team": current.team.local_id if current else None,
        "named_midwife": _person(current.named_midwife) if current else None,
        "buddy": _person(current.buddy) if current else None,
        "version": p.version,
    }


# -- women and pregnancies ----------------------------------------------------------------------

women = Router(tags=["women"])


@women.get("", response={200: WomenPage, **READ_ERRORS}, summary="Women you may see")
def list_women(request: HttpRequest, paging: Query[Paging]) -> Any:
    user = _require(request, "view_woman_record", "view_own_record")
    rows = visible_women(user).order_by("family_name", "given_name", "pk")
    return _listed(request, user, rows, paging, woman_out, lambda w: w.pk)


class FindWoman(Schema):
    nhs_number: str = Field(
        json_schema_extra={"format": "nhs-number"},
        description="10 digits with a valid check digit. Sent in the body, never in a URL.",
    )


@women.post(
    "/search",
    response={200: WomanOut, **READ_ERRORS, 422: ErrorBody},
    summary="Find a woman you may see by her NHS number",
)
def find_woman(request: HttpRequest, response: HttpResponse, body: FindWoman) -> Any:
    user = _require(request, "view_woman_record")
    try:
        number = normalise_nhs_number(body.nhs_number)
    except NhsNumberError as exc:
        raise ApiError(422, str(exc), [{"field": "nhs_number", "message": str(exc)}]) from None
    woman = visible_women(user).filter(nhs_number=number).first()
    if woman is None:
        raise ApiError(404, errors.MESSAGES[404])
    record_access(
        user=user,
        woman=woman,
        action=AccessEvent.Action.SEARCH,
        basis=_basis(user, woman),
        request=request,
    )
    set_etag(response, woman)
    return woman_out(woman)


@women.get("/{ref}", response={200: WomanOut, **READ_ERRORS}, summary="One woman")
def get_woman(request: HttpRequest, response: HttpResponse, ref: UUID) -> Any:
    user = _require(request, "view_woman_record", "view_own_record")
    rows = visible_women(user).filter(ref=ref)
    return woman_out(_one(request, response, user, rows, lambda w: w, lambda w: _basis(user, w)))


def _basis(user: Any, woman: Woman) -> str:
    latest = woman.latest_pregnancy()
    return (relationship_basis(user, latest) if latest else None) or ""


pregnancies = Router(tags=["pregnancies"])
PregnancyStatus = Literal[
    "booked", "antenatal", "postnatal", "discharged", "transferred_out", "ended"
]


def _pregnancy(request: HttpRequest, ref: UUID) -> Pregnancy:
    user = _require(request, "view_woman_record", "view_own_record")
    found = (
        with_current_assignment(visible_pregnancies(user).select_related("woman"))
        .filter(ref=ref)
        .first()
    )
    if found is None:
        raise ApiError(404, errors.MESSAGES[404])
    record_access(
        user=user,
        woman=found.woman,
        basis=relationship_basis(user, found) or "",
        request=request,
    )
    return found


@pregnancies.get("", response={200: PregnanciesPage, **READ_ERRORS}, summary="Pregnancies")
def list_pregnancies(
    request: HttpRequest, paging: Query[Paging], status: PregnancyStatus | None = None
) -> Any:
    user = _require(request, "view_woman_record", "view_own_record")
    rows = with_current_assignment(visible_pregnancies(user).select_related("woman"))
    if status:
        rows = rows.filter(status=status)
    return _listed(
        request, user, rows.order_by("edd", "pk"), paging, pregnancy_out, lambda p: p.woman_id
    )


@pregnancies.get("/{ref}", response={200: PregnancyOut, **READ_ERRORS}, summary="One pregnancy")
def get_pregnancy(request: HttpRequest, response: HttpResponse, ref: UUID) -> Any:
    pregnancy = _pregnancy(request, ref)
    set_etag(response, pregnancy)
    return pregnancy_out(pregnancy)


@pregnancies.post(
    "/{ref}/transition",
    response={200: PregnancyOut, **WRITE_ERRORS},
    summary="Move a pregnancy to its next stage (needs If-Match)",
)
def transition(request: HttpRequest, response: HttpResponse, ref: UUID, body: TransitionIn) -> Any:
    user = _require(request, "edit_plan")
    pregnancy = _pregnancy(request, ref)
    version = expected_version(request)
    if version != pregnancy.version:
        raise ApiError(412, "This pregnancy was changed by someone else. Read it again.")
    if body.to not in Pregnancy.TRANSITIONS[pregnancy.status]:
        raise ApiError(
            409,
            f"A {pregnancy.status} pregnancy cannot move to {body.to}.",
            [{"field": "to", "message": "Not allowed from the current status"}],
        )
    moved = actions.transition(
        by=user, pregnancy=pregnancy, to=body.to, reason=body.reason.strip(), version=version
    )
    moved = with_current_assignment(Pregnancy.objects.select_related("woman")).get(pk=moved.pk)
    set_etag(response, moved)
    return pregnancy_out(moved)


@pregnancies.get(
    "/{ref}/contacts",
    response={200: ContactsPage, **READ_ERRORS},
    summary="Her visits and contacts, planned and past",
)
def contacts(request: HttpRequest, ref: UUID, paging: Query[Paging]) -> Any:
    pregnancy = _pregnancy(request, ref)
    rows = (
        pregnancy.contacts.live()
        .prefetch_related("professionals")
        .order_by("scheduled_start", "pk")
    )
    return page_of(
        request,
        rows,
        paging.page,
        paging.page_size,
        lambda c: {
            "id": c.pk,
            "kind": c.kind,
            "scheduled_start": c.scheduled_start,
            "actual_start": c.actual_start,
            "duration_minutes": c.duration_minutes,
            "location": c.location,
            "medium": c.medium,
            "attendance": c.attendance,
            "cancelled_at": c.cancelled_at,
            "professionals": sorted(m.professional_id for m in c.professionals.all()),
            "schedule_code": c.schedule_code,
            "version": c.version,
        },
    )[0]


@pregnancies.get(
    "/{ref}/care-plans",
    response={200: list[CarePlanOut], **READ_ERRORS},
    summary="Her care plan records (MSD102), voided ones marked",
)
def care_plans(request: HttpRequest, ref: UUID) -> Any:
    pregnancy = _pregnancy(request, ref)
    rows = pregnancy.care_plans.select_related("professional", "team").order_by("plan_date", "pk")
    return [
        {
            "id": r.pk,
            "plan_date": r.plan_date,
            "plan_type": r.plan_type,
            "coc_pathway": r.coc_pathway,
            "personalised_plan": r.personalised_plan,
            "professional": r.professional.professional_id if r.professional else None,
            "team": r.team.local_id if r.team else None,
            "voided": r.voided_at is not None,
        }
        for r in rows
    ]


@pregnancies.get(
    "/{ref}/allocation",
    response={200: list[AssignmentOut], **READ_ERRORS},
    summary="Her team, named midwife and buddy over time (the open row is the current one)",
)
def allocation(request: HttpRequest, ref: UUID) -> Any:
    pregnancy = _pregnancy(request, ref)
    rows = pregnancy.assignments.select_related(
        "team", "named_midwife__user", "buddy__user"
    ).order_by("starts_at", "pk")
    return [
        {
            "team": a.team.local_id,
            "named_midwife": _person(a.named_midwife),
            "buddy": _person(a.buddy),
            "starts_at": a.starts_at,
            "ends_at": a.ends_at,
            "reason": a.reason,
        }
        for a in rows
    ]


# -- referrals and concerns ---------------------------------------------------------------------

voice = Router(tags=["referrals and concerns"])


def referral_out(r: Any) -> dict[str, Any]:
    return {
        "id": r.pk,
        "pregnancy": r.pregnancy.ref,
        "service": r.service,
        "site": r.site.ods_code,
        "urgency": r.urgency,
        "status": r.status,
        "requested_at": r.requested_at,
        "appointment_at": r.appointment_at,
        "outcome_at": r.outcome_at,
        "version": r.version,
    }


@voice.get("/referrals", response={200: ReferralsPage, **READ_ERRORS}, summary="Referrals")
def list_referrals(request: HttpRequest, paging: Query[Paging]) -> Any:
    user = _require(request, "edit_plan")
    rows = referral_queries.visible(user).order_by("-requested_at", "pk")
    return _listed(request, user, rows, paging, referral_out, lambda r: r.pregnancy.woman_id)


@voice.get("/referrals/{pk}", response={200: ReferralOut, **READ_ERRORS}, summary="A referral")
def get_referral(request: HttpRequest, response: HttpResponse, pk: int) -> Any:
    user = _require(request, "edit_plan")
    rows = referral_queries.visible(user).filter(pk=pk)
    return referral_out(_one(request, response, user, rows, lambda r: r.pregnancy.woman))


def concern_out(c: Any) -> dict[str, Any]:
    return {
        "id": c.pk,
        "woman": c.woman.ref,
        "raised_for": c.raised_for,
        "summary": c.summary,
        "status": c.status,
        "theme": c.theme,
        "received_at": c.received_at,
        "acknowledge_by": c.acknowledge_by,
        "respond_by": c.respond_by,
        "acknowledged_at": c.acknowledged_at,
        "responded_at": c.responded_at,
        "version": c.version,
    }


@voice.get("/concerns", response={200: ConcernsPage, **READ_ERRORS}, summary="Concerns")
def list_concerns(request: HttpRequest, paging: Query[Paging]) -> Any:
    user = _require(request, "handle_concerns")
    rows = concern_queries.visible(user).order_by("-received_at", "pk")
    return _listed(request, user, rows, paging, concern_out, lambda c: c.woman_id)


@voice.get("/concerns/{pk}", response={200: ConcernOut, **READ_ERRORS}, summary="A concern")
def get_concern(request: HttpRequest, response: HttpResponse, pk: int) -> Any:
    user = _require(request, "handle_concerns")
    rows = concern_queries.visible(user).filter(pk=pk)
    return concern_out(_one(request, response, user, rows, lambda c: c.woman))


# -- rota ---------------------------------------------------------------------------------------

rota = Router(tags=["rota and cover"])


class RotaQuery(Paging):
    start: str | None = Field(
        None,
        pattern=r"^\d{4}-\d{2}-\d{2}$",
        json_schema_extra={"format": "date"},
        description="first day, YYYY-MM-DD (default today)",
    )
    days: int = Field(14, ge=1, le=92)


def _window(q: RotaQuery) -> tuple[datetime, datetime]:
    try:
        first = date.fromisoformat(q.start) if q.start else timezone.localdate()
    except ValueError:
        raise ApiError(
            400, "Check the query parameters.", [{"field": "start", "message": "Not a real date"}]
        ) from None
    start = timezone.make_aware(datetime.combine(first, time.min), timezone.get_current_timezone())
    return start, start + timedelta(days=q.days)


@rota.get("/rota", response={200: RotaPage, **READ_ERRORS}, summary="Rota entries of your teams")
def list_rota(request: HttpRequest, q: Query[RotaQuery]) -> Any:
    user = _require(request, "view_rota")
    start, end = _window(q)
    rows = (
        RotaEntry.objects.live()
        .filter(midwife__team__in=rota_teams(user), starts_at__lt=end, ends_at__gt=start)
        .select_related("midwife")
        .order_by("starts_at", "pk")
    )
    return page_of(
        request,
        rows,
        q.page,
        q.page_size,
        lambda e: {
            "id": e.pk,
            "midwife": e.midwife.professional_id,
            "kind": e.kind,
            "status": e.status,
            "starts_at": e.starts_at,
            "ends_at": e.ends_at,
        },
    )[0]


class CoverOut(Schema):
    id: int
    covering: str = Field(description="professional id of the midwife answering")
    covered: str = Field(description="professional id of the midwife away")
    starts_at: datetime
    ends_at: datetime
    reason: str


class CoverPage(PageMeta):
    items: list[CoverOut]


@rota.get(
    "/cover",
    response={200: CoverPage, **READ_ERRORS},
    summary="Cover arrangements of your teams (who answers for whose women, and when)",
)
def list_cover(request: HttpRequest, q: Query[RotaQuery]) -> Any:
    user = _require(request, "view_rota")
    start, end = _window(q)
    teams = rota_teams(user)
    rows = (
        CoverArrangement.objects.live()
        .filter(starts_at__lt=end, ends_at__gt=start)
        .filter(Q(covered__team__in=teams) | Q(covering__team__in=teams))
        .select_related("covering", "covered")
        .order_by("starts_at", "pk")
    )
    return page_of(
        request,
        rows,
        q.page,
        q.page_size,
        lambda c: {
            "id": c.pk,
            "covering": c.covering.professional_id,
            "covered": c.covered.professional_id,
            "starts_at": c.starts_at,
            "ends_at": c.ends_at,
            "reason": c.reason,
        },
    )[0]


class VisitOut(Schema):
    contact: int | None
    pregnancy: UUID
    code: str
    kind: str
    midwife: str | None = Field(description="professional id")
    start: datetime | None
    duration_minutes: int
    with_named_midwife: bool


class VisitsOut(Schema):
    team: str
    week_start: date
    published_at: datetime | None
    visits: list[VisitOut]


class WeekQuery(Schema):
    week_start: str = Field(
        pattern=r"^\d{4}-\d{2}-\d{2}$",
        json_schema_extra={"format": "date"},
        description="the Monday of the week, YYYY-MM-DD",
    )
    team: str | None = Field(None, max_length=20, description="TeamLocalID (default: your team)")


@rota.get(
    "/visits",
    response={200: VisitsOut, **READ_ERRORS},
    summary="The published week of visits for one of your teams",
)
def week_visits(request: HttpRequest, q: Query[WeekQuery]) -> Any:
    user = _require(request, "view_rota")
    try:
        monday = date.fromisoformat(q.week_start)
    except ValueError:
        raise ApiError(
            400, "Check the query parameters.", [{"field": "week_start", "message": "Not a date"}]
        ) from None
    teams = rota_teams(user)
    team = teams.filter(local_id=q.team).first() if q.team else teams.first()
    plan = (
        WeekPlan.objects.filter(team=team, week_start=monday, status=WeekPlan.Status.PUBLISHED)
        .order_by("-published_at")
        .first()
        if team is not None
        else None
    )
    if plan is None:
        raise ApiError(404, "No published week for that team and Monday.")
    ids = {i["pregnancy"] for i in plan.items if i.get("start")}
    refs = dict(visible_pregnancies(user).filter(pk__in=ids).values_list("pk", "ref"))
    women = sorted(set(Pregnancy.objects.filter(pk__in=refs).values_list("woman_id", flat=True)))
    record_access_many(user=user, women_ids=women, action=AccessEvent.Action.LIST, request=request)
    visits = [
        {
            "contact": i.get("contact"),
            "pregnancy": refs[i["pregnancy"]],
            "code": i.get("code", ""),
            "kind": i.get("kind", ""),
            "midwife": i.get("midwife"),
            "start": i.get("start"),
            "duration_minutes": int(i.get("duration") or 0),
            "with_named_midwife": i.get("rank") == 0,
        }
        for i in plan.items
        if i.get("start") and i["pregnancy"] in refs
    ]
    return {
        "team": plan.team.local_id,
        "week_start": plan.week_start,
        "published_at": plan.published_at,
        "visits": sorted(visits, key=lambda v: v["start"]),
    }


# -- aggregates ---------------------------------------------------------------------------------

aggregates = Router(tags=["measures"])


class MonthQuery(Schema):
    month: str | None = Field(None, pattern=r"^20\d{2}-(0[1-9]|1[0-2])$", description="YYYY-MM")


@aggregates.get(
    "/measures",
    response={200: MeasuresOut, **READ_ERRORS},
    summary="The continuity measures for a month (aggregates only, rounded for your role)",
)
def measures(request: HttpRequest, q: Query[MonthQuery]) -> Any:
    user = _require(request, "view_aggregates")
    snapshot = compute.latest()
    months = presenters.complete_months(snapshot) if snapshot else []
    if not months:
        raise ApiError(404, "No measures have been computed yet.")
    month = q.month or months[-1]
    if month not in months:
        raise ApiError(404, "No measures for that month.")
    rounding = presenters.rounding_for(user)
    rows = presenters.rows_for(snapshot, month, rounding)  # type: ignore[arg-type]
    return {
        "month": month,
        "rounding": rounding,
        "rows": [
            {
                "measure": r.measure,
                "local": r.local,
                "breakdown": r.breakdown,
                "group": r.group,
                "numerator": r.numerator,
                "denominator": r.denominator,
                "rate": r.rate,
                "data_quality": r.dq,
            }
            for r in rows
        ],
    }


@aggregates.get(
    "/feedback",
    response={200: dict[str, Any], **READ_ERRORS},
    summary="Friends and Family Test, the visit survey and concerns for a month (rounded)",
)
def feedback(request: HttpRequest, q: Query[MonthQuery]) -> Any:
    _require(request, "view_aggregates")
    month = q.month or (timezone.localdate().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    summary = presenters.feedback_and_concerns(month)
    return {"month": month, **_plain(summary)}


def _plain(value: Any) -> Any:
    """Lazy translations and other objects as JSON-ready values."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


# -- bookings -----------------------------------------------------------------------------------

bookings = Router(tags=["bookings"])


@bookings.post(
    "/bookings/import",
    response={
        200: ImportReport,
        400: ErrorBody,
        401: ErrorBody,
        403: ErrorBody,
        413: ErrorBody,
        422: ErrorBody,
    },
    summary="Import bookings (text/csv body): all or nothing, idempotent",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    },
)
def import_csv(request: HttpRequest) -> Any:
    user = _require(request, "import_bookings")
    content_type = request.headers.get("Content-Type", "").split(";")[0].strip()
    if content_type != "text/csv":
        raise ApiError(400, "Send the bookings as a text/csv body (see docs/bookings-import.md).")
    try:
        text = request.body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ApiError(400, "The file must be UTF-8 text.") from None
    report = import_bookings(by=user, text=text)
    if not report.ok:
        raise ApiError(
            422,
            "Nothing was imported. Correct the rows named and send the whole file again.",
            [
                {
                    "field": f"line {e.line}" + (f": {e.column}" if e.column else ""),
                    "message": e.message,
                }
                for e in report.errors
            ],
        )
    return {"rows": report.rows, "created": report.created, "existing": report.existing}


api.add_router("/women", women)
api.add_router("/pregnancies", pregnancies)
api.add_router("/", voice)
api.add_router("/", rota)
api.add_router("/", aggregates)
api.add_router("/", bookings)
