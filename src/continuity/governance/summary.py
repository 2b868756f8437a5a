"""The published plan, its reviews and the MVP's comments in plain words, for the public pages
(`continuity.governance.public_views`), the Atom feed and the printable summary.

Everything here works from what was published: a review's frozen `figures` (rounded at sign-off),
the plan content stored with the version a review signed off, or figures that
`continuity.governance.figures` has rounded. No count is rounded or read here, so none can escape
unrounded; no name but the board safety champion's is ever given out (the MVP's members are
"a member of the maternity voices partnership").
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from continuity.assurance import months
from continuity.assurance.presenters import month_name
from continuity.governance import trajectory as tj
from continuity.governance.models import (
    GROUP_CHOICES,
    MEASURE_CHOICES,
    MonthlyReview,
    PlanAction,
    PlanComment,
    Risk,
)

MEASURES = dict(MEASURE_CHOICES)
GROUPS = dict(GROUP_CHOICES)
# The women an aim is about, as the sentences name them.
WOMEN = {
    "total": gettext_lazy("women"),
    "BAME": gettext_lazy("Black, Asian and minority ethnic women"),
    "Core20": gettext_lazy("women living in the most deprived fifth of areas (Core20)"),
}
STATUS = {
    "on_track": (gettext_lazy("On track"), "green"),
    "behind": (gettext_lazy("Behind plan"), "orange"),
    "no_data": (gettext_lazy("No reliable figure"), "grey"),
    "no_trajectory": (gettext_lazy("Before the trajectory starts"), "grey"),
}
ACTION_COLOURS = {
    PlanAction.Status.NOT_STARTED: "grey",
    PlanAction.Status.IN_PROGRESS: "blue",
    PlanAction.Status.DONE: "green",
    PlanAction.Status.STOPPED: "red",
}
OPEN_ACTIONS = (PlanAction.Status.NOT_STARTED, PlanAction.Status.IN_PROGRESS)


# -- small formats ------------------------------------------------------------------------------


def percent(value: float | None) -> str:
    """26.7 → '26.7%', 20.0 → '20%'; '–' for no value."""
    if value is None:
        return "–"
    text = f"{float(value):.1f}"
    return f"{text.removesuffix('.0')}%"


def count(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def counts(row: dict[str, Any]) -> str:
    """'50 of 190' from a figures row (already rounded); '' when there are none."""
    if row.get("numerator") is None or row.get("denominator") is None:
        return ""
    return _("%(numerator)s of %(denominator)s") % {
        "numerator": count(row["numerator"]),
        "denominator": count(row["denominator"]),
    }


def day(value: date | str | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return date_format(value, "j F Y")


def month_label(value: date | str) -> str:
    return month_name(value if isinstance(value, str) else months.text_of(value))


def aim_name(measure: str, group: str) -> str:
    return _("%(measure)s: %(group)s") % {
        "measure": MEASURES.get(measure, measure),
        "group": GROUPS.get(group, group),
    }


def champion_name(user: Any) -> str:
    """The name the champion is published under: never a username, so '' if they have none."""
    if user is None:
        return ""
    return str(user.display_name or user.get_full_name())


def signed_off_text(name: str, on: str) -> str:
    if name:
        return _("Signed off by %(name)s, board safety champion, on %(day)s.") % {
            "name": name,
            "day": on,
        }
    return _("Signed off by our board safety champion on %(day)s.") % {"day": on}


def review_url(month: date) -> str:
    return reverse("published:review", kwargs={"month": months.text_of(month)})


# -- a month's figures against the plan --------------------------------------------------------


def aim_row(row: dict[str, Any]) -> dict[str, Any]:
    """One aim of a figures dict (frozen or from `figures.for_month`), ready to show."""
    label, colour = STATUS.get(row.get("status", ""), STATUS["no_data"])
    return {
        "name": aim_name(row.get("measure", ""), row.get("group", "")),
        "title": row.get("title", ""),
        "group_title": row.get("group_title", ""),
        "counts": counts(row),
        "rate": percent(row.get("rate")),
        "expected": percent(row.get("expected")),
        "goal": percent(row.get("goal_percent")) if row.get("goal_percent") is not None else "",
        "goal_month": month_label(row["goal_month"]) if row.get("goal_month") else "",
        "status": row.get("status", "no_data"),
        "status_label": str(label),
        "status_colour": colour,
    }


def comparison(row: dict[str, Any]) -> str:
    """'ahead', 'on' or 'behind' plan (the figures' on_track covers ahead and on)."""
    rate, expected = row.get("rate"), row.get("expected")
    if rate is None or expected is None:
        return ""
    if rate > expected:
        return "ahead"
    return "on" if rate == expected else "behind"


def aim_sentence(row: dict[str, Any], month: str) -> str:
    """The plain-English account of one aim in a month, e.g. "In October 2026, 26.3% of women
    who reached 29 weeks (50 of 190) were placed on a continuity of carer pathway. Our plan aimed
    for 26.7% by then: we are behind plan. We aim to reach 35% by March 2027." """
    values = {
        "month": month_name(month),
        "rate": percent(row.get("rate")),
        "women": WOMEN.get(row.get("group", ""), _("women")),
        "title": MEASURES.get(row.get("measure", ""), row.get("title", "")),
        "counts": counts(row),
        "expected": percent(row.get("expected")),
        "goal": percent(row.get("goal_percent")),
        "goal_month": month_label(row["goal_month"]) if row.get("goal_month") else "",
    }
    if row.get("rate") is None:
        parts = [_("In %(month)s there is no reliable figure for %(women)s (%(title)s).") % values]
    else:
        if row.get("measure") == "COC_receiving_ongoing":
            text = _(
                "In %(month)s, %(rate)s of %(women)s who reached 29 weeks four months earlier "
                "(%(counts)s) were receiving continuity of carer."
            )
        elif row.get("measure") == "COC_by_28weeks":
            text = _(
                "In %(month)s, %(rate)s of %(women)s who reached 29 weeks (%(counts)s) were "
                "placed on a continuity of carer pathway."
            )
        else:
            text = _("In %(month)s, %(title)s for %(women)s: %(rate)s (%(counts)s).")
        parts = [text % values]
        verdict = comparison(row)
        if verdict == "ahead":
            parts.append(
                _("Our plan aimed for %(expected)s by then: we are ahead of plan.") % values
            )
        elif verdict == "on":
            parts.append(_("Our plan aimed for %(expected)s by then: we are on plan.") % values)
        elif verdict == "behind":
            parts.append(_("Our plan aimed for %(expected)s by then: we are behind plan.") % values)
    if row.get("expected") is None and row.get("goal_month"):
        parts.append(_("Our plan does not set an aim for %(month)s yet.") % values)
    if row.get("goal_month") and row["goal_month"] > month:
        parts.append(_("We aim to reach %(goal)s by %(goal_month)s.") % values)
    return " ".join(str(p) for p in parts)


def action_item(row: dict[str, Any], *, as_of: date | None = None) -> dict[str, Any]:
    """An action of a figures dict or of the plan content, ready to show; `late` if it was
    still open after its due date on `as_of`."""
    status = row.get("status", "")
    try:
        label = str(PlanAction.Status(status).label)
    except ValueError:
        label = row.get("status_label", status)
    return {
        "title": row.get("title", ""),
        "owner": row.get("owner", ""),
        "due": day(row.get("due_date")),
        "due_date": row.get("due_date", ""),
        "status": status,
        "status_label": label,
        "status_colour": ACTION_COLOURS.get(status, "grey"),
        "evidence": row.get("evidence", ""),
        "completed": day(row.get("completed_on")),
        "late": as_of is not None
        and status in OPEN_ACTIONS
        and bool(row.get("due_date"))
        and date.fromisoformat(row["due_date"]) < as_of,
    }


def month_figures(figures: dict[str, Any], month: str) -> dict[str, Any]:
    """A figures dict (what a review freezes) for a month ("YYYY-MM"), in words."""
    aims = figures.get("aims", [])
    acts = figures.get("actions", {})
    return {
        "month": month,
        "month_label": month_name(month),
        "through": day(figures.get("snapshot_through")),
        "aims": [aim_row(a) for a in aims],
        "sentences": [aim_sentence(a, month) for a in aims],
        "on_track": sum(1 for a in aims if a.get("status") == "on_track"),
        "aim_count": len(aims),
        "late": [action_item(a) for a in acts.get("late", [])],
        "due": [action_item(a) for a in acts.get("due", [])],
        "done": [action_item(a) for a in acts.get("done", [])],
    }


# -- a published review -------------------------------------------------------------------------


def review(found: MonthlyReview) -> dict[str, Any]:
    """A signed-off review as the public sees it."""
    shown = month_figures(found.figures or {}, months.text_of(found.month))
    name = champion_name(found.signed_off_by)
    on = day(timezone.localtime(found.signed_off_at).date())
    shown.update(
        url=review_url(found.month),
        comments=found.comments,
        decisions=found.decisions,
        signed_off_by=name,
        signed_off_on=on,
        signed_off=signed_off_text(name, on),
        plan_version=found.plan_version,
    )
    return shown


def review_link(found: MonthlyReview) -> dict[str, Any]:
    figs = found.figures or {}
    aims = figs.get("aims", [])
    return {
        "month_label": month_label(found.month),
        "url": review_url(found.month),
        "signed_off_on": day(timezone.localtime(found.signed_off_at).date()),
        "on_track": sum(1 for a in aims if a.get("status") == "on_track"),
        "aim_count": len(aims),
    }


def on_track_text(on_track: int, total: int) -> str:
    if total == 0:
        return _("The review had no aims to measure.")
    return _("%(on_track)s of %(total)s aims on track.") % {"on_track": on_track, "total": total}


def feed_text(found: MonthlyReview) -> str:
    """The plain-text summary of a review for the Atom feed."""
    shown = review(found)
    lines = [on_track_text(shown["on_track"], shown["aim_count"])]
    for row in shown["aims"]:
        if row["counts"]:
            lines.append(
                _("%(aim)s: %(rate)s (%(counts)s), aimed for %(expected)s. %(status)s.")
                % {
                    "aim": row["name"],
                    "rate": row["rate"],
                    "counts": row["counts"],
                    "expected": row["expected"],
                    "status": row["status_label"],
                }
            )
        else:
            lines.append(
                _("%(aim)s: %(status)s.") % {"aim": row["name"], "status": row["status_label"]}
            )
    if found.decisions:
        lines.append(_("Decisions: %(decisions)s") % {"decisions": found.decisions})
    else:
        lines.append(_("No decisions were recorded."))
    lines.append(shown["signed_off"])
    return "\n".join(str(line) for line in lines)


# -- the published plan -------------------------------------------------------------------------


def _actual(
    reviews: Iterable[MonthlyReview], measure: str, group: str
) -> dict[str, dict[str, Any]]:
    """Each signed-off month's frozen figure for one aim: {"YYYY-MM": figures row}."""
    out = {}
    for r in reviews:
        for row in (r.figures or {}).get("aims", []):
            if (row.get("measure"), row.get("group")) == (measure, group):
                out[months.text_of(r.month)] = row
    return out


def _month_range(first: str, last: str) -> list[str]:
    out, cursor = [], first
    while tj.month_index(cursor) <= tj.month_index(last):
        out.append(cursor)
        cursor = months.shift_text(cursor, 1)
    return out


def plan_aim(aim: dict[str, Any], reviews: list[MonthlyReview]) -> dict[str, Any]:
    """An aim of the published plan: its trajectory month by month, with the figure each
    signed-off review froze for it."""
    trajectory = aim.get("trajectory", {})
    points = tj.ordered(trajectory)
    actual = _actual(reviews, aim.get("measure", ""), aim.get("group", ""))
    rows = []
    if points:
        last = points[-1][0]
        if actual:
            last = max([last, *actual], key=tj.month_index)
        for m in _month_range(points[0][0], last):
            found = actual.get(m)
            rows.append(
                {
                    "month": m,
                    "month_label": month_name(m),
                    "expected": percent(tj.expected(trajectory, m)),
                    "set": m in trajectory,
                    "actual": percent(found.get("rate")) if found else "",
                    "counts": counts(found) if found else "",
                    "status_label": aim_row(found)["status_label"] if found else "",
                }
            )
    latest = None
    if reviews:
        newest = reviews[0]
        found = actual.get(months.text_of(newest.month))
        if found is not None:
            latest = {**aim_row(found), "month_label": month_label(newest.month)}
    goal = points[-1] if points else None
    start = points[0] if points else None
    return {
        "name": aim_name(aim.get("measure", ""), aim.get("group", "")),
        "title": MEASURES.get(aim.get("measure", ""), aim.get("measure", "")),
        "group_title": GROUPS.get(aim.get("group", ""), aim.get("group", "")),
        "start": {"month_label": month_name(start[0]), "percent": percent(start[1])}
        if start
        else None,
        "goal": {"month_label": month_name(goal[0]), "percent": percent(goal[1])} if goal else None,
        "rows": rows,
        "latest": latest,
    }


def plan_risk(risk: dict[str, Any]) -> dict[str, Any]:
    def label(choices: Any, value: str) -> str:
        try:
            return str(choices(value).label)
        except ValueError:
            return value

    return {
        "kind": label(Risk.Kind, risk.get("kind", "")),
        "description": risk.get("description", ""),
        "mitigation": risk.get("mitigation", ""),
        "owner": risk.get("owner", ""),
        "rating": label(Risk.Rating, risk.get("rating", "")),
        "rating_colour": {"low": "green", "medium": "yellow", "high": "red"}.get(
            risk.get("rating", ""), "grey"
        ),
        "midwives_needed": risk.get("midwives_needed"),
    }


def plan_content(content: dict[str, Any], reviews: list[MonthlyReview]) -> dict[str, Any]:
    """The plan as published (the content of the version the latest review signed off): an
    action is late if it was open after its due date when that review was signed off."""
    published = timezone.localtime(reviews[0].signed_off_at).date() if reviews else None
    return {
        "title": content.get("title", ""),
        "summary": content.get("summary", ""),
        "aims": [plan_aim(a, reviews) for a in content.get("aims", [])],
        "actions": [action_item(a, as_of=published) for a in content.get("actions", [])],
        "risks": [
            plan_risk(r)
            for r in content.get("risks", [])
            if r.get("status", Risk.Status.OPEN) == Risk.Status.OPEN
        ],
    }


# -- the maternity voices partnership's comments ------------------------------------------------


def comments(found: Iterable[PlanComment], *, today: date | None = None) -> list[dict[str, Any]]:
    """The MVP's comments and the trust's answers, without anyone's name. A comment on a review
    that is not published is left out."""
    today = today or timezone.localdate()
    out = []
    for c in found:
        if c.review is not None and not c.review.is_signed_off:
            continue
        answered = c.status == PlanComment.Status.ANSWERED
        out.append(
            {
                "subject": c.subject,
                "body": c.body,
                "received_on": day(timezone.localtime(c.received_at).date()),
                "answered": answered,
                "response": c.response if answered else "",
                "answered_on": day(timezone.localtime(c.responded_at).date())
                if answered and c.responded_at
                else "",
                "respond_by": day(c.respond_by),
                "overdue": not answered and c.respond_by < today,
                "review": {
                    "month_label": month_label(c.review.month),
                    "url": review_url(c.review.month),
                }
                if c.review is not None
                else None,
            }
        )
    return out


# -- the printable summary ----------------------------------------------------------------------


def late_now(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """Actions late now the month is over: open and due before it began, or due in it and still
    open."""
    acts = figures.get("actions", {})
    rows = list(acts.get("late", [])) + [
        a for a in acts.get("due", []) if a.get("status") in OPEN_ACTIONS
    ]
    return [action_item(a) for a in sorted(rows, key=lambda a: a.get("due_date", ""))]


# The summary prints on one A4 page whatever the plan holds: long lists and long text are cut
# short there, with the full text a link away (the plan page and the review).
PRINT_ITEMS = 3
PRINT_TITLE = 90
PRINT_DECISIONS = 320
PRINT_LINES = 4


def shorten(text: str, limit: int, lines: int = 1) -> tuple[str, bool]:
    """The text cut at a word to at most `limit` characters and `lines` lines (with "…"), and
    whether it was."""
    text = (text or "").strip()
    kept = text.splitlines()
    if len(kept) > lines:
        text = "\n".join(kept[:lines]).strip()
        if len(text) <= limit:
            return f"{text.rstrip(' ,.;:')}…", True
    elif len(text) <= limit:
        return text, False
    cut = text[: limit - 1].rsplit(None, 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return f"{cut.rstrip(' ,.;:')}…", True


def _few(items: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    shown = [{**a, "title": shorten(a["title"], PRINT_TITLE)[0]} for a in items[:PRINT_ITEMS]]
    return shown, max(0, len(items) - PRINT_ITEMS)


def printable(figures: dict[str, Any], last_review: MonthlyReview | None) -> dict[str, Any]:
    """The one-page summary: a sentence per aim, what was done, what is late, what the champion
    decided last (cut short so that it fits one printed page)."""
    shown = month_figures(figures, figures["month"])
    shown["done"], shown["more_done"] = _few(shown["done"])
    shown["late"], shown["more_late"] = _few(late_now(figures))
    decisions, cut = shorten(
        last_review.decisions if last_review else "", PRINT_DECISIONS, PRINT_LINES
    )
    shown["last_review"] = None
    if last_review is not None:
        name = champion_name(last_review.signed_off_by)
        values = {
            "month": month_label(last_review.month),
            "day": day(timezone.localtime(last_review.signed_off_at).date()),
            "name": name,
        }
        shown["last_review"] = {
            "month_label": values["month"],
            "url": review_url(last_review.month),
            "decisions": decisions,
            "decisions_cut": cut,
            "decided": (
                _(
                    "At the review of %(month)s, signed off on %(day)s, %(name)s, our board "
                    "safety champion, decided:"
                )
                if name
                else _(
                    "At the review of %(month)s, signed off on %(day)s, our board safety "
                    "champion decided:"
                )
            )
            % values,
        }
    return shown
