"""Shared fixtures. Tests use PostgreSQL when DATABASE_URL points at it (CI), else SQLite."""

from __future__ import annotations

import os

os.environ.setdefault("CONTINUITY_SECURE_COOKIES", "0")
os.environ.setdefault("CONTINUITY_FAST_PASSWORD_HASHER", "1")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.setdefault("CONTINUITY_TASKS_BACKEND", "immediate")

import pytest

from tests import factories


def pytest_configure(config):
    """Test-only speed-ups, applied however pytest is started (make test or bare pytest)."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    # Tasks run in-process as they are enqueued; tests of the worker switch to the database
    # backend with the `settings` fixture.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    from django_tasks.signals import clear_tasks_handlers

    clear_tasks_handlers(setting="TASKS")


@pytest.fixture
def world(db):
    """A small trust: two continuity teams and a traditional team, one woman per relationship."""
    return factories.build_world()


@pytest.fixture
def client_for(client):
    """Sign a Django test client in as the given user."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def fake_notify():
    """A fake GOV.UK Notify API on 127.0.0.1 and a free port, stopped after the test."""
    from tests.fakes.notify import FakeNotify

    fake = FakeNotify().start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def fake_nhs_login(settings):
    """A stub NHS login identity provider on 127.0.0.1, configured in settings."""
    from tests.fakes.nhs_login import FakeNhsLogin

    fake = FakeNhsLogin().start()
    settings.CONTINUITY_NHS_LOGIN = fake.settings()
    try:
        yield fake
    finally:
        fake.stop()
