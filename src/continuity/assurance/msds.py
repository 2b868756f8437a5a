"""The app's data as MSDS-shaped tables, as they stood at the end of a month.

`extract(month)` reads the database once per table and returns rows in the column order of
`continuity.engines.measures.schema.TABLES`; `write(tables, folder)` writes each table as CSV
and Parquet. The measures engine reads either.

What goes in, for a month M (a snapshot at the end of M, so a figure for M never changes when
later months are recorded):

- pregnancies booked by the end of M and not discharged more than 14 months before M began
  (enough for `COC_receiving_ongoing`, whose cohort reached 29 weeks four months earlier);
- a discharge date only if it falls by the end of M;
- care plans, contacts, labours and births dated by the end of M; voided rows never;
- contact dates and times in local (UK) time.

Identifiers are pseudonymous: `Person_ID_Mother` and `UniqPregID` are the records' random
references, never NHS numbers or names. Location and setting codes are our own vocabulary
(`home`, `clinic`, `obstetric_unit`, ...), mapped to national codes at submission.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import duckdb
from django.db.models import Q
from django.utils import timezone

from continuity.assurance import months
from continuity.engines.measures.schema import TABLES
from continuity.engines.schedule import due_contacts, load_schedule
from continuity.geography.models import LsoaDeprivation
from continuity.pregnancies.models import (
    Assignment,
    CarePlanRecord,
    Contact,
    ContactProfessional,
    LabourProfessional,
    LabourRecord,
    Pregnancy,
)
from continuity.visits.engine_io import pregnancy_facts, schedule_name, schedule_settings
from continuity.workforce.models import Midwife

Tables = dict[str, list[tuple[Any, ...]]]
HISTORY_MONTHS = 14
# A CSV cell starting with one of these could be run as a formula by a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class MonthError(ValueError):
    pass


def parse_month(text: str) -> date:
    """'YYYY-MM' → the first day of that month."""
    try:
        return months.first_of(text)
    except ValueError:
        raise MonthError(f"--month must be a month as YYYY-MM, not {text!r}") from None


def _local(instant: datetime) -> tuple[date, time]:
    local = timezone.localtime(instant)
    return local.date(), local.time().replace(microsecond=0)


def _blank(value: str | None) -> str | None:
    return value if value else None


def extract(month: date) -> Tables:
    """Every table of the schema for `month` (its first day), rows in column order."""
    last = months.last_day(month)
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))
    earliest_discharge = months.shift(month, -HISTORY_MONTHS)
    pregnancies = list(
        Pregnancy.objects.filter(booking_date__lte=last)
        .filter(Q(discharge_date__isnull=True) | Q(discharge_date__gte=earliest_discharge))
        .select_related("woman", "booking_site")
        .order_by("pk")
    )
    ids = [p.pk for p in pregnancies]
    preg_ref = {p.pk: str(p.ref) for p in pregnancies}
    tables: Tables = {name: [] for name in TABLES}

    women: dict[int, Any] = {}
    for p in pregnancies:
        women.setdefault(p.woman_id, p.woman)
        discharge = p.discharge_date if p.discharge_date and p.discharge_date <= last else None
        tables["MSD101PregnancyBooking"].append(
            (
                str(p.ref),
                str(p.woman.ref),
                p.booking_date,
                p.ga_at_booking_days,
                p.edd,
                p.previous_live_births,
                discharge,
                p.booking_site.ods_code if p.booking_site else None,
            )
        )
    for w in women.values():
        tables["MSD001MotherDemog"].append((str(w.ref), _blank(w.ethnic_category), _blank(w.lsoa)))

    pid = dict(Midwife.objects.values_list("pk", "professional_id"))
    team_ids = _team_ids()
    for row in (
        CarePlanRecord.objects.live()
        .filter(pregnancy_id__in=ids, plan_date__lte=last)
        .values_list(
            "pregnancy_id",
            "plan_date",
            "plan_type",
            "coc_pathway",
            "personalised_plan",
            "professional_id",
            "team_id",
        )
        .order_by("pregnancy_id", "plan_date", "pk")
    ):
        preg, plan_date, kind, coc, pcsp, prof, team = row
        tables["MSD102MatCarePlan"].append(
            (
                preg_ref[preg],
                plan_date,
                kind,
                _blank(coc),
                _blank(pcsp),
                pid.get(prof),
                team_ids.get(team),
            )
        )

    contacts = (
        Contact.objects.live()
        .filter(pregnancy_id__in=ids, scheduled_start__lt=end)
        .values_list(
            "pk", "pregnancy_id", "scheduled_start", "actual_start", "attendance", "location"
        )
        .order_by("pk")
    )
    kept: set[int] = set()
    for pk, preg, scheduled, actual, attendance, location in contacts:
        day, at = _local(actual or scheduled)
        if day > last:
            continue
        kept.add(pk)
        tables["MSD201CareContactPreg"].append(
            (preg_ref[preg], str(pk), day, at, attendance, location)
        )
    for contact_id, midwife_id, team_id in (
        ContactProfessional.objects.filter(contact__pregnancy_id__in=ids)
        .values_list("contact_id", "midwife_id", "team_id")
        .order_by("contact_id", "pk")
    ):
        if contact_id in kept:
            tables["MSD202CareActivityPreg"].append(
                (str(contact_id), pid.get(midwife_id), team_ids.get(team_id))
            )

    labours: dict[int, Any] = {}
    for labour in LabourRecord.objects.live().filter(pregnancy_id__in=ids, birth_at__lt=end):
        labours[labour.pk] = labour
        onset = _local(labour.onset_at)[0] if labour.onset_at else _local(labour.birth_at)[0]
        tables["MSD301LabourDelivery"].append(
            (preg_ref[labour.pregnancy_id], str(labour.pk), onset, labour.setting)
        )
    at_delivery: dict[int, str | None] = {}
    for labour_id, midwife_id, team_id, delivered in (
        LabourProfessional.objects.filter(labour_id__in=list(labours))
        .values_list("labour_id", "midwife_id", "team_id", "at_delivery")
        .order_by("labour_id", "pk")
    ):
        tables["MSD302CareActivityLabDel"].append(
            (str(labour_id), pid.get(midwife_id), team_ids.get(team_id))
        )
        if delivered and labour_id not in at_delivery:
            at_delivery[labour_id] = pid.get(midwife_id)
    for pk, labour in sorted(labours.items()):
        tables["MSD401BabyDemographics"].append(
            (str(pk), _local(labour.birth_at)[0], labour.setting, at_delivery.get(pk))
        )

    for professional_id, staff_group in Midwife.objects.values_list(
        "professional_id", "staff_group"
    ).order_by("professional_id"):
        tables["MSD901StaffDetails"].append((professional_id, staff_group))

    lsoas = {w.lsoa for w in women.values() if w.lsoa}
    tables["IMD_LSOA"] = sorted(
        set(LsoaDeprivation.objects.filter(lsoa__in=lsoas).values_list("lsoa", "imd_decile"))
    )

    # Her buddy as the month ended: the open assignment then.
    buddies = (
        Assignment.objects.filter(pregnancy_id__in=ids, starts_at__lt=end, buddy__isnull=False)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gte=end))
        .values_list("pregnancy_id", "buddy_id")
        .order_by("pregnancy_id", "-starts_at")
    )
    seen: set[int] = set()
    for preg, buddy in buddies:
        if preg not in seen:
            seen.add(preg)
            tables["LOCALBuddy"].append((preg_ref[preg], pid.get(buddy)))

    tables["LOCALGuidelineContact"] = _guideline(pregnancies, labours, month, last)
    return tables


def _team_ids() -> dict[int, str]:
    from continuity.organisations.models import Team

    return dict(Team.objects.values_list("pk", "local_id"))


def _guideline(
    pregnancies: Sequence[Pregnancy], labours: dict[int, Any], month: date, last: date
) -> list[tuple[Any, ...]]:
    """Each guideline contact due whose window closed in the last year up to the month's end."""
    by_pregnancy = {labour.pregnancy_id: labour for labour in labours.values()}
    schedule = load_schedule(schedule_name())
    conf = schedule_settings()
    since = months.shift(month, -12)
    rows: list[tuple[Any, ...]] = []
    for p in pregnancies:
        # The labour as known at the month's end (a later birth is not yet a fact).
        for due in due_contacts(pregnancy_facts(p, by_pregnancy.get(p.pk)), schedule, conf):
            if since <= due.latest <= last:
                rows.append((str(p.ref), due.code, due.earliest, due.latest))
    return rows


def neutralise(value: Any) -> Any:
    """A cell a spreadsheet would not run as a formula: a leading apostrophe when needed."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _write_csv(
    path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]], safe: bool
) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow([_cell(neutralise(v) if safe else v) for v in row])


def write(tables: Tables, folder: Path) -> list[Path]:
    """Each table as `<name>.csv` (formula-safe) and `<name>.parquet` (typed), written beside
    the target and renamed into place, so a failed export leaves no half-written table."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(dir=folder, prefix=".export-") as scratch:
        work = Path(scratch)
        con = duckdb.connect()
        try:
            for name, columns in TABLES.items():
                header = [c for c, _ in columns]
                rows = tables.get(name, [])
                _write_csv(work / f"{name}.csv", header, rows, safe=True)
                raw = work / f"{name}.raw.csv"
                _write_csv(raw, header, rows, safe=False)
                types = ", ".join(f"'{c}': '{t}'" for c, t in columns)
                con.execute(
                    f"COPY (SELECT * FROM read_csv('{raw}', header = true, "  # noqa: S608
                    f"columns = {{{types}}}, nullstr = '')) "
                    f"TO '{work / f'{name}.parquet'}' (FORMAT PARQUET)"  # nosec B608
                )
                raw.unlink()
        finally:
            con.close()
        for part in sorted(work.iterdir()):
            target = folder / part.name
            os.replace(part, target)
            written.append(target)
    return written


def counts(tables: Tables) -> dict[str, int]:
    return {name: len(tables.get(name, [])) for name in TABLES}


def rows_by_table(tables: Tables) -> dict[str, list[dict[str, Any]]]:
    """The tables as dictionaries (for tests and the API)."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for name, columns in TABLES.items():
        header = [c for c, _ in columns]
        out[name] = [dict(zip(header, row, strict=True)) for row in tables.get(name, [])]
    return dict(out)
