"""The Jinja2 environment: NHS.UK frontend macros, Django i18n, static files and URL reversing."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, FileSystemLoader, PackageLoader
from jinja2.utils import LRUCache
from markupsafe import Markup

from continuity.allocation import presenters as allocation_presenters
from continuity.assurance.presenters import month_name
from continuity.core import idempotency, presenters
from continuity.core.forms import error_list
from continuity.core.navigation import in_nhs_app, navigation_for
from continuity.core.permissions import can
from continuity.cover import presenters as cover_presenters
from continuity.visits import presenters as visit_presenters


def url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def local(value: Any) -> Any:
    """Show a stored UTC instant in Europe/London."""
    if value is None:
        return None
    return timezone.localtime(value)


def choice_item(choice: list[Any], current: Any, key: str = "selected") -> dict[str, Any]:
    value, text = choice
    if isinstance(current, list | tuple):  # a multiple choice: every chosen value is marked
        return {"value": value, "text": str(text), key: str(value) in {str(c) for c in current}}
    return {"value": value, "text": str(text), key: str(value) == current}


def submission_input(request: Any, bound: bool = True) -> Markup:
    """The hidden idempotency key of a creating form (see continuity.core.idempotency). A page
    with several creating forms passes `bound` so only the form that was sent keeps its key."""
    posted = request.POST if request.method == "POST" and bound else None
    key = idempotency.key_for_form(posted)
    return Markup('<input type="hidden" name="%s" value="%s">') % (idempotency.FIELD, key)


def environment(**options: Any) -> Environment:
    options.pop("loader", None)
    options.pop("undefined", None)
    env = Environment(  # noqa: S701 - autoescape is forced on below # nosec B701
        loader=ChoiceLoader(
            [
                FileSystemLoader([str(d) for d in settings.TEMPLATES[0]["DIRS"]]),
                PackageLoader("nhsuk_frontend_jinja"),
            ]
        ),
        undefined=ChainableUndefined,
        extensions=["jinja2.ext.i18n"],
        **{**options, "autoescape": True},
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        translation.gettext, translation.ngettext, newstyle=True
    )
    env.globals.update(
        {
            "url": url,
            "static": static,
            "error_list": error_list,
            "navigation_for": navigation_for,
            "in_nhs_app": in_nhs_app,
            "stage": presenters.stage,
            "language": presenters.language_name,
            "allocation_reasons": allocation_presenters.reasons_text,
            "cover_step": cover_presenters.step_text,
            "woman_step": cover_presenters.woman_step_text,
            "unplanned_reason": visit_presenters.unplanned_text,
            "rest_rule_text": cover_presenters.rest_rule_text,
            "get_messages": get_messages,
            "can": can,
            "settings": settings,
            "submission_input": submission_input,
        }
    )
    env.filters.update(
        {
            "local": local,
            "date": lambda d, fmt="j F Y": date_format(d, fmt) if d else "",
            "datetime": lambda d: date_format(local(d), "j F Y, H:i") if d else "",
            "time": lambda d: date_format(local(d), "H:i") if d else "",
            # The last local day of a whole-day period that ends (exclusive) at `end`.
            "last_day": lambda end: local(end - timedelta(seconds=1)).date() if end else None,
            "gestation": presenters.gestation,
            # A date kept as ISO text (frozen review figures, JSON content), shown as a date.
            "isodate": lambda d, fmt="j F Y": date_format(date.fromisoformat(d), fmt) if d else "",
            # A month kept as text ("2026-06", as in a trajectory), shown as "June 2026".
            "month_name": month_name,
            "choice_item": choice_item,
            "role_label": presenters.role_label,
        }
    )
    return env


def precompile(env: Environment) -> int:
    """Compile every template now, so no request pays for it. The WSGI entry point calls this
    when DEBUG is off: under gunicorn's --preload the master compiles once and every worker it
    forks starts with the compiled templates, instead of each worker compiling each template on
    its first request. Returns how many templates were compiled."""
    names = env.list_templates(extensions=["jinja"])
    env.cache = LRUCache(max(400, 2 * len(names)))  # room for all of them: never evicted
    for name in names:
        env.get_template(name)
    return len(names)
