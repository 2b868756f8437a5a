"""When the database cannot be reached: a friendly 503, and recovery without restarting the app.

A PostgreSQL restart, a failover or a dropped network link surfaces in Django as an
`OperationalError` or an `InterfaceError`, raised wherever the first query of the request happens:
in the session or sign-in middleware, in a view, or while rendering. Whatever the place, the
person gets a 503 in the shape they expect, never a stack trace or SQL:

- pages: a stand-alone NHS.UK page (`core/503.jinja`) that renders without the database (it does
  not use the signed-in user, the session or messages, which all live in the database);
- the JSON API under /api/: the API's documented error body with status 503;
- the FHIR facade under /fhir/: an OperationOutcome with status 503 and issue type "transient".

Every answer carries `Retry-After` and `Cache-Control: no-store`. The outage is logged with the
error's type and the route only: an error's text can quote SQL or values, and paths are not
logged here because a FHIR caller can put anything in one.

Several hooks lead here. `DatabaseOutageMiddleware.process_exception` answers for a view that
raised; `core.views.server_error` (Django's 500 handler, called when a middleware raised) answers
for an error raised before the view; `core.views.bad_request` for a session that could not be
saved after the view (Django calls that "session interrupted", a 400); the API's and the FHIR
facade's own error handlers answer in their shapes.

Recovery needs no restart: Django closes a connection that failed at the end of the request, and
`CONN_HEALTH_CHECKS` (settings) checks a reused connection before each request, so the next
request after the database is back opens a fresh one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

# The errors that mean "the database is not answering now; the same request may work later".
DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
NO_STORE = "no-store, private, max-age=0"
# Marks a request already answered (and logged) as an outage, so it is logged once.
FLAG = "_continuity_database_unavailable"


def is_outage(exc: BaseException | None) -> bool:
    """A database error, or an error raised while handling one: the session middleware turns a
    session it could not save into "session interrupted" (a 400), which is really an outage."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, DATABASE_DOWN):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def _where(request: HttpRequest) -> str:
    """The route name if the URL was resolved, else only which part of the service."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name:
        return match.view_name
    for prefix in ("/api/", "/fhir/"):
        if request.path.startswith(prefix):
            return prefix.strip("/")
    return "page"


def _page(request: HttpRequest) -> HttpResponse:
    title = _("Sorry, the service is unavailable")
    try:
        return render(request, "core/503.jinja", {"page_title": title}, status=503)
    except Exception:  # the page itself could not render: a plain one rather than a 500
        log.exception("outage: the 503 page could not be rendered")
        return HttpResponse(
            f"<!DOCTYPE html><title>{title}</title><h1>{title}</h1>",
            status=503,
            content_type="text/html; charset=utf-8",
        )


def _api() -> HttpResponse:
    from continuity.api.errors import body

    message = _("The service is unavailable for a moment. Try again shortly.")
    return JsonResponse(body(503, message), status=503)


def _fhir() -> HttpResponse:
    from continuity.fhir.responses import FhirError, error_response

    error = FhirError(503, "transient", "The service is unavailable for a moment. Try again.")
    return error_response(error)


def respond(request: HttpRequest, exc: BaseException) -> HttpResponse:
    """The 503 for this request in the shape its caller expects, logged once."""
    if not getattr(request, FLAG, False):
        setattr(request, FLAG, True)
        log.warning(
            "Database unavailable (%s) during %s %s: answered 503",
            type(exc).__name__,
            request.method,
            _where(request),
        )
    if request.path.startswith("/api/"):
        response = _api()
    elif request.path.startswith("/fhir/"):
        response = _fhir()
    else:
        response = _page(request)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = NO_STORE
    # Logged above without the path or the error's text; stop Django logging it again with both.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


class DatabaseOutageMiddleware:
    """Answer 503 when the database is unreachable. Placed before the session and sign-in
    middleware so that a failure there, which Django's 500 handler turns into our 503, is also
    caught here if the handler's own rendering fails."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        except DATABASE_DOWN as exc:
            return respond(request, exc)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_outage(exception):
            return respond(request, exception)
        return None
