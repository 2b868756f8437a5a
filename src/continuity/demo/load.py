"""Write a generated `DemoTrust` to the database: bulk inserts in dependency order, one transaction.

The generator (`continuity.demo.generator`) knows nothing of Django; this module maps its natural
keys (ODS codes, team local ids, professional ids, usernames, integer keys) to rows.
"""

from __future__ import annotations

import time as _time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import time
from typing import Any

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max, Q
from django.utils import timezone

from continuity.accounts.models import Role, User
from continuity.allocation.models import AllocationDecision
from continuity.assurance.models import MeasureSnapshot
from continuity.core.audit import audit
from continuity.core.models import AccessEvent, AuditEvent
from continuity.demo.generator import PERSONA_USERNAMES, DemoTrust, at_local
from continuity.geography.models import LookupEdition, LsoaDeprivation, Postcode
from continuity.organisations.models import Site, Team, Trust
from continuity.planning.models import Scenario
from continuity.plans.models import PlanDiscussion, PlanEntry, PlanSection
from continuity.pregnancies.models import (
    Assignment,
    AvailabilityWindow,
    CarePlanRecord,
    Contact,
    ContactProfessional,
    LabourProfessional,
    LabourRecord,
    Pregnancy,
    PregnancyTransition,
    Woman,
)
from continuity.workforce.models import Midwife, RotaEntry

DEMO_EDITION = "Northbrook synthetic"
DEMO_IMD_EDITION = "Synthetic (IoD-style deciles)"
BATCH = 5000
_ROLES = {r.value for r in Role}


class DemoLoadError(Exception):
    """The demo cannot be loaded (or flushed) as asked; the message says why."""


@dataclass(frozen=True)
class LoadReport:
    counts: dict[str, int]  # rows written, by model label
    seconds: float
    trust_id: int


def _bulk(model: type[models.Model], objs: Sequence[models.Model]) -> list[Any]:
    return model._default_manager.bulk_create(objs, batch_size=BATCH)


def _label(model: type[models.Model]) -> str:
    return model._meta.label


def load(trust: DemoTrust, *, password: str) -> LoadReport:
    """Write the whole trust. Refuses if a trust with the same ODS code or any of its usernames
    already exists (flush first). Returns the rows written and the seconds it took."""
    if not connection.features.can_return_rows_from_bulk_insert:
        raise DemoLoadError("This database cannot return ids from bulk inserts.")
    for u in trust.users:
        if u.role not in _ROLES:
            raise DemoLoadError(f"Unknown role {u.role!r} for {u.username}")
    started = _time.perf_counter()
    with transaction.atomic():
        counts = _load(trust, password)
    return LoadReport(
        counts=counts[0], seconds=round(_time.perf_counter() - started, 2), trust_id=counts[1]
    )


_PREPARED_TYPES = frozenset(
    {"DateTimeField", "DateField", "TimeField", "DecimalField", "JSONField", "UUIDField"}
)


class _Table:
    """Fast inserts into one table: every concrete column, values from the row or the field's
    default, prepared for the database by the field itself, sent with executemany."""

    def __init__(self, model: type[models.Model], columns: Sequence[str], now: Any) -> None:
        self.model = model
        self.count = 0
        self._next: int | None = None
        position = {name: i for i, name in enumerate(columns)}
        fields = [
            f for f in model._meta.concrete_fields if f.attname in position or not f.primary_key
        ]
        unknown = set(columns) - {f.attname for f in fields}
        if unknown:
            raise DemoLoadError(f"{model._meta.label} has no columns {sorted(unknown)}")
        self.keyed = "id" not in position
        if self.keyed:
            fields.insert(0, model._meta.pk)
        self.plan: list[tuple[int | None, Any, Any]] = []
        for f in fields:
            if f.primary_key and self.keyed:
                self.plan.append((-1, None, None))
            elif f.attname in position:
                prep = f if f.get_internal_type() in _PREPARED_TYPES else None
                self.plan.append((position[f.attname], prep, None))
            else:
                if f.unique:
                    raise DemoLoadError(f"{model._meta.label}.{f.name} is unique: give it")
                if f.has_default() and callable(f.default):
                    if f.get_internal_type() != "DateTimeField":
                        raise DemoLoadError(f"{model._meta.label}.{f.name}: give a value")
                    default = now  # one instant for the whole load
                else:
                    default = f.get_default()
                self.plan.append((None, None, f.get_db_prep_save(default, connection)))
        qn = connection.ops.quote_name
        # Table and column names come from the model's meta, quoted by the backend.
        table = qn(model._meta.db_table)
        columns = ", ".join(qn(f.column or f.attname) for f in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        self.sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 # nosec B608
        self.copy_sql = f"COPY {table} ({columns}) FROM STDIN"

    def reserve(self, n: int) -> int:
        """Allocate n ids; return the first."""
        if self._next is None:
            top = self.model._base_manager.aggregate(top=Max("pk"))["top"] or 0
            self._next = top + 1
        first = self._next
        self._next += n
        return first

    def _row(self, values: Sequence[Any], pk: int | None) -> tuple[Any, ...]:
        out = []
        for pos, prep, default in self.plan:
            if pos is None:
                out.append(default)
            elif pos == -1:
                out.append(pk)
            else:
                v = values[pos]
                out.append(prep.get_db_prep_save(v, connection) if prep is not None else v)
        return tuple(out)

    def insert(self, rows: Iterable[Sequence[Any]]) -> None:
        if self.keyed:
            self.insert_keyed((None, r) for r in rows)
        else:
            self._send(self._row(r, None) for r in rows)

    def insert_keyed(self, rows: Iterable[tuple[Any, Sequence[Any]]]) -> dict[Any, int]:
        """Insert rows given as (key, values); return {key: new id}."""
        ids: dict[Any, int] = {}
        self.reserve(0)  # ask for the next id now: no query may run while COPY streams

        def prepared() -> Iterable[tuple[Any, ...]]:
            for key, values in rows:
                pk = self.reserve(1)
                if key is not None:
                    ids[key] = pk
                yield self._row(values, pk)

        self._send(prepared())
        return ids

    def _send(self, rows: Iterable[tuple[Any, ...]]) -> None:
        """PostgreSQL: COPY (Django binds values client-side, so INSERTs quote every value in
        Python; COPY adapts them in psycopg's C code). Others: executemany in batches."""
        with connection.cursor() as cursor:
            raw = getattr(cursor, "cursor", None)
            if connection.vendor == "postgresql" and hasattr(raw, "copy"):
                with raw.copy(self.copy_sql) as copy:  # type: ignore[union-attr]
                    for row in rows:
                        copy.write_row(row)
                        self.count += 1
                return
            batch: list[tuple[Any, ...]] = []
            for row in rows:
                batch.append(row)
                if len(batch) >= BATCH:
                    cursor.executemany(self.sql, batch)
                    self.count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(self.sql, batch)
                self.count += len(batch)


def _reset_sequences(model_list: Sequence[type[models.Model]]) -> None:
    """After explicit ids, move the database's id sequences past them (PostgreSQL)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _load(trust: DemoTrust, password: str) -> tuple[dict[str, int], int]:
    counts: dict[str, int] = {}

    def note(model: type[models.Model], n: int) -> None:
        counts[_label(model)] = counts.get(_label(model), 0) + n

    if Trust.objects.filter(ods_code=trust.ods_code).exists():
        raise DemoLoadError(
            f"A trust with ODS code {trust.ods_code} already exists. "
            "Use --flush-demo to replace it."
        )
    taken = list(
        User.objects.filter(username__in=[u.username for u in trust.users]).values_list(
            "username", flat=True
        )[:5]
    )
    if taken:
        raise DemoLoadError(
            f"Users already exist: {', '.join(sorted(taken))}. Use --flush-demo to replace them."
        )

    # Organisation.
    db_trust = Trust.objects.create(name=trust.name, ods_code=trust.ods_code)
    note(Trust, 1)
    sites = {
        s.ods_code: s
        for s in _bulk(
            Site,
            [
                Site(
                    trust=db_trust,
                    name=s.name,
                    ods_code=s.ods_code,
                    kind=s.kind,
                    has_midwife_led_unit=s.has_midwife_led_unit,
                    lat=s.lat,
                    lon=s.lon,
                    triage_phone=s.triage_phone,
                )
                for s in trust.sites
            ],
        )
    }
    note(Site, len(sites))

    # People who sign in: hash the password once and reuse it (the same salt is fine for a demo).
    hashed = make_password(password)
    users = {
        u.username: u
        for u in _bulk(
            User,
            [
                User(
                    username=u.username,
                    password=hashed,
                    role=u.role,
                    first_name=u.first_name,
                    last_name=u.last_name,
                    display_name=u.display_name,
                    email=u.email,
                    is_staff=u.is_staff,
                    is_superuser=u.is_superuser,
                    is_active=u.is_active,
                )
                for u in trust.users
            ],
        )
    }
    note(User, len(users))

    teams = {
        t.local_id: t
        for t in _bulk(
            Team,
            [
                Team(
                    trust=db_trust,
                    name=t.name,
                    local_id=t.local_id,
                    care_model=t.care_model,
                    base_name=t.base_name,
                    base_lat=t.base_lat,
                    base_lon=t.base_lon,
                    area=t.area,
                    home_site=sites[t.home_site],
                )
                for t in trust.teams
            ],
        )
    }
    note(Team, len(teams))
    through = Team.managers.through
    through.objects.bulk_create(
        [
            through(team_id=teams[t.local_id].pk, user_id=users[username].pk)
            for t in trust.teams
            for username in t.managers
        ]
    )

    # The city's postcode lookup, as an edition like any imported one.
    edition = _demo_edition(trust)
    note(Postcode, len(trust.city.postcodes))
    note(LsoaDeprivation, len(trust.city.lsoas))

    # Workforce: midwives first, then their buddies (a self-reference).
    midwives = {
        m.professional_id: m
        for m in _bulk(
            Midwife,
            [
                Midwife(
                    user=users[m.username],
                    professional_id=m.professional_id,
                    team=teams[m.team],
                    wte=m.wte,
                    base_lat=m.base_lat,
                    base_lon=m.base_lon,
                    languages=list(m.languages),
                    skills=list(m.skills),
                    phone=m.phone,
                    start_date=m.start_date,
                    end_date=m.end_date,
                )
                for m in trust.midwives
            ],
        )
    }
    with_buddy = []
    for m in trust.midwives:
        if m.buddy is not None:
            row = midwives[m.professional_id]
            row.buddy = midwives[m.buddy]
            with_buddy.append(row)
    Midwife.objects.bulk_update(with_buddy, ["buddy"], batch_size=BATCH)
    note(Midwife, len(midwives))
    mw_id = {pid: m.pk for pid, m in midwives.items()}
    mw_user = {pid: m.user_id for pid, m in midwives.items()}
    team_id = {lid: t.pk for lid, t in teams.items()}
    site_id = {ods: s.pk for ods, s in sites.items()}
    mw_team = {m.professional_id: team_id[m.team] for m in trust.midwives}

    # The big tables go through _Table: raw executemany, ids allocated here, values prepared
    # by each field's own get_db_prep_save. The ORM's per-object cost is what this avoids.
    now = timezone.now()
    rota = _Table(RotaEntry, ("midwife_id", "kind", "starts_at", "ends_at", "status", "note"), now)
    rota.insert(
        (mw_id[e.midwife], e.kind, e.starts_at, e.ends_at, e.status, e.note) for e in trust.rota
    )
    note(RotaEntry, rota.count)

    # Women and pregnancies.
    women = _Table(
        Woman,
        (
            "ref",
            "user_id",
            "nhs_number",
            "given_name",
            "family_name",
            "date_of_birth",
            "address_line_1",
            "town",
            "postcode",
            "lsoa",
            "imd_decile",
            "lookup_edition_id",
            "lat",
            "lon",
            "ethnic_category",
            "preferred_language",
            "interpreter_needed",
            "phone",
            "email",
            "preferred_channel",
            "plus_groups",
        ),
        now,
    )
    woman_id = women.insert_keyed(
        (
            w.key,
            (
                w.ref,
                users[w.user].pk if w.user else None,
                w.nhs_number,
                w.given_name,
                w.family_name,
                w.date_of_birth,
                w.address_line_1,
                w.town,
                w.postcode,
                w.lsoa,
                w.imd_decile,
                edition.pk,
                w.lat,
                w.lon,
                w.ethnic_category,
                w.preferred_language,
                w.interpreter_needed,
                w.phone,
                w.email,
                w.preferred_channel,
                list(w.plus_groups),
            ),
        )
        for w in trust.women
    )
    note(Woman, women.count)
    pregnancies = _Table(
        Pregnancy,
        (
            "ref",
            "woman_id",
            "booking_date",
            "ga_at_booking_days",
            "edd",
            "previous_live_births",
            "risk",
            "booking_site_id",
            "hospital_of_choice_id",
            "planned_place_of_birth",
            "status",
            "discharge_date",
            "discharge_reason",
        ),
        now,
    )
    preg_id = pregnancies.insert_keyed(
        (
            p.key,
            (
                p.ref,
                woman_id[p.woman],
                p.booking_date,
                p.ga_at_booking_days,
                p.edd,
                p.previous_live_births,
                p.risk,
                site_id[p.booking_site],
                site_id[p.hospital_of_choice],
                p.planned_place_of_birth,
                p.status,
                p.discharge_date,
                p.discharge_reason,
            ),
        )
        for p in trust.pregnancies
    )
    note(Pregnancy, pregnancies.count)

    def opt(mapping: dict[str, int], key: str | None) -> int | None:
        return mapping[key] if key is not None else None

    table = _Table(
        PregnancyTransition, ("pregnancy_id", "from_status", "to_status", "at", "reason"), now
    )
    table.insert(
        (preg_id[p.key], t.from_status, t.to_status, t.at, t.reason)
        for p in trust.pregnancies
        for t in p.transitions
    )
    note(PregnancyTransition, table.count)
    table = _Table(
        Assignment,
        (
            "pregnancy_id",
            "team_id",
            "named_midwife_id",
            "buddy_id",
            "starts_at",
            "ends_at",
            "reason",
        ),
        now,
    )
    table.insert(
        (
            preg_id[p.key],
            team_id[a.team],
            opt(mw_id, a.named_midwife),
            opt(mw_id, a.buddy),
            a.starts_at,
            a.ends_at,
            a.reason,
        )
        for p in trust.pregnancies
        for a in p.assignments
    )
    note(Assignment, table.count)
    # Women offered continuity of carer who chose the community team, decided by the manager.
    table = _Table(
        AllocationDecision,
        ("pregnancy_id", "kind", "team_id", "reason", "suggestion", "decided_at", "decided_by_id"),
        now,
    )
    decider = users["manager"].pk
    table.insert(
        (
            preg_id[p.key],
            AllocationDecision.Kind.DECLINED,
            team_id[p.declined[0]],
            "She chose care from the community team",
            {},
            at_local(p.declined[1], time(14, 0)),
            decider,
        )
        for p in trust.pregnancies
        if p.declined is not None
    )
    note(AllocationDecision, table.count)
    table = _Table(
        CarePlanRecord,
        (
            "pregnancy_id",
            "plan_date",
            "plan_type",
            "coc_pathway",
            "personalised_plan",
            "professional_id",
            "team_id",
            "planned_site_id",
            "planned_setting",
            "recorded_at",
            "recorded_by_id",
        ),
        now,
    )
    plan_ids = table.insert_keyed(
        (
            (p.key, k),
            (
                preg_id[p.key],
                c.plan_date,
                c.plan_type,
                c.coc_pathway,
                c.personalised_plan,
                opt(mw_id, c.professional),
                opt(team_id, c.team),
                opt(site_id, c.planned_site),
                c.planned_setting,
                at_local(c.plan_date, time(17, 0)),
                opt(mw_user, c.professional),
            ),
        )
        for p in trust.pregnancies
        for k, c in enumerate(p.care_plans)
    )
    note(CarePlanRecord, table.count)
    _load_plans(trust, preg_id, plan_ids, mw_user, users, now, note)
    table = _Table(
        AvailabilityWindow, ("pregnancy_id", "kind", "weekday", "start_time", "end_time"), now
    )
    table.insert(
        (preg_id[p.key], a.kind, a.weekday, a.start_time, a.end_time)
        for p in trust.pregnancies
        for a in p.availability
    )
    note(AvailabilityWindow, table.count)

    # Contacts (MSD201) with their rebooking links, then who did them (MSD202).
    contacts = _Table(
        Contact,
        (
            "id",
            "pregnancy_id",
            "kind",
            "scheduled_start",
            "actual_start",
            "duration_minutes",
            "location",
            "medium",
            "attendance",
            "cancelled_at",
            "cancellation_reason",
            "rebooked_from_id",
            "team_id",
        ),
        now,
    )
    first_contact = contacts.reserve(sum(len(p.contacts) for p in trust.pregnancies))
    activities: list[tuple[Any, ...]] = []

    def contact_rows() -> Iterable[tuple[Any, ...]]:
        next_id = first_contact
        for p in trust.pregnancies:
            base = next_id
            pk = preg_id[p.key]
            for c in p.contacts:
                yield (
                    next_id,
                    pk,
                    c.kind,
                    c.scheduled_start,
                    c.actual_start,
                    c.duration_minutes,
                    c.location,
                    c.medium,
                    c.attendance,
                    c.cancelled_at,
                    c.cancellation_reason,
                    None if c.rebooked_from is None else base + c.rebooked_from,
                    opt(team_id, c.team),
                )
                for n, pid in enumerate(c.professionals):
                    activities.append((next_id, mw_id[pid], mw_team[pid], n == 0))
                next_id += 1

    contacts.insert(contact_rows())
    note(Contact, contacts.count)
    table = _Table(ContactProfessional, ("contact_id", "midwife_id", "team_id", "is_lead"), now)
    table.insert(activities)
    note(ContactProfessional, table.count)
    activities.clear()

    # Labour and birth (MSD301/302/401).
    labours = _Table(
        LabourRecord, ("id", "pregnancy_id", "onset_at", "birth_at", "setting", "site_id"), now
    )
    born = [p for p in trust.pregnancies if p.labour is not None]
    first_labour = labours.reserve(len(born))
    present: list[tuple[Any, ...]] = []
    labour_rows = []
    for n, p in enumerate(born):
        lab = p.labour
        assert lab is not None
        labour_rows.append(
            (
                first_labour + n,
                preg_id[p.key],
                lab.onset_at,
                lab.birth_at,
                lab.setting,
                opt(site_id, lab.site),
            )
        )
        present += [
            (first_labour + n, mw_id[x.midwife], team_id[x.team], x.at_delivery)
            for x in lab.professionals
        ]
    labours.insert(labour_rows)
    note(LabourRecord, labours.count)
    table = _Table(LabourProfessional, ("labour_id", "midwife_id", "team_id", "at_delivery"), now)
    table.insert(present)
    note(LabourProfessional, table.count)
    _reset_sequences(
        [
            RotaEntry,
            Woman,
            Pregnancy,
            PregnancyTransition,
            Assignment,
            AllocationDecision,
            CarePlanRecord,
            PlanSection,
            PlanEntry,
            PlanDiscussion,
            AvailabilityWindow,
            Contact,
            ContactProfessional,
            LabourRecord,
            LabourProfessional,
        ]
    )

    audit(
        by=None,
        action="demo.loaded",
        obj=db_trust,
        changes={
            "seed": trust.params.seed,
            "births_per_year": trust.params.births_per_year,
            "today": trust.params.today.isoformat(),
            "pregnancies": len(trust.pregnancies),
        },
    )
    return counts, db_trust.pk


def _demo_edition(trust: DemoTrust) -> LookupEdition:
    """The synthetic city's lookup edition, replaced if it is already there."""
    edition, created = LookupEdition.objects.get_or_create(
        name=DEMO_EDITION, defaults={"imd_edition": DEMO_IMD_EDITION}
    )
    if not created:
        Postcode.objects.filter(edition=edition).delete()
        LsoaDeprivation.objects.filter(edition=edition).delete()
    _bulk(
        Postcode,
        [
            Postcode(edition=edition, postcode=pc.postcode, lsoa=pc.lsoa, lat=pc.lat, lon=pc.lon)
            for pc in trust.city.postcodes
        ],
    )
    _bulk(
        LsoaDeprivation,
        [
            LsoaDeprivation(edition=edition, lsoa=ls.code, imd_decile=ls.imd_decile)
            for ls in trust.city.lsoas
        ],
    )
    edition.imd_edition = DEMO_IMD_EDITION
    edition.postcode_rows = len(trust.city.postcodes)
    edition.lsoa_rows = len(trust.city.lsoas)
    edition.save()
    return edition


# --------------------------------------------------------------------------------------------
# Flushing the demo
# --------------------------------------------------------------------------------------------


def _load_plans(
    trust: DemoTrust,
    preg_id: dict[int, int],
    plan_ids: dict[Any, int],
    mw_user: dict[str, int],
    users: dict[str, Any],
    now: Any,
    note: Any,
) -> None:
    """Personalised plan sections, their entries and the agreeing discussion. Words the woman
    gave at a visit are recorded by her midwife; the persona woman writes her own on her pages."""
    sections = _Table(
        PlanSection,
        ("pregnancy_id", "key", "status", "agreed_at", "agreed_by_id", "care_plan_record_id"),
        now,
    )
    rows: list[tuple[Any, Sequence[Any]]] = []
    writers: dict[tuple[int, str], tuple[int, int | None, Any]] = {}
    fallback = users["manager"].pk
    accounts = {w.key: w.user for w in trust.women if w.user}
    for p in trust.pregnancies:
        her = users[accounts[p.woman]].pk if p.woman in accounts else None
        for s in p.plan_sections:
            plan = p.care_plans[s.record] if s.record is not None else None
            midwife = mw_user.get(plan.professional) if plan and plan.professional else None
            agreed = at_local(plan.plan_date, time(17, 0)) if plan else None
            rows.append(
                (
                    (p.key, s.key),
                    (
                        preg_id[p.key],
                        s.key,
                        PlanSection.Status.AGREED if plan else PlanSection.Status.DRAFT,
                        agreed,
                        midwife if plan else None,
                        plan_ids[(p.key, s.record)] if plan else None,
                    ),
                )
            )
            writers[(p.key, s.key)] = (midwife or fallback, her, s)
    section_ids = sections.insert_keyed(rows)
    note(PlanSection, sections.count)
    entries = _Table(
        PlanEntry,
        ("section_id", "heading", "text", "written_by_id", "written_by_role", "written_at"),
        now,
    )
    entries.insert(
        (
            section_ids[key],
            heading,
            text,
            her if (writer == "woman" and her) else midwife,
            "woman" if (writer == "woman" and her) else "midwife",
            at_local(s.written_on, time(19, 0) if her and writer == "woman" else time(11, 0)),
        )
        for key, (midwife, her, s) in writers.items()
        for heading, text, writer in s.entries
    )
    note(PlanEntry, entries.count)
    talks = _Table(PlanDiscussion, ("section_id", "note", "recorded_by_id", "recorded_at"), now)
    talks.insert(
        (section_ids[key], s.discussion, midwife, at_local(s.written_on, time(11, 30)))
        for key, (midwife, _her, s) in writers.items()
        if s.discussion
    )
    note(PlanDiscussion, talks.count)


def _trust_models() -> list[type[models.Model]]:
    """Every model holding trust data: Trust, Woman and anything that refers to them (closure),
    children before parents. Audit and access events are handled separately."""
    seeds = {Trust, Woman}
    skip = {AuditEvent, AccessEvent, User, LookupEdition}
    all_models = [m for m in apps.get_models(include_auto_created=True) if m not in skip]

    def refs(model: type[models.Model]) -> set[type[models.Model]]:
        return {
            f.related_model
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model is not None and f.related_model is not model
        }

    found = set(seeds)
    changed = True
    while changed:
        changed = False
        for m in all_models:
            if m not in found and refs(m) & found:
                found.add(m)
                changed = True
    ordered: list[type[models.Model]] = []
    remaining = set(found)
    while remaining:
        leaves = sorted(
            (m for m in remaining if not any(m in refs(o) for o in remaining if o is not m)),
            key=_label,
        )
        if not leaves:  # a cycle: order does not matter inside one transaction
            leaves = sorted(remaining, key=_label)
        ordered += leaves
        remaining -= set(leaves)
    return ordered


def _delete_all(model_list: Iterable[type[models.Model]]) -> dict[str, int]:
    deleted: dict[str, int] = {}
    with connection.cursor() as cursor:
        for model in model_list:
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - a table name from model meta # nosec B608
            deleted[_label(model)] = max(cursor.rowcount, 0)
    return deleted


def flush_demo() -> dict[str, int]:
    """Remove the demo trust: every trust, team, midwife, woman and record that refers to them,
    the demo's users, their audit and access events, the measures computed from them and the
    synthetic lookup edition. The trust's action plan goes with it: its comments, reminders,
    reviews, versions, actions, aims and risks all refer to the plan, which refers to the trust,
    so `_trust_models` deletes them children first (before the scenarios a risk may link).

    Meant for a demonstration database only. One transaction: all or nothing."""
    with transaction.atomic():
        user_ids = set(
            User.objects.filter(
                Q(username__in=PERSONA_USERNAMES)
                | Q(midwife__isnull=False)
                | Q(woman__isnull=False)
            ).values_list("pk", flat=True)
        )
        deleted: dict[str, int] = {}
        n, _ = AccessEvent.objects.filter(Q(woman__isnull=False) | Q(user_id__in=user_ids)).delete()
        deleted[_label(AccessEvent)] = n
        n, _ = AuditEvent.objects.filter(actor_id__in=user_ids).delete()
        deleted[_label(AuditEvent)] = n
        deleted.update(_delete_all(_trust_models()))
        # Measures computed from the demo's records describe data that no longer exists.
        n, _ = MeasureSnapshot.objects.all().delete()
        deleted[_label(MeasureSnapshot)] = n
        n, _ = Scenario.objects.filter(created_by_id__in=user_ids).delete()
        deleted[_label(Scenario)] = n
        for edition in LookupEdition.objects.filter(name=DEMO_EDITION):
            Postcode.objects.filter(edition=edition).delete()
            LsoaDeprivation.objects.filter(edition=edition).delete()
            edition.delete()
        n, _ = User.objects.filter(pk__in=user_ids).delete()
        deleted[_label(User)] = n
    return deleted
