"""`continuity import_postcodes`: all or nothing, idempotent per edition, unknown stays unknown."""

from __future__ import annotations

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from continuity.core.models import AuditEvent
from continuity.geography.actions import ImportRefused, import_lookup, read_text
from continuity.geography.models import LookupEdition, LsoaDeprivation, Postcode
from continuity.geography.queries import lookup

FIXTURES = Path(__file__).resolve().parents[2] / "src" / "continuity" / "geography" / "fixtures"
POSTCODES = FIXTURES / "postcodes.csv"
IMD = FIXTURES / "imd.csv"
EDITION = "NSPL 2024-05 + IoD 2019"

pytestmark = pytest.mark.django_db


def _import(postcodes: Path = POSTCODES, imd: Path = IMD, edition: str = EDITION) -> str:
    out = StringIO()
    call_command(
        "import_postcodes",
        postcodes=str(postcodes),
        imd=str(imd),
        edition=edition,
        imd_edition="IoD2019",
        stdout=out,
    )
    return out.getvalue()


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_fixture_is_fictional_and_covers_every_decile():
    with POSTCODES.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert 50 <= len(rows) <= 70
    assert {r["pcds"].split()[0] for r in rows} <= {f"NB{i}" for i in range(1, 10)}
    with IMD.open(encoding="utf-8") as f:
        imd = list(csv.DictReader(f))
    assert {int(r["Index of Multiple Deprivation (IMD) Decile"]) for r in imd} == set(range(1, 11))
    assert all(r["LSOA code (2011)"].startswith("E0199") for r in imd)


def test_importing_the_fixture_writes_an_edition():
    out = _import()
    edition = LookupEdition.objects.get(name=EDITION)
    assert edition.imd_edition == "IoD2019"
    assert Postcode.objects.filter(edition=edition).count() == 60 == edition.postcode_rows
    assert LsoaDeprivation.objects.filter(edition=edition).count() == 30 == edition.lsoa_rows
    assert "60 postcodes" in out and "30 LSOA deciles" in out
    assert AuditEvent.objects.filter(action="geography.imported").count() == 1
    postcode = Postcode.objects.filter(edition=edition).first()
    area = lookup(postcode.postcode)
    assert area.lsoa == postcode.lsoa
    assert 1 <= area.imd_decile <= 10
    assert area.edition == edition


def test_reimporting_the_same_edition_replaces_it():
    _import()
    first = LookupEdition.objects.get(name=EDITION).imported_at
    out = _import()
    assert LookupEdition.objects.count() == 1
    edition = LookupEdition.objects.get(name=EDITION)
    assert edition.imported_at >= first
    assert Postcode.objects.count() == 60
    assert LsoaDeprivation.objects.count() == 30
    assert out.startswith("Replaced")


def test_a_second_edition_sits_alongside_and_becomes_current():
    _import()
    _import(edition="NSPL 2025-02 + IoD 2019")
    assert LookupEdition.objects.count() == 2
    assert Postcode.objects.count() == 120
    postcode = Postcode.objects.first().postcode
    assert lookup(postcode).edition.name == "NSPL 2025-02 + IoD 2019"


def test_malformed_postcode_refuses_the_whole_import(tmp_path):
    postcodes = _write(
        tmp_path,
        "pc.csv",
        "pcds,lsoa11,lat,long\n"
        "NB1 2AB,E01990001,53.80,-1.55\n"
        "NOT A CODE,E01990001,53.80,-1.55\n"
        "NB2 3CD,E01990002,53.81,-1.54\n",
    )
    with pytest.raises(CommandError) as error:
        _import(postcodes=postcodes)
    message = str(error.value)
    assert "postcodes line 3" in message and "not a valid postcode" in message
    assert LookupEdition.objects.count() == 0
    assert Postcode.objects.count() == 0
    assert LsoaDeprivation.objects.count() == 0


def test_decile_outside_one_to_ten_refuses_the_whole_import(tmp_path):
    imd = _write(
        tmp_path,
        "imd.csv",
        "lsoa_code,imd_decile\nE01990001,1\nE01990002,11\nE01990003,0\nE01990004,x\n",
    )
    with pytest.raises(CommandError) as error:
        _import(imd=imd)
    message = str(error.value)
    assert "imd line 3: decile 11 is outside 1 to 10" in message
    assert "imd line 4: decile 0 is outside 1 to 10" in message
    assert "imd line 5" in message
    assert "4 problem(s)" not in message  # three bad rows, reported one by one
    assert "3 problem(s)" in message
    assert LookupEdition.objects.count() == 0 and Postcode.objects.count() == 0


def test_refused_reimport_keeps_the_previous_rows(tmp_path):
    _import()
    imd = _write(tmp_path, "imd.csv", "lsoa_code,imd_decile\nE01990001,11\n")
    with pytest.raises(CommandError):
        _import(imd=imd)
    assert Postcode.objects.count() == 60 and LsoaDeprivation.objects.count() == 30


def test_duplicates_and_missing_columns_are_reported():
    with pytest.raises(ImportRefused) as refused:
        import_lookup(
            by=None,
            postcodes_csv=read_text(
                "pcds,lsoa21,lat,long\nnb12ab,E01990001,,\nNB1 2AB,E01990001,,\n"
            ),
            imd_csv=read_text("lsoa_code,imd_decile\nE01990001,3\n"),
            edition="dupes",
            imd_edition="IoD2025",
        )
    assert [str(p) for p in refused.value.problems] == ["postcodes line 3: NB1 2AB repeats line 2"]
    with pytest.raises(ImportRefused) as refused:
        import_lookup(
            by=None,
            postcodes_csv=read_text("postcode_only\nNB1 2AB\n"),
            imd_csv=read_text("lsoa_code,imd_decile\nE01990001,3\n"),
            edition="columns",
            imd_edition="",
        )
    assert "needs a postcode column" in str(refused.value.problems[0])


def test_postcodes_are_normalised_and_placeholders_dropped():
    report = import_lookup(
        by=None,
        postcodes_csv=read_text(
            "pcds,lsoa11,lat,long\nnb12ab,E01990001,99.999999,0.000000\nNB3 4EF,,53.8,-1.5\n"
        ),
        imd_csv=read_text(
            "LSOA code (2011),Index of Multiple Deprivation (IMD) Decile\nE01990001,2\n"
        ),
        edition="normalised",
        imd_edition="IoD2019",
    )
    assert report.postcodes == 2 and report.lsoas == 1 and report.postcodes_without_decile == 1
    row = Postcode.objects.get(postcode="NB1 2AB")
    assert row.lat is None and row.lon is None
    assert lookup("NB1 2AB").imd_decile == 2
    # A postcode with no LSOA is known, but its decile is not: never guessed.
    area = lookup("NB3 4EF")
    assert area.lsoa == "" and area.imd_decile is None


def test_unknown_postcode_is_not_known():
    _import()
    area = lookup("NB9 9ZZ")
    assert area.imd_decile is None
    assert area.lsoa == ""
    assert area.lat is None and area.lon is None


def test_the_hyphenated_command_name_works_too():
    call_command(
        "import-postcodes",
        postcodes=str(POSTCODES),
        imd=str(IMD),
        edition=EDITION,
        stdout=StringIO(),
    )
    assert LookupEdition.objects.get(name=EDITION).imd_edition == "not stated"


def test_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        _import(postcodes=tmp_path / "nope.csv")
