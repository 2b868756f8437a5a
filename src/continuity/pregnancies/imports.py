"""Bookings from another system as CSV: checked row by row with the booking form's own rules,
then booked all together or not at all.

Idempotent: a row whose NHS number and booking date are already booked is counted as existing
and changes nothing (the booking action's own rule), so a file can be sent again safely. Every
booked pregnancy lands in its team's allocation queue, as a booking made on the page does.
Error reports name the line and the column, never the NHS number or name.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from continuity.accounts.models import User
from continuity.assurance.msds import neutralise
from continuity.organisations.models import Site, Team
from continuity.pregnancies import actions
from continuity.pregnancies.forms import BookingForm
from continuity.pregnancies.models import Pregnancy

COLUMNS: tuple[str, ...] = (
    "nhs_number",
    "given_name",
    "family_name",
    "date_of_birth",
    "postcode",
    "ethnic_category",
    "preferred_language",
    "interpreter_needed",
    "booking_date",
    "edd",
    "previous_live_births",
    "risk",
    "hospital_site",
    "team",
)
DATES = ("date_of_birth", "booking_date", "edd")
YES = frozenset({"y", "yes", "true", "1"})
NO = frozenset({"", "n", "no", "false", "0"})
MAX_ROWS = 20_000
MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class RowError:
    line: int  # the line in the file (the header is line 1); 0 for the file as a whole
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "message": self.message}


@dataclass
class Report:
    rows: int = 0
    created: int = 0
    existing: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "created": self.created,
            "existing": self.existing,
            "errors": [e.as_dict() for e in self.errors],
        }


@dataclass(frozen=True)
class Row:
    line: int
    booking: actions.Booking
    team: Team


class ImportRefused(Exception):
    def __init__(self, report: Report) -> None:
        super().__init__("import refused")
        self.report = report


def _form_data(raw: dict[str, str]) -> dict[str, str]:
    data = {k: (raw.get(k) or "").strip() for k in COLUMNS}
    out: dict[str, str] = {k: v for k, v in data.items() if k not in DATES}
    for name in DATES:
        parts = data[name].split("-")
        if len(parts) == 3:
            out[f"{name}[year]"], out[f"{name}[month]"], out[f"{name}[day]"] = parts
        elif data[name]:
            out[f"{name}[year]"], out[f"{name}[month]"], out[f"{name}[day]"] = ("x", "x", "x")
    if data["interpreter_needed"].lower() in YES:
        out["interpreter_needed"] = "on"
    else:
        out.pop("interpreter_needed", None)
    return out


def _check_row(
    line: int, raw: dict[str, str], sites: dict[str, Site], teams: dict[str, Team]
) -> tuple[Row | None, list[RowError]]:
    errors: list[RowError] = []
    interpreter = (raw.get("interpreter_needed") or "").strip().lower()
    if interpreter not in YES | NO:
        errors.append(RowError(line, "interpreter_needed", _("Write yes or no")))
    site = sites.get((raw.get("hospital_site") or "").strip().upper())
    if site is None:
        errors.append(RowError(line, "hospital_site", _("No hospital site has this ODS code")))
    team = teams.get((raw.get("team") or "").strip().upper())
    if team is None:
        errors.append(RowError(line, "team", _("No team has this team local id")))
    data = _form_data(raw)
    if site is not None:
        data["hospital_of_choice"] = str(site.pk)
    form = BookingForm(data)
    if not form.is_valid():
        for name, messages in form.errors.items():
            column = "hospital_site" if name == "hospital_of_choice" else name
            if column == "hospital_site" and site is None:
                continue  # already said
            for message in messages:
                errors.append(RowError(line, column if column in COLUMNS else "", str(message)))
    if errors or team is None:
        return None, errors
    return Row(line, actions.Booking(**form.cleaned_data), team), []


def check(text: str) -> tuple[list[Row], Report]:
    """Every row checked; the rows ready to book, and a report with every problem found."""
    report = Report()
    if len(text.encode()) > MAX_BYTES:
        report.errors.append(RowError(0, "", _("The file is larger than 10 MB: split it")))
        return [], report
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in COLUMNS if c not in header]
    unknown = [h for h in header if h not in COLUMNS]
    if missing or unknown:
        if missing:
            report.errors.append(
                RowError(1, "", _("Missing columns: %(c)s") % {"c": ", ".join(missing)})
            )
        if unknown:
            report.errors.append(
                RowError(
                    1,
                    "",
                    _("Unknown columns: %(c)s") % {"c": ", ".join(neutralise(u) for u in unknown)},
                )
            )
        return [], report
    sites = {s.ods_code.upper(): s for s in Site.objects.all()}
    teams = {t.local_id.upper(): t for t in Team.objects.all()}
    rows: list[Row] = []
    seen: dict[tuple[str, date], int] = {}
    for raw in reader:
        line = reader.line_num
        report.rows += 1
        if report.rows > MAX_ROWS:
            report.errors.append(RowError(line, "", _("More than 20,000 rows: split the file")))
            break
        if None in raw:  # more cells than columns
            report.errors.append(RowError(line, "", _("This row has more cells than the header")))
            continue
        row, errors = _check_row(line, {k.strip(): v for k, v in raw.items()}, sites, teams)
        report.errors.extend(errors)
        if row is not None:
            key = (row.booking.nhs_number, row.booking.booking_date)
            if key in seen:
                report.errors.append(
                    RowError(
                        line,
                        "nhs_number",
                        _("The same woman and booking date as line %(n)s") % {"n": seen[key]},
                    )
                )
                continue
            seen[key] = line
            rows.append(row)
    if report.rows == 0 and not report.errors:
        report.errors.append(RowError(0, "", _("The file has no bookings")))
    return rows, report


def import_bookings(*, by: User, text: str) -> Report:
    """Book every row, or none: any problem (in checking or in booking) leaves nothing written
    and is in the report."""
    rows, report = check(text)
    if not report.ok:
        return report
    try:
        with transaction.atomic():
            for row in rows:
                before = Pregnancy.objects.filter(
                    woman__nhs_number=row.booking.nhs_number,
                    booking_date=row.booking.booking_date,
                ).exists()
                try:
                    actions.book_pregnancy(by=by, booking=row.booking, team=row.team)
                except actions.ActionError as exc:
                    report.errors.append(RowError(row.line, exc.field or "", exc.message))
                    continue
                if before:
                    report.existing += 1
                else:
                    report.created += 1
            if report.errors:
                raise ImportRefused(report)
    except ImportRefused:
        report.created = report.existing = 0
    return report


def export_rows(pregnancies: Iterable[Pregnancy]) -> str:
    """The bookings as the import reads them (for moving a caseload, and the round-trip test).
    Cells that a spreadsheet would run as a formula are neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for p in pregnancies:
        woman = p.woman
        assignment = p.assignments.order_by("starts_at").first()
        writer.writerow(
            [
                woman.nhs_number,
                neutralise(woman.given_name),
                neutralise(woman.family_name),
                woman.date_of_birth.isoformat(),
                woman.postcode,
                woman.ethnic_category,
                woman.preferred_language,
                "yes" if woman.interpreter_needed else "no",
                p.booking_date.isoformat(),
                p.edd.isoformat(),
                p.previous_live_births,
                p.risk,
                (p.hospital_of_choice or p.booking_site).ods_code,
                assignment.team.local_id if assignment else "",
            ]
        )
    return out.getvalue()
