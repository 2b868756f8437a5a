"""Deployment checks (`manage.py check --deploy`): settings that are fine for the demo and the
tests but must never reach production."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

# The published demo key, recognised here so that production refuses it.
DEMO_SECRET_PREFIX = "insecure-demo-key"  # noqa: S105 # nosec B105


@register(Tags.security, deploy=True)
def production_settings(app_configs: Any, **kwargs: Any) -> list[Error | Warning]:
    problems: list[Error | Warning] = []
    if str(settings.SECRET_KEY).startswith(DEMO_SECRET_PREFIX):
        problems.append(
            Error(
                "The secret key is the published demo key.",
                hint="Set CONTINUITY_SECRET_KEY to a long random value kept secret.",
                id="continuity.E101",
            )
        )
    if any("MD5" in hasher for hasher in settings.PASSWORD_HASHERS):
        problems.append(
            Error(
                "Passwords are hashed with MD5 (the test suite's fast hasher).",
                hint="Unset CONTINUITY_FAST_PASSWORD_HASHER in production.",
                id="continuity.E102",
            )
        )
    public_url = str(settings.CONTINUITY.get("PUBLIC_URL", ""))
    if not public_url.startswith("https://"):
        problems.append(
            Warning(
                "Links sent to women (sign-in and feedback) do not start with https://.",
                hint="Set CONTINUITY_PUBLIC_URL to the service's public https address.",
                id="continuity.W101",
            )
        )
    return problems
