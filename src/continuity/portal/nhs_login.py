"""Signing in with NHS login: the OpenID Connect authorisation code flow, as a hook.

Configured by CONTINUITY_NHS_LOGIN (issuer, client id and secret, and the authorise, token and
userinfo endpoints); without it the option is not offered. The flow:

1. `start`: a random `state` and `nonce` kept in her session; redirect to the authorise endpoint
   asking for `openid profile nhs_number`.
2. `finish`: the `state` must match; the code is exchanged at the token endpoint; the ID token's
   signature, issuer, audience, expiry and nonce are checked; the userinfo endpoint gives her NHS
   number, which must belong to exactly one woman with a Continuity account.

The ID token is checked with HS256 and the client secret (a confidential client). A live NHS login
integration signs with RS256 keys from the issuer's JWKS and uses `private_key_jwt`; those plug in
at `_verify` and `_token_request` (they need the `cryptography` package). Tests drive this module
against a stub identity provider on loopback.
"""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

import jwt
from django.conf import settings

from continuity.accounts.models import Role, User
from continuity.pregnancies.models import Woman

TIMEOUT = 10


class NhsLoginError(Exception):
    """The sign-in could not be completed; the message is safe to log (no personal data)."""


@dataclass(frozen=True)
class Config:
    issuer: str
    client_id: str
    client_secret: str
    authorize_url: str
    token_url: str
    userinfo_url: str


def config() -> Config | None:
    raw = getattr(settings, "CONTINUITY_NHS_LOGIN", None) or {}
    try:
        return Config(**{k: str(raw[k]) for k in Config.__dataclass_fields__})
    except KeyError:
        return None


def start(session: Any, redirect_uri: str) -> str:
    """The authorise URL to send her to; remembers state and nonce in her session."""
    conf = config()
    if conf is None:
        raise NhsLoginError("NHS login is not configured")
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    session["nhs_login"] = {"state": state, "nonce": nonce, "redirect_uri": redirect_uri}
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": conf.client_id,
            "redirect_uri": redirect_uri,
            "scope": "openid profile nhs_number",
            "state": state,
            "nonce": nonce,
        }
    )
    return f"{conf.authorize_url}?{query}"


def _post_form(url: str, data: dict[str, str]) -> dict[str, Any]:
    body = urllib.parse.urlencode(data).encode()
    request = urllib.request.Request(url, data=body, method="POST")  # noqa: S310 - configured URL
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    return _json(request)


def check_endpoint(url: str) -> None:
    """Only HTTPS, or plain HTTP to this machine (the stub in tests), may be called: never
    file:// or another scheme urllib would otherwise open."""
    parts = urllib.parse.urlsplit(url)
    loopback = parts.scheme == "http" and parts.hostname in ("127.0.0.1", "::1", "localhost")
    if not (parts.scheme == "https" or loopback) or not parts.hostname:
        raise NhsLoginError("NHS login endpoints must be https:// addresses")


def _json(request: urllib.request.Request) -> dict[str, Any]:
    check_endpoint(request.full_url)
    try:
        # The scheme was checked just above; the address comes from settings, not from a user.
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 # nosec B310
            loaded = json.loads(response.read().decode())
    except (urllib.error.URLError, TimeoutError, json.JSONDecodeError) as exc:
        raise NhsLoginError(f"NHS login did not answer properly ({type(exc).__name__})") from None
    if not isinstance(loaded, dict):
        raise NhsLoginError("NHS login answered with something other than an object")
    return loaded


def _token_request(conf: Config, code: str, redirect_uri: str) -> dict[str, Any]:
    return _post_form(
        conf.token_url,
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": conf.client_id,
            "client_secret": conf.client_secret,
        },
    )


def _verify(conf: Config, id_token: str, nonce: str) -> dict[str, Any]:
    try:
        claims: dict[str, Any] = jwt.decode(
            id_token,
            conf.client_secret,
            algorithms=["HS256"],
            audience=conf.client_id,
            issuer=conf.issuer,
            options={"require": ["exp", "iat", "iss", "aud", "sub", "nonce"]},
        )
    except jwt.PyJWTError as exc:
        raise NhsLoginError(f"The ID token was refused ({type(exc).__name__})") from None
    if not secrets.compare_digest(str(claims.get("nonce", "")), nonce):
        raise NhsLoginError("The ID token's nonce does not match")
    return claims


def finish(session: Any, params: dict[str, str]) -> User:
    """Complete the sign-in; the user to log in. NhsLoginError for anything amiss."""
    conf = config()
    pending = session.pop("nhs_login", None)
    if conf is None or not pending:
        raise NhsLoginError("No NHS login sign-in was started")
    if params.get("error"):
        raise NhsLoginError("NHS login returned an error")
    if not secrets.compare_digest(params.get("state", ""), pending["state"]):
        raise NhsLoginError("The state does not match")
    code = params.get("code", "")
    if not code:
        raise NhsLoginError("No authorisation code")
    tokens = _token_request(conf, code, pending["redirect_uri"])
    claims = _verify(conf, str(tokens.get("id_token", "")), pending["nonce"])
    request = urllib.request.Request(conf.userinfo_url)  # noqa: S310 - configured URL
    request.add_header("Authorization", f"Bearer {tokens.get('access_token', '')}")
    info = _json(request)
    if str(info.get("sub", "")) != str(claims["sub"]):
        raise NhsLoginError("The user information is for someone else")
    nhs_number = "".join(ch for ch in str(info.get("nhs_number", "")) if ch.isdigit())
    women = list(Woman.objects.filter(nhs_number=nhs_number, user__isnull=False)[:2])
    if len(women) != 1 or women[0].user is None or women[0].user.role != Role.WOMAN:
        raise NhsLoginError("No single maternity record matches this NHS login")
    user: User = women[0].user
    if not user.is_active:
        raise NhsLoginError("The account is disabled")
    return user
