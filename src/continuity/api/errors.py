"""Every error the API returns has one documented shape:

    {"status": 422, "code": "invalid", "message": "…", "errors": [{"field": "to", "message": "…"}]}

400 malformed request (bad JSON, a bad query parameter), 401 no or bad credentials, 403 the role
may not do this, 404 no such record *for this caller* (out-of-relationship records are 404 too),
409 the request conflicts with the record's state, 412 `If-Match` does not match the current
version, 413 the body is over 2.5 MB, 422 the body is well formed but breaks a rule, 428 a write
without `If-Match`, 503 the database cannot be reached for a moment (with `Retry-After`).
A 500 says only that something went wrong, with no stack trace; the detail goes to the log.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from continuity.pregnancies.actions import ActionError, StaleRecord

log = logging.getLogger(__name__)


class FieldError(Schema):
    field: str
    message: str


class ErrorBody(Schema):
    status: int
    code: str
    message: str
    errors: list[FieldError] = []


CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    409: "conflict",
    412: "precondition_failed",
    413: "too_large",
    422: "invalid",
    428: "precondition_required",
    500: "server_error",
    503: "unavailable",
}
MESSAGES = {
    401: "Sign in, or send a valid API token as 'Authorization: Bearer <token>'.",
    403: "Your role may not do this.",
    404: "Not found.",
    413: "The request body is larger than 2.5 MB: split it into smaller requests.",
    500: "Something went wrong. It has been logged; try again later.",
}
# What each endpoint documents besides its success.
READ_ERRORS: dict[int, Any] = {400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody}
WRITE_ERRORS: dict[int, Any] = {
    **READ_ERRORS,
    409: ErrorBody,
    412: ErrorBody,
    413: ErrorBody,
    422: ErrorBody,
    428: ErrorBody,
}


class ApiError(Exception):
    def __init__(self, status: int, message: str, errors: list[dict[str, str]] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors or []


def body(status: int, message: str | None = None, errors: list[dict[str, str]] | None = None):
    return {
        "status": status,
        "code": CODES.get(status, "error"),
        "message": message or MESSAGES.get(status, ""),
        "errors": errors or [],
    }


def _field(loc: Any) -> str:
    parts = [str(p) for p in (loc or []) if p not in ("body", "query", "path", "payload")]
    return ".".join(parts)


def install(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, message: str | None = None, errors=None):
        return api.create_response(request, body(status, message, errors), status=status)

    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return respond(request, exc.status, exc.message, exc.errors)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404)

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, 403)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = respond(request, 401)
        response["WWW-Authenticate"] = 'Bearer realm="continuity"'
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        status = exc.status_code
        if status == 400:
            return respond(request, 400, "The request could not be read: send valid JSON.")
        return respond(request, status, MESSAGES.get(status) or str(exc))

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            {"field": _field(e.get("loc")), "message": str(e.get("msg", "Not valid"))}
            for e in exc.errors
        ]
        # A problem in the query string or path is a bad request; in the body, a broken rule.
        where = {str((e.get("loc") or ["body"])[0]) for e in exc.errors}
        status = 400 if where and where <= {"query", "path"} else 422
        message = "Check the query parameters." if status == 400 else "Check the fields named."
        return respond(request, status, message, errors)

    @api.exception_handler(StaleRecord)
    def stale(request: HttpRequest, exc: StaleRecord) -> HttpResponse:
        return respond(request, 412, exc.message)

    @api.exception_handler(ActionError)
    def refused(request: HttpRequest, exc: ActionError) -> HttpResponse:
        errors = [{"field": exc.field, "message": exc.message}] if exc.field else []
        return respond(request, 422, exc.message, errors)

    @api.exception_handler(RequestDataTooBig)
    def too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return respond(request, 413)

    @api.exception_handler(OperationalError)
    @api.exception_handler(InterfaceError)
    def database_unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
        from continuity.core import outage

        return outage.respond(request, exc)

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        log.exception("api: unexpected error on %s", getattr(request, "resolver_match", None))
        return respond(request, 500)
