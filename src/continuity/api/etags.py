"""Optimistic locking over HTTP: a record's ETag is its version; a write must send it back in
`If-Match` (428 without it, 412 when someone else changed the record meanwhile)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from continuity.api.errors import ApiError


def etag(obj: Any) -> str:
    return f'"{obj.version}"'


def set_etag(response: HttpResponse, obj: Any) -> HttpResponse:
    response["ETag"] = etag(obj)
    return response


def expected_version(request: HttpRequest) -> int:
    """The version the caller last read, from `If-Match`."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise ApiError(428, "Send the ETag you last read in an If-Match header.")
    value = header.removeprefix("W/").strip('"')
    if not (value.isascii() and value.isdigit()) or len(value) > 9:  # not "²", not huge
        raise ApiError(412, 'If-Match must be an ETag from this API, like "3".')
    return int(value)
