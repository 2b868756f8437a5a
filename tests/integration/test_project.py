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


def _check_deploy(**changes):
    """`check --deploy` in a subprocess with the environment docs/architecture.md gives for
    production, changed by `changes` (None removes a variable)."""
    import os
    import secrets

    # The test run's own switches (async-unsafe, fast hashing, …) are not production's.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CONTINUITY_", "DJANGO_ALLOW_ASYNC_UNSAFE"))
    }
    env.update(
        {
            "CONTINUITY_DEBUG": "0",
            "CONTINUITY_SECRET_KEY": secrets.token_urlsafe(64),
            "CONTINUITY_SECURE_COOKIES": "1",
            "CONTINUITY_SSL_REDIRECT": "1",
            "CONTINUITY_HSTS_SECONDS": "31536000",
            "CONTINUITY_HSTS_INCLUDE_SUBDOMAINS": "1",
            "CONTINUITY_HSTS_PRELOAD": "1",
            "CONTINUITY_ALLOWED_HOSTS": "continuity.example.nhs.uk",
            "CONTINUITY_PUBLIC_URL": "https://continuity.example.nhs.uk",
        }
    )
    for key, value in changes.items():
        if value is None:
            env.pop(key)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "-m", "continuity.cli", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def test_the_deployment_checks_are_clean_under_production_settings():
    result = _check_deploy()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"CONTINUITY_SECRET_KEY": None}, "continuity.E101"),
        ({"CONTINUITY_FAST_PASSWORD_HASHER": "1"}, "continuity.E102"),
        ({"CONTINUITY_PUBLIC_URL": "http://continuity.example.nhs.uk"}, "continuity.W101"),
    ],
)
def test_the_deployment_checks_catch_demo_settings(change, expected):
    """The demo key, the tests' MD5 hasher and plain-http links never pass `check --deploy`."""
    result = _check_deploy(**change)
    assert result.returncode != 0
    assert expected in result.stdout + result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["TRACE", "TRACK", "CONNECT"])
def test_unused_methods_are_refused(client, method):
    response = client.generic(method, "/public/continuity/")
    assert response.status_code == 405


def test_new_passwords_must_be_long_and_uncommon():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from continuity.accounts.models import User

    user = User(username="annedwards", first_name="Ann", last_name="Edwards")
    for weak in ("short1!", "password1234", "annedwards12"):
        with pytest.raises(ValidationError):
            validate_password(weak, user=user)
    validate_password("a quiet tidal harbour 7", user=user)
