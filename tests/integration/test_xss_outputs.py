"""Script and formula payloads through every output (issue 10): pages, CSV, PDF and JSON.

The payloads (tests/payloads.py) are stored through the real actions into every free-text field
that is shown back, then every page is opened by every role that may open it and parsed: no
element or attribute comes from a payload, no script runs, `{{7*7}}` stays text, and each
payload is shown literally somewhere. CSV cells a spreadsheet would run are neutralised, PDFs
carry the text and no scripts or actions, and the API and FHIR return the text as plain JSON.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import pypdf
import pytest
from django.test import Client
from django.utils import timezone
from markupsafe import escape
from pypdf.actions import JavaScript

from continuity.api.tokens import issue
from continuity.fhir.resources import KINDS
from tests import factories
from tests.payloads import (
    ATTRIBUTE_DOUBLE,
    ATTRIBUTE_SINGLE,
    CANDIDATES,
    FORMULAS,
    IFRAME,
    IMG,
    JAVASCRIPT_URL,
    MARK,
    POLYGLOT,
    SCRIPT,
    SETS_FLAG,
    STYLE_CLOSE,
    SVG,
    TEMPLATE,
    XSS,
    XssTexts,
    book,
    build_scene,
    choose_user,
    every_page,
    marked,
    page_routes,
    read_page,
    scenario,
    sign_in_as,
    url_for,
)

pytestmark = pytest.mark.django_db

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EVERYTHING = marked("\n".join(XSS), "echo")


@pytest.fixture
def stored(world):
    """The scene with a payload in every field, formula-named scenarios and women, and a
    measures snapshot so the board report can be opened."""
    scene = build_scene(world, XssTexts())
    scene.scenarios = [scenario(world, f) for f in FORMULAS]
    scene.formula_women = [book(world, f, f, 100 + n) for n, f in enumerate(FORMULAS)]
    _measure(world)
    return scene


def _measure(world: Any) -> None:
    """Women who reached 29 weeks last month, and a measures snapshot over them."""
    from continuity.assurance import compute
    from continuity.pregnancies.models import CarePlanRecord

    today = timezone.localdate()
    reached = today.replace(day=1) - timedelta(days=15)
    for k in range(6):
        booking = reached - timedelta(days=203 - 70 + k)
        p = factories.PregnancyFactory(
            booking_site=world.site,
            booking_date=booking,
            ga_at_booking_days=70,
            edd=booking + timedelta(days=210),
        )
        CarePlanRecord.objects.create(
            pregnancy=p,
            plan_date=booking + timedelta(days=14),
            plan_type="05",
            coc_pathway="Y",
            professional=world.midwife_a,
            team=world.team_a,
        )
    compute.refresh(by=None, today=today, months=3)


# -- pages ---------------------------------------------------------------------------------------


class Page(HTMLParser):
    """A page as the browser would build it: its elements with their attributes, the text of its
    scripts, and its text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self.values: list[str] = []  # attribute values (an input's value, a title)
        self._script = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append((tag, a))
        self.values += a.values()
        self._script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = False

    def handle_data(self, data: str) -> None:
        (self.scripts if self._script else self.text).append(data)

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


def _squash(text: str) -> str:
    return " ".join(text.split())


def check_page(page: Page, where: str) -> None:
    """Nothing on the page came from a payload: no element, no handler, no script URL."""
    for tag, attrs in page.tags:
        assert tag not in ("xss", "iframe", "object", "embed"), (where, tag, attrs)
        if tag == "script":  # only ours: with the CSP nonce, or from our static files
            assert "nonce" in attrs or attrs.get("src", "").startswith("/static/"), (where, attrs)
        if tag == "img":
            assert attrs.get("src") != "x", (where, attrs)
        for name, value in attrs.items():
            assert not name.startswith("on"), (where, tag, name, value)
            squashed = re.sub(r"[\x00-\x20]", "", value).lower()
            assert not squashed.startswith(("javascript:", "vbscript:", "data:text/html")), (
                where,
                tag,
                name,
            )
    for script in page.scripts:
        assert "alert(" not in script and "__xss" not in script, (where, script[:200])
    # The template payload stays text: a page that evaluated it would show 49 after its mark.
    assert not re.search(rf"{MARK}\d+ 49\b", page.words), where


def shown(page: Page, texts: dict[str, str]) -> set[str]:
    """The stored fields whose whole text the page shows literally."""
    words = page.words
    return {key for key, text in texts.items() if _squash(text) in words}


def is_html(response: Any) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


# Free text that is kept but shown on no page, and where it goes instead.
NOT_ON_PAGES: dict[str, str] = {
    "woman.town": "FHIR Patient.address.city (checked below)",
    "feedback.what_was_good": "FHIR QuestionnaireResponse (checked below)",
    "feedback.could_be_better": "FHIR QuestionnaireResponse (checked below)",
    "visit.note": "kept with the visit; no page, API or FHIR resource shows it",
    "shift.removal_reason": "kept on the voided rota entry, which leaves every list",
    "retention.note": "kept with the decision and in the audit trail",
}


def test_every_page_shows_the_payloads_as_text_and_runs_none(stored, world, client):
    texts = stored.texts.stored
    seen: set[str] = set()
    opened = 0
    for route, url in every_page(world, stored):
        for username in CANDIDATES:
            sign_in_as(client, username)
            response = client.get(url)
            if response.status_code != 200 or not is_html(response):
                continue
            opened += 1
            page = Page(response.content.decode())
            check_page(page, f"{route} as {username}")
            seen |= shown(page, texts)
    assert opened >= 80  # every role's pages were opened, not just a few
    missing = sorted(set(texts) - seen - set(NOT_ON_PAGES))
    assert missing == [], f"stored but shown on no page: {missing}"


def test_forms_show_the_payloads_back_as_text_when_refused(stored, world, client):
    """Every free-text field of every form given all the payloads at once: a refused form shows
    them back as text (nothing lost), and no page built from them carries script."""
    refused = 0
    for route in page_routes():
        url = url_for(route, world, stored)
        username = choose_user(client, url)
        sign_in_as(client, username)
        reader = read_page(client.get(url), url)
        for form in reader.forms:
            free = [name for name, f in form.fields.items() if f.text]
            if not free:
                continue
            body = {name: f.options[:1] for name, f in form.fields.items() if not f.editable}
            body.update({name: [EVERYTHING] for name in free})
            sign_in_as(client, username)
            response = client.post(form.action, body)
            assert response.status_code < 500, (route, form.action)
            if not is_html(response):
                continue
            page = Page(response.content.decode())
            check_page(page, f"{route}: POST {form.action}")
            if response.status_code == 400:
                refused += 1
                kept = _squash(EVERYTHING) in page.words or EVERYTHING in page.values
                assert kept, f"{route}: POST {form.action} lost what was typed"
    assert refused >= 10


# The checks themselves: each catches a payload the page failed to escape, in the context it was
# written for, and passes the same payload escaped (so a passing page test means something).
UNESCAPED = [
    ("<p>{}</p>", SCRIPT),
    ("<p>{}</p>", SVG),
    ("<p>{}</p>", SETS_FLAG),
    ("<p>{}</p>", POLYGLOT),
    ("<p>{}</p>", IFRAME),
    ('<input value="{}">', IMG),
    ('<input value="{}">', ATTRIBUTE_DOUBLE),
    ("<input value='{}'>", ATTRIBUTE_SINGLE),
    ('<a href="{}">link</a>', JAVASCRIPT_URL),
    ("<textarea>{}</textarea>", STYLE_CLOSE),
]


@pytest.mark.parametrize(("context", "payload"), UNESCAPED)
def test_the_page_check_catches_an_unescaped_payload(context, payload):
    with pytest.raises(AssertionError):
        check_page(Page(context.format(payload)), "unescaped")
    if not payload.startswith("javascript:"):  # a URL is unsafe however it is escaped
        check_page(Page(context.format(escape(payload))), "escaped")


def test_the_page_check_catches_an_evaluated_template():
    check_page(Page(f"<p>{escape(marked(TEMPLATE, 3))}</p>"), "kept")
    with pytest.raises(AssertionError):
        check_page(Page(f"<p>{marked('49', 3)}</p>"), "evaluated")


# -- CSV -------------------------------------------------------------------------------------


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def check_csv(text: str, where: str) -> list[list[str]]:
    """Parse as a spreadsheet would; no cell may start like a formula unless it is a number."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    for row in rows:
        for cell in row:
            risky = cell.startswith(FORMULA_STARTS) and not _is_number(cell)
            assert not risky, (where, cell)
    return rows


@pytest.mark.parametrize("formula", FORMULAS)
def test_the_csv_check_catches_a_formula(formula):
    out = io.StringIO()
    csv.writer(out).writerows([["name", "count"], [formula, "-2.5"]])
    with pytest.raises(AssertionError):
        check_csv(out.getvalue(), "raw")
    safe = io.StringIO()
    csv.writer(safe).writerows([["name", "count"], ["'" + formula, "-2.5"]])
    assert check_csv(safe.getvalue(), "neutralised")[1] == ["'" + formula, "-2.5"]


def test_scenario_csvs_neutralise_formulas_and_quote_the_rest(stored, world, client_for):
    client = client_for(world.manager)
    for s in [*stored.scenarios, stored.scenario]:
        response = client.get(f"/planning/{s.pk}.csv")
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        rows = check_csv(response.content.decode(), f"scenario {s.pk}")
        name = next(row[3] for row in rows if row[:2] == ["scenario", "name"])
        # A formula gets a leading apostrophe; a script payload, with its quotes, commas and
        # line ends, comes back exactly as stored.
        assert name == ("'" + s.name if s.name.startswith(FORMULA_STARTS) else s.name)
    assert stored.scenario.name.startswith(MARK)
    ids = "&".join(f"id={s.pk}" for s in stored.scenarios[:4])
    response = client.get(f"/planning/compare.csv?{ids}")
    header = check_csv(response.content.decode(), "compare")[0]
    assert [c for c in header if c.endswith(" mean")] == [
        f"'{s.name} mean" for s in stored.scenarios[:4]
    ]


def test_other_csv_outputs_neutralise_formulas(stored, world, tmp_path):
    from continuity.assurance import msds
    from continuity.pregnancies.imports import export_rows
    from continuity.pregnancies.models import Pregnancy

    rows = check_csv(export_rows(Pregnancy.objects.order_by("pk")), "bookings export")
    names = {(r[1], r[2]) for r in rows[1:]}
    for p in stored.formula_women:
        woman = p.woman
        assert (f"'{woman.given_name}", f"'{woman.family_name}") in names
    public = Client().get("/public/continuity.csv")
    assert public.status_code == 200
    assert len(check_csv(public.content.decode(), "public open data")) > 1
    written = msds.write(msds.extract(timezone.localdate().replace(day=1)), tmp_path)
    tables = [p for p in written if p.suffix == ".csv"]
    assert tables
    for path in tables:
        check_csv(path.read_text(encoding="utf-8"), path.name)


# -- PDF -------------------------------------------------------------------------------------


def _pdf_names(reader: pypdf.PdfReader) -> set[str]:
    """Every dictionary key and name in the document, however deep (objects decompressed)."""
    found: set[str] = set()
    seen: set[int] = set()

    def walk(obj: Any) -> None:
        if isinstance(obj, pypdf.generic.IndirectObject):
            if obj.idnum in seen:
                return
            seen.add(obj.idnum)
            obj = obj.get_object()
        if isinstance(obj, dict):
            for key, value in obj.items():
                found.add(str(key))
                walk(value)
        elif isinstance(obj, list):
            for value in obj:
                walk(value)
        elif isinstance(obj, pypdf.generic.NameObject):
            found.add(str(obj))

    walk(reader.trailer)
    return found


def check_pdf(content: bytes, texts: list[str], where: str) -> str:
    """The payloads are in the text, literally; nothing in the file can run or act on opening."""
    assert content.startswith(b"%PDF-"), where
    reader = pypdf.PdfReader(io.BytesIO(content))
    names = _pdf_names(reader)
    for name in ("/JavaScript", "/JS", "/OpenAction", "/Launch", "/AA", "/SubmitForm"):
        assert name not in names, (where, name)
    for raw in (b"/JavaScript", b"/OpenAction", b"/Launch"):
        assert raw not in content, (where, raw)
    words = "".join("".join(page.extract_text() for page in reader.pages).split())
    for text in texts:
        assert "".join(text.split()) in words, (where, text)
    return words


def test_the_pdf_check_catches_script_and_missing_text():
    writer = pypdf.PdfWriter()
    writer.add_blank_page(200, 200)
    plain = io.BytesIO()
    writer.write(plain)
    check_pdf(plain.getvalue(), [], "blank")
    with pytest.raises(AssertionError):
        check_pdf(plain.getvalue(), [SCRIPT], "text missing")
    writer.add_open_action(JavaScript("app.alert(1);"))
    scripted = io.BytesIO()
    writer.write(scripted)
    with pytest.raises(AssertionError):
        check_pdf(scripted.getvalue(), [], "script")


def test_her_plan_pdf_has_the_payloads_as_text_and_no_script(stored, world, client_for):
    client = client_for(world.woman_user)
    response = client.get("/my/plan.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    texts = stored.texts.stored
    printed = Page(client.get("/my/plan/print/").content.decode())
    check_page(printed, "print")
    in_print = [texts[k] for k in sorted(shown(printed, texts))]
    assert texts["woman.given_name"] in in_print
    assert len([t for t in in_print if len(t) > 200]) >= 3  # her plan's words, all payloads
    check_pdf(response.content, in_print, "plan PDF")


def test_the_board_report_pdf_has_the_payloads_as_text_and_no_script(stored, world, client_for):
    client = client_for(world.board)
    page = client.get("/measures/board-report/")
    assert page.status_code == 200
    check_page(Page(page.content.decode()), "board report")
    response = client.get("/measures/board-report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    check_pdf(response.content, [stored.texts.stored["trust.name"]], "board report PDF")


# -- JSON --------------------------------------------------------------------------------------


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _token_client(user: Any) -> Client:
    _token, plain = issue(user=user, name="xss")
    return Client(HTTP_AUTHORIZATION=f"Bearer {plain}")


def check_json(response: Any, stored_texts: set[str], kinds: tuple[str, ...], where: str) -> set:
    """A JSON body with a JSON content type and nosniff; every payload in it is a plain string,
    exactly as stored (or several stored texts joined, like her full name)."""
    assert response["Content-Type"].split(";")[0] in kinds, where
    assert response["X-Content-Type-Options"] == "nosniff", where
    found = {s for s in _strings(json.loads(response.content)) if MARK in s}
    for s in found:
        parts = [t for t in stored_texts if t in s]
        assert parts and all(p in stored_texts for p in parts), (where, s)
        assert "&lt;" not in s and "&quot;" not in s, (where, s)  # not HTML-escaped either
    return found


def test_the_api_returns_the_payloads_as_plain_json_strings(stored, world):
    stored_texts = set(stored.texts.stored.values())
    woman, pregnancy = world.woman_a, world.pregnancy_a
    urls = [
        "/api/v1/women",
        f"/api/v1/women/{woman.ref}",
        f"/api/v1/pregnancies/{pregnancy.ref}",
        f"/api/v1/pregnancies/{pregnancy.ref}/contacts",
        "/api/v1/referrals",
        f"/api/v1/referrals/{stored.referral.pk}",
        "/api/v1/concerns",
        f"/api/v1/concerns/{stored.answered.pk}",
        "/api/v1/rota",
    ]
    found: set[str] = set()
    for user in (world.midwife_a.user, world.leader_a.user, world.manager):
        client = _token_client(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code < 500, url
            if response.status_code == 200:
                found |= check_json(response, stored_texts, ("application/json",), url)
    texts = stored.texts.stored
    for key in ("woman.given_name", "woman.family_name", "concern.summary", "answered.summary"):
        assert texts[key] in found, key


def test_fhir_returns_the_payloads_as_plain_json_strings(stored, world):
    stored_texts = set(stored.texts.stored.values())
    client = _token_client(world.midwife_a.user)
    found: set[str] = set()
    for kind in KINDS:
        response = client.get(f"/fhir/R4/{kind}")
        assert response.status_code < 500, kind
        if response.status_code == 200:
            found |= check_json(
                response, stored_texts, ("application/fhir+json", "application/json"), kind
            )
    texts = stored.texts.stored
    for key in ("woman.given_name", "woman.address_line_1", "woman.town", "concern.response"):
        assert texts[key] in found, key
    her = _token_client(world.woman_user).get("/fhir/R4/QuestionnaireResponse")
    answers = check_json(her, stored_texts, ("application/fhir+json",), "her feedback")
    assert {texts["feedback.what_was_good"], texts["feedback.could_be_better"]} <= answers
