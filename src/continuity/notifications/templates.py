"""The message catalogue: what we may send to a woman, in words translators can reach.

Each entry is template key → (subject, body). Both are marked for translation and the body has
named placeholders, filled from the message's personalisation. Subjects are used for email and
letters; text messages have none. A placeholder ending in `_date` holds an ISO date and is shown
as a date in her language.

Translations must keep every placeholder of the English text.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import get_supported_language_variant, override
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from continuity.notifications.models import OutboxMessage

CATALOGUE: dict[str, tuple[Promise, Promise]] = {
    "allocation.named": (
        _("Your named midwife"),
        _(
            "Your named midwife is %(named)s. When she is away, %(buddy)s (her buddy) will look "
            "after you. You can see how to contact them in Continuity."
        ),
    ),
    "handover.named": (
        _("Your named midwife is changing"),
        _(
            "From %(from_date)s your named midwife is %(named)s and your buddy is %(buddy)s. "
            "They will look after you from now on. You can see how to contact them in Continuity."
        ),
    ),
    "cover.away": (
        _("Who looks after you while your midwife is away"),
        _(
            "%(named)s is away from %(from_date)s to %(to_date)s. While she is away, "
            "%(covering)s will look after you. You can see who to call at any time in Continuity."
        ),
    ),
    "visit.reminder": (
        _("Your visit tomorrow"),
        _(
            "A reminder that you have a visit with %(midwife)s tomorrow, %(visit_date)s, at "
            "%(visit_time)s. If you need to change it, contact your midwife. You can see your "
            "visits in Continuity."
        ),
    ),
    "sign_in.link": (
        _("Your link to sign in to Continuity"),
        _(
            "Use this link to sign in to your maternity pages. It works once, for 10 minutes: "
            "%(link)s If you did not ask for it, you can ignore this message."
        ),
    ),
    "feedback.request": (
        _("How was your care?"),
        _(
            "We would like to know how your maternity care is going. It takes a minute, and "
            "you can say as much or as little as you like: %(link)s"
        ),
    ),
}

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


class TemplateError(ValueError):
    """A message that cannot be rendered: refused when it is queued, not when it is sent."""


class UnknownTemplate(TemplateError):
    pass


class PersonalisationError(TemplateError):
    pass


def placeholders(template: str) -> frozenset[str]:
    """The names the template's subject and body need, read from the English text."""
    subject, body = _entry(template)
    with override(settings.LANGUAGE_CODE):
        return frozenset(_PLACEHOLDER.findall(str(subject) + str(body)))


def clean_personalisation(template: str, personalisation: dict[str, Any]) -> dict[str, str]:
    """Check the template exists and gets exactly its placeholders; return JSON-ready values.

    Dates (and aware datetimes, taken as a local date) become ISO dates; everything else a string.
    Extra keys are refused as well as missing ones: the outbox keeps only what the message needs.
    """
    needed = placeholders(template)
    given = set(personalisation)
    if given != needed:
        problems = []
        if missing := sorted(needed - given):
            problems.append(f"missing {', '.join(missing)}")
        if extra := sorted(given - needed):
            problems.append(f"not used by the template: {', '.join(extra)}")
        raise PersonalisationError(
            f"Personalisation for message template {template!r} is wrong: {'; '.join(problems)}."
        )
    return {key: _json_value(value) for key, value in personalisation.items()}


def language_for(preferred_language: str) -> str:
    """Her language if the service offers it (an "en" preference gets "en-gb"), else English."""
    try:
        return get_supported_language_variant(preferred_language or settings.LANGUAGE_CODE)
    except LookupError:
        return settings.LANGUAGE_CODE


def render(message: OutboxMessage) -> tuple[str, str]:
    """The message's subject and body in the woman's preferred language."""
    return render_template(
        message.template, message.personalisation, language_for(message.woman.preferred_language)
    )


def display_personalisation(message: OutboxMessage) -> dict[str, str]:
    """The personalisation as shown in her language (dates as dates): what a provider that holds
    its own copy of the template, such as GOV.UK Notify, fills its placeholders with."""
    with override(language_for(message.woman.preferred_language)):
        return {key: _display(key, value) for key, value in message.personalisation.items()}


def render_template(
    template: str, personalisation: dict[str, Any], language: str
) -> tuple[str, str]:
    subject, body = _entry(template)
    with override(language):
        values = {key: _display(key, value) for key, value in personalisation.items()}
        try:
            return str(subject) % values, str(body) % values
        except KeyError as exc:
            raise PersonalisationError(
                f"Message template {template!r} needs {exc.args[0]!r} in its personalisation."
            ) from None


def _entry(template: str) -> tuple[Promise, Promise]:
    try:
        return CATALOGUE[template]
    except KeyError:
        raise UnknownTemplate(
            f"Unknown message template {template!r}. "
            f"Known templates: {', '.join(sorted(CATALOGUE))}."
        ) from None


def _json_value(value: Any) -> str:
    if isinstance(value, datetime):
        value = timezone.localdate(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _display(key: str, value: Any) -> str:
    """Show `*_date` values as a date in the active language; everything else as given."""
    if key.endswith("_date") and isinstance(value, str):
        try:
            return date_format(date.fromisoformat(value), "j F Y")
        except ValueError:
            return value
    return str(value)
