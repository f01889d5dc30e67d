"""Incidents (突发事件), plan §六. The core record; the incidents issue adds the response."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import IncidentSource, IncidentStatus


class Incident(models.Model):
    """A matter that triggers the plan, in one of the plan's incident categories (§六(一)).

    ``category`` is a key of the plan version's ``incident_categories``;
    ``plan_version`` is the version it started under and keeps. ``source_object``
    links the record it came from (an escalated warning), if any.
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

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["township", "number"], name="incident_number_unique")
        ]

    def __str__(self) -> str:
        return self.number
