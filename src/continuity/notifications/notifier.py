"""How a rendered message leaves the building. One interface, an adapter per way of sending.

`CONTINUITY_NOTIFIER` chooses the adapter:

- `console` (the default): one line per message on stdout with the reference, template key and
  channel only. Logs hold no personal data, so never the body, her name or contact details.
- `file:/path/to/dir`: the full rendered message, one file per message, with the recipient masked.
  For the demo and for checking wording; the directory holds message text, so treat it as
  sensitive.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TextIO

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from continuity.notifications.models import OutboxMessage
    from continuity.pregnancies.models import Woman


class Notifier(Protocol):
    def send(self, message: OutboxMessage, subject: str, body: str) -> None:
        """Send or hand over the message; raise if it could not be sent."""


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
    # GOV.UK Notify plugs in here: "notify" → an adapter over notifications-python-client's
    # NotificationsAPIClient, with the API key and Notify template ids from the environment.
    # Only the part before any ":" is echoed, in case a credential was put in the value.
    raise ImproperlyConfigured(
        "CONTINUITY_NOTIFIER must be 'console' or 'file:/path/to/dir', "
        f"not {choice.partition(':')[0]!r}."
    )
