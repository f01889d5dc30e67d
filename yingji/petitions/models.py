"""Petition cases (信访事项), their parties, written documents and deliveries (《信访工作条例》 2022)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import (
    CaseStatus,
    Category,
    Channel,
    ComplaintRoute,
    DeliveryMethod,
    DocumentKind,
    ExtensionState,
    PartyRole,
    Satisfaction,
)


class PetitionCase(models.Model):
    """One petition as a case with statutory deadlines (《信访工作条例》).

    ``source_object`` links the record it came from: a demand registered at
    an incident, or a converted warning. The five-ones of plan §七(一) are
    ``handling_unit`` (责任单位), ``lead_official`` (牵头领导),
    ``responsible_person`` (责任人), ``measures`` (工作措施) and
    ``resolution_plan`` (化解方案). ``query_code_hash`` keeps only a keyed hash
    of the petitioner's query code. ``accused_unit`` (report cases, Art. 30)
    never sees the case. Times are aware, UTC.
    """

    township = models.ForeignKey(
        "orgs.Township", on_delete=models.PROTECT, related_name="petition_cases"
    )
    number = models.CharField(_("case number"), max_length=40)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.RECEIVED
    )
    received_at = models.DateTimeField(_("received at"))
    received_by = models.ForeignKey(
        "orgs.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    summary = models.CharField(_("summary"), max_length=300)
    content = models.TextField(_("content"), blank=True)
    source_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.CharField(max_length=64, blank=True)
    source_object = GenericForeignKey("source_type", "source_id")

    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.COMPLAINT
    )
    complaint_route = models.CharField(
        _("route"), max_length=20, choices=ComplaintRoute.choices, blank=True
    )
    is_group = models.BooleanField(_("group petition"), default=False)
    headcount = models.PositiveIntegerField(_("headcount"), null=True, blank=True)
    accused_unit = models.ForeignKey(
        "orgs.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("accused unit"),
    )
    higher_level_body = models.CharField(
        _("transferred or assigned by"), max_length=100, blank=True
    )

    query_code_hash = models.CharField(max_length=64, blank=True)
    same_matter_as = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repeats",
        verbose_name=_("same matter as"),
    )
    same_matter_flag = models.BooleanField(_("same matter still in time (Art. 19)"), default=False)
    related = models.ManyToManyField("self", blank=True, verbose_name=_("related cases"))

    decided_at = models.DateTimeField(_("acceptance decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    transferred_to = models.CharField(_("routed to"), max_length=100, blank=True)

    handling_unit = models.ForeignKey(
        "orgs.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="petition_cases",
        verbose_name=_("responsible unit"),
    )
    lead_official = models.ForeignKey(
        "orgs.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_petition_cases",
        verbose_name=_("lead official"),
    )
    responsible_person = models.ForeignKey(
        "orgs.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="petition_cases",
        verbose_name=_("responsible person"),
    )
    measures = models.TextField(_("measures"), blank=True)
    resolution_plan = models.TextField(_("resolution plan"), blank=True)
    resolution_started_at = models.DateTimeField(_("resolution started"), null=True, blank=True)

    extension_state = models.CharField(
        _("extension"), max_length=12, choices=ExtensionState.choices, blank=True, default=""
    )
    extension_days = models.PositiveSmallIntegerField(_("extension days"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    extension_decided_at = models.DateTimeField(null=True, blank=True)
    extension_decided_by = models.ForeignKey(
        "orgs.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    review_window_ends_at = models.DateTimeField(_("review window ends"), null=True, blank=True)
    re_review_window_ends_at = models.DateTimeField(
        _("re-review window ends"), null=True, blank=True
    )
    final_at = models.DateTimeField(_("final at"), null=True, blank=True)

    satisfaction = models.CharField(
        _("satisfaction"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("petition case")
        verbose_name_plural = _("petition cases")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["township", "number"], name="petition_number_unique")
        ]
        indexes = [
            models.Index(fields=["township", "status"], name="petition_township_status"),
            # The statistics board and the month workbook select cases by month of receipt.
            models.Index(fields=["township", "received_at"], name="petition_township_received"),
        ]

    #: What the audit page and the case history call recorded keys that are not fields, and
    #: the names of values that are another model's choices (``audit.labels.recorded_values``).
    audit_key_names: ClassVar[dict[str, Any]] = {
        "days": _("days of extension"),
        "approved": _("approved"),
        "note": _("note"),
        "source": _("source"),
        "replied": _("replied"),
        "parties": _("number of petitioners"),
        "reason": _("reason"),
        "to": _("routed to"),
        "related": _("related case"),
        "document": _("document"),
        "document_id": None,
        "method": _("delivery method"),
        "at": _("requested at"),
        "rating": _("satisfaction"),
    }
    audit_value_choices: ClassVar[dict[str, Any]] = {
        "method": DeliveryMethod.choices,
        "rating": Satisfaction.choices,
    }

    def __str__(self) -> str:
        return self.number


class Party(models.Model):
    """A petitioner or a group's representative: only the details needed to reply, encrypted.

    ``name_enc``, ``phone_enc``, ``address_enc`` hold Fernet tokens
    (``petitions.crypto``); read them only through ``petitions.access.party_details``,
    which logs the read. No identity numbers, no photos, nothing else.
    """

    case = models.ForeignKey(PetitionCase, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("role"), max_length=20, choices=PartyRole.choices)
    name_enc = models.TextField()
    phone_enc = models.TextField(blank=True)
    address_enc = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.case} #{self.order}"


class Document(models.Model):
    """A written document sent to the petitioner, in the handling unit's name (never staff names).

    ``parts`` keeps the structured contents (for the reply, Art. 32: request,
    facts, decision, basis, review route and window); ``body`` the full text.
    """

    case = models.ForeignKey(PetitionCase, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=20, choices=DocumentKind.choices)
    issuer = models.CharField(_("issued by"), max_length=100)
    issued_at = models.DateTimeField(_("issued at"))
    parts = models.JSONField(default=dict)
    body = models.TextField(_("text"))

    class Meta:
        verbose_name = _("written document")
        verbose_name_plural = _("written documents")
        ordering = ["issued_at", "id"]

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()}"

    @property
    def delivered_at(self) -> datetime | None:
        """When the petitioner received it (the first delivery recorded), or None."""
        first = self.deliveries.order_by("delivered_at").first()
        return first.delivered_at if first else None


class Delivery(models.Model):
    """How and when a document reached the petitioner (送达); windows run from ``delivered_at``."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="deliveries")
    method = models.CharField(_("delivery method"), max_length=12, choices=DeliveryMethod.choices)
    delivered_at = models.DateTimeField(_("delivered at"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        "orgs.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["delivered_at", "id"]

    def __str__(self) -> str:
        return f"{self.document} {self.get_method_display()}"
