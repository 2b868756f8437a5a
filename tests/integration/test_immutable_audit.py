"""On PostgreSQL the application's role can add to the audit trail and the access events but
never change or remove a row."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import ProgrammingError
from django.utils import timezone

from continuity.core.models import AccessEvent, AuditEvent

pytestmark = pytest.mark.django_db
ROLE = "continuity_app_test"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="roles are PostgreSQL's (CI runs it)")
def test_the_app_role_cannot_update_or_delete_audit_or_access_rows(world):
    out = StringIO()
    call_command("setup_db_roles", "--app-role", ROLE, stdout=out)
    assert "append-only" in out.getvalue()
    AuditEvent.objects.create(at=timezone.now(), action="x", object_type="t", object_id="1")
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {ROLE}")
        try:
            # It may read and add.
            cursor.execute("SELECT count(*) FROM core_auditevent")
            cursor.execute(
                "INSERT INTO core_auditevent (at, actor_role, action, object_type, object_id, "
                "changes, reason) VALUES (now(), '', 'y', 't', '2', '{}', '')"
            )
            cursor.execute(
                "INSERT INTO core_accessevent (at, role, action, outcome, basis, route, reason) "
                "VALUES (now(), 'midwife', 'view', 'allowed', '', '', '')"
            )
            # It may change ordinary tables.
            cursor.execute("UPDATE pregnancies_pregnancy SET risk = risk")
            for statement in (
                "UPDATE core_auditevent SET reason = 'changed'",
                "DELETE FROM core_auditevent",
                "UPDATE core_accessevent SET outcome = 'allowed'",
                "DELETE FROM core_accessevent",
                "TRUNCATE core_accessevent",
            ):
                with (
                    pytest.raises(ProgrammingError, match="permission denied"),
                    transaction.atomic(),
                ):
                    cursor.execute(statement)
        finally:
            cursor.execute("RESET ROLE")
    assert AccessEvent.objects.filter(action="view", role="midwife").exists()
    assert not AuditEvent.objects.filter(reason="changed").exists()


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite refusal")
def test_on_sqlite_the_command_explains_itself(world):
    with pytest.raises(CommandError, match="PostgreSQL set-up step"):
        call_command("setup_db_roles")
