"""The restore drill: back up, restore into a fresh database, and compare table by table.

Runs on whichever database the suite uses (PostgreSQL in CI, else SQLite). The backup must see
committed data from its own connection (pg_dump is another process), hence transaction=True.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sqlite3
import subprocess
import sys
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from continuity.core import backups
from continuity.core.audit import audit, record_access, record_access_many
from continuity.core.models import AccessEvent, AuditEvent
from continuity.pregnancies.actions import transition
from tests import factories

drill = pytest.mark.django_db(transaction=True)  # the data must be committed to be dumped
POSTGRES = connection.vendor == "postgresql"
AUDIT_QUERIES = {
    "core_auditevent": "SELECT id, action, object_type, object_id, reason FROM core_auditevent "
    "ORDER BY id",
    "core_accessevent": "SELECT id, user_id, woman_id, action, outcome FROM core_accessevent "
    "ORDER BY id",
}


# --- Fixtures and helpers -------------------------------------------------------------------


def admin_params() -> dict[str, str]:
    s = connection.settings_dict
    params = {"host": s["HOST"], "port": s["PORT"], "user": s["USER"], "password": s["PASSWORD"]}
    return {key: str(value) for key, value in params.items() if value}


@pytest.fixture
def fresh_target(tmp_path):
    """The URL of a new, empty database: on PostgreSQL a uniquely named database (dropped
    afterwards), on SQLite a file that does not exist yet."""
    if not POSTGRES:
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg
    from psycopg import sql

    name = f"continuity_drill_{secrets.token_hex(6)}"
    with psycopg.connect(**admin_params(), dbname="postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    s = connection.settings_dict
    credentials = quote(s["USER"] or "", safe="")
    if s["PASSWORD"]:
        credentials += ":" + quote(s["PASSWORD"], safe="")
    try:
        yield f"postgresql://{credentials}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{name}"
    finally:
        with psycopg.connect(**admin_params(), dbname="postgres", autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def on_target(url: str, query: str) -> list[tuple]:
    """Run one statement in the restored database, independently of the code under test."""
    if POSTGRES:
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            cursor = conn.execute(query)
            return [tuple(row) for row in cursor.fetchall()] if cursor.description else []
    conn = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        with conn:
            return conn.execute(query).fetchall()
    finally:
        conn.close()


def on_source(query: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query)
        return [tuple(row) for row in cursor.fetchall()]


def populate():
    """The small trust plus audit events from a real action and the audit helpers."""
    world = factories.build_world()
    midwife = world.midwife_a.user
    transition(by=midwife, pregnancy=world.pregnancy_b, to="transferred_out", reason="moved")
    for n in range(3):
        audit(by=midwife, action="drill.note", obj=world.pregnancy_a, changes={"n": n})
    record_access(user=midwife, woman=world.pregnancy_a.woman)
    record_access_many(
        user=world.manager,
        women_ids=[world.pregnancy_a.woman_id, world.pregnancy_b.woman_id],
        action=AccessEvent.Action.LIST,
    )
    return world


def back_up(tmp_path: Path, *args: str) -> tuple[Path, str]:
    out = StringIO()
    call_command("backup", "--dir", str(tmp_path / "backups"), *args, stdout=out)
    (data,) = [p for p in (tmp_path / "backups").iterdir() if not p.name.endswith(".json")]
    return data, out.getvalue()


def restore(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("restore", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# --- The drill ------------------------------------------------------------------------------


@drill
def test_a_restore_into_a_fresh_database_matches_table_by_table(tmp_path, fresh_target):
    populate()
    data, printed = back_up(tmp_path)
    manifest = json.loads(backups.manifest_path(data).read_text())

    # The manifest describes the database as it is: every table, counted independently.
    tables = sorted(connection.introspection.table_names())
    assert sorted(manifest["tables"]) == tables
    for table in tables:
        (count,) = on_source(f'SELECT count(*) FROM "{table}"')[0]  # noqa: S608
        assert manifest["tables"][table]["rows"] == count, table
    assert manifest["vendor"] == connection.vendor
    assert manifest["audit"]["core_auditevent"] == {
        "rows": AuditEvent.objects.count(),
        "max_id": AuditEvent.objects.order_by("-id").first().id,
    }
    assert manifest["audit"]["core_accessevent"]["rows"] == AccessEvent.objects.count() == 3
    applied = on_source("SELECT app, name FROM django_migrations ORDER BY app, name")
    assert [tuple(m) for m in manifest["migrations"]] == applied
    assert f"{AuditEvent.objects.count()} rows" in printed

    out, _ = restore(str(data), "--database-url", fresh_target)
    assert f"all {len(tables)} tables match" in out
    assert "Audit continuity: core_auditevent holds exactly the backed-up rows" in out
    assert "Audit continuity: core_accessevent holds exactly the backed-up rows" in out

    # Checked without the code under test: the same counts and the same audit rows.
    for table in tables:
        query = f'SELECT count(*) FROM "{table}"'  # noqa: S608
        assert on_target(fresh_target, query) == on_source(query), table
    for query in AUDIT_QUERIES.values():
        assert on_target(fresh_target, query) == on_source(query)
    # And with it: the restored copy's manifest equals the backup's, table by table.
    restored = backups.manifest_of(backups.Database.from_url(fresh_target))
    assert restored["tables"] == manifest["tables"]
    assert restored["audit"] == manifest["audit"]


@drill
def test_a_tampered_restore_is_reported_table_by_table(tmp_path, fresh_target):
    populate()
    data, _ = back_up(tmp_path)
    restore(str(data), "--database-url", fresh_target)
    last_audit = AuditEvent.objects.order_by("-id").first().id
    first_access = AccessEvent.objects.order_by("id").first().id
    # Ids are integers read from the database just above.
    on_target(fresh_target, f"UPDATE core_auditevent SET reason = 'x' WHERE id = {last_audit:d}")  # noqa: S608
    on_target(fresh_target, f"DELETE FROM core_accessevent WHERE id = {first_access:d}")  # noqa: S608

    err = StringIO()
    with pytest.raises(CommandError, match="Verification failed"):
        call_command(
            "restore", str(data), "--verify-only", "--database-url", fresh_target, stderr=err
        )
    report = err.getvalue()
    named = {line.split(":")[0].strip() for line in report.splitlines() if line.startswith("  ")}
    assert named == {"core_auditevent", "core_accessevent"}
    assert "core_accessevent: DIFFERS - rows 3 in the backup, 2 here" in report
    assert "Audit continuity BROKEN: core_auditevent" in report
    assert "Audit continuity BROKEN: core_accessevent" in report

    # --force restores over it, and the copy then verifies again.
    out, _ = restore(str(data), "--force", "--database-url", fresh_target)
    assert "tables match" in out
    assert on_target(fresh_target, AUDIT_QUERIES["core_auditevent"]) == on_source(
        AUDIT_QUERIES["core_auditevent"]
    )


@drill
@pytest.mark.skipif(not POSTGRES, reason="pg_dump and its snapshot are PostgreSQL's (CI runs it)")
def test_the_manifest_and_the_dump_are_one_snapshot(tmp_path, fresh_target, monkeypatch):
    """A row written after the manifest was taken but before pg_dump ran is in neither."""
    world = populate()
    before = AuditEvent.objects.count()
    real_run = backups.run

    def write_then_run(command, env):
        audit(by=world.manager, action="drill.late", obj=world.pregnancy_a)  # committed now
        real_run(command, env)

    monkeypatch.setattr(backups, "run", write_then_run)
    data, _ = back_up(tmp_path)
    assert AuditEvent.objects.count() == before + 1
    out, _ = restore(str(data), "--database-url", fresh_target)
    assert "tables match" in out
    assert on_target(fresh_target, "SELECT count(*) FROM core_auditevent") == [(before,)]


@drill
def test_a_checksum_follows_the_documented_definition_across_blocks(monkeypatch):
    """Rows in key order, md5 per row, md5 per block of rows, md5 over the blocks: computed
    here by hand, in blocks of two so the audit trail spans several (the last one partial)."""
    world = populate()
    if AuditEvent.objects.count() % 2 == 0:  # an odd count, so the last block is partial
        audit(by=world.manager, action="drill.odd", obj=world.pregnancy_a)
    assert AuditEvent.objects.count() % 2 == 1
    monkeypatch.setattr(backups, "BLOCK", 2)
    if POSTGRES:
        db = backups.Database.from_settings(connection.settings_dict)
        with backups.pg_connect(db) as conn, conn.cursor() as cursor:
            summary = backups.pg_tables_summary(cursor)
            cursor.execute("SELECT ROW(t.*)::text FROM core_auditevent AS t ORDER BY id")
            texts = [row[0].encode() for row in cursor.fetchall()]
    else:
        # A plain copy: Django's own SQLite connection converts dates to Python objects.
        connection.ensure_connection()
        plain = sqlite3.connect(":memory:")
        connection.connection.backup(plain)
        summary = backups.sqlite_tables_summary(plain)
        rows = plain.execute("SELECT * FROM core_auditevent ORDER BY id")
        texts = [backups.sqlite_row_text(row) for row in rows]
        plain.close()

    def md5(data: bytes) -> str:
        return hashlib.md5(data, usedforsecurity=False).hexdigest()

    row_hashes = [md5(text) for text in texts]
    blocks = [md5("".join(row_hashes[i : i + 2]).encode()) for i in range(0, len(texts), 2)]
    assert summary["core_auditevent"] == {
        "rows": len(texts),
        "checksum": md5("".join(blocks).encode()),
    }


# --- Refusals and errors --------------------------------------------------------------------


@drill
def test_a_target_holding_data_is_refused_without_force(tmp_path, fresh_target):
    populate()
    data, _ = back_up(tmp_path)
    restore(str(data), "--database-url", fresh_target)
    on_target(fresh_target, "DELETE FROM core_accessevent")
    with pytest.raises(CommandError, match="--force"):
        restore(str(data), "--database-url", fresh_target)
    # Refused means untouched: the deleted rows did not come back.
    assert on_target(fresh_target, "SELECT count(*) FROM core_accessevent") == [(0,)]


def test_a_missing_backup_file_is_a_clear_error(tmp_path):
    target = f"sqlite:///{tmp_path / 'target.sqlite3'}"
    with pytest.raises(CommandError, match="No backup file at"):
        restore(str(tmp_path / "nothing.pgdump"), "--database-url", target)
    assert list(tmp_path.iterdir()) == []


@drill
def test_a_corrupt_manifest_is_refused(tmp_path, fresh_target):
    populate()
    data, _ = back_up(tmp_path)
    manifest = backups.manifest_path(data)
    manifest.write_text("{not json")
    with pytest.raises(CommandError, match="is not valid JSON"):
        restore(str(data), "--database-url", fresh_target)
    manifest.write_text(json.dumps({"format": "something else", "tables": {}}))
    with pytest.raises(CommandError, match="not a Continuity backup manifest"):
        restore(str(data), "--database-url", fresh_target)
    manifest.unlink()
    with pytest.raises(CommandError, match="No manifest at"):
        restore(str(data), "--database-url", fresh_target)


@drill
def test_a_corrupt_data_file_is_refused_before_anything_is_restored(tmp_path, fresh_target):
    populate()
    data, _ = back_up(tmp_path)
    with data.open("r+b") as handle:
        handle.seek(data.stat().st_size // 2)
        byte = handle.read(1)
        handle.seek(-1, os.SEEK_CUR)
        handle.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(CommandError, match="does not match its manifest"):
        restore(str(data), "--database-url", fresh_target)
    if POSTGRES:
        tables = "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        assert on_target(fresh_target, tables) == [(0,)]
    else:
        assert not Path(fresh_target.removeprefix("sqlite:///")).exists()


@drill
def test_a_backup_from_the_other_vendor_is_refused(tmp_path, fresh_target):
    populate()
    data, _ = back_up(tmp_path)
    manifest_file = backups.manifest_path(data)
    manifest = json.loads(manifest_file.read_text())
    manifest["vendor"] = "sqlite" if POSTGRES else "postgresql"
    manifest_file.write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match=f"This is a {manifest['vendor']} backup"):
        restore(str(data), "--database-url", fresh_target)


@drill
@pytest.mark.skipif(not POSTGRES, reason="pg_dump is PostgreSQL's (CI runs it)")
def test_a_missing_pg_dump_is_a_clear_error_and_leaves_no_file(tmp_path, monkeypatch):
    populate()
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(CommandError, match="pg_dump was not found on PATH"):
        back_up(tmp_path)
    assert list((tmp_path / "backups").iterdir()) == []


@drill
def test_output_names_tables_and_counts_never_personal_data(tmp_path, fresh_target):
    world = populate()
    data, printed = back_up(tmp_path, "--verbosity", "2")
    out, _ = restore(str(data), "--database-url", fresh_target, "--verbosity", "2")
    woman = world.pregnancy_a.woman
    assert "core_auditevent:" in printed and "core_auditevent:" in out
    for secret in (woman.nhs_number, woman.given_name, woman.family_name, "Ann Named"):
        assert secret not in printed and secret not in out


def test_the_console_reports_an_unreachable_database_in_one_line(tmp_path):
    env = dict(os.environ, DATABASE_URL="postgresql://nobody@127.0.0.1:9/nowhere")
    result = subprocess.run(  # our own console script, no shell
        [sys.executable, "-m", "continuity.cli", "backup", "--dir", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("CommandError: Could not connect to the PostgreSQL")
    assert len(result.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []
