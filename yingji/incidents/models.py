"""Incidents (突发事件), plan §六: the record, its report, task force, on-scene log and demands.

Evidence items live in ``evidence.py`` (imported here so Django sees them).
All times are aware and stored in UTC.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import DemandStatus, IncidentSource, IncidentStatus, LogKind, PartyCapacity

if TYPE_CHECKING:
    from yingji.orgs.models import Township


class Incident(models.Model):
    """A matter that triggers the plan, in one of the plan's incident categories (§六(一)).

    ``category`` is a key of the plan version's ``incident_categories``;
    ``plan_version`` is the version it started under and keeps. ``source_object``
    links the record it came from (an escalated warning), if any. The
    ``verified_*``, ``activated_*``, ``scene_closed_*`` and ``closed_*`` fields
    record who moved it and when (plan §六(二), §六(三), §七).
    """

    township = models.ForeignKey(
        "orgs.Township", on_delete=models.PROTECT, related_name="incidents"
    )
    number = models.CharField(_("incident number"), max_length=40)
    plan_version = models.ForeignKey(
        "plans.PlanVersion", on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("category"), max_length=64)
    status = models.CharField(
        _("status"), max_length=20, choices=IncidentStatus.choices, default=IncidentStatus.RECEIVED
    )
    source = models.CharField(_("received from"), max_length=20, choices=IncidentSource.choices)
    received_at = models.DateTimeField(_("received at"))
    received_by = models.ForeignKey(
        "orgs.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    occurred_at = models.DateTimeField(_("time of the matter"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    headcount = models.PositiveIntegerField(_("headcount"), null=True, blank=True)
    cause = models.TextField(_("cause"), blank=True)
    summary = models.TextField(_("summary"))
    source_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.CharField(max_length=64, blank=True)
    source_object = GenericForeignKey("source_type", "source_id")

    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        "orgs.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verification_note = models.TextField(_("verification note"), blank=True)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    activated_by = models.ForeignKey(
        "orgs.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    activated_as = models.CharField(_("activated as"), max_length=20, blank=True)
    activated_plan_version = models.ForeignKey(
        "plans.PlanVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scene_closed_at = models.DateTimeField(_("scene closed at"), null=True, blank=True)
    scene_closed_by = models.ForeignKey(
        "orgs.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        "orgs.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["township", "number"], name="incident_number_unique")
        ]
        indexes = [models.Index(fields=["township", "status"], name="incident_township_status")]

    def __str__(self) -> str:
        return self.number

    @property
    def category_def(self):
        """The plan's ``IncidentCategory`` of this incident, from the version it started under."""
        return self.plan_version.plan.incident_category(self.category)

    @classmethod
    def audit_value_names(cls, township: Township | None) -> dict[str, dict[object, str]]:
        """Return ``{"category": {key: short name}}``: the plan's incident categories (plan §六(一))
        by ``township``'s plan in force, to name what an incident's audit events record (the audit
        page's hook, ``audit.views.log``); empty without a plan in force.
        """
        version = township.plan_version if township is not None else None
        if version is None:
            return {}
        return {"category": {c.key: c.short_name for c in version.plan.incident_categories}}


class Party(models.Model):
    """A person who is a party to the matter, with the minimum details needed to reply.

    Parties are recorded only on their incident and its demands; nothing ranks
    them or follows them across matters (DESIGN.md §6). ``name_enc`` and
    ``contact_enc`` are Fernet tokens (``yingji.petitions.crypto``) of the name
    (at most 50 characters) and the contact for the reply (at most 100): read
    them only through ``incidents.access.party_details``, which logs the read.
    """

    township = models.ForeignKey("orgs.Township", on_delete=models.PROTECT, related_name="+")
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="parties")
    name_enc = models.TextField(_("name (encrypted)"))
    contact_enc = models.TextField(_("contact for the reply (encrypted)"), blank=True)
    capacity = models.CharField(
        _("capacity"),
        max_length=20,
        choices=PartyCapacity.choices,
        default=PartyCapacity.PETITIONER,
    )

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_capacity_display()} #{self.pk}"  # never the name: it is encrypted


class IncidentReport(models.Model):
    """The verified report to the leading group (plan §六(二)); ``contents`` maps report-field keys to text."""

    township = models.ForeignKey("orgs.Township", on_delete=models.PROTECT, related_name="+")
    incident = models.OneToOneField(Incident, on_delete=models.PROTECT, related_name="report")
    contents = models.JSONField(_("contents"))
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(
        "orgs.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("verified report")
        verbose_name_plural = _("verified reports")

    def __str__(self) -> str:
        return f"{self.incident} report"


class TaskForce(models.Model):
    """The incident's task force (工作专班, plan §六(四)), formed by the leading group."""

    township = models.ForeignKey("orgs.Township", on_delete=models.PROTECT, related_name="+")
    incident = models.OneToOneField(Incident, on_delete=models.PROTECT, related_name="task_force")
    leader = models.ForeignKey(
        "orgs.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    formed_at = models.DateTimeField(_("formed at"))
    formed_by = models.ForeignKey(
        "orgs.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    first_arrival_at = models.DateTimeField(_("first arrival at"), null=True, blank=True)

    class Meta:
        verbose_name = _("task force")
        verbose_name_plural = _("task forces")

    def __str__(self) -> str:
        return f"{self.incident} task force"


class TaskForceMember(models.Model):
    """A member of a task force, for the plan's unit kind ``unit_key``, with check-in times."""

    township = models.ForeignKey("orgs.Township", on_delete=models.PROTECT, related_name="+")
    task_force = models.ForeignKey(TaskForce, on_delete=models.PROTECT, related_name="members")
    member = models.ForeignKey("orgs.Member", on_delete=models.PROTECT, related_name="+")
    unit_key = models.CharField(_("as"), max_length=64)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)

    class Meta:
        verbose_name = _("task-force member")
        verbose_name_plural = _("task-force members")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["task_force", "member"], name="one_place_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.member} ({self.unit_key})"


class ChecklistTick(models.Model):
    """A step of the tier's checklist ticked on scene (plan §六(五)), once per step."""

    township = models.ForeignKey("orgs.Township", on_delete=models.PROTECT, related_name="+")
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="ticks")
    step_key = models.CharField(_("step"), max_length=64)
    ticked_at = models.DateTimeField(_("ticked at"))
    ticked_by = models.ForeignKey(
        "orgs.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["ticked_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "step_key"], name="one_tick_per_step")
        ]

    def __str__(self) -> str:
        return f"{self.incident} {self.step_key}"


class LogEntry(models.Model):
    """One timestamped entry of the on-scene log (plan §六(五)1(3) 全程记录). Never edited."""

    township = models.ForeignKey("orgs.Township", on_delete=models.PROTECT, related_name="+")
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="log")
    at = models.DateTimeField(_("time"))
    author = models.ForeignKey(
        "orgs.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author_label = models.CharField(_("author"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=LogKind.choices)
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("log entry")
        verbose_name_plural = _("on-scene log")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["incident", "at"], name="log_incident_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.text[:40]}"


class Attachment(models.Model):
    """A file attached to a log entry or a summary report, with its SHA-256 (hex, computed on upload)."""

    township = models.ForeignKey("orgs.Township", on_delete=models.PROTECT, related_name="+")
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="attachments")
    log_entry = models.ForeignKey(
        LogEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="incidents/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Demand(models.Model):
    """A demand registered on scene (plan §六(五)2(3)); becomes a petition case or is withdrawn (§七(一))."""

    township = models.ForeignKey("orgs.Township", on_delete=models.PROTECT, related_name="+")
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="demands")
    content = models.TextField(_("demand"))
    parties = models.ManyToManyField(Party, related_name="demands", verbose_name=_("parties"))
    registered_at = models.DateTimeField(_("registered at"))
    registered_by = models.ForeignKey(
        "orgs.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=DemandStatus.choices, default=DemandStatus.REGISTERED
    )
    case = models.ForeignKey(
        "petitions.PetitionCase",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("petition case"),
    )
    withdrawn_note = models.TextField(_("withdrawal note"), blank=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("demand")
        verbose_name_plural = _("demands")
        ordering = ["registered_at", "id"]

    def __str__(self) -> str:
        return self.content[:40]


class SummaryReport(models.Model):
    """The written summary report to the leading group (plan §七(三)); ``contents`` keyed by ``SUMMARY_FIELDS``."""

    township = models.ForeignKey("orgs.Township", on_delete=models.PROTECT, related_name="+")
    incident = models.OneToOneField(
        Incident, on_delete=models.PROTECT, related_name="summary_report"
    )
    contents = models.JSONField(_("contents"))
    attachment = models.ForeignKey(
        Attachment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed at"))
    filed_by = models.ForeignKey(
        "orgs.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.incident} summary"


from .evidence import CustodyTransfer, EvidenceAnnotation, EvidenceItem  # noqa: E402

__all__ = [
    "Attachment",
    "ChecklistTick",
    "CustodyTransfer",
    "Demand",
    "EvidenceAnnotation",
    "EvidenceItem",
    "Incident",
    "IncidentReport",
    "LogEntry",
    "Party",
    "SummaryReport",
    "TaskForce",
    "TaskForceMember",
]
