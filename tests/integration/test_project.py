"""Project-level checks: migrations match models, system checks pass, the CLI wraps commands."""

from __future__ import annotations

import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_missing_migrations():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_system_checks_pass():
    out = StringIO()
    call_command("check", stdout=out)
    assert "no issues" in out.getvalue()


def test_continuity_console_script_wraps_manage():
    result = subprocess.run(
        [sys.executable, "-m", "continuity.cli", "help", "demo"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "--births" in result.stdout


def test_the_deployment_checks_are_clean_under_production_settings():
    """`check --deploy` with the environment docs/architecture.md gives for production."""
    import os
    import secrets

    # The test run's own switches (async-unsafe, fast hashing, …) are not production's.
    inherited = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CONTINUITY_", "DJANGO_ALLOW_ASYNC_UNSAFE"))
    }
    env = {
        **inherited,
        "CONTINUITY_DEBUG": "0",
        "CONTINUITY_SECRET_KEY": secrets.token_urlsafe(64),
        "CONTINUITY_SECURE_COOKIES": "1",
        "CONTINUITY_SSL_REDIRECT": "1",
        "CONTINUITY_HSTS_SECONDS": "31536000",
        "CONTINUITY_HSTS_INCLUDE_SUBDOMAINS": "1",
        "CONTINUITY_HSTS_PRELOAD": "1",
        "CONTINUITY_ALLOWED_HOSTS": "continuity.example.nhs.uk",
    }
    result = subprocess.run(
        [sys.executable, "-m", "continuity.cli", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
