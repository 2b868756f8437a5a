"""Making and checking API tokens. A token reads `cty_<prefix>_<secret>`: the prefix finds the
row, the secret is compared by its SHA-256 in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from django.utils import timezone

from continuity.accounts.models import User
from continuity.api.models import ApiToken
from continuity.core.audit import audit

PREFIX_BYTES = 6
SECRET_BYTES = 24


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(
    *, user: User, name: str, by: User | None = None, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token for `user`; the plain token is returned once and never stored."""
    prefix = secrets.token_hex(PREFIX_BYTES)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    token = ApiToken.objects.create(
        name=name.strip()[:100] or "API",
        user=user,
        prefix=prefix,
        secret_hash=_hash(secret),
        created_by=by,
        expires_at=expires_at,
    )
    audit(by=by, action="api.token_issued", obj=token, changes={"user": user.username})
    return token, f"cty_{prefix}_{secret}"


def revoke(*, token: ApiToken, by: User | None) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit(by=by, action="api.token_revoked", obj=token)


def user_for(raw: str) -> User | None:
    """The active user a presented token acts as, or None (unknown, wrong, revoked, expired)."""
    parts = raw.strip().split("_")
    if len(parts) < 3 or parts[0] != "cty":
        return None
    prefix, secret = parts[1], "_".join(parts[2:])
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.secret_hash, _hash(secret)):
        return None
    now = timezone.now()
    if token.revoked_at is not None or (token.expires_at is not None and token.expires_at <= now):
        return None
    if not token.user.is_active:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def request_user(request: object) -> User | None:
    """Who is calling: a bearer token in `Authorization`, else the signed-in browser session.
    Shared by the JSON API and the FHIR facade."""
    header = getattr(request, "headers", {}).get("Authorization", "")
    if header.lower().startswith("bearer "):
        return user_for(header[7:])
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_active:
        return user  # type: ignore[no-any-return]
    return None
