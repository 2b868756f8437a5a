"""What each caller may read through FHIR: the same querysets, activities and relationships as
the pages (ADR 0018), each loading the related rows its mapper reads, so a page of results is a
fixed number of queries.

- A woman's data only through `visible_pregnancies` / `visible_women`, and only for roles whose
  pages show it (the activity named per resource); a woman sees her own record.
- Referrals and concerns as their own pages scope them (a referral's coordinator, a concern's
  owner, as well as the relationship).
- Her feedback answers only to her: staff pages show feedback only as rounded aggregates.
- Access events: the privacy officer sees them all; a woman sees her own access history.
- The staff directory (midwives, teams): any signed-in staff role.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest

from continuity.accounts.models import Role
from continuity.concerns import queries as concern_queries
from continuity.concerns.models import Concern, ConcernEvent
from continuity.core.models import AccessEvent
from continuity.core.permissions import can
from continuity.feedback.models import FeedbackResponse
from continuity.organisations.models import Team
from continuity.plans.models import PlanEntry, PlanSection
from continuity.pregnancies.models import (
    Assignment,
    Contact,
    ContactProfessional,
    Pregnancy,
    PregnancyTransition,
    Woman,
)
from continuity.pregnancies.models.care import ATTENDED_CODES
from continuity.pregnancies.queries import (
    current_assignment,
    relationship_basis,
    visible_pregnancies,
    visible_women,
)
from continuity.referrals import queries as referral_queries
from continuity.referrals.models import Referral
from continuity.workforce.models import Midwife

# The named activity whose pages show each kind of record to staff (core.permissions).
VIEW_RECORD = "view_woman_record"
PLAN = "edit_plan"  # the plan and referral pages
CONCERNS = "handle_concerns"
REVIEW_ACCESS = "review_access"


def is_woman(user: Any) -> bool:
    return bool(user.role == Role.WOMAN and can(user, "view_own_record"))


def is_staff(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role != Role.WOMAN)


def _pregnancies(user: Any, activity: str) -> QuerySet[Pregnancy]:
    if is_woman(user) or can(user, activity):
        return visible_pregnancies(user)
    return Pregnancy.objects.none()


def open_assignments(prefix: str = "") -> Prefetch:
    """Her open Assignment, read later through `current_assignment` without a query."""
    return Prefetch(
        f"{prefix}assignments",
        queryset=Assignment.objects.filter(ends_at__isnull=True).select_related(
            "team__trust", "named_midwife__user", "buddy__user"
        ),
        to_attr="open_assignments",
    )


def patients(user: Any) -> QuerySet[Woman]:
    if is_woman(user) or can(user, VIEW_RECORD):
        return visible_women(user)
    return Woman.objects.none()


def episodes(user: Any) -> QuerySet[Pregnancy]:
    opened = Assignment.objects.filter(pregnancy=OuterRef("pk"), ends_at__isnull=True).values(
        "starts_at"
    )[:1]
    return (
        _pregnancies(user, VIEW_RECORD)
        .select_related("woman", "booking_site__trust")
        .prefetch_related(
            open_assignments(),
            Prefetch("transitions", queryset=PregnancyTransition.objects.order_by("at", "id")),
        )
        # A new named midwife or team changes the episode without touching the pregnancy row.
        .annotate(
            fhir_updated=Greatest(F("updated_at"), Coalesce(Subquery(opened), F("updated_at")))
        )
    )


def contacts(user: Any, *, attended: bool) -> QuerySet[Contact]:
    found = Contact.objects.live().filter(pregnancy__in=_pregnancies(user, VIEW_RECORD))
    found = (
        found.filter(attendance__in=ATTENDED_CODES)
        if attended
        else found.exclude(attendance__in=ATTENDED_CODES)
    )
    return (
        found.select_related("pregnancy__woman", "team__trust")
        .prefetch_related(
            Prefetch(
                "activities",
                queryset=ContactProfessional.objects.select_related("midwife__user").order_by(
                    "-is_lead", "id"
                ),
            )
        )
        .annotate(fhir_date=Coalesce("actual_start", "scheduled_start"))
    )


def care_plans(user: Any) -> QuerySet[PlanSection]:
    return (
        PlanSection.objects.filter(pregnancy__in=_pregnancies(user, PLAN))
        .select_related("pregnancy__woman", "agreed_by__midwife__user")
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=PlanEntry.objects.select_related("written_by__midwife__user").order_by(
                    "-written_at", "-id"
                ),
            ),
            open_assignments("pregnancy__"),
        )
    )


def referrals(user: Any) -> QuerySet[Referral]:
    """As the referral pages: staff who may edit plans, for women in their care or referrals
    they coordinate. Her own pages do not list referrals, so neither does FHIR for her."""
    if not can(user, PLAN):
        return Referral.objects.none()
    return referral_queries.visible(user).select_related(
        "pregnancy__woman", "site", "requested_by__midwife__user"
    )


def concerns(user: Any) -> QuerySet[Concern]:
    if is_woman(user):
        found = Concern.objects.filter(woman__user=user)
    elif can(user, CONCERNS):
        found = concern_queries.visible(user)
    else:
        return Concern.objects.none()
    return found.select_related("woman", "raised_by__midwife__user").prefetch_related(
        Prefetch(
            "events",
            queryset=ConcernEvent.objects.filter(shown_to_her=True).order_by("at", "id"),
            to_attr="shown_events",
        )
    )


def feedback(user: Any) -> QuerySet[FeedbackResponse]:
    if not is_woman(user):
        return FeedbackResponse.objects.none()
    return FeedbackResponse.objects.filter(request__pregnancy__woman__user=user).select_related(
        "request__pregnancy__woman"
    )


def access_events(user: Any) -> QuerySet[AccessEvent]:
    if can(user, REVIEW_ACCESS):
        found = AccessEvent.objects.all()
    elif is_woman(user):
        # Her access-history page: views by others, not her own.
        found = AccessEvent.objects.filter(woman__user=user).exclude(basis="self")
    else:
        return AccessEvent.objects.none()
    return found.select_related("woman", "user__midwife__user")


def midwives(user: Any) -> QuerySet[Midwife]:
    if not is_staff(user):
        return Midwife.objects.none()
    return Midwife.objects.select_related("user", "team__trust")


def teams(user: Any) -> QuerySet[Team]:
    if not is_staff(user):
        return Team.objects.none()
    return Team.objects.select_related("trust").prefetch_related(
        Prefetch(
            "midwives",
            queryset=Midwife.objects.select_related("user").order_by("id"),
            to_attr="members",
        )
    )


# -- why a read was allowed (stored on the access event) ------------------------------------------


def basis(user: Any, pregnancy: Pregnancy | None, fallback: str = "") -> str:
    if user.role == Role.WOMAN:
        return "self"
    if pregnancy is None:
        return fallback
    return relationship_basis(user, pregnancy) or fallback


def patient_basis(user: Any, woman: Woman) -> str:
    if user.role == Role.WOMAN:
        return "self"
    pregnancy = visible_pregnancies(user).filter(woman=woman).order_by("-edd").first()
    return basis(user, pregnancy)


def assignment_of(pregnancy: Pregnancy) -> Assignment | None:
    return current_assignment(pregnancy)


def woman_by_pk(pk: Any) -> Woman | None:
    """Only to log a denied read against the right woman; never shown to the caller."""
    return Woman.objects.filter(pk=pk).first() if pk is not None else None
