"""Backups with a manifest, restores that prove themselves (`continuity backup` / `restore`).

A backup is two files side by side:

- the data: a `pg_dump --format=custom` file (PostgreSQL) or a copy of the database file made
  with SQLite's online backup API (safe while the server runs);
- `<data file>.manifest.json`: for every table its row count and a checksum of its rows in
  primary-key order, the Django migration state, the time (UTC), the database vendor, the app
  version, the data file's size and SHA-256, and for the audit trail and the access events the
  highest id and the count.

The manifest describes exactly the snapshot in the data file. On PostgreSQL it is computed in a
REPEATABLE READ transaction whose snapshot is exported and handed to `pg_dump --snapshot`; on
SQLite it is computed on the copy itself. A restore recomputes the manifest on the target and
compares table by table, so a restore that lost or changed a row cannot pass unnoticed.

Nothing here prints or returns row contents: only table names, counts and checksums.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # pg_dump and pg_restore, never a shell # nosec B404
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import quote

import dj_database_url

FORMAT = "continuity-backup/1"
AUDIT_TABLES = ("core_auditevent", "core_accessevent")
MANIFEST_SUFFIX = ".manifest.json"


class BackupError(Exception):
    """A problem an operator can act on; the commands print it as one line."""


# --- Which database -------------------------------------------------------------------------


@dataclass(frozen=True)
class Database:
    """A database to back up, restore into or verify: its vendor and Django-style settings."""

    vendor: str  # "postgresql" or "sqlite"
    settings: dict[str, Any] = field(hash=False)

    @classmethod
    def from_settings(cls, settings_dict: dict[str, Any]) -> Database:
        engine = settings_dict.get("ENGINE", "")
        for vendor in ("postgresql", "sqlite"):
            if vendor in engine:
                return cls(vendor, dict(settings_dict))
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {engine or 'this engine'}.")

    @classmethod
    def from_url(cls, url: str) -> Database:
        try:
            parsed = dj_database_url.parse(url)
        except (ValueError, KeyError):
            raise BackupError(
                "--database-url is not a database URL Continuity understands."
            ) from None
        db = cls.from_settings(dict(parsed))
        if not db.settings.get("NAME"):  # libpq would quietly pick a default database
            raise BackupError("--database-url must name the database.")
        return db

    def describe(self) -> str:
        """Where it is, without the password."""
        name = self.settings.get("NAME") or ""
        if self.vendor == "sqlite":
            return f"SQLite database {name}"
        host = self.settings.get("HOST") or "local socket"
        port = self.settings.get("PORT") or 5432
        return f"PostgreSQL database {name} on {host}:{port}"


# The libpq keywords we pass on, and the environment variables pg_dump and pg_restore read.
LIBPQ_ENV = {
    "host": "PGHOST",
    "port": "PGPORT",
    "user": "PGUSER",
    "password": "PGPASSWORD",  # a variable's name # nosec B105
    "dbname": "PGDATABASE",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


def libpq_params(db: Database) -> dict[str, str]:
    """Connection keywords for psycopg (and, renamed, for pg_dump's environment)."""
    s = db.settings
    values = {
        "host": s.get("HOST"),
        "port": s.get("PORT"),
        "user": s.get("USER"),
        "password": s.get("PASSWORD"),
        "dbname": s.get("NAME"),
    }
    options = s.get("OPTIONS") or {}
    values.update({key: options[key] for key in LIBPQ_ENV if key in options})  # e.g. sslmode
    values["connect_timeout"] = values.get("connect_timeout") or 10  # fail fast if unreachable
    return {key: str(value) for key, value in values.items() if value not in (None, "")}


def pg_env(db: Database) -> dict[str, str]:
    """The environment for pg_dump and pg_restore: connection details, never on the command line."""
    env = dict(os.environ)
    env.update({LIBPQ_ENV[key]: value for key, value in libpq_params(db).items()})
    return env


def pg_connect(db: Database) -> Any:
    """A psycopg connection whose rows print the same way on every server (UTC, ISO dates)."""
    import psycopg

    try:
        conn = psycopg.connect(**libpq_params(db), autocommit=True)
    except psycopg.Error as error:
        raise BackupError(
            f"Could not connect to the {db.describe()}: {first_line(error)}"
        ) from None
    for setting in (
        "SET TIME ZONE 'UTC'",
        "SET DateStyle = 'ISO, YMD'",
        "SET IntervalStyle = 'postgres'",
        "SET extra_float_digits = 1",
        "SET bytea_output = 'hex'",
    ):
        conn.execute(setting)
    return conn


def in_one_snapshot(conn: Any) -> None:
    """Make the connection's next transaction read one unchanging snapshot, read-only."""
    import psycopg

    conn.autocommit = False
    conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    conn.read_only = True


def file_problem(error: OSError) -> str:
    """A file the operator named could not be read or written: say which and why, in a line."""
    where = f" ({error.filename})" if error.filename else ""
    return f"File error: {error.strerror or first_line(error)}{where}."


def first_line(error: BaseException | str) -> str:
    """The first line of an error: the headline, never a DETAIL line that could quote a row."""
    text = str(error).strip()
    return text.splitlines()[0].strip() if text else type(error).__name__


# --- Manifests ------------------------------------------------------------------------------


# The checksum of a table, the same definition on both vendors: take its rows in primary-key
# order; hash each row's text with md5; hash each run of BLOCK consecutive row hashes (joined as
# hex) into a block hash; the table's checksum is md5 over its block hashes. Blocks keep the
# memory used flat however long the access events grow. An empty table's checksum is md5("").
BLOCK = 10_000

PG_CHECKSUM = """
SELECT coalesce(sum(n), 0)::int8, md5(coalesce(string_agg(h, '' ORDER BY b), ''))
FROM (
    SELECT (rn - 1) / {block} AS b, count(*) AS n, md5(string_agg(rh, '' ORDER BY rn)) AS h
    FROM (
        SELECT md5(ROW(t.*)::text) AS rh, row_number() OVER (ORDER BY {keys}) AS rn
        FROM {schema}.{table} AS t
    ) AS r
    GROUP BY 1
) AS blocks
"""


def pg_tables_summary(cursor: Any) -> dict[str, dict[str, Any]]:
    """Row count and checksum of every table in the current schema, read in the open snapshot.
    Text keys are ordered byte by byte, so the server's collation cannot reorder them."""
    from psycopg import sql

    schema = current_schema(cursor)
    cursor.execute(
        "SELECT c.oid::int8, c.relname FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY c.relname"
    )
    tables: dict[str, dict[str, Any]] = {}
    for oid, name in cursor.fetchall():
        cursor.execute(
            "SELECT a.attname, a.attcollation <> 0 FROM pg_index i "
            "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) "
            "WHERE i.indrelid = %s::oid AND i.indisprimary "
            "ORDER BY array_position(i.indkey::int2[], a.attnum)",
            (oid,),
        )
        keys = [
            sql.SQL('t.{} COLLATE "C"' if collatable else "t.{}").format(sql.Identifier(column))
            for column, collatable in cursor.fetchall()
        ] or [sql.SQL('ROW(t.*)::text COLLATE "C"')]  # no key: order by the whole row
        cursor.execute(
            sql.SQL(PG_CHECKSUM).format(
                block=sql.Literal(BLOCK),
                keys=sql.SQL(", ").join(keys),
                schema=sql.Identifier(schema),
                table=sql.Identifier(name),
            )
        )
        rows, checksum = cursor.fetchone()
        tables[name] = {"rows": int(rows), "checksum": checksum}
    return tables


def current_schema(cursor: Any) -> str:
    cursor.execute("SELECT current_schema()")
    return str(cursor.fetchone()[0])


class BlockChecksum:
    """The table checksum above, fed one row text at a time (for SQLite, which has no md5)."""

    def __init__(self) -> None:
        self.rows = 0
        self.table = hashlib.md5(usedforsecurity=False)
        self.block = hashlib.md5(usedforsecurity=False)

    def add(self, row_text: bytes) -> None:
        self.block.update(hashlib.md5(row_text, usedforsecurity=False).hexdigest().encode())
        self.rows += 1
        if self.rows % BLOCK == 0:
            self.table.update(self.block.hexdigest().encode())
            self.block = hashlib.md5(usedforsecurity=False)

    def hexdigest(self) -> str:
        if self.rows % BLOCK:
            self.table.update(self.block.hexdigest().encode())
            self.block = hashlib.md5(usedforsecurity=False)
        return self.table.hexdigest()


def sqlite_row_text(row: tuple[Any, ...]) -> bytes:
    """A canonical text for one SQLite row: JSON, with blobs as hex."""
    plain = [{"hex": v.hex()} if isinstance(v, bytes | memoryview) else v for v in row]
    return json.dumps(plain, ensure_ascii=False, separators=(",", ":")).encode()


def sqlite_tables_summary(conn: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    """Row count and checksum of every table, rows streamed in primary-key order."""
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
        )
    ]
    tables: dict[str, dict[str, Any]] = {}
    for name in names:
        quoted = '"' + name.replace('"', '""') + '"'
        info = conn.execute(f"PRAGMA table_info({quoted})").fetchall()
        keys = [column for _, column in sorted((c[5], c[1]) for c in info if c[5] > 0)]
        order = ", ".join('"' + k.replace('"', '""') + '"' for k in keys)
        # Names come from the catalogue and are quoted as identifiers: no input reaches here.
        query = f"SELECT * FROM {quoted}"  # noqa: S608 # nosec B608
        if keys:
            texts: Any = (sqlite_row_text(row) for row in conn.execute(f"{query} ORDER BY {order}"))
        else:  # no key (Django makes none): order by the whole row, held in memory
            texts = sorted(sqlite_row_text(row) for row in conn.execute(query))
        checksum = BlockChecksum()
        for text in texts:
            checksum.add(text)
        tables[name] = {"rows": checksum.rows, "checksum": checksum.hexdigest()}
    return tables


def audit_summary(cursor: Any, tables: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """For the audit trail and the access events: the count and the highest id."""
    summary = {}
    for name in AUDIT_TABLES:
        if name in tables:
            query = f'SELECT coalesce(max(id), 0) FROM "{name}"'  # noqa: S608 # nosec B608
            cursor.execute(query)  # the name is one of the constants above
            summary[name] = {"rows": tables[name]["rows"], "max_id": int(cursor.fetchone()[0])}
    return summary


def migrations(cursor: Any, tables: dict[str, dict[str, Any]]) -> list[list[str]]:
    if "django_migrations" not in tables:
        return []
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [[str(app), str(name)] for app, name in cursor.fetchall()]


def app_version() -> str:
    try:
        return metadata.version("continuity")
    except metadata.PackageNotFoundError:
        return "unknown"


def describe_snapshot(
    vendor: str, server_version: str, cursor: Any, tables: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """The manifest's body; the backup adds the data file's size and SHA-256 once written."""
    return {
        "format": FORMAT,
        "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "vendor": vendor,
        "server_version": server_version,
        "app_version": app_version(),
        "migrations": migrations(cursor, tables),
        "tables": tables,
        "audit": audit_summary(cursor, tables),
    }


def pg_manifest(cursor: Any) -> dict[str, Any]:
    cursor.execute("SHOW server_version")
    version = str(cursor.fetchone()[0])
    return describe_snapshot("postgresql", version, cursor, pg_tables_summary(cursor))


def sqlite_manifest(conn: sqlite3.Connection) -> dict[str, Any]:
    tables = sqlite_tables_summary(conn)
    return describe_snapshot("sqlite", sqlite3.sqlite_version, conn.cursor(), tables)


def manifest_of(db: Database) -> dict[str, Any]:
    """The manifest a database would have now (used to verify a restore)."""
    if db.vendor == "postgresql":
        conn = pg_connect(db)
        try:
            in_one_snapshot(conn)
            with conn.cursor() as cursor:
                return pg_manifest(cursor)
        finally:
            conn.close()
    path = sqlite_path(db)
    if not path.is_file():
        raise BackupError(f"There is no database file at {path}.")
    try:
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
        try:
            return sqlite_manifest(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"Could not read the {db.describe()}: {first_line(error)}") from None


# --- Reading and writing manifest files -----------------------------------------------------


def manifest_path(data_file: Path) -> Path:
    return data_file.with_name(data_file.name + MANIFEST_SUFFIX)


def file_facts(path: Path) -> dict[str, Any]:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return {"name": path.name, "bytes": path.stat().st_size, "sha256": digest.hexdigest()}


def read_manifest(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise BackupError(f"No manifest at {path}: a backup is its data file plus this manifest.")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise BackupError(f"The manifest {path} is not valid JSON: it is corrupt.") from None
    if not well_formed(manifest):
        raise BackupError(f"The manifest {path} is not a Continuity backup manifest ({FORMAT}).")
    return manifest


def well_formed(manifest: Any) -> bool:
    """Every field the restore and the report read is there and of the right type."""

    def entries(value: Any, **fields: type) -> bool:
        return isinstance(value, dict) and all(
            isinstance(entry, dict)
            and all(type(entry.get(name)) is kind for name, kind in fields.items())
            for entry in value.values()
        )

    return (
        isinstance(manifest, dict)
        and manifest.get("format") == FORMAT
        and manifest.get("vendor") in ("postgresql", "sqlite")
        and isinstance(manifest.get("created_at"), str)
        and entries(manifest.get("tables"), rows=int, checksum=str)
        and entries(manifest.get("audit"), rows=int, max_id=int)
        and all(name in manifest["tables"] for name in manifest["audit"])
        and isinstance(manifest.get("migrations"), list)
        and all(
            isinstance(m, list) and len(m) == 2 and all(isinstance(part, str) for part in m)
            for m in manifest["migrations"]
        )
    )


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read, atomically (a partial file never has the name)."""
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(partial, path)


# --- Backup ---------------------------------------------------------------------------------


def default_name(vendor: str) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"continuity-{stamp}." + ("pgdump" if vendor == "postgresql" else "sqlite3")


def tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} was not found on PATH: install the PostgreSQL client tools "
            "(Debian: apt-get install postgresql-client), the same major version as the server."
        )
    return found


def run(command: list[str], env: dict[str, str]) -> None:
    """Run pg_dump or pg_restore; on failure, its first error line (never a DETAIL line)."""
    # The command is pg_dump or pg_restore from PATH with arguments built here: no shell.
    result = subprocess.run(  # noqa: S603 # nosec B603
        command, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if "error" in line.lower()]
        headline = first_line(lines[0] if lines else result.stderr or "no message")
        raise BackupError(f"{Path(command[0]).name} failed: {headline}")


def backup(db: Database, django_connection: Any, output: Path) -> dict[str, Any]:
    """Write the data file at `output` and its manifest beside it; return the manifest.

    `django_connection` is the connection the application uses (on SQLite the copy is taken
    through it, so an in-memory test database can be backed up too)."""
    if output.exists() or manifest_path(output).exists():
        raise BackupError(f"{output} already exists: choose another name.")
    output.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = output.with_name(output.name + ".partial")
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    try:
        if db.vendor == "postgresql":
            manifest = backup_postgresql(db, partial)
        else:
            manifest = backup_sqlite(django_connection, partial)
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)
    manifest["file"] = file_facts(output)
    write_private(manifest_path(output), json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def backup_postgresql(db: Database, partial: Path) -> dict[str, Any]:
    """Export a snapshot, describe it, and have pg_dump dump that same snapshot."""
    import psycopg

    pg_dump = tool("pg_dump")
    conn = pg_connect(db)
    try:
        in_one_snapshot(conn)
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = str(cursor.fetchone()[0])
            manifest = pg_manifest(cursor)
            # The snapshot stays importable while this transaction is open.
            command = [pg_dump, "--format=custom", "--no-password", f"--snapshot={snapshot}"]
            run([*command, f"--file={partial}"], pg_env(db))
        conn.rollback()
    except psycopg.Error as error:
        raise BackupError(f"Reading the {db.describe()} failed: {first_line(error)}") from None
    finally:
        conn.close()
    return manifest


def backup_sqlite(django_connection: Any, partial: Path) -> dict[str, Any]:
    """Copy the live database with SQLite's online backup API, then describe the copy."""
    django_connection.ensure_connection()
    target = sqlite3.connect(partial)
    try:
        django_connection.connection.backup(target)
        target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        return sqlite_manifest(target)
    except sqlite3.Error as error:
        raise BackupError(f"Copying the SQLite database failed: {first_line(error)}") from None
    finally:
        target.close()


# --- Restore --------------------------------------------------------------------------------


def sqlite_path(db: Database) -> Path:
    name = str(db.settings.get("NAME") or "")
    if not name or name == ":memory:" or "mode=memory" in name:
        raise BackupError("The target is an in-memory SQLite database: give --database-url.")
    return Path(name)


def check_data_file(data_file: Path, manifest: dict[str, Any]) -> None:
    if not data_file.is_file():
        raise BackupError(f"No backup file at {data_file}.")
    expected = manifest.get("file") or {}
    actual = file_facts(data_file)
    if expected.get("bytes") != actual["bytes"] or expected.get("sha256") != actual["sha256"]:
        raise BackupError(
            f"The backup file {data_file} does not match its manifest (size or SHA-256 "
            "differ): it is corrupt, incomplete or from another backup."
        )


def pg_table_count(db: Database) -> int:
    with pg_connect(db) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN "
            "('pg_catalog', 'information_schema') AND schemaname NOT LIKE 'pg\\_%'"
        ).fetchone()
        return int(row[0])


def check_vendor(manifest: dict[str, Any], target: Database) -> None:
    if manifest["vendor"] != target.vendor:
        raise BackupError(
            f"This is a {manifest['vendor']} backup; the target is the {target.describe()}."
        )


def restore(data_file: Path, manifest: dict[str, Any], target: Database, force: bool) -> None:
    """Put the backup into the target. The caller then verifies it against the manifest."""
    check_vendor(manifest, target)
    check_data_file(data_file, manifest)
    if target.vendor == "postgresql":
        restore_postgresql(data_file, target, force)
    else:
        restore_sqlite(data_file, target, force)


def restore_postgresql(data_file: Path, target: Database, force: bool) -> None:
    pg_restore = tool("pg_restore")
    tables = pg_table_count(target)
    if tables and not force:
        raise BackupError(
            f"The target {target.describe()} already holds {tables} tables: restore into an "
            "empty database, or pass --force to replace them."
        )
    # Owners and grants are not restored: the target's roles may differ. Re-run
    # setup_db_roles afterwards. One transaction: a failed restore leaves nothing behind.
    command = [pg_restore, "--no-password", "--no-owner", "--no-privileges", "--exit-on-error"]
    command += ["--single-transaction", f"--dbname={target.settings['NAME']}"]
    if force:
        command += ["--clean", "--if-exists"]
    run([*command, str(data_file)], pg_env(target))


def restore_sqlite(data_file: Path, target: Database, force: bool) -> None:
    path = sqlite_path(target)
    if path.exists() and path.stat().st_size > 0 and not force:
        raise BackupError(
            f"{path} already exists and is not empty: stop the server, move it aside, or pass "
            "--force to replace it."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    incoming = path.with_name(path.name + ".restoring")
    shutil.copyfile(data_file, incoming)
    os.chmod(incoming, 0o600)
    for suffix in ("-wal", "-shm", "-journal"):  # an old journal must not replay onto the copy
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    os.replace(incoming, path)


# --- Verification ---------------------------------------------------------------------------


@dataclass
class Verification:
    """The outcome of comparing a database with a manifest: problems, one line each."""

    expected: dict[str, Any]
    actual: dict[str, Any]
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def audit_lines(self) -> list[str]:
        """Audit continuity, said explicitly: same count, same highest id, same rows."""
        lines = []
        for name in AUDIT_TABLES:
            want = self.expected["audit"].get(name)
            have = self.actual["audit"].get(name)
            want_rows = self.expected["tables"].get(name)
            have_rows = self.actual["tables"].get(name)
            if want is None:
                lines.append(f"Audit continuity: {name} is not in the backup.")
            elif want == have and want_rows == have_rows:
                lines.append(
                    f"Audit continuity: {name} holds exactly the backed-up rows "
                    f"({want['rows']} rows, highest id {want['max_id']}, checksums match)."
                )
            else:
                got = f"{have['rows']} rows up to id {have['max_id']}" if have else "nothing"
                lines.append(
                    f"Audit continuity BROKEN: {name} should hold exactly {want['rows']} rows up "
                    f"to id {want['max_id']} (checksum {want_rows['checksum']}); it holds {got}"
                    + (f" (checksum {have_rows['checksum']})." if have_rows else ".")
                )
        return lines


def verify(expected: dict[str, Any], actual: dict[str, Any]) -> Verification:
    result = Verification(expected, actual)
    want, have = expected["tables"], actual["tables"]
    for name in sorted(set(want) | set(have)):
        if name not in have:
            result.problems.append(f"{name}: missing (the backup has {want[name]['rows']} rows)")
        elif name not in want:
            result.problems.append(f"{name}: not in the backup ({have[name]['rows']} rows here)")
        elif want[name] != have[name]:
            result.problems.append(
                f"{name}: DIFFERS - rows {want[name]['rows']} in the backup, "
                f"{have[name]['rows']} here; checksum {want[name]['checksum']} in the backup, "
                f"{have[name]['checksum']} here"
            )
    for name in AUDIT_TABLES:
        if (
            name in want
            and name in have
            and expected["audit"].get(name) != actual["audit"].get(name)
        ):
            result.problems.append(f"{name}: highest id differs from the backup")
    if expected["migrations"] != actual["migrations"]:
        result.problems.append(
            f"migrations: {len(expected['migrations'])} applied in the backup, "
            f"{len(actual['migrations'])} here, or different ones"
        )
    return result
