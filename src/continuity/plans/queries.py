"""Reading the plan: each section with its headings' current words, their history, the
discussions, and the planning point (16, 34 or 36 weeks) with whether it is due or overdue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from continuity.engines import gestation
from continuity.plans import headings
from continuity.plans.models import PlanDiscussion, PlanEntry, PlanSection
from continuity.pregnancies.models import Pregnancy

PROMPT_DAYS = 14  # the named midwife is prompted this long before a planning point


@dataclass
class HeadingView:
    heading: headings.Heading
    text: str = ""
    written_at: Any = None
    written_by_role: str = ""
    versions: int = 0
    editable: bool = False


@dataclass
class SectionView:
    spec: headings.Section
    section: PlanSection | None
    headings: list[HeadingView]
    discussions: list[PlanDiscussion] = field(default_factory=list)
    due: date | None = None
    prompt: str | None = None  # "due" (within two weeks) or "overdue"; None once agreed

    @property
    def status(self) -> str:
        return self.section.status if self.section else PlanSection.Status.DRAFT

    @property
    def version(self) -> int:
        return self.section.version if self.section else 0

    @property
    def written(self) -> bool:
        return any(h.text for h in self.headings)


def planning_point(pregnancy: Pregnancy, section: headings.Section) -> date:
    return gestation.date_reaching(pregnancy.dating, section.by_days)


def prompt_for(due: date, status: str, today: date) -> str | None:
    if status == PlanSection.Status.AGREED:
        return None
    if today > due:
        return "overdue"
    if today >= due - timedelta(days=PROMPT_DAYS):
        return "due"
    return None


def plan_view(pregnancy: Pregnancy, writer: str, today: date | None = None) -> list[SectionView]:
    """Every section, in order, for `writer` (WOMAN or MIDWIFE): what is written, what they may
    write, and the planning point."""
    today = today or timezone.localdate()
    sections = {s.key: s for s in PlanSection.objects.filter(pregnancy=pregnancy)}
    entries: dict[tuple[int, str], list[PlanEntry]] = {}
    for e in PlanEntry.objects.filter(section__in=sections.values()).order_by(
        "heading", "-written_at", "-id"
    ):
        entries.setdefault((e.section_id, e.heading), []).append(e)
    discussions: dict[int, list[PlanDiscussion]] = {}
    for d in PlanDiscussion.objects.filter(section__in=sections.values()).select_related(
        "recorded_by"
    ):
        discussions.setdefault(d.section_id, []).append(d)
    out = []
    for spec in headings.SECTIONS:
        section = sections.get(spec.key)
        allowed = {h.key for h in headings.writable_by(spec.key, writer)}
        views = []
        for h in spec.headings:
            versions = entries.get((section.pk, h.key), []) if section else []
            latest = versions[0] if versions else None
            views.append(
                HeadingView(
                    heading=h,
                    text=latest.text if latest else "",
                    written_at=latest.written_at if latest else None,
                    written_by_role=latest.written_by_role if latest else "",
                    versions=len(versions),
                    editable=h.key in allowed,
                )
            )
        due = planning_point(pregnancy, spec)
        status = section.status if section else PlanSection.Status.DRAFT
        out.append(
            SectionView(
                spec=spec,
                section=section,
                headings=views,
                discussions=discussions.get(section.pk, []) if section else [],
                due=due,
                prompt=prompt_for(due, status, today) if pregnancy.is_active else None,
            )
        )
    return out


def history(section: PlanSection, heading_key: str) -> list[PlanEntry]:
    return list(
        section.entries.filter(heading=heading_key)
        .select_related("written_by")
        .order_by("-written_at", "-id")
    )
