"""HTML to PDF with WeasyPrint, reading our own static files from disk (never over the network).

WeasyPrint fetches stylesheets and images by URL. Anything under STATIC_URL is read from the app
static folders through Django's finders; any other URL is refused, so rendering a report can
never make the server fetch from elsewhere.
"""

from __future__ import annotations

import mimetypes
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders


class BlockedFetch(ValueError):
    pass


def static_path(url: str, base_url: str) -> str:
    """The file behind a static URL of ours; BlockedFetch for anything else."""
    path = url[len(base_url.rstrip("/")) :] if url.startswith(base_url.rstrip("/")) else url
    static = settings.STATIC_URL
    if not path.startswith(static):
        raise BlockedFetch(f"not fetched: {url}")
    found = finders.find(path.removeprefix(static).split("?")[0])
    if not found:
        raise BlockedFetch(f"no static file for {url}")
    return found if isinstance(found, str) else found[0]


def pdf_from_html(html: str, *, base_url: str) -> bytes:
    # Imported here: WeasyPrint loads Pango, which most requests never need.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnly(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            name = static_path(url, base_url)
            with open(name, "rb") as handle:
                body = handle.read()
            kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=body, headers={"Content-Type": kind})

    return bytes(HTML(string=html, base_url=base_url, url_fetcher=StaticOnly()).write_pdf())
