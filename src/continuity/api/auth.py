"""Who is calling the API: a system with a bearer token, or a person signed in to the site (then
Django's CSRF check applies to writes, as on the pages)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from continuity.api.tokens import user_for


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for(token)
        if user is None:
            return None
        request.user = user  # scoped queries and audit read the acting user from here
        return user


class Session(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


AUTH = [BearerToken(), Session()]
