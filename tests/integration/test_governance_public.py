"""The published action plan, with no sign-in: the plan page, each signed-off review, the Atom
feed and the printable summary (HTML and PDF). Only what a sign-off published is shown, only
rounded counts, and no name but the board safety champion's."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from datetime import date
from types import SimpleNamespace
from urllib.parse import urlparse

import pypdf
import pytest
from django.test import Client

from continuity.governance import actions, figures
from continuity.governance.models import MonthlyReview, PlanAction
from tests.governance_helpers import add_bame_aim, plan_for, snapshot

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 21)
SEPTEMBER, OCTOBER = date(2026, 9, 1), date(2026, 10, 1)
ATOM = "{http://www.w3.org/2005/Atom}"
PAGES = (
    "/public/continuity/plan/",
    "/public/continuity/plan/reviews/2026-10/",
    "/public/continuity/summary/",
)
# The helper snapshot's unrounded counts: the BAME group is 3 of 7 every month (42.9%), and
# October overall is 52 of 190 (27.4%). Rounded: 5 of 5 (100%) and 50 of 190 (26.3%).
# A number stands alone: "52" but not the trajectory's 52.8%.
RAW = [
    re.compile(p)
    for p in (
        r">\s*3\s*<",
        r">\s*7\s*<",
        r"\b3 of 7\b",
        r"(?<![\d.,])52(?![\d.,])",
        r"42\.9",
        r"27\.4",
    )
]


def unrounded(text: str) -> list[str]:
    return [p.pattern for p in RAW if p.search(text)]


def sign_off(plan, champion, month, snap, *, comments, decisions=""):
    draft = MonthlyReview.objects.filter(plan=plan, month=month).first()
    return actions.sign_off(
        by=champion,
        plan=plan,
        month=month,
        version=draft.version if draft else 0,
        comments=comments,
        decisions=decisions,
        figures=figures.for_month(plan, month, snap),
        today=TODAY,
    )


@pytest.fixture
def published(world):
    """A plan with an aim for all women and one for BAME women, September and October signed
    off, and an MVP comment answered and one awaiting an answer."""
    plan, champion, mvp, _aim, action = plan_for(world)
    add_bame_aim(world, plan)
    actions.add_risk(
        by=world.manager,
        plan=plan,
        kind="risk",
        description="Midwife vacancies in the community",
        mitigation="Recruitment campaign",
        owner="Director of midwifery",
        rating="high",
        midwives_needed=6,
        scenario=None,
    )
    snap = snapshot({"2026-09": (40, 180), "2026-10": (52, 190)}, through=date(2026, 11, 20))
    september = sign_off(
        plan, champion, SEPTEMBER, snap, comments="September was steady.", decisions="Keep going."
    )
    answered = actions.add_comment(
        by=mvp, plan=plan, subject="Interpreters", body="Women need interpreters at visits."
    )
    actions.answer_comment(
        by=world.manager,
        comment=answered,
        version=answered.version,
        response="We have booked interpreters for every continuity team.",
    )
    october = sign_off(
        plan,
        champion,
        OCTOBER,
        snap,
        comments="Behind trajectory; recruitment is late.",
        decisions="Escalate recruitment to the board.",
    )
    awaiting = actions.add_comment(
        by=mvp,
        plan=plan,
        subject="<script>alert(1)</script>",
        body="<script>alert(1)</script> Why is recruitment late?",
        review=october,
    )
    plan.refresh_from_db()
    return SimpleNamespace(
        plan=plan,
        champion=champion,
        mvp=mvp,
        action=action,
        snap=snap,
        september=september,
        october=october,
        awaiting=awaiting,
    )


def main(response) -> str:
    """The page's main content (the shared header and footer are tested elsewhere)."""
    assert response.status_code == 200, response.status_code
    text = response.content.decode()
    found = re.search(r"<main\b.*?</main>", text, flags=re.S)
    assert found, "the page has a <main>"
    return found.group(0)


def feed_entries(client):
    response = client.get("/public/continuity/plan/feed.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed, in a test
    assert root.tag == f"{ATOM}feed"
    return root, root.findall(f"{ATOM}entry")


def test_the_pages_answer_without_sign_in(published):
    client = Client()
    for path in (*PAGES, "/public/continuity/plan/reviews/2026-09/"):
        assert client.get(path).status_code == 200, path
    assert client.get("/public/continuity/plan/feed.atom").status_code == 200
    assert client.get("/public/continuity/summary.pdf").status_code == 200


@pytest.mark.parametrize(
    "month", ["2026-08", "2026-11", "2026-13", "2026-1", "2026-00", "october", "2026-10-01"]
)
def test_a_month_not_signed_off_or_not_a_month_is_not_found(published, month):
    assert Client().get(f"/public/continuity/plan/reviews/{month}/").status_code == 404


def test_the_plan_page_shows_the_published_plan_and_latest_review(published):
    page = main(Client().get("/public/continuity/plan/"))
    assert "Our continuity of carer plan" in page
    # The latest review: its month, comments, decisions and who signed it off, and when.
    assert "The latest review: October 2026" in page
    assert "Behind trajectory; recruitment is late." in page
    assert "Escalate recruitment to the board." in page
    signed_on = published.october.signed_off_at.strftime("%-d %B %Y")
    assert f"Signed off by Chris Champion, board safety champion, on {signed_on}." in page
    # The aims, their trajectories and the frozen actuals.
    assert "Trajectory: Placed on a continuity of carer pathway by 29 weeks: All women" in page
    assert "we aim to reach 35% by March 2027" in page
    assert "26.7%" in page  # October on the straight line from 20% in June to 35% in March
    assert "Behind plan" in page and "On track" in page
    # Actions with owner, due date and status; open risks.
    assert "Recruit six midwives" in page and "Head of midwifery" in page
    assert "31 October 2026" in page and "Not started" in page
    assert re.search(r'nhsuk-tag--red"\s*>\s*Late\s*<', page)  # open after its due date at sign-off
    assert "Midwife vacancies in the community" in page and "Midwives needed: 6" in page
    # Earlier reviews link to their pages; the feed and the summary are linked.
    assert 'href="/public/continuity/plan/reviews/2026-09/"' in page
    assert 'href="http://testserver/public/continuity/plan/feed.atom"' in page
    assert 'href="http://testserver/public/continuity/summary/"' in page


def test_the_plan_page_advertises_the_feed_in_its_head(published):
    text = Client().get("/public/continuity/plan/").content.decode()
    head = text.split("</head>")[0]
    assert re.search(
        r'<link rel="alternate" type="application/atom\+xml" href="[^"]+feed\.atom"', head
    )


def test_the_mvp_comments_show_without_names_and_with_their_answer_or_due_date(published):
    client = Client()
    page = main(client.get("/public/continuity/plan/"))
    assert "A member of the maternity voices partnership" in page
    assert "We have booked interpreters for every continuity team." in page
    due = published.awaiting.respond_by.strftime("%-d %B %Y")
    assert f"Answer due by {due}" in page
    review = main(client.get("/public/continuity/plan/reviews/2026-10/"))
    assert "Why is recruitment late?" in review  # a comment on the review shows with it
    for path in PAGES:
        text = client.get(path).content.decode()
        assert "Morgan Voices" not in text, path
        assert not re.search(r"\bmvp\b", text, flags=re.I), path


def test_a_comment_is_shown_as_text_never_as_markup(published):
    for path in ("/public/continuity/plan/", "/public/continuity/plan/reviews/2026-10/"):
        text = Client().get(path).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text, path
        assert "<script>alert" not in text, path


def test_the_published_pages_never_show_unrounded_small_counts(published):
    client = Client()
    for path in PAGES:
        page = main(client.get(path))
        assert "50 of 190" in page, path  # 52 rounded to the nearest 5
        assert "5 of 5" in page, path  # 3 of 7 (BAME): numbers from 1 to 7 are shown as 5
        assert unrounded(page) == [], path
    _root, entries = feed_entries(client)
    for entry in entries:
        words = " ".join((entry.findtext(f"{ATOM}{tag}") or "") for tag in ("title", "summary"))
        assert "5 of 5" in words
        assert unrounded(words) == []
    pdf = client.get("/public/continuity/summary.pdf").content
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "50 of 190" in text and "5 of 5" in text
    assert unrounded(text) == []


def test_no_woman_is_named_anywhere(published, world):
    client = Client()
    for path in PAGES:
        text = client.get(path).content.decode()
        for woman in (world.pregnancy_a.woman, world.pregnancy_b.woman):
            assert woman.full_name not in text, path
            assert woman.nhs_number not in text, path


def test_before_sign_off_nothing_is_published(world):
    plan, champion, mvp, _aim, _action = plan_for(world)
    snapshot({"2026-09": (40, 180), "2026-10": (52, 190)}, through=date(2026, 11, 20))
    actions.save_review(
        by=champion,
        plan=plan,
        month=OCTOBER,
        version=0,
        comments="DRAFT-ONLY thoughts on October",
        decisions="DRAFT-ONLY decision",
    )
    actions.add_comment(by=mvp, plan=plan, subject="Early question", body="EARLY-COMMENT body")
    client = Client()
    for path in ("/public/continuity/plan/", "/public/continuity/summary/"):
        page = main(client.get(path))
        assert "Nothing is published yet" in page, path
        for secret in ("DRAFT-ONLY", "EARLY-COMMENT", "Recruit six midwives", "190"):
            assert secret not in page, (path, secret)
    assert client.get("/public/continuity/plan/reviews/2026-10/").status_code == 404
    _root, entries = feed_entries(client)
    assert entries == []
    pdf = client.get("/public/continuity/summary.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_with_no_plan_at_all_the_pages_say_nothing_is_published(db):
    client = Client()
    for path in ("/public/continuity/plan/", "/public/continuity/summary/"):
        assert "Nothing is published yet" in main(client.get(path)), path
    assert client.get("/public/continuity/plan/reviews/2026-10/").status_code == 404
    assert feed_entries(client)[1] == []


def test_a_draft_review_and_later_changes_stay_unpublished(published, world):
    # August's draft (never signed off) and a new action after October's sign-off.
    actions.save_review(
        by=published.champion,
        plan=published.plan,
        month=date(2026, 8, 1),
        version=0,
        comments="DRAFT-ONLY August",
        decisions="DRAFT-ONLY decision",
    )
    actions.add_action(
        by=world.manager,
        plan=published.plan,
        title="UNPUBLISHED new action",
        owner="Someone",
        due_date=date(2027, 1, 31),
    )
    client = Client()
    page = main(client.get("/public/continuity/plan/"))
    assert "DRAFT-ONLY" not in page and "UNPUBLISHED" not in page
    assert "Recruit six midwives" in page  # the plan as it stood at October's sign-off
    assert client.get("/public/continuity/plan/reviews/2026-08/").status_code == 404
    _root, entries = feed_entries(client)
    assert len(entries) == 2
    assert all("DRAFT-ONLY" not in (e.findtext(f"{ATOM}summary") or "") for e in entries)


def test_the_feed_has_an_entry_per_review_newest_first_linking_to_its_page(published):
    client = Client()
    root, entries = feed_entries(client)
    assert root.findtext(f"{ATOM}title").endswith("continuity of carer plan reviews")
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles == ["Review of October 2026", "Review of September 2026"]
    for entry, review in zip(entries, (published.october, published.september), strict=True):
        link = entry.find(f"{ATOM}link").get("href")
        assert client.get(urlparse(link).path).status_code == 200, link
        updated = entry.findtext(f"{ATOM}updated")
        assert updated.startswith(review.signed_off_at.strftime("%Y-%m-%d"))
        summary = entry.find(f"{ATOM}summary")
        assert summary.get("type") == "text"
    october = entries[0].findtext(f"{ATOM}summary")
    assert "1 of 2 aims on track." in october
    assert "Decisions: Escalate recruitment to the board." in october


def test_the_summary_says_how_we_are_doing_in_plain_english(published):
    page = main(Client().get("/public/continuity/summary/"))
    assert "How we are doing on continuity of carer" in page
    assert (
        "In October 2026, 26.3% of women who reached 29 weeks (50 of 190) were placed on a "
        "continuity of carer pathway. Our plan aimed for 26.7% by then: we are behind plan."
    ) in page
    assert "Black, Asian and minority ethnic women who reached 29 weeks (5 of 5)" in page
    assert "we are ahead of plan" in page  # 100% (rounded) against 61.1%
    # What is late: the recruitment action was due on 31 October and has not started.
    late = page.split("What is late")[1].split("</ul>")[0]
    assert "Recruit six midwives" in late
    assert "Escalate recruitment to the board." in page  # the champion's latest decisions
    assert "http://testserver/public/continuity/plan/" in page


def test_the_summary_follows_the_figures(published, world):
    before = main(Client().get("/public/continuity/summary/"))
    assert "26.3% of women who reached 29 weeks" in before and "we are behind plan" in before
    # A later computation: October is now 60 of 190 (31.6%), ahead of the 26.7% aimed for.
    snapshot({"2026-09": (40, 180), "2026-10": (60, 190)}, through=date(2026, 11, 21))
    after = main(Client().get("/public/continuity/summary/"))
    assert "31.6% of women who reached 29 weeks (60 of 190)" in after
    assert "we are behind plan" not in after
    # The action is done: it is no longer late, and shows as done in the month.
    actions.update_action(
        by=world.manager,
        action=published.action,
        version=published.action.version,
        title=published.action.title,
        detail="",
        owner=published.action.owner,
        due_date=published.action.due_date,
        status="done",
        evidence="Six midwives started.",
    )
    done = main(Client().get("/public/continuity/summary/"))
    assert "Nothing in the plan is late." in done
    # The signed-off review does not change: its figures were frozen.
    review = main(Client().get("/public/continuity/plan/reviews/2026-10/"))
    assert "26.3%" in review and "31.6%" not in review


def test_the_summary_pdf_is_one_page(published):
    response = Client().get("/public/continuity/summary.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "How we are doing on continuity of carer" in text
    assert "we are behind plan" in text


def test_the_summary_fits_one_page_however_much_the_plan_holds(world):
    """Every aim the plan can set, many late and done actions with long titles and a long
    decision: the summary is cut short where it must be, and still prints on one A4 page."""
    plan, champion, _mvp, _aim, _action = plan_for(world)
    add_bame_aim(world, plan)
    snap = snapshot({"2026-09": (40, 180), "2026-10": (52, 190)}, through=date(2026, 11, 20))
    for measure, group in (
        ("COC_by_28weeks", "Core20"),
        ("COC_receiving_ongoing", "total"),
        ("COC_receiving_ongoing", "BAME"),
        ("COC_receiving_ongoing", "Core20"),
    ):
        actions.add_aim(
            by=world.manager,
            plan=plan,
            measure=measure,
            group=group,
            start_month="2026-06",
            start_percent="10",
            target_month="2027-03",
            target_percent="75",
        )
    long_title = "A very long action title that goes on " * 5
    done = []
    for n in range(8):
        actions.add_action(
            by=world.manager,
            plan=plan,
            title=f"{long_title}{n} late",
            owner="Head of midwifery",
            due_date=date(2026, 9, 10 + n),
        )
        done.append(
            actions.add_action(
                by=world.manager,
                plan=plan,
                title=f"{long_title}{n} done",
                owner="Head of midwifery",
                due_date=date(2026, 10, 10 + n),
            )
        )
    PlanAction.objects.filter(pk__in=[a.pk for a in done]).update(
        status="done", completed_on=date(2026, 10, 20), evidence="Done. " * 300
    )
    decisions = "\n".join(f"Decision {n}: we will recruit and train midwives." for n in range(60))
    sign_off(plan, champion, OCTOBER, snap, comments="A long month.", decisions=decisions)
    page = main(Client().get("/public/continuity/summary/"))
    assert page.count("In October 2026") == 6  # a sentence for every aim
    assert "And 6 more: see our plan." in page  # late: 8 new and the recruitment action
    assert "And 5 more: see our plan." in page  # done: 8
    assert "Decision 3:" in page and "Decision 4:" not in page
    assert "Read the full decisions in the review of October 2026" in page
    reader = pypdf.PdfReader(io.BytesIO(Client().get("/public/continuity/summary.pdf").content))
    assert len(reader.pages) == 1
    assert "Where to read more" in reader.pages[0].extract_text()


def test_caching_follows_the_other_public_pages(published, client_for, world):
    """Cacheable for everyone signed out (nothing personal); no-store once signed in, as for
    every page a signed-in person sees."""
    for path in PAGES:
        assert "private" not in Client().get(path).get("Cache-Control", ""), path
    signed_in = client_for(world.board)
    for path in PAGES:
        assert "no-store" in signed_in.get(path)["Cache-Control"], path
