"""How a rendered message leaves the building. One interface, an adapter per way of sending.

`CONTINUITY_NOTIFIER` chooses the adapter:

- `console` (the default): one line per message on stdout with the reference, template key and
  channel only. Logs hold no personal data, so never the body, her name or contact details.
- `file:/path/to/dir`: the full rendered message, one file per message, with the recipient masked.
  For the demo and for checking wording; the directory holds message text, so treat it as
  sensitive.
- `notify`: GOV.UK Notify (`notify.NotifyNotifier`), configured by the `CONTINUITY_NOTIFY_*`
  settings.

An adapter's `send` returns the provider's id for the message, if it has one. It says how a send
failed by raising `RetryableError` (worth trying again later: rate limits, provider errors,
timeouts) or `PermanentError` (trying again cannot help); anything else it raises is treated as
permanent. An adapter that can tell whether the provider already accepted a message with a given
reference also has `find(reference)`: delivery calls it before re-sending a message whose earlier
attempt ended in doubt, which is what makes a retry exactly-once rather than at-least-once.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TextIO, runtime_checkable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from continuity.notifications.models import OutboxMessage
    from continuity.pregnancies.models import Woman


class Notifier(Protocol):
    def send(self, message: OutboxMessage, subject: str, body: str) -> str | None:
        """Send or hand over the message and return the provider's id for it, if any.

        Raise RetryableError or PermanentError if it could not be sent.
        """


@runtime_checkable
class FindsByReference(Protocol):
    def find(self, reference: str) -> str | None:
        """The provider's id of a message already accepted with this reference, or None."""


class DeliveryError(Exception):
    """A send that did not go through. `code` is short and holds no personal data (e.g. HTTP429).

    `in_doubt` is true when the provider may have accepted the message even so (a timeout, a
    dropped connection, a 5xx), so it must be asked by reference before any resend.
    """

    def __init__(self, code: str, *, in_doubt: bool = False) -> None:
        super().__init__(code)
        self.code = code[:100]
        self.in_doubt = in_doubt


class RetryableError(DeliveryError):
    """Worth trying again later, with backoff: rate limited, provider error, timeout."""


class PermanentError(DeliveryError):
    """Trying again cannot help: the request was refused, or there is no one to send it to."""


class ConsoleNotifier:
    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream

    def send(self, message: OutboxMessage, subject: str, body: str) -> None:
        stream = self.stream or sys.stdout  # looked up now, so a captured stdout is honoured
        stream.write(
            f"notification reference={message.reference} template={message.template} "
            f"channel={message.channel}\n"
        )
        stream.flush()


class FileNotifier:
    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)

    def send(self, message: OutboxMessage, subject: str, body: str) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        text = (
            f"Reference: {message.reference}\n"
            f"Template: {message.template}\n"
            f"Channel: {message.channel}\n"
            f"To: {masked_recipient(message.woman, message.channel)}\n"
            f"Subject: {subject}\n"
            "\n"
            f"{body}\n"
        )
        (self.directory / f"{safe_name(message.reference)}.txt").write_text(text, encoding="utf-8")


def safe_name(reference: str) -> str:
    """A file name from a reference: anything but letters, digits, dot, dash and _ becomes _."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", reference).lstrip(".") or "_"


def masked_recipient(woman: Woman, channel: str) -> str:
    """Enough to tell which contact detail was used, not enough to use it."""
    if channel == "sms":
        digits = re.sub(r"\D", "", woman.phone)
        return f"{'*' * (len(digits) - 4)}{digits[-4:]}" if len(digits) > 4 else "(no phone number)"
    if channel == "email":
        local, _, domain = woman.email.partition("@")
        return f"{local[:1]}***@{domain}" if local and domain else "(no email address)"
    outward = woman.postcode.split(" ")[0] if woman.postcode else ""
    return f"postal address in {outward} ***" if outward else "(no postal address)"


def get_notifier() -> Notifier:
    """The adapter named by the CONTINUITY_NOTIFIER setting."""
    choice = str(getattr(settings, "CONTINUITY_NOTIFIER", "console")).strip()
    if choice == "console":
        return ConsoleNotifier()
    if choice.startswith("file:"):
        directory = choice.removeprefix("file:").strip()
        if not directory:
            raise ImproperlyConfigured(
                "CONTINUITY_NOTIFIER is 'file:' without a directory; use 'file:/path/to/dir'."
            )
        return FileNotifier(directory)
    if choice == "notify":
        from continuity.notifications.notify import NotifyNotifier

        return NotifyNotifier.from_settings()
    # Only the part before any ":" is echoed, in case a credential was put in the value.
    prefix, colon, _ = choice.partition(":")
    shown = f"{prefix}:…" if colon else prefix
    raise ImproperlyConfigured(
        "CONTINUITY_NOTIFIER must be 'notify' (GOV.UK Notify), 'console' or 'file:/path/to/dir', "
        f"not {shown!r}."
    )
