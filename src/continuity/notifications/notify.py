"""The GOV.UK Notify adapter: texts and emails through `notifications-python-client`.

Chosen with `CONTINUITY_NOTIFIER="notify"` and configured by settings (each read from the
environment variable of the same name):

- `CONTINUITY_NOTIFY_API_KEY`: the Notify API key. Never logged or echoed in an error.
- `CONTINUITY_NOTIFY_BASE_URL`: Notify's API (the default), or a fake on loopback in tests.
  Anything but https is refused unless the host is loopback, so the signed token never crosses a
  network in clear.
- `CONTINUITY_NOTIFY_TEMPLATES`: Notify template ids by catalogue key and channel, as JSON:
  `{"allocation.named": {"sms": "<uuid>", "email": "<uuid>"}, ...}`. Every catalogue key needs
  both, so a new message cannot ship without its Notify templates.
- `CONTINUITY_NOTIFY_TIMEOUT_SECONDS`: how long to wait for Notify on each request.

Notify holds its own copy of each template's wording, so what is sent is the template id and the
personalisation as shown in her language (dates written out), with the outbox reference as
Notify's `reference`. Notify does not de-duplicate references; delivery does, by asking `find`
before re-sending a message whose earlier attempt ended in doubt.

Outcomes: accepted → the Notify notification id. 400 and 403 (and any other 4xx) → PermanentError.
429 → RetryableError (refused, so not in doubt). 5xx, timeouts, dropped connections and unreadable
replies → RetryableError in doubt. Notify's error text is never passed on: it could repeat what
was sent. Letters are not sent through Notify yet (PermanentError "LetterNotSupported").
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from notifications_python_client.errors import APIError, InvalidResponse
from notifications_python_client.notifications import NotificationsAPIClient

from continuity.notifications import templates
from continuity.notifications.notifier import PermanentError, RetryableError

if TYPE_CHECKING:
    from continuity.notifications.models import OutboxMessage

NOTIFY_API = "https://api.notifications.service.gov.uk"
CHANNELS = ("sms", "email")
# A Notify API key is "<key name>-<service id (36)>-<secret (36)>".
_MIN_KEY_LENGTH = 36 + 1 + 36


class NotifyNotifier:
    def __init__(
        self,
        *,
        api_key: str,
        template_ids: dict[str, dict[str, str]],
        base_url: str = NOTIFY_API,
        timeout: float = 10.0,
    ) -> None:
        if len(api_key.strip()) < _MIN_KEY_LENGTH:
            raise ImproperlyConfigured(
                "CONTINUITY_NOTIFY_API_KEY is missing or is not a GOV.UK Notify API key."
            )
        _check_base_url(base_url)
        _check_template_ids(template_ids)
        if not timeout > 0:
            raise ImproperlyConfigured("CONTINUITY_NOTIFY_TIMEOUT_SECONDS must be more than 0.")
        self.template_ids = template_ids
        self.timeout = timeout
        # One client per notifier: the client keeps a requests session and is not thread-safe.
        self.client = NotificationsAPIClient(api_key.strip(), base_url=base_url, timeout=timeout)

    @classmethod
    def from_settings(cls) -> NotifyNotifier:
        timeout = float(getattr(settings, "CONTINUITY_NOTIFY_TIMEOUT_SECONDS", 10.0))
        lease = float(getattr(settings, "CONTINUITY_MESSAGE_LEASE_SECONDS", 300.0))
        # A claim covers a lookup and a send, each of which may wait for the timeout (and
        # connecting and reading are timed separately). A lease that lapsed while the request
        # was still in flight would let another worker send the message a second time.
        if lease < 4 * timeout:
            raise ImproperlyConfigured(
                "CONTINUITY_MESSAGE_LEASE_SECONDS must be at least 4 times "
                "CONTINUITY_NOTIFY_TIMEOUT_SECONDS."
            )
        return cls(
            api_key=str(getattr(settings, "CONTINUITY_NOTIFY_API_KEY", "") or ""),
            template_ids=getattr(settings, "CONTINUITY_NOTIFY_TEMPLATES", {}) or {},
            base_url=str(getattr(settings, "CONTINUITY_NOTIFY_BASE_URL", "") or NOTIFY_API),
            timeout=timeout,
        )

    def send(self, message: OutboxMessage, subject: str, body: str) -> str:
        """Hand the message to Notify; return Notify's notification id."""
        if message.channel not in CHANNELS:
            raise PermanentError("LetterNotSupported")
        template_id = self.template_ids[message.template][message.channel]
        personalisation = templates.display_personalisation(message)
        woman = message.woman
        try:
            if message.channel == "sms":
                if not woman.phone.strip():
                    raise PermanentError("NoPhoneNumber")
                response = self.client.send_sms_notification(
                    phone_number=woman.phone,
                    template_id=template_id,
                    personalisation=personalisation,
                    reference=message.reference,
                )
            else:
                if not woman.email.strip():
                    raise PermanentError("NoEmailAddress")
                response = self.client.send_email_notification(
                    email_address=woman.email,
                    template_id=template_id,
                    personalisation=personalisation,
                    reference=message.reference,
                )
        except APIError as exc:
            raise _classify(exc) from None
        return _notification_id(response)

    def find(self, reference: str) -> str | None:
        """Notify's id for a notification already accepted with this reference, if any.

        Notify keeps notifications for its data retention period (7 days by default), which is
        far longer than any retry here waits.
        """
        try:
            response = self.client.get_all_notifications(reference=reference)
        except APIError as exc:
            raise _classify(exc) from None
        for notification in (response or {}).get("notifications") or []:
            if notification.get("reference") == reference and notification.get("id"):
                return str(notification["id"])
        return None


def _classify(exc: APIError) -> RetryableError | PermanentError:
    """Map a client error to retry or not, with a code that holds nothing Notify said."""
    if isinstance(exc, InvalidResponse):
        # A 2xx we could not read: it may well have been accepted.
        return RetryableError("InvalidResponse", in_doubt=True)
    if exc.response is None:
        # No HTTP answer at all: a timeout or a dropped connection, maybe after Notify accepted.
        cause = exc.__cause__
        if isinstance(cause, requests.Timeout):
            code = "Timeout"
        elif isinstance(cause, requests.ConnectionError):
            code = "ConnectionError"
        else:
            code = type(cause).__name__ if cause is not None else "RequestFailed"
        return RetryableError(code, in_doubt=True)
    status = exc.status_code
    if status == 429:
        return RetryableError("HTTP429")  # rate limited: refused before anything was accepted
    if status >= 500:
        return RetryableError(f"HTTP{status}", in_doubt=True)
    return PermanentError(f"HTTP{status}")


def _notification_id(response: Any) -> str:
    if isinstance(response, dict) and response.get("id"):
        return str(response["id"])
    raise RetryableError("InvalidResponse", in_doubt=True)


def _check_base_url(base_url: str) -> None:
    parts = urlsplit(base_url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname and _is_loopback(parts.hostname):
        return
    raise ImproperlyConfigured(
        "CONTINUITY_NOTIFY_BASE_URL must be an https:// URL (http:// only on loopback)."
    )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_template_ids(template_ids: Any) -> None:
    if not isinstance(template_ids, dict):
        raise ImproperlyConfigured(
            "CONTINUITY_NOTIFY_TEMPLATES must map each message template to Notify template ids "
            'by channel: {"allocation.named": {"sms": "<id>", "email": "<id>"}, ...}.'
        )
    missing = [
        f"{key} ({channel})"
        for key in sorted(templates.CATALOGUE)
        for channel in CHANNELS
        if not isinstance(template_ids.get(key), dict)
        or not str(template_ids[key].get(channel) or "").strip()
    ]
    if missing:
        raise ImproperlyConfigured(
            "CONTINUITY_NOTIFY_TEMPLATES has no Notify template id for: " + ", ".join(missing) + "."
        )
