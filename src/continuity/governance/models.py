"""The trust's continuity of carer action plan, its monthly reviews and the maternity voices
partnership's comments on it.

A plan holds aims (a measure for a group, with a trajectory of monthly percentages), actions
(owner, due date, status, evidence) and risks or dependencies. Every change is made by an action
in `continuity.governance.actions`, which bumps the plan's version and stores the whole plan as it
then stood (`PlanVersion`), with who changed what: the history is complete and a signed-off
review can always show the plan it signed off.

A monthly review belongs to a month. The board safety champion named on the plan writes comments
and decisions and signs it off; sign-off freezes the month's figures (rounded as for anyone
outside the care team) and publishes the review. The MVP's comments are tracked like concerns:
each has a date by which the trust must answer.

No personal data about women lives here: figures are aggregate, and rounded before they are
stored on a review.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from continuity.core.models import Versioned, Voidable

# The aims a plan can set: a national measure for a group. Keys are (measure, breakdown, group)
# as the measures snapshot stores them.
MEASURE_CHOICES = [
    ("COC_by_28weeks", _("Placed on a continuity of carer pathway by 29 weeks")),
    ("COC_receiving_ongoing", _("Receiving continuity of carer")),
]
GROUP_CHOICES = [
    ("total", _("All women")),
    ("BAME", _("Black, Asian and minority ethnic women")),
    ("Core20", _("Women living in the most deprived 20% of areas (Core20)")),
]
GROUP_BREAKDOWN = {
    "total": ("total", "All"),
    "BAME": ("ethnicity_coc", "BAME"),
    "Core20": ("core20", "Core20"),
}


class ActionPlan(Versioned):
    trust = models.OneToOneField(
        "organisations.Trust", on_delete=models.PROTECT, related_name="action_plan"
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("what the plan is for"), blank=True, max_length=2000)
    champion = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("board safety champion"),
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.title


class Aim(Versioned, Voidable):
    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="aims")
    measure = models.CharField(max_length=32, choices=MEASURE_CHOICES)
    group = models.CharField(max_length=16, choices=GROUP_CHOICES, default="total")
    # The trajectory: {"YYYY-MM": percent}, at least two months (a start and an aim). Months are
    # kept as text so the JSON sorts in time order.
    trajectory = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_measure_display()}: {self.get_group_display()}"


class PlanAction(Versioned, Voidable):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        STOPPED = "stopped", _("Stopped")

    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="actions")
    title = models.CharField(_("action"), max_length=200)
    detail = models.TextField(_("what it involves"), blank=True, max_length=2000)
    owner = models.CharField(_("owner"), max_length=150)
    due_date = models.DateField(_("due date"))
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    evidence = models.TextField(_("evidence"), blank=True, max_length=2000)
    team = models.ForeignKey(
        "organisations.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    group = models.CharField(max_length=16, choices=GROUP_CHOICES, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.NOT_STARTED, self.Status.IN_PROGRESS)


class Risk(Versioned, Voidable):
    class Kind(models.TextChoices):
        RISK = "risk", _("Risk")
        DEPENDENCY = "dependency", _("Dependency")

    class Rating(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="risks")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.RISK)
    description = models.CharField(_("risk or dependency"), max_length=300)
    mitigation = models.TextField(_("what we are doing about it"), blank=True, max_length=2000)
    owner = models.CharField(_("owner"), max_length=150)
    rating = models.CharField(max_length=8, choices=Rating.choices, default=Rating.MEDIUM)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    midwives_needed = models.PositiveSmallIntegerField(null=True, blank=True)
    scenario = models.ForeignKey(
        "planning.Scenario", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description


class PlanVersion(models.Model):
    """The plan as it stood after one change, with who made it and what it was."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    change = models.CharField(max_length=400)
    content = models.JSONField(default=dict)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_version_number")
        ]


class MonthlyReview(Versioned):
    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="reviews")
    month = models.DateField()  # the first day of the month reviewed
    comments = models.TextField(_("comments"), blank=True, max_length=4000)
    decisions = models.TextField(_("decisions"), blank=True, max_length=4000)
    # Frozen at sign-off: the month's figures against the trajectory (rounded), the actions due
    # or late, and the plan version signed off.
    figures = models.JSONField(default=dict, blank=True)
    plan_version = models.PositiveIntegerField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["plan", "month"], name="one_review_a_month")]

    @property
    def is_signed_off(self) -> bool:
        return self.signed_off_at is not None


class ReviewReminder(models.Model):
    """A month whose review was not signed off by its due date: raised once, cleared when the
    review is signed off. Shown to the champion on their pages."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="reminders")
    month = models.DateField()
    due_by = models.DateField()
    raised_at = models.DateTimeField(default=timezone.now)
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "month"], name="one_reminder_a_month")
        ]


class PlanComment(Versioned):
    """A comment from the maternity voices partnership, which the trust must answer by a date."""

    class Status(models.TextChoices):
        AWAITING = "awaiting", _("Awaiting an answer")
        ANSWERED = "answered", _("Answered")

    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="comments")
    review = models.ForeignKey(
        MonthlyReview,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="voices_comments",
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(_("subject"), max_length=120)
    body = models.TextField(_("comment"), max_length=4000)
    received_at = models.DateTimeField(default=timezone.now)
    respond_by = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.AWAITING)
    response = models.TextField(_("answer"), blank=True, max_length=4000)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["status", "respond_by"])]

    def __str__(self) -> str:
        return self.subject
