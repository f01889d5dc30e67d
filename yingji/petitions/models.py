"""Petition cases (信访事项). The core record; the petitions issue adds parties, decisions, replies."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import CaseStatus, Channel


class PetitionCase(models.Model):
    """One petition as a case with statutory deadlines (《信访工作条例》).

    ``source_object`` links the record it came from: a demand registered at
    an incident, or a converted warning.
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

    class Meta:
        verbose_name = _("petition case")
        verbose_name_plural = _("petition cases")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["township", "number"], name="petition_number_unique")
        ]

    def __str__(self) -> str:
        return self.number
