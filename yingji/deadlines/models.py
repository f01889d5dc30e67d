"""Deadlines (时限): one row per time limit running on one object (DESIGN.md §4)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import DeadlineState, DeadlineUnit


class Deadline(models.Model):
    """A time limit on one object, opened and satisfied by actions in their own transaction.

    ``rule`` names the rule: a plan deadline name (``incident_report``) or a
    statute rule (``petition.art22_notice``); ``source`` cites where it comes
    from (``预案 township-petition 第1版 §六(二)`` or ``《信访工作条例》第二十二条``).
    ``ends_on`` is the plan event that satisfies a plan deadline (empty for
    statute rules, which actions satisfy by ``rule``). ``amount`` counts ``unit``: minutes of wall time, or calendar days in
    Asia/Shanghai ending at 24:00 of the last day (see ``deadlines.rules``).
    All times are aware and stored in UTC.

    ``next_check_at`` is the next moment the worker must look at this row (the
    reminder, the breach, the next escalation step); it is None once nothing
    is pending, so the worker finds all due work with one indexed query.

    ``escalation_chain`` is the plan's chain (``[{"role", "after_minutes"}]``)
    copied onto the row at the breach, so that a later plan edit does not
    change a running escalation; ``escalation_step`` counts the steps sent.
    Steps fall ``after_minutes`` after ``due_at``, until acknowledged.
    """

    township = models.ForeignKey(
        "orgs.Township", on_delete=models.PROTECT, related_name="deadlines"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    subject = GenericForeignKey("content_type", "object_id")

    rule = models.CharField(_("rule"), max_length=80)
    label = models.CharField(_("deadline"), max_length=200)
    source = models.CharField(_("source"), max_length=200)
    plan_version = models.ForeignKey(
        "plans.PlanVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ends_on = models.CharField(_("ends on event"), max_length=40, blank=True)
    unit = models.CharField(_("unit"), max_length=10, choices=DeadlineUnit.choices)
    amount = models.PositiveIntegerField(_("amount"))

    state = models.CharField(
        _("state"), max_length=12, choices=DeadlineState.choices, default=DeadlineState.OPEN
    )
    opened_at = models.DateTimeField(_("opened at"))
    due_at = models.DateTimeField(_("due at"))
    remind_at = models.DateTimeField(_("remind at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    satisfied_at = models.DateTimeField(_("satisfied at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breach recorded at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    escalation_chain = models.JSONField(_("escalation chain"), default=list, blank=True)
    escalation_step = models.PositiveSmallIntegerField(_("escalation step reached"), default=0)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_by_name = models.CharField(_("acknowledged by"), max_length=150, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True)
    #: Recorded with its real outcome from an imported historic record (``actions.record_past``):
    #: kept for the statistics, never part of the live work ("What is due", the home page count).
    historic = models.BooleanField(_("historic record"), default=False)

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(
                fields=["next_check_at"],
                name="deadline_next_check",
                condition=Q(next_check_at__isnull=False),
            ),
            models.Index(fields=["content_type", "object_id"], name="deadline_subject"),
            models.Index(fields=["township", "state", "due_at"], name="deadline_township_state"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.due_at:%Y-%m-%d %H:%M})"

    @property
    def kept(self) -> bool | None:
        """True if satisfied by ``due_at``, False if breached or satisfied late, None while open."""
        if self.satisfied_at is not None:
            return self.satisfied_at <= self.due_at
        if self.breached_at is not None:
            return False
        return None

    @property
    def phase(self) -> str:
        """Return how the deadline stands now, for colour: ``breached`` (red, escalating),
        ``acknowledged`` (breached, someone answered), ``due_soon`` (past the reminder),
        ``open``, ``satisfied`` (kept), ``late`` (satisfied after the due time), ``cancelled``.
        """
        if self.state == "cancelled":
            return "cancelled"
        if self.satisfied_at is not None:
            return "satisfied" if self.satisfied_at <= self.due_at else "late"
        if self.breached_at is not None or self.due_at <= timezone.now():
            return "acknowledged" if self.acknowledged_at is not None else "breached"
        if self.remind_at is not None and self.remind_at <= timezone.now():
            return "due_soon"
        return "open"

    @property
    def running(self) -> bool:
        """True while open or breached (not satisfied, not cancelled)."""
        return self.state in ("open", "breached")
