from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.cache import patch_cache_control


class NoStoreMiddleware:
    """Pages seen by a signed-in person may hold personal data: never cache them anywhere."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True, max_age=0)
        return response


class AbsoluteSessionLimitMiddleware:
    """End a session 12 hours after sign-in however active it is (idle expiry is Django's own)."""

    KEY = "continuity_signed_in_at"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.contrib.auth import logout
        from django.shortcuts import redirect
        from django.utils import timezone

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = timezone.now().timestamp()
            started = request.session.setdefault(self.KEY, now)
            if now - float(started) > settings.CONTINUITY_SESSION_ABSOLUTE_SECONDS:
                logout(request)
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)


FORMS = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


def oversized_upload(request: HttpRequest) -> bool:
    """Django holds a form to DATA_UPLOAD_MAX_MEMORY_SIZE but leaves its files out, streaming
    them to disk. No page or operation here takes a file, so a multipart body is held to the
    same limit as any other form instead of filling the disk."""
    from django.conf import settings

    limit: int | None = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if request.content_type != "multipart/form-data" or limit is None:
        return False
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > limit
    except ValueError:
        return False


class RejectNulMiddleware:
    """A NUL character in the query string or a form can never be stored (PostgreSQL refuses it
    in text) and has no legitimate use: answer 400 before any view sees it, in the shape the
    caller expects (the JSON API's error body, a FHIR OperationOutcome, or the error page).
    Django's form fields refuse NUL already; this covers query parameters read directly.
    Form bodies it cannot read (too large an upload, too many files, broken multipart) are
    answered here too, in the same shapes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            return self.refuse(request)
        if request.content_type in FORMS:
            if oversized_upload(request):
                return self.too_large(request)
            try:
                # Read the raw body first (it is within the limit): the API reads it after us,
                # which Django refuses once a multipart form has been parsed from the stream.
                request.body  # noqa: B018
                fields = list(request.POST.lists())
            except (RequestDataTooBig, TooManyFieldsSent):
                fields = []  # the view answers "too large" in its own shape
            except TooManyFilesSent:  # Django then leaves the form empty: answer here
                return self.too_large(request)
            except MultiPartParserError:  # a broken multipart body, in the caller's shape
                return self.refuse(request, "The request body could not be read as a form.")
            if any(
                "\x00" in key or any("\x00" in value for value in values) for key, values in fields
            ):
                return self.refuse(request)
        return self.get_response(request)

    @staticmethod
    def too_large(request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            from django.http import JsonResponse

            from continuity.api.errors import body

            return JsonResponse(body(413), status=413)
        if request.path.startswith("/fhir/"):
            from continuity.fhir.responses import FhirError, error_response

            return error_response(FhirError(413, "too-long", "The request body is too large."))
        from continuity.core.views import bad_request

        return bad_request(request)

    @staticmethod
    def refuse(
        request: HttpRequest, message: str = "The request contains a NUL character."
    ) -> HttpResponse:
        if request.path.startswith("/api/"):
            from django.http import JsonResponse

            from continuity.api.errors import body

            return JsonResponse(body(400, message), status=400)
        if request.path.startswith("/fhir/"):
            from continuity.fhir.responses import FhirError, error_response

            return error_response(FhirError(400, "invalid", message))
        from continuity.core.views import bad_request

        return bad_request(request)


class RefuseUnusedMethodsMiddleware:
    """TRACE, TRACK and CONNECT have no use here (TRACE can echo cookies back to a script):
    answer 405 before any view sees them."""

    REFUSED = frozenset({"TRACE", "TRACK", "CONNECT"})

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in self.REFUSED:
            from django.http import HttpResponseNotAllowed

            return HttpResponseNotAllowed(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
        return self.get_response(request)
