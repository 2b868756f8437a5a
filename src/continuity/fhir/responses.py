"""FHIR JSON responses: a resource, a searchset Bundle, and OperationOutcome for every error.

Error text names a parameter or a resource type, never a value the caller sent, so nothing a
caller types (an NHS number in the wrong place, say) is repeated back or written anywhere.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.http import HttpResponse
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.fhirresourcemodel import FHIRResourceModel
from fhir.resources.R4B.operationoutcome import OperationOutcome

FHIR_JSON = "application/fhir+json"


class FhirError(Exception):
    """An error answered as an OperationOutcome with this status and FHIR issue type."""

    def __init__(
        self,
        status: int,
        code: str,
        diagnostics: str,
        *,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(diagnostics)
        self.status = status
        self.code = code
        self.diagnostics = diagnostics
        self.headers = headers or {}


def not_found() -> FhirError:
    """The same answer for a record that does not exist and one the caller may not see."""
    return FhirError(404, "not-found", "The resource was not found.")


def unauthenticated(invalid_token: bool = False) -> FhirError:
    challenge = 'Bearer realm="fhir"'
    if invalid_token:
        challenge += ', error="invalid_token"'
    return FhirError(
        401,
        "login",
        "Authentication required: send 'Authorization: Bearer <token>' with a Continuity API "
        "token that is current.",
        headers={"WWW-Authenticate": challenge},
    )


def outcome(code: str, diagnostics: str, severity: str = "error") -> OperationOutcome:
    return OperationOutcome(
        issue=[{"severity": severity, "code": code, "diagnostics": diagnostics}]
    )


def _dump(resource: FHIRResourceModel, pretty: bool) -> str:
    text = resource.model_dump_json(exclude_none=True)
    if pretty:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    return text


def fhir_response(
    resource: FHIRResourceModel,
    *,
    status: int = 200,
    pretty: bool = False,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    response = HttpResponse(
        _dump(resource, pretty), status=status, content_type=f"{FHIR_JSON}; charset=utf-8"
    )
    for name, value in (headers or {}).items():
        response[name] = value
    response["Cache-Control"] = "no-store, private, max-age=0"
    return response


def error_response(error: FhirError, *, pretty: bool = False) -> HttpResponse:
    return fhir_response(
        outcome(error.code, error.diagnostics),
        status=error.status,
        pretty=pretty,
        headers=error.headers,
    )


@dataclass(frozen=True)
class Page:
    """One page of a search: what matched in total, and where this page starts."""

    resource_type: str
    base: str  # absolute, ending in "/": http://host/fhir/R4/
    params: Sequence[tuple[str, str]]  # the search, without _count and _offset
    total: int
    count: int
    offset: int
    resources: Sequence[FHIRResourceModel] = field(default_factory=list)
    links: bool = True  # False when the search must not be written into a URL

    def url(self, offset: int) -> str:
        query = [*self.params, ("_count", str(self.count)), ("_offset", str(offset))]
        return f"{self.base}{self.resource_type}?{urlencode(query)}"


def bundle(page: Page) -> Bundle:
    links: list[dict[str, Any]] = []
    if page.links:
        links.append({"relation": "self", "url": page.url(page.offset)})
        if page.count:
            if page.offset + page.count < page.total:
                links.append({"relation": "next", "url": page.url(page.offset + page.count)})
            if page.offset > 0:
                previous = max(page.offset - page.count, 0)
                links.append({"relation": "previous", "url": page.url(previous)})
    else:
        links.append({"relation": "self", "url": f"{page.base}{page.resource_type}/_search"})
    return Bundle(
        type="searchset",
        timestamp=timezone.now(),
        total=page.total,
        link=links,
        entry=[
            {
                "fullUrl": f"{page.base}{resource.get_resource_type()}/{resource.id}",
                "resource": resource,
                "search": {"mode": "match"},
            }
            for resource in page.resources
        ]
        or None,
    )
