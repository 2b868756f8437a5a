"""The shapes the API reads and writes (also its OpenAPI document)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from ninja import Schema
from pydantic import Field

from continuity.api.paging import PageMeta


class Person(Schema):
    professional_id: str
    name: str


class WomanOut(Schema):
    ref: UUID
    nhs_number: str = Field(description="10 digits; never sent in a URL")
    given_name: str
    family_name: str
    date_of_birth: date
    postcode: str
    ethnic_category: str
    preferred_language: str
    interpreter_needed: bool
    imd_decile: int | None
    version: int


class PregnancyOut(Schema):
    ref: UUID
    woman: UUID
    booking_date: date
    edd: date
    status: str
    risk: str
    planned_place_of_birth: str
    previous_live_births: int
    team: str | None = Field(description="TeamLocalID of her current team")
    named_midwife: Person | None
    buddy: Person | None
    version: int


class TransitionIn(Schema):
    to: Literal["antenatal", "postnatal", "discharged", "transferred_out", "ended"]
    reason: str = Field("", max_length=500)


class ContactOut(Schema):
    id: int
    kind: str
    scheduled_start: datetime
    actual_start: datetime | None
    duration_minutes: int
    location: str
    medium: str
    attendance: str
    cancelled_at: datetime | None
    professionals: list[str] = Field(description="professional ids of those who attended")
    schedule_code: str
    version: int


class CarePlanOut(Schema):
    id: int
    plan_date: date
    plan_type: str = Field(description="MSDS care plan type: 05 PCSP, 06/07 reviews, …")
    coc_pathway: str
    personalised_plan: str
    professional: str | None
    team: str | None
    voided: bool


class AssignmentOut(Schema):
    team: str
    named_midwife: Person | None
    buddy: Person | None
    starts_at: datetime
    ends_at: datetime | None
    reason: str


class ReferralOut(Schema):
    id: int
    pregnancy: UUID
    service: str
    site: str = Field(description="ODS site code")
    urgency: str
    status: str
    requested_at: datetime
    appointment_at: datetime | None
    outcome_at: datetime | None
    version: int


class ConcernOut(Schema):
    id: int
    woman: UUID
    raised_for: str
    summary: str
    status: str
    theme: str
    received_at: datetime
    acknowledge_by: date
    respond_by: date
    acknowledged_at: datetime | None
    responded_at: datetime | None
    version: int


class RotaEntryOut(Schema):
    id: int
    midwife: str
    kind: str
    status: str
    starts_at: datetime
    ends_at: datetime


class MeasureOut(Schema):
    measure: str
    local: bool
    breakdown: str
    group: str
    numerator: int | str
    denominator: int | str
    rate: float | None
    data_quality: str


class MeasuresOut(Schema):
    month: str
    rounding: str
    rows: list[MeasureOut]


class ImportReport(Schema):
    rows: int
    created: int
    existing: int


class WomenPage(PageMeta):
    items: list[WomanOut]


class PregnanciesPage(PageMeta):
    items: list[PregnancyOut]


class ContactsPage(PageMeta):
    items: list[ContactOut]


class ReferralsPage(PageMeta):
    items: list[ReferralOut]


class ConcernsPage(PageMeta):
    items: list[ConcernOut]


class RotaPage(PageMeta):
    items: list[RotaEntryOut]
