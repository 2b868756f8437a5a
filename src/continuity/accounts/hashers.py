"""The password hasher: Argon2id at the OWASP Password Storage Cheat Sheet's first configuration.

Argon2id (RFC 9106, the Password Hashing Competition's winner) is memory-hard: each guess costs
an attacker 19 MiB as well as time, which PBKDF2 cannot ask of a GPU. With 19 MiB, two passes
and one lane a hash costs about 30 ms of one core, against about 240 ms for Django 5.2's PBKDF2
with 1,000,000 iterations, so a burst of sign-ins no longer holds every web worker (ADR 0032).
The parameters are written into each stored hash; when they change here, Django re-hashes a
password at its next successful sign-in.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Django's Argon2 hasher (Argon2id) with 19 MiB of memory, 2 passes and 1 lane."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
