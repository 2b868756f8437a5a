"""Importing a trust-supplied postcode directory and deprivation index as a named edition.

All or nothing: every row is checked first; any malformed postcode, LSOA code or decile outside
1–10 is reported by file and line and nothing is written. Re-importing an edition with the same
name replaces that edition's rows in the same transaction, so there are never duplicates.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils import timezone

from continuity.core.audit import audit
from continuity.engines.geo import PostcodeError, normalise_postcode
from continuity.geography.models import LookupEdition, LsoaDeprivation, Postcode

BATCH = 5000
EDITION_NAME_MAX = 100  # LookupEdition.name
IMD_EDITION_MAX = 40  # LookupEdition.imd_edition
MAX_PROBLEMS_LISTED = 200

# Accepted column names (compared case-insensitively, surrounding spaces ignored).
POSTCODE_COLUMNS = ("pcds", "pcd", "pcd7", "pcd8", "postcode")
LSOA_2011_COLUMNS = ("lsoa11", "lsoa11cd")
LSOA_2021_COLUMNS = ("lsoa21", "lsoa21cd")
LAT_COLUMNS = ("lat", "latitude")
LON_COLUMNS = ("long", "lon", "longitude")
IMD_LSOA_COLUMNS = ("lsoa_code", "lsoa code (2011)", "lsoa code (2021)", "lsoa11cd", "lsoa21cd")
IMD_DECILE_COLUMNS = ("imd_decile", "index of multiple deprivation (imd) decile")

Source = str | Path | IO[str]


@dataclass(frozen=True)
class ImportProblem:
    file: str  # "postcodes" or "imd"
    line: int  # physical line in the file (the header is line 1); 0 for the whole file
    reason: str

    def __str__(self) -> str:
        where = f"{self.file} line {self.line}" if self.line else self.file
        return f"{where}: {self.reason}"


class ImportRefused(Exception):
    """Nothing was imported; `problems` says where and why."""

    def __init__(self, problems: list[ImportProblem], total: int | None = None) -> None:
        self.problems = problems
        self.total = total if total is not None else len(problems)
        super().__init__(f"{self.total} problem(s) found; nothing was imported")


@dataclass(frozen=True)
class ImportReport:
    edition: str
    imd_edition: str
    postcodes: int
    lsoas: int
    replaced: bool  # an edition of this name existed and its rows were replaced
    previous_postcodes: int
    previous_lsoas: int
    lsoa_column: str
    postcodes_without_decile: int  # no LSOA, or an LSOA not in the deprivation file

    def summary(self) -> str:
        verb = "Replaced" if self.replaced else "Imported"
        text = (
            f"{verb} edition {self.edition!r} ({self.imd_edition}): {self.postcodes:,} postcodes, "
            f"{self.lsoas:,} LSOA deciles (LSOA column {self.lsoa_column})"
        )
        if self.replaced:
            text += (
                f"; previously {self.previous_postcodes:,} postcodes and "
                f"{self.previous_lsoas:,} LSOA deciles"
            )
        if self.postcodes_without_decile:
            text += (
                f". {self.postcodes_without_decile:,} postcodes have no decile and will show as "
                "not known"
            )
        return text


@contextmanager
def _open(source: Source) -> Iterator[IO[str]]:
    if isinstance(source, str | Path):
        with open(source, encoding="utf-8-sig", newline="") as handle:
            yield handle
    else:
        yield source


def _column(header: list[str], names: tuple[str, ...], *, prefix: bool = False) -> int | None:
    cleaned = [h.strip().lower() for h in header]
    for name in names:
        for i, h in enumerate(cleaned):
            if h == name or (prefix and h.startswith(name)):
                return i
    return None


class _Collector:
    def __init__(self) -> None:
        self.problems: list[ImportProblem] = []
        self.total = 0

    def add(self, file: str, line: int, reason: str) -> None:
        self.total += 1
        if len(self.problems) < MAX_PROBLEMS_LISTED:
            self.problems.append(ImportProblem(file, line, reason))


def _lsoa_code(raw: str) -> str:
    code = raw.strip().upper()
    if code and (len(code) > 12 or not code.isalnum()):
        raise ValueError(f"LSOA code {raw.strip()!r} is not a valid code")
    return code


def _coordinate(raw: str, low: float, high: float) -> float | None:
    text = raw.strip()
    if not text:
        return None
    value = float(text)  # ValueError if not a number
    if not math.isfinite(value) or not low <= value <= high:
        return None  # the directory's "no grid reference" placeholders (e.g. 99.999999)
    return value


def _read_imd(source: Source, problems: _Collector) -> dict[str, int]:
    deciles: dict[str, int] = {}
    first_line: dict[str, int] = {}
    with _open(source) as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            problems.add("imd", 0, "the file is empty")
            return deciles
        lsoa_col = _column(header, IMD_LSOA_COLUMNS)
        decile_col = _column(header, IMD_DECILE_COLUMNS, prefix=True)
        if lsoa_col is None or decile_col is None:
            problems.add(
                "imd",
                1,
                "needs an LSOA code column (lsoa_code or 'LSOA code (2011)') and a decile column "
                "(imd_decile or 'Index of Multiple Deprivation (IMD) Decile')",
            )
            return deciles
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) <= max(lsoa_col, decile_col):
                problems.add("imd", line, "too few columns")
                continue
            try:
                code = _lsoa_code(row[lsoa_col])
            except ValueError as exc:
                problems.add("imd", line, str(exc))
                continue
            if not code:
                problems.add("imd", line, "LSOA code is missing")
                continue
            raw = row[decile_col].strip()
            try:
                decile = int(raw)
            except ValueError:
                problems.add("imd", line, f"decile {raw!r} is not a whole number")
                continue
            if not 1 <= decile <= 10:
                problems.add("imd", line, f"decile {decile} is outside 1 to 10")
                continue
            if code in deciles:
                problems.add("imd", line, f"LSOA {code} repeats line {first_line[code]}")
                continue
            deciles[code] = decile
            first_line[code] = line
    return deciles


def _postcode_rows(
    source: Source, imd_edition: str, problems: _Collector
) -> tuple[str, list[tuple[str, str, float | None, float | None]]]:
    rows: list[tuple[str, str, float | None, float | None]] = []
    seen: dict[str, int] = {}
    with _open(source) as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            problems.add("postcodes", 0, "the file is empty")
            return "", rows
        pc_col = _column(header, POSTCODE_COLUMNS)
        col11 = _column(header, LSOA_2011_COLUMNS)
        col21 = _column(header, LSOA_2021_COLUMNS)
        lat_col = _column(header, LAT_COLUMNS)
        lon_col = _column(header, LON_COLUMNS)
        # IoD 2019 (and 2015) use 2011 LSOAs; later editions use 2021 LSOAs.
        old_index = any(year in imd_edition for year in ("2015", "2019"))
        if col11 is not None and col21 is not None:
            lsoa_col, lsoa_name = (col11, "lsoa11") if old_index else (col21, "lsoa21")
        elif col11 is not None:
            lsoa_col, lsoa_name = col11, "lsoa11"
        elif col21 is not None:
            lsoa_col, lsoa_name = col21, "lsoa21"
        else:
            lsoa_col, lsoa_name = None, ""
        if pc_col is None or lsoa_col is None:
            problems.add(
                "postcodes",
                1,
                "needs a postcode column (pcds) and an LSOA column (lsoa11 or lsoa21)",
            )
            return lsoa_name, rows
        needed = max(c for c in (pc_col, lsoa_col, lat_col, lon_col) if c is not None)
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) <= needed:
                problems.add("postcodes", line, "too few columns")
                continue
            try:
                postcode = normalise_postcode(row[pc_col])
            except PostcodeError:
                problems.add("postcodes", line, f"{row[pc_col].strip()!r} is not a valid postcode")
                continue
            try:
                lsoa = _lsoa_code(row[lsoa_col])
            except ValueError as exc:
                problems.add("postcodes", line, str(exc))
                continue
            try:
                lat = _coordinate(row[lat_col], -90.0, 90.0) if lat_col is not None else None
                lon = _coordinate(row[lon_col], -180.0, 180.0) if lon_col is not None else None
            except ValueError:
                problems.add("postcodes", line, "latitude or longitude is not a number")
                continue
            if lat is None or lon is None:
                lat = lon = None
            if postcode in seen:
                problems.add("postcodes", line, f"{postcode} repeats line {seen[postcode]}")
                continue
            seen[postcode] = line
            rows.append((postcode, lsoa, lat, lon))
    return lsoa_name, rows


@transaction.atomic
def import_lookup(
    *,
    by: Any,
    postcodes_csv: Source,
    imd_csv: Source,
    edition: str,
    imd_edition: str = "",
) -> ImportReport:
    """Import (or re-import) one edition of the postcode → LSOA → IMD decile lookup.

    Raises ImportRefused, with every problem by file and line, when any row is bad; then nothing
    is written. `by` is the user doing it (None for the command line)."""
    name = (edition or "").strip()
    imd_name = (imd_edition or "").strip() or "not stated"
    problems = _Collector()
    if not name:
        problems.add("edition", 0, "give the edition a name, like 'NSPL 2024-05 + IoD 2019'")
    elif len(name) > EDITION_NAME_MAX:
        problems.add("edition", 0, f"the edition name is too long ({EDITION_NAME_MAX} at most)")
    if len(imd_name) > IMD_EDITION_MAX:
        problems.add(
            "edition", 0, f"the deprivation index edition is too long ({IMD_EDITION_MAX} at most)"
        )
    deciles = _read_imd(imd_csv, problems)
    lsoa_name, rows = _postcode_rows(postcodes_csv, imd_name, problems)
    if problems.total:
        raise ImportRefused(problems.problems, problems.total)

    row = LookupEdition.objects.select_for_update().filter(name=name).first()
    replaced = row is not None
    previous_postcodes = previous_lsoas = 0
    if row is None:
        row = LookupEdition.objects.create(name=name, imd_edition=imd_name)
    else:
        previous_postcodes, _ = Postcode.objects.filter(edition=row).delete()
        previous_lsoas, _ = LsoaDeprivation.objects.filter(edition=row).delete()
    for start in range(0, len(rows), BATCH):
        Postcode.objects.bulk_create(
            Postcode(edition=row, postcode=pc, lsoa=lsoa, lat=lat, lon=lon)
            for pc, lsoa, lat, lon in rows[start : start + BATCH]
        )
    items = sorted(deciles.items())
    for start in range(0, len(items), BATCH):
        LsoaDeprivation.objects.bulk_create(
            LsoaDeprivation(edition=row, lsoa=code, imd_decile=decile)
            for code, decile in items[start : start + BATCH]
        )
    row.imd_edition = imd_name
    row.imported_at = timezone.now()
    row.postcode_rows = len(rows)
    row.lsoa_rows = len(items)
    row.save()
    without = sum(1 for _, lsoa, _, _ in rows if lsoa not in deciles)
    report = ImportReport(
        edition=name,
        imd_edition=imd_name,
        postcodes=len(rows),
        lsoas=len(items),
        replaced=replaced,
        previous_postcodes=previous_postcodes,
        previous_lsoas=previous_lsoas,
        lsoa_column=lsoa_name,
        postcodes_without_decile=without,
    )
    audit(
        by=by,
        action="geography.imported",
        obj=row,
        changes={
            "postcodes": len(rows),
            "lsoas": len(items),
            "replaced": replaced,
            "imd_edition": imd_name,
        },
    )
    return report


def read_text(text: str) -> IO[str]:
    """A CSV given as a string (tests, small uploads)."""
    return io.StringIO(text)
