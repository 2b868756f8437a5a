"""Passwords are stored with Argon2id (ADR 0032); hashes made before it still work and are
upgraded at the next sign-in. The suite itself runs with a fast hasher, so these tests switch to
the production list, read from settings.py the way production reads it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher, check_password, make_password
from django.test import Client

from continuity.accounts.models import User

PASSWORD = "test-password-123"  # tests.factories' password for every user
PRODUCTION_HASHERS = [
    "continuity.accounts.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


def test_production_settings_hash_with_argon2id_first_and_keep_pbkdf2_for_old_hashes():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print('\\n'.join(settings.PASSWORD_HASHERS))"
    )
    env = {
        "CONTINUITY_FAST_PASSWORD_HASHER": "0",
        "DJANGO_SETTINGS_MODULE": "continuity.config.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **env},
    )
    assert result.stdout.split() == PRODUCTION_HASHERS


def test_a_new_password_is_stored_as_argon2id_with_19_mib_two_passes_one_lane(settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    stored = make_password(PASSWORD)
    assert stored.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert check_password(PASSWORD, stored)
    assert not check_password("not-the-password", stored)
    assert make_password(PASSWORD) != stored  # a fresh salt each time


@pytest.mark.django_db
def test_a_pbkdf2_hash_still_signs_in_and_is_rehashed_with_argon2id(settings, world):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    user = User.objects.get(username="mw_a")
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    user.save(update_fields=["password"])
    assert user.password.startswith("pbkdf2_sha256$")

    response = Client().post("/sign-in/", {"username": "mw_a", "password": PASSWORD})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    assert check_password(PASSWORD, user.password)


@pytest.mark.django_db
def test_a_wrong_password_against_an_old_hash_changes_nothing(settings, world):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    user = User.objects.get(username="mw_a")
    old = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    user.password = old
    user.save(update_fields=["password"])

    response = Client().post("/sign-in/", {"username": "mw_a", "password": "not-the-password"})

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.password == old
