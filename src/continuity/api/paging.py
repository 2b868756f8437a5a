"""Page through a list: `?page=1&page_size=50` (at most 200), with links to the neighbours."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.http import HttpRequest
from ninja import Schema

T = TypeVar("T")
MAX_PAGE_SIZE = 200


class PageMeta(Schema):
    count: int
    page: int
    page_size: int
    next: str | None
    previous: str | None


def _link(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def page_of(
    request: HttpRequest,
    rows: Any,
    page: int,
    page_size: int,
    serialise: Callable[[Any], dict[str, Any]],
) -> tuple[dict[str, Any], Sequence[Any]]:
    """The page's body ({items, count, page, page_size, next, previous}) and its raw rows."""
    count = rows.count() if hasattr(rows, "count") and not isinstance(rows, list) else len(rows)
    start = (page - 1) * page_size
    chunk = list(rows[start : start + page_size])
    last = max(1, -(-count // page_size))
    return (
        {
            "items": [serialise(r) for r in chunk],
            "count": count,
            "page": page,
            "page_size": page_size,
            "next": _link(request, page + 1) if page < last else None,
            "previous": _link(request, page - 1) if page > 1 and count else None,
        },
        chunk,
    )
