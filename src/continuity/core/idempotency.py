"""Creating things once: idempotency keys on the forms and calls that create.

Every creating form carries a hidden `submission` key, a fresh UUID each time the empty form is
shown and the same UUID when it is shown again with errors. `submit_once` runs the creating action
and records the key in the same transaction. A second submit with the same key (a double click,
the browser's "resubmit", a replayed request) does not run the action again: it is sent where the
first one went, with a message saying nothing was added twice.

Two submits racing each other are settled by the database: the unique (user, key) constraint makes
the second insert wait for the first transaction and then fail, and the second request reads the
first one's result. If the action fails, its key is rolled back with it, so the corrected form can
be sent again with the same key.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from continuity.core.models import Submission

FIELD = "submission"


class KeyReused(Exception):
    """The key was used before for a different action: a forged or confused form."""


@dataclass(frozen=True)
class Done:
    url: str
    replayed: bool


def key_from(data: Any) -> uuid.UUID | None:
    """The submission key in posted data, or None when it is missing or not a UUID."""
    raw = data.get(FIELD) if data is not None else None
    try:
        return uuid.UUID(str(raw)) if raw else None
    except ValueError:
        return None


def key_for_form(data: Any) -> str:
    """The key to put in a form: the posted one when re-showing it, else a fresh one."""
    return str(key_from(data) or uuid.uuid4())


def replay_message() -> str:
    return _("You had already sent this. It was saved once, and nothing was added twice.")


@transaction.atomic
def submit_once(
    *, user: Any, key: uuid.UUID | None, action: str, create: Callable[[], str]
) -> Done:
    """Run `create` (which returns where to go next) unless this key already ran it."""
    if key is None:  # an old page without a key: it runs, without protection against a replay
        return Done(create(), replayed=False)
    try:
        with transaction.atomic():  # a savepoint, so a clash leaves the outer transaction usable
            row = Submission.objects.create(user=user, key=key, action=action)
    except IntegrityError:
        first = Submission.objects.get(user=user, key=key)
        if first.action != action:
            raise KeyReused(action) from None
        return Done(first.result, replayed=True)
    row.result = create()
    row.save(update_fields=["result"])
    return Done(row.result, replayed=False)


def create_once(request: Any, action: str, create: Callable[[], str]) -> HttpResponse:
    """For views: run `create` once for this form's key and redirect where it leads. Errors from
    the action propagate (nothing is kept), so the view can show them on the form."""
    try:
        done = submit_once(
            user=request.user, key=key_from(request.POST), action=action, create=create
        )
    except KeyReused:
        messages.error(request, _("This form could not be sent. Reload the page and try again."))
        return redirect(request.get_full_path())
    if done.replayed:
        messages.info(request, replay_message())
    return redirect(done.url)
