"""Hypothesis over every form, and over every page that takes a POST (issue 10, bad input).

Two levels. First each Django form class in the project, found by walking the `forms` and `views`
modules (a new form is covered without touching this file), is given generated data for every
field: any unicode text but NUL (tests/integration/test_nul_characters.py covers NUL), very long
strings, numbers out of range, impossible dates, empty strings, lists, unknown choices. Validating
never raises, and every error is on a field (or the form) with a message a person can read.

Then one level up: every page URL is found by walking the URL resolver, opened as the first user
who may see it, and its POST forms (read from the page itself) are sent generated bodies. The
answer is never a 5xx or a traceback, and a refused form shows the NHS.UK error summary.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import random
import re
from typing import Any

import pytest
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import QueryDict
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

import continuity
from continuity.core.forms import NhsDateField, NhsNumberField, error_list
from continuity.core.identifiers import synthetic_nhs_number
from tests.payloads import (
    ARGUMENTS,
    PageField,
    PageForm,
    PlainTexts,
    build_scene,
    choose_user,
    page_routes,
    read_page,
    sign_in_as,
    url_for,
)

pytestmark = pytest.mark.django_db

FUZZ = hypothesis_settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# -- finding the forms -------------------------------------------------------------------------


def _fail(name: str) -> None:
    raise ImportError(f"{name} could not be imported, so its forms would be missed")


def project_forms() -> list[type[forms.BaseForm]]:
    """Every form class defined in a `forms` or `views` module of the project."""
    found: dict[str, type[forms.BaseForm]] = {}
    for module in pkgutil.walk_packages(continuity.__path__, "continuity.", onerror=_fail):
        if not module.name.endswith(("forms", "views")):  # retention_views too
            continue
        loaded = importlib.import_module(module.name)
        for value in vars(loaded).values():
            if (
                inspect.isclass(value)
                and issubclass(value, forms.BaseForm)
                and value.__module__ == module.name
            ):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[k] for k in sorted(found)]


FORMS = project_forms()


def _team(world: Any) -> list[Any]:
    return [world.midwife_a, world.buddy_a, world.colleague_a, world.leader_a]


# The arguments each form's __init__ needs besides its data, as the views build them; a list is
# several ways a view builds it. A form missing here with a required argument fails its test.
BUILDERS: dict[str, Any] = {
    "allocation.forms.DecisionForm": lambda w: [
        {"midwives": _team(w), "has_suggestion": True},
        {"midwives": _team(w), "has_suggestion": False},
    ],
    "allocation.forms.HandoverForm": lambda w: [
        {"midwives": _team(w), "today": timezone.localdate()}
    ],
    "concerns.forms.TriageForm": lambda w: [{"owners": [w.manager, w.leader_a.user]}],
    "cover.forms.AbsenceForm": lambda w: [{}, {"midwives": _team(w)}, {"midwives": []}],
    "cover.forms.DecisionForm": lambda w: [{"choices": _team(w)}],
    "cover.forms.ShiftsForm": lambda w: [{"midwives": _team(w)}],
    "feedback.forms.FeedbackForm": lambda w: [{"visit": True}, {"visit": False}],
    "plans.forms.SectionForm": lambda w: [
        {"section": s, "writer": who}
        for s in ("antenatal", "birth", "postnatal")
        for who in ("woman", "midwife")
    ],
    "plans.forms.DiscussionForm": lambda w: [{"contacts": [(1, "1 June 2026, 10:00")]}],
    "referrals.forms.ReferralForm": lambda w: [{"sites": [(w.site.pk, w.site.name)]}],
    "referrals.forms.StepForm": lambda w: [
        {"choices": [("accepted", "Accepted"), ("booked", "Booked"), ("cancelled", "Cancel")]}
    ],
    "visits.forms.OutcomeForm": lambda w: [{"team": _team(w)}],
    "accounts.views.SignInForm": lambda w: [{"request": RequestFactory().post("/sign-in/")}],
    "governance.forms.PlanForm": lambda w: [{"champions": [w.board]}, {"champions": []}],
    "governance.forms.AimForm": lambda w: [{"today": timezone.localdate()}],
    "governance.forms.StepForm": lambda w: [{"today": timezone.localdate()}],
    "governance.forms.ActionForm": lambda w: [{"teams": [w.team_a, w.team_b]}],
    "governance.forms.ActionUpdateForm": lambda w: [{"teams": [w.team_a]}, {"teams": []}],
    "governance.forms.RiskForm": lambda w: [{"scenarios": []}],
    "governance.forms.RiskUpdateForm": lambda w: [{"scenarios": []}],
    "governance.forms.CommentForm": lambda w: [{"reviews": []}],
}


def _key(form_class: type) -> str:
    return f"{form_class.__module__}.{form_class.__qualname__}".removeprefix("continuity.")


def _needs_arguments(form_class: type) -> bool:
    parameters = list(inspect.signature(form_class.__init__).parameters.values())[1:]
    return any(
        p.default is inspect.Parameter.empty
        and p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
        for p in parameters
    )


def test_every_form_is_found_and_can_be_built():
    names = {_key(f) for f in FORMS}
    # The walk finds the forms of every app that has one (a broken walk finds few or none).
    assert len(FORMS) >= 25, names
    for expected in ("pregnancies.forms.BookingForm", "planning.forms.SolveForm"):
        assert expected in names
    assert "accounts.views.SignInForm" in names and "portal.views.LinkRequestForm" in names
    unbuilt = [n for f in FORMS if _needs_arguments(f) and (n := _key(f)) not in BUILDERS]
    assert unbuilt == [], f"add constructor arguments for {unbuilt} to BUILDERS"
    assert set(BUILDERS) <= names, set(BUILDERS) - names  # no stale entries


# -- generated values ----------------------------------------------------------------------------

# Any character a browser can send in a form except NUL (refused before any form sees it).
CHARACTER = st.characters(codec="utf-8", exclude_characters="\x00")
TEXT = st.text(CHARACTER, max_size=40)
LONG = st.builds(lambda c, n: c * n, CHARACTER, st.integers(300, 20_000))
ODD_NUMBERS = st.sampled_from(
    [
        "NaN", "sNaN", "-sNaN", "Infinity", "-inf", "1e999999", "-1e-999999", "0x1F", "1_000",
        "٣", "²", "½", "Ⅻ", "-0", "1,5", " 5 ", "5.", ".", "+1", "1e3", "9" * 60, "-" + "9" * 60,
        "0.0000000000000000001", "36.999999999999999999",
    ]
)  # fmt: skip
NUMBERS = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    ODD_NUMBERS,
)
DATE_LIKE = st.sampled_from(
    ["31/02/2026", "2026-02-31", "0000-00-00", "29/02/2025", "24:00", "23:60", "25:00", "-1:30",
     "9.75", "12:5", "１２:３０", "0:00", "00:00:00", "2026-13-45T99:99"]
)  # fmt: skip
SCALAR = st.one_of(st.just(""), TEXT, NUMBERS, DATE_LIKE, LONG)
DATE_PART = st.one_of(
    st.sampled_from(["31", "2", "2026", "0", "00", "0000", "-1", "٢", "²", "99999", "2026.0"]),
    st.integers(-5, 100_000).map(str),
    TEXT,
)
# Valid NHS numbers, in ASCII and in other scripts' digits (which pass str.isdigit()).
DIGIT_ZEROS = (ord("0"), 0x660, 0x6F0, 0x966, 0xFF10)
NHS_NUMBERS = st.builds(
    lambda seed, zero: "".join(
        chr(zero + int(d)) for d in synthetic_nhs_number(random.Random(seed))
    ),
    st.integers(0, 10**6),
    st.sampled_from(DIGIT_ZEROS),
)
# Whole dates that look right and are not: 31 February, year 0, 29 February in 2025 and more.
BAD_DATES = st.sampled_from(
    [("31", "2", "2026"), ("0", "0", "0"), ("1", "1", "0"), ("29", "2", "2025"),
     ("1", "1", "0000"), ("", "", "2026"), ("١", "١", "٢٠٢٦"), ("²", "1", "2026"),
     ("32", "13", "2026"), ("1", "1", "10000")]
)  # fmt: skip


def _choice_values(f: forms.Field) -> list[str]:
    """The values a page offers for a choice field (optgroups flattened)."""
    if isinstance(f, forms.ModelChoiceField):
        key = f.to_field_name or "pk"
        return [str(getattr(obj, key)) for obj in f.queryset]
    values: list[str] = []
    for value, label in getattr(f, "choices", []):
        if isinstance(label, list | tuple):
            values += [str(v) for v, _label in label]
        else:
            values.append(str(value))
    return values


def field_values(name: str, f: forms.Field) -> st.SearchStrategy[dict[str, list[str]]]:
    """Data for one field as a browser sends it: {html name: [values]}, or {} when left out."""
    if isinstance(f, NhsDateField):
        parts = st.one_of(BAD_DATES, st.tuples(DATE_PART, DATE_PART, DATE_PART))
        return st.one_of(
            st.just({}),
            parts.map(
                lambda p: {
                    f"{name}[{k}]": [v] for k, v in zip(("day", "month", "year"), p, strict=True)
                }
            ),
        )
    if isinstance(f, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        options = _choice_values(f)
        one = st.one_of(st.sampled_from(options), SCALAR) if options else SCALAR
        return st.lists(one, max_size=5).map(lambda vs: {name: vs} if vs else {})
    if isinstance(f, forms.ChoiceField | forms.ModelChoiceField):
        options = _choice_values(f)
        one = st.one_of(st.sampled_from(options), SCALAR) if options else SCALAR
    elif isinstance(f, NhsNumberField):
        one = st.booleans().flatmap(lambda number: NHS_NUMBERS if number else SCALAR)
    elif isinstance(f, forms.BooleanField):
        one = st.one_of(st.sampled_from(["on", "true", "false", "0", "1", "off"]), SCALAR)
    else:
        one = SCALAR
    return st.one_of(
        st.just({}),
        one.map(lambda v: {name: [v]}),
        st.lists(one, min_size=2, max_size=3).map(lambda vs: {name: vs}),  # a repeated key
    )


def as_query_dict(parts: list[dict[str, list[str]]]) -> QueryDict:
    data = QueryDict(mutable=True)
    for part in parts:
        for key, values in part.items():
            data.setlist(key, values)
    return data


# -- level one: the forms themselves ---------------------------------------------------------


def check_form(form: forms.BaseForm) -> None:
    """Validation never raises; a refusal names the field (or the form) with a message; an NHS
    number that passes has one spelling (ten ASCII digits), whatever the other fields hold."""
    valid = form.is_valid()
    for name, f in form.fields.items():
        number = form.cleaned_data.get(name) if isinstance(f, NhsNumberField) else None
        assert not number or re.fullmatch(r"[0-9]{10}", number), (name, number)
    if valid:
        return
    assert form.errors
    for name, messages in form.errors.items():
        assert name == NON_FIELD_ERRORS or name in form.fields, name
        assert messages and all(str(m).strip() for m in messages), (name, messages)
    # The page's error summary lists every message, each linked to its field.
    items = error_list(form)
    assert len(items) == sum(len(v) for v in form.errors.values())
    assert all(item["text"].strip() and item["href"].startswith("#") for item in items)


def use_cleaned_data(form: forms.BaseForm) -> None:
    """What the views do with a valid form, which must not fail either."""
    if hasattr(form, "texts"):
        assert set(form.texts()) == {h.key for h in form.headings}
    if hasattr(form, "chosen"):
        assert len(form.chosen()) == len(form.cleaned_data["slots"])
    if hasattr(form, "parameters"):
        assert form.parameters({})["policy"] == form.cleaned_data["policy"]
    if callable(getattr(form, "request", None)):
        assert form.request()["vary"] == form.cleaned_data["vary"]


@pytest.mark.parametrize("form_class", FORMS, ids=_key)
def test_hypothesis_over_every_form(form_class, world):
    variants = BUILDERS.get(_key(form_class), lambda w: [{}])(world)

    @FUZZ
    @given(st.data())
    def run(data):
        kwargs = data.draw(st.sampled_from(variants))
        fields = form_class(**kwargs).fields  # the fields as this variant builds them
        parts = [data.draw(field_values(name, f), label=name) for name, f in fields.items()]
        parts.append(data.draw(st.dictionaries(TEXT, TEXT.map(lambda v: [v]), max_size=3)))
        form = form_class(data=as_query_dict(parts), **kwargs)
        check_form(form)
        if form.is_valid():
            use_cleaned_data(form)

    run()


def test_the_fuzz_finds_refusals(world):
    """The strategies reach the fields: an impossible date and an unknown choice are refused on
    their own fields with their own messages (so the property above is not vacuous)."""
    from continuity.pregnancies.forms import BookingForm

    data = as_query_dict(
        [
            {"date_of_birth[day]": ["31"], "date_of_birth[month]": ["2"]},
            {"date_of_birth[year]": ["1990"], "ethnic_category": ["ZZ"]},
            {"previous_live_births": ["1e999999"]},
        ]
    )
    form = BookingForm(data=data)
    check_form(form)
    assert form.errors["date_of_birth"] == ["Date of birth must be a real date"]
    assert form.errors["ethnic_category"] == ["Select an ethnic category from the list"]
    assert "whole number" in form.errors["previous_live_births"][0]


# -- level two: every page that takes a POST ---------------------------------------------------


ROUTES = page_routes()


@pytest.fixture
def scene(world):
    return build_scene(world, PlainTexts())


def test_every_page_is_walked():
    assert len(ROUTES) >= 60, ROUTES
    assert {"pregnancies:book", "plans:woman", "cover:decide", "accounts:sign-in"} <= set(ROUTES)
    assert set(ARGUMENTS) <= set(ROUTES), set(ARGUMENTS) - set(ROUTES)
    # A URL with arguments needs a record to open: tests/payloads.py ARGUMENTS says which.
    needing = []
    for route in ROUTES:
        try:
            reverse(route)
        except NoReverseMatch:
            needing.append(route)
    assert len(needing) >= 15 and set(needing) <= set(ARGUMENTS), set(needing) - set(ARGUMENTS)


# Names pages read besides their forms' fields (hidden inputs, buttons, query parameters), sent
# with junk too.
COMMON_NAMES = ("version", "team", "action", "step", "section", "token", "apply", "publish",
                "plan", "move", "accept", "week", "reason", "note", "review")  # fmt: skip
QUERY_NAMES = ("page", "team", "date", "week", "month", "id", "from", "show", "sort", "view",
               "covering", "next", "code", "state")  # fmt: skip


def page_body(form: PageForm | None) -> st.SearchStrategy[dict[str, list[str]]]:
    """A body for one page form: each field left out, given an offered value, or junk."""
    if form is None:
        names = st.sampled_from(COMMON_NAMES) | TEXT
        return st.dictionaries(names, st.lists(SCALAR, min_size=1, max_size=2), max_size=6)
    parts = []
    for name, f in form.fields.items():
        part = DATE_PART if name.endswith(("[day]", "[month]", "[year]")) else SCALAR
        one = st.one_of(part, st.sampled_from(f.options)) if f.options else part
        values = st.lists(one, max_size=4) if f.many else st.lists(one, min_size=1, max_size=2)
        parts.append(st.one_of(st.just([]), values).map(lambda vs, n=name: {n: vs} if vs else {}))
    return st.tuples(*parts).map(lambda ds: {k: v for d in ds for k, v in d.items()})


BAD_REQUEST = "Sorry, there is a problem with the request"


def check_answer(response: Any, where: str, form: PageForm | None = None, body: Any = None) -> None:
    """Never a 5xx or a traceback. A form a person fills in is refused with the error summary;
    only what the page set itself (a hidden version, say) may get the plain 400 page."""
    text = response.content.decode("utf-8", "replace")
    assert response.status_code < 500, (where, response.status_code)
    assert "Traceback" not in text and 'File "' not in text, where
    if not response.get("Content-Type", "").startswith("text/html"):
        return
    if response.status_code == 400:
        assert "<h1" in text, where  # a page that says what is wrong
        if form is not None and form.editable and "nhsuk-error-summary" not in text:
            assert BAD_REQUEST in text and form.tampered(body), (where, text[:3000])
    if "nhsuk-error-message" in text:  # an error on a field is in the summary too
        assert "nhsuk-error-summary" in text, where


def test_the_page_reader_finds_the_forms_people_fill_in(world, scene, client_for):
    """The page-level fuzz reads each page's forms: on known pages it finds their fields."""
    client = client_for(world.midwife_a.user)
    book = read_page(client.get("/book/"), "/book/").forms
    assert len(book) == 1 and book[0].editable
    assert {"nhs_number", "given_name", "edd[day]", "risk"} <= set(book[0].fields)
    assert "low" in book[0].fields["risk"].options  # radios: the values the page offers
    plan = url_for("plans:woman", world, scene)
    forms_ = read_page(client.get(plan), plan).forms
    assert len(forms_) >= 6  # a save and a discussion form for each section, and agreeing
    assert any("save:antenatal" in f.fields.get("action", PageField()).options for f in forms_)


@pytest.mark.parametrize("route", ROUTES)
def test_hypothesis_posts_to_every_page(route, world, scene, client, settings):
    # Tasks a page queues (recomputing the measures, running a simulation) are queued, not run.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    url = url_for(route, world, scene)
    username = choose_user(client, url)
    sign_in_as(client, username)
    reader = read_page(client.get(url), url)
    # The page's own forms (wherever they post), junk posted to the URL itself, and the URL
    # opened with junk query parameters.
    here = f"http://testserver{url}"
    targets: list[tuple[str, str, PageForm | None]] = [("post", f.action, f) for f in reader.forms]
    targets += [("post", here, None), ("get", here, None)]
    query_names = st.sampled_from(sorted(reader.query_names | set(QUERY_NAMES))) | TEXT
    query = st.dictionaries(query_names, st.lists(SCALAR, min_size=1, max_size=2), max_size=4)

    # Pages where a person fills something in get the most examples; the rest a few.
    examples = 15 if any(f.editable for f in reader.forms) else 5

    @hypothesis_settings(FUZZ, max_examples=examples)
    @given(st.data())
    def run(data):
        method, action, form = data.draw(st.sampled_from(targets), label="target")
        body = data.draw(query if method == "get" else page_body(form), label="data")
        response = getattr(client, method)(action, body)
        if action.endswith("/sign-out/"):
            sign_in_as(client, username)  # signed out: sign in again for the next example
        where = f"{route} as {username}: {method} {action} {body!r}"[:2000]
        check_answer(response, where, form, body)

    run()


def test_a_bad_hidden_number_is_a_400_page_not_a_crash(world, scene, client_for):
    """Views read the hidden `version` (and the planner's `plan`) by hand: junk there was a 500
    (int() of "x1"); now it is the plain 400 page, and a stale but well-formed version is still
    the usual error summary. Nothing is changed either way."""
    client = client_for(world.midwife_a.user)
    referral = reverse("referrals:detail", kwargs={"pk": scene.referral.pk})
    plan = reverse("plans:woman", kwargs={"ref": world.woman_a.ref})
    leader = client_for(world.leader_a.user)
    shift = reverse("cover:shift", kwargs={"pk": scene.shift.pk})
    for response in (
        client.post(referral, {"to": "cancelled", "note": "Moved away", "version": "x1"}),
        client.post(plan, {"action": "agree:antenatal", "version": "1e3"}),
        leader.post(shift, {"version": "٣", "reason": "Rota changed"}),
        leader.post(shift, {"version": "9" * 30, "reason": "Rota changed"}),
    ):
        assert response.status_code == 400 and BAD_REQUEST in response.content.decode()
    stale = leader.post(shift, {"version": "999", "reason": "Rota changed"})
    assert stale.status_code == 400 and "nhsuk-error-summary" in stale.content.decode()
    scene.shift.refresh_from_db()
    scene.referral.refresh_from_db()
    assert scene.shift.voided_at is None and scene.referral.status == "accepted"
    assert leader.post(shift, {"version": str(scene.shift.version), "reason": "Rota changed"})[
        "Location"
    ].startswith("/cover/")  # the same form with a good version works


def test_odd_digits_in_ids_and_nhs_numbers_are_refused(world, scene, client_for):
    """Characters that pass str.isdigit() but are not ASCII digits ("²", "٣") crashed int() in
    the scenario comparison and the API's If-Match, and an NHS number in Arabic-Indic digits was
    accepted as a second identity for the same woman."""
    from continuity.api.tokens import issue
    from continuity.pregnancies.forms import BookingForm

    planner = client_for(world.manager)
    assert planner.get("/planning/compare/?id=²&id=1").status_code == 302  # "choose 2"
    assert planner.get("/planning/compare.csv?id=" + "9" * 30).status_code == 200
    assert planner.get("/planning/new/?from=²").status_code == 200
    _token, plain = issue(user=world.midwife_a.user, name="fuzz")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
    transition = f"/api/v1/pregnancies/{world.pregnancy_a.ref}/transition"
    for header in ('"²"', '"' + "9" * 5000 + '"'):
        answer = api.post(transition, {"to": "postnatal"}, "application/json", HTTP_IF_MATCH=header)
        assert answer.status_code == 412 and answer.json()["code"] == "precondition_failed"
    arabic = "".join(chr(0x660 + int(d)) for d in world.woman_a.nhs_number)
    form = BookingForm(data={"nhs_number": arabic})
    assert not form.is_valid()
    assert form.errors["nhs_number"] == ["NHS number must be 10 digits"]


def test_recording_time_away_for_a_team_with_nobody_in_post(world, client_for):
    """The manager's "Record time away" for a team with no midwives was a 500 (the form left out
    the midwife choice when the list was empty, and the page asked for it)."""
    client = client_for(world.manager)
    page = client.get("/cover/requests/new/?team=TC")
    assert page.status_code == 200 and 'name="midwife"' in page.content.decode()
    refused = client.post("/cover/requests/new/", {"team": "TC", "kind": "sickness"})
    check_answer(refused, "record time away", None)
    assert refused.status_code == 400 and "Select a midwife" in refused.content.decode()
