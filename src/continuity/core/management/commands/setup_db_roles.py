"""`continuity setup_db_roles [--app-role NAME]` (PostgreSQL only)

Creates (or updates) the role the application connects as, with the rights it needs on every
table and sequence, except that it may only read and add to the audit trail and the access
events: no UPDATE, DELETE or TRUNCATE on `core_auditevent` and `core_accessevent`. Run it as the
database owner after each migration (`continuity migrate && continuity setup_db_roles`); the
application then connects as the app role (set its password and put it in DATABASE_URL).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from continuity.core.models import AccessEvent, AuditEvent

APPEND_ONLY = (AuditEvent._meta.db_table, AccessEvent._meta.db_table)


def grant_statements(role: str) -> list[str]:
    quoted = connection.ops.quote_name(role)
    tables = ", ".join(connection.ops.quote_name(t) for t in APPEND_ONLY)
    return [
        f"""DO $$ BEGIN
              IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN
                CREATE ROLE {quoted} LOGIN;
              END IF;
            END $$""",  # nosec B608
        f"GRANT USAGE ON SCHEMA public TO {quoted}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {quoted}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {tables} FROM {quoted}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {tables} FROM PUBLIC",
    ]


class Command(BaseCommand):
    help = "Create the application's database role: append-only on the audit and access tables."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--app-role", default="continuity_app", help="the role's name")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("Database roles are a PostgreSQL set-up step (SQLite has none).")
        role = options["app_role"]
        if not role.replace("_", "").isalnum() or not role[0].isalpha():
            raise CommandError("--app-role must be letters, digits and underscores")
        with connection.cursor() as cursor:
            for statement in grant_statements(role):
                cursor.execute(statement)
        self.stdout.write(
            f"Role {role}: read and write on every table, append-only on "
            f"{' and '.join(APPEND_ONLY)}."
        )
