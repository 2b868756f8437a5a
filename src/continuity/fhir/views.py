"""The facade's endpoints. Thin: who is calling, which parameters, the scoped query, the access
events, then the mapper and the response. Every error is an OperationOutcome.

Routes are named `fhir:<type>-read`, `fhir:<type>-search` and `fhir:<type>-search-post`; the
access events store the route name, never the path, and nothing here logs a value a caller sent.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import reverse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt

from continuity.api.tokens import request_user
from continuity.core import outage
from continuity.core.audit import record_access, record_access_many
from continuity.core.models import AccessEvent
from continuity.fhir import queries, search
from continuity.fhir.capability import capability_statement
from continuity.fhir.resources import KINDS, Kind
from continuity.fhir.responses import (
    FhirError,
    Page,
    bundle,
    error_response,
    fhir_response,
    not_found,
    unauthenticated,
)

logger = logging.getLogger(__name__)

READ_PARAMETERS = frozenset({"_format", "_pretty"})
FORM = "application/x-www-form-urlencoded"


def _pretty(request: HttpRequest) -> bool:
    return request.GET.get("_pretty") == "true"


def fhir_endpoint(*methods: str) -> Callable[[Callable[..., HttpResponse]], Any]:
    """Allow these methods; answer every failure, expected or not, as an OperationOutcome."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                with translation.override(settings.LANGUAGE_CODE):
                    if request.method not in methods:
                        raise FhirError(
                            405,
                            "not-supported",
                            "This facade is read-only: "
                            f"{' and '.join(methods)} only at this address.",
                            headers={"Allow": ", ".join(methods)},
                        )
                    _check_accept(request)
                    return view(request, *args, **kwargs)
            except FhirError as error:
                return _logged(request, error_response(error, pretty=_pretty(request)))
            except (RequestDataTooBig, TooManyFieldsSent):
                too_big = FhirError(413, "too-long", "The request body is too large.")
                return _logged(request, error_response(too_big))
            except outage.DATABASE_DOWN as exc:  # a 503 "transient", logged by route only
                return outage.respond(request, exc)
            except Exception as exc:
                # The route, the exception's type and where it was raised; never its message,
                # which can carry values from the request or the record.
                logger.error(
                    "FHIR request failed at %s: %s\n%s",
                    _route(request),
                    type(exc).__name__,
                    "".join(traceback.format_tb(exc.__traceback__)),
                )
                failed = FhirError(500, "exception", "Something went wrong. Nothing was changed.")
                return _logged(request, error_response(failed))

        return wrapper

    return decorator


def _logged(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Log an error by route name and status, and stop Django logging it with its path: a
    caller can put anything in a path (an NHS number in place of an id, say)."""
    logger.info("FHIR %s at %s", response.status_code, _route(request))
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def _route(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else "fhir"


def _check_accept(request: HttpRequest) -> None:
    accept = request.headers.get("Accept", "").lower()
    if accept and not any(media in accept for media in ("json", "*/*", "application/*")):
        raise FhirError(406, "not-supported", "Only JSON is supported (application/fhir+json).")
    for value in request.GET.getlist("_format"):
        search.check_format(value)
    if any(value not in ("true", "false") for value in request.GET.getlist("_pretty")):
        raise FhirError(400, "value", "Parameter '_pretty': use true or false.")


def _base(request: HttpRequest) -> str:
    """The facade's absolute base URL, ending in "/"."""
    return request.build_absolute_uri(reverse("fhir:metadata")).removesuffix("metadata")


def _caller(request: HttpRequest) -> Any:
    user = request_user(request)
    if user is None:
        bearer = request.headers.get("Authorization", "").lower().startswith("bearer ")
        raise unauthenticated(invalid_token=bearer)
    return user


# -- endpoints ----------------------------------------------------------------------------------


@fhir_endpoint("GET", "HEAD")
def metadata(request: HttpRequest) -> HttpResponse:
    _only(request.GET.keys(), READ_PARAMETERS)
    return fhir_response(capability_statement(_base(request)), pretty=_pretty(request))


@fhir_endpoint("GET", "HEAD")
def read(request: HttpRequest, type_name: str, logical_id: str) -> HttpResponse:
    kind = KINDS[type_name]
    user = _caller(request)
    _only(request.GET.keys(), READ_PARAMETERS)
    row = kind.scoped(user).filter(kind.lookup(logical_id)).first()
    if row is None:
        _log_denied(request, kind, logical_id, user)
        raise not_found()
    if kind.woman is not None:
        record_access(
            user=user,
            woman=kind.woman(row),
            action=AccessEvent.Action.VIEW,
            basis=kind.basis(row, user) if kind.basis else "",
            request=request,
        )
    return fhir_response(kind.render(row, user), pretty=_pretty(request))


@fhir_endpoint("GET", "HEAD")
def search_get(request: HttpRequest, type_name: str) -> HttpResponse:
    kind = KINDS[type_name]
    user = _caller(request)
    params = _pairs(request.GET)
    if kind.name == "Patient" and any(name.startswith("identifier") for name, _ in params):
        raise FhirError(
            400,
            "invalid",
            "An NHS number must never be in a URL: search Patient by identifier with POST "
            "[base]/Patient/_search and a form-encoded body "
            "(identifier=https://fhir.nhs.uk/Id/nhs-number|<number>).",
        )
    return _search(request, kind, user, params, in_url=True)


@csrf_exempt  # read-only; a signed-in browser session is still held to CSRF below
@fhir_endpoint("POST")
def search_post(request: HttpRequest, type_name: str) -> HttpResponse:
    kind = KINDS[type_name]
    user = _caller(request)
    if (request.content_type or FORM) != FORM:
        raise FhirError(415, "not-supported", f"Send the search as {FORM}.")
    bearer = request.headers.get("Authorization", "").lower().startswith("bearer ")
    csrf = CsrfViewMiddleware(_no_response)
    if not bearer and csrf.process_view(request, _no_response, (), {}) is not None:
        raise FhirError(
            403,
            "security",
            "CSRF check failed: a browser must send its CSRF token (systems send a bearer token).",
        )
    if kind.name == "Patient" and any(name.startswith("identifier") for name in request.GET):
        raise FhirError(
            400, "invalid", "Put the NHS number in the form-encoded body, not in the URL."
        )
    params = _pairs(request.GET) + _pairs(request.POST)
    # An NHS number searched for must not come back in the Bundle's links either.
    in_url = kind.name != "Patient" or not any(name.startswith("identifier") for name, _ in params)
    return _search(request, kind, user, params, in_url=in_url)


@fhir_endpoint("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
def unknown(request: HttpRequest, rest: str = "") -> HttpResponse:
    raise FhirError(
        404,
        "not-supported",
        f"Not a supported address. Resource types here: {', '.join(KINDS)}; see [base]/metadata.",
    )


# -- helpers ------------------------------------------------------------------------------------


def _no_response(request: HttpRequest) -> HttpResponse:  # pragma: no cover - never called
    return HttpResponse()


def _pairs(data: Any) -> list[tuple[str, str]]:
    return [(name, value) for name, values in data.lists() for value in values]


def _only(names: Any, allowed: frozenset[str]) -> None:
    for name in names:
        if name not in allowed:
            raise FhirError(
                400,
                "not-supported",
                f"Unknown parameter '{name[:40]}': only {', '.join(sorted(allowed))} here.",
            )


def _log_denied(request: HttpRequest, kind: Kind, logical_id: str, user: Any) -> None:
    """A read of a woman's record the caller may not see is logged against her, as on pages."""
    if kind.unscoped is None:
        return
    woman_pk = (
        kind.unscoped().filter(kind.lookup(logical_id)).values_list(kind.woman_path, flat=True)
    ).first()
    woman = queries.woman_by_pk(woman_pk)
    if woman is not None:
        record_access(
            user=user,
            woman=woman,
            action=AccessEvent.Action.VIEW,
            outcome=AccessEvent.Outcome.DENIED,
            request=request,
        )


def _search(
    request: HttpRequest,
    kind: Kind,
    user: Any,
    params: list[tuple[str, str]],
    *,
    in_url: bool,
) -> HttpResponse:
    query = search.parse(kind.name, params, kind.params)  # every parameter checked first
    found = kind.scoped(user)
    for condition in query.filters:
        found = found.filter(condition)
    total = found.count()
    rows = (
        list(found.order_by(*kind.order)[query.offset : query.offset + query.count])
        if query.count
        else []
    )
    if kind.woman is not None and rows:
        women = {kind.woman(row).pk: kind.woman(row) for row in rows}
        if queries.is_woman(user):
            # Her own record: marked "self", so her access history leaves it out, as for pages.
            for woman in women.values():
                record_access(
                    user=user,
                    woman=woman,
                    action=AccessEvent.Action.SEARCH,
                    basis="self",
                    request=request,
                )
        else:
            record_access_many(
                user=user,
                women_ids=sorted(women),
                action=AccessEvent.Action.SEARCH,
                request=request,
            )
    page = Page(
        resource_type=kind.name,
        base=_base(request),
        params=query.link_params,
        total=total,
        count=query.count,
        offset=query.offset,
        resources=[kind.render(row, user) for row in rows],
        links=in_url,
    )
    return fhir_response(bundle(page), pretty=query.pretty)
