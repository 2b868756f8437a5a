"""Referrals, concerns and feedback in the demo, at realistic rates, after the trust is loaded.

- Referrals: about one woman in five in antenatal care has one (consultant clinic, perinatal
  mental health, diabetes, ...), at a step that fits how long ago it was made; a few overdue.
- Concerns: about 1 in 60 women in the last six months raised one; most answered in time, some
  late, a few still open; the persona woman has one acknowledged and being looked into.
- Feedback: each touchpoint reached in the last three months was asked about, and about a
  quarter answered (mostly very good or good); one visit in three was followed by the continuity
  survey. The persona woman has a request still to answer.

Seeded, so the same demo gets the same rows. Written in bulk; each row's history is a single
event, as if the steps happened on the dates shown.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from continuity.accounts.models import Role, User
from continuity.concerns.actions import deadlines
from continuity.concerns.models import Concern, ConcernEvent
from continuity.feedback.models import FeedbackRequest, FeedbackResponse
from continuity.organisations.models import Site
from continuity.pregnancies.models import Contact, Pregnancy
from continuity.referrals.models import Referral, ReferralEvent

REASONS = {
    "consultant": "Previous caesarean section: plan for birth.",
    "perinatal_mh": "Low mood and anxiety since booking; would like support.",
    "diabetes": "Raised glucose tolerance test result.",
    "maternal_medicine": "Pre-existing epilepsy on medication.",
    "pelvic_health": "Pelvic girdle pain affecting walking.",
    "stop_smoking": "Smoking 10 a day; would like help to stop.",
    "infant_feeding": "Wants to breastfeed after difficulty last time.",
    "safeguarding": "Support needed at home: discussed with her.",
    "fetal_medicine": "Anomaly scan finding for review.",
}
CONCERNS = [
    (
        "Visits keep being moved",
        "access",
        "My visits have been moved three times without asking me.",
    ),
    ("Not the midwife I know", "continuity", "A different midwife came each time this month."),
    (
        "Waited a long time in triage",
        "access",
        "I waited four hours to be seen when I was worried.",
    ),
    ("Felt rushed at my appointment", "communication", "I did not have time to ask my questions."),
    ("Interpreter not booked", "communication", "There was no interpreter at my booking visit."),
]
GOOD = ["My midwife knew me and my family.", "Kind and calm.", "Always called back quickly."]
BETTER = ["Evening visits more often.", "Parking at the hospital.", "Fewer changes of midwife."]


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def seed(today: date, seed: int = 1) -> dict[str, int]:
    rng = random.Random(f"continuity-demo/voice/{seed}/{today}")
    counts = {"referrals": 0, "concerns": 0, "feedback_requests": 0, "feedback_answers": 0}
    manager = User.objects.filter(role=Role.SERVICE_MANAGER).order_by("pk").first()
    sites = list(Site.objects.order_by("pk"))
    if not sites or manager is None:
        return counts
    pregnancies = list(
        Pregnancy.objects.select_related("woman__user")
        .prefetch_related("assignments__named_midwife")
        .order_by("pk")
    )
    persona = next(
        (p for p in pregnancies if p.woman.user and p.woman.user.username == "woman"), None
    )

    def named(p: Pregnancy) -> object:
        current = [a for a in p.assignments.all() if a.ends_at is None]
        return current[0].named_midwife if current else None

    # Referrals.
    for p in pregnancies:
        if p.status not in ("booked", "antenatal") or (rng.random() > 0.2 and p != persona):
            continue
        midwife = named(p)
        by = midwife.user if midwife is not None else manager
        service = "perinatal_mh" if p == persona else rng.choice(list(REASONS))
        days_ago = rng.randint(1, 60)
        requested = _at(today - timedelta(days=days_ago), 11)
        steps = ["requested", "accepted", "booked", "attended", "done"]
        reached = min(len(steps) - 1, days_ago // 10 + (0 if rng.random() < 0.15 else 1))
        status = steps[reached] if p != persona else "booked"
        appointment = (
            requested + timedelta(days=rng.randint(7, 21)) if status != "requested" else None
        )
        if status == "booked" and appointment and appointment < timezone.now():
            appointment = timezone.now() + timedelta(days=rng.randint(2, 14))
        referral = Referral.objects.create(
            pregnancy=p,
            service=service,
            site=rng.choice(sites),
            urgency="urgent" if rng.random() < 0.1 else "routine",
            reason=REASONS[service],
            status=status,
            coordinator=midwife,
            requested_at=requested,
            requested_by=by,
            accepted_at=requested + timedelta(days=3) if reached >= 1 else None,
            appointment_at=appointment if reached >= 2 or p == persona else None,
            attended_at=appointment if status in ("attended", "done") else None,
            outcome_at=appointment + timedelta(days=5)
            if status == "done" and appointment
            else None,
            outcome="Seen; plan shared with the named midwife." if status == "done" else "",
        )
        ReferralEvent.objects.create(referral=referral, at=requested, by=by, status=status)
        counts["referrals"] += 1

    # Concerns.
    recent = [p for p in pregnancies if p.booking_date >= today - timedelta(days=270)]
    for p in recent:
        if rng.random() > 1 / 60 and p != persona:
            continue
        summary, theme, details = rng.choice(CONCERNS) if p != persona else CONCERNS[1]
        received = _at(today - timedelta(days=rng.randint(1, 150) if p != persona else 3), 10)
        ack_by, respond_by = deadlines(received)
        owner = manager
        age = (today - timezone.localtime(received).date()).days
        answered = age > 30 and rng.random() < 0.85 and p != persona
        late_ack = rng.random() < 0.1
        acknowledged = received + timedelta(days=4 if late_ack else 1) if age > 1 else None
        status = "responded" if answered else ("acknowledged" if acknowledged else "received")
        concern = Concern.objects.create(
            woman=p.woman,
            pregnancy=p,
            raised_by=p.woman.user or manager,
            raised_for="herself" if p.woman.user else "staff",
            summary=summary,
            details=details,
            received_at=received,
            status=status,
            theme=theme,
            owner=owner,
            acknowledge_by=ack_by,
            respond_by=respond_by,
            acknowledged_at=acknowledged,
            responded_at=received + timedelta(days=rng.randint(10, 30)) if answered else None,
            response="We are sorry. We have talked with the team and changed how visits are "
            "arranged."
            if answered
            else "",
            we_did="Visits are now moved only after talking with the woman."
            if answered and theme == "access"
            else "Each woman's buddy now covers her visits first."
            if answered and theme == "continuity"
            else "",
        )
        ConcernEvent.objects.create(
            concern=concern, at=received, by=concern.raised_by, kind="raised"
        )
        if acknowledged:
            ConcernEvent.objects.create(
                concern=concern,
                at=acknowledged,
                by=owner,
                kind="acknowledged",
                note="Thank you for telling us. We are looking into it.",
            )
        counts["concerns"] += 1

    # Feedback.
    since = today - timedelta(days=90)
    for p in pregnancies:
        labour = getattr(p, "labour", None)
        touchpoints: list[tuple[str, date]] = []
        thirty_six = p.booking_date + timedelta(days=252 - (p.ga_at_booking_days or 70))
        if since <= thirty_six < today:
            touchpoints.append(("antenatal", thirty_six))
        if labour is not None and since <= timezone.localtime(labour.birth_at).date() < today:
            birth = timezone.localtime(labour.birth_at).date()
            touchpoints += [
                ("birth", birth + timedelta(days=1)),
                ("postnatal_ward", birth + timedelta(days=1)),
            ]
        if p.discharge_date and since <= p.discharge_date < today:
            touchpoints.append(("community", p.discharge_date))
        for touchpoint, day in touchpoints:
            request = FeedbackRequest.objects.create(
                pregnancy=p,
                touchpoint=touchpoint,
                created_at=_at(day, 9),
                expires_at=_at(day, 9) + timedelta(days=28),
            )
            counts["feedback_requests"] += 1
            if rng.random() < 0.25 and p != persona:
                rating = rng.choices([1, 2, 3, 4, 5, 6], weights=[62, 27, 5, 3, 2, 1])[0]
                FeedbackResponse.objects.create(
                    request=request,
                    rating=rating,
                    what_was_good=rng.choice(GOOD) if rng.random() < 0.5 else "",
                    could_be_better=rng.choice(BETTER) if rng.random() < 0.3 else "",
                    answered_at=request.created_at + timedelta(hours=rng.randint(1, 72)),
                )
                request.answered_at = request.created_at + timedelta(hours=1)
                request.save(update_fields=["answered_at"])
                counts["feedback_answers"] += 1
    if (
        persona is not None
        and not FeedbackRequest.objects.filter(pregnancy=persona, touchpoint="antenatal").exists()
    ):
        FeedbackRequest.objects.create(
            pregnancy=persona,
            touchpoint="antenatal",
            created_at=timezone.now(),
            expires_at=timezone.now() + timedelta(days=28),
        )
        counts["feedback_requests"] += 1
    # The continuity survey after one visit in three attended in the last fortnight.
    visits = (
        Contact.objects.live()
        .filter(
            attendance__in=("5", "6"),
            scheduled_start__gte=_at(today - timedelta(days=14), 0),
            scheduled_start__lt=_at(today, 0),
        )
        .order_by("pk")
    )
    for contact in visits:
        if contact.pk % 3:
            continue
        asked = contact.scheduled_start + timedelta(hours=6)
        request = FeedbackRequest.objects.create(
            pregnancy_id=contact.pregnancy_id,
            touchpoint="visit",
            contact=contact,
            created_at=asked,
            expires_at=asked + timedelta(days=28),
        )
        counts["feedback_requests"] += 1
        if rng.random() < 0.3:
            FeedbackResponse.objects.create(
                request=request,
                named_or_buddy=rng.choices(["yes", "no", "unsure"], weights=[85, 10, 5])[0],
                listened=rng.choices(["yes", "partly", "no"], weights=[80, 17, 3])[0],
                answered_at=asked + timedelta(hours=2),
            )
            request.answered_at = asked + timedelta(hours=2)
            request.save(update_fields=["answered_at"])
            counts["feedback_answers"] += 1
    return counts
