"""Ending a person's sessions on the server, and limiting sign-in attempts.

Sessions live in the database, so signing out (Django's `logout`, which flushes the session) ends
the session for good. Disabling an account ends every session it has, at once, wherever it is.
Sign-in attempts are limited per username and per address: after `MAX_FAILURES` failures in
`WINDOW`, further attempts are refused for the rest of the window, whatever the password.
Usernames and addresses are kept only as keyed hashes.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from continuity.accounts.models import SignInFailure, User

WINDOW = timedelta(minutes=15)
MAX_FAILURES = 5  # per username
MAX_FAILURES_PER_ADDRESS = 20
KEEP = timedelta(days=1)


def end_sessions(user: User) -> int:
    """Delete every live session signed in as `user`; the number ended."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
            ended += 1
    return ended


@receiver(post_save, sender=User)
def _disabled_accounts_sign_out(sender: Any, instance: User, **kwargs: Any) -> None:
    if not instance.is_active:
        end_sessions(instance)


def _digest(kind: str, value: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def address_of(request: Any) -> str:
    return str(getattr(request, "META", {}).get("REMOTE_ADDR", "") or "")


def locked_out(username: str, address: str) -> bool:
    since = timezone.now() - WINDOW
    recent = SignInFailure.objects.filter(at__gte=since)
    return recent.filter(username=_digest("user", username.lower())).count() >= MAX_FAILURES or (
        bool(address)
        and recent.filter(address=_digest("addr", address)).count() >= MAX_FAILURES_PER_ADDRESS
    )


def record_failure(username: str, address: str) -> None:
    now = timezone.now()
    SignInFailure.objects.filter(at__lt=now - KEEP).delete()
    SignInFailure.objects.create(
        at=now, username=_digest("user", username.lower()), address=_digest("addr", address)
    )


def clear_failures(username: str) -> None:
    SignInFailure.objects.filter(username=_digest("user", username.lower())).delete()
