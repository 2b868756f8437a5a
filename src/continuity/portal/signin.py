"""Signing in with a one-time link (women only).

She gives the email address or mobile number we hold for her; if it matches a woman's account,
a link is queued to her by her preferred channel. The page says the same whether or not it
matched, so it cannot be used to find out who has an account. A link works once, for 15
minutes; at most 3 are sent an hour. Only the token's SHA-256 is stored.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from continuity.accounts.models import Role, User
from continuity.core.audit import audit
from continuity.notifications.actions import queue_message
from continuity.portal.models import SignInLink
from continuity.pregnancies.models import Woman

LIFETIME = timedelta(minutes=10)
PER_HOUR = 3


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def find_woman(address: str) -> Woman | None:
    address = address.strip()
    if not address:
        return None
    if "@" in address:
        found = Woman.objects.filter(email__iexact=address, user__isnull=False)
    else:
        digits = _digits(address)
        if len(digits) < 10:
            return None
        found = [
            w
            for w in Woman.objects.filter(user__isnull=False).exclude(phone="")
            if _digits(w.phone)[-10:] == digits[-10:]
        ]
        return found[0] if len(found) == 1 else None
    return found.first() if found.count() == 1 else None


@transaction.atomic
def send_link(address: str) -> bool:
    """Queue a sign-in link if the address is a woman's; True when one was queued."""
    woman = find_woman(address)
    if woman is None or woman.user is None or woman.user.role != Role.WOMAN:
        return False
    user: User = woman.user
    if not user.is_active:
        return False
    now = timezone.now()
    recent = SignInLink.objects.filter(user=user, created_at__gte=now - timedelta(hours=1))
    if recent.count() >= PER_HOUR:
        return False
    token = secrets.token_urlsafe(32)
    link = SignInLink.objects.create(
        user=user, token_hash=_hash(token), created_at=now, expires_at=now + LIFETIME
    )
    base = str(settings.CONTINUITY.get("PUBLIC_URL", "http://127.0.0.1:8000")).rstrip("/")
    queue_message(
        by=None,
        woman=woman,
        template="sign_in.link",
        personalisation={"link": base + reverse("portal:link", args=[token])},
        reference=f"sign-in:{link.pk}",
    )
    audit(by=None, action="sign_in.link_sent", obj=link)
    return True


@transaction.atomic
def use_link(token: str) -> User | None:
    """The user the link signs in, once; None when it is unknown, used or expired."""
    link = SignInLink.objects.select_for_update().filter(token_hash=_hash(token)).first()
    now = timezone.now()
    if link is None or link.used_at is not None or now > link.expires_at:
        return None
    if not link.user.is_active:
        return None
    link.used_at = now
    link.save(update_fields=["used_at"])
    # Any other unused links for her stop working once she is in.
    SignInLink.objects.filter(Q(user=link.user) & Q(used_at__isnull=True)).update(used_at=now)
    audit(by=link.user, action="sign_in.link_used", obj=link)
    return link.user  # type: ignore[no-any-return]
