"""Evidence items for body-worn camera recordings (plan §六(五)1(3) 全程佩带、开启执法记录仪).

An evidence item is add-only: once saved it is never edited or deleted, only
annotated (:class:`EvidenceAnnotation`) and handed over
(:class:`CustodyTransfer`, the chain of custody). The model and its queryset
refuse updates and deletes; the actions audit any attempt.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import HashSource


class AddOnlyQuerySet(models.QuerySet):
    """A queryset whose rows cannot be updated or deleted in bulk."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionDenied("evidence records are add-only")

    def delete(self) -> Any:
        raise PermissionDenied("evidence records are add-only")


class AddOnly(models.Model):
    """Base of add-only records: ``save`` only inserts, ``delete`` always refuses."""

    objects = AddOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionDenied("evidence records are add-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionDenied("evidence records are add-only")


class EvidenceItem(AddOnly):
    """One recording of a body-worn camera: who wore which camera, when, and where the file is.

    ``sha256`` is 64 lowercase hex digits, computed from the uploaded ``file``
    or entered from the device's export (``hash_source``). Times are aware, UTC.
    """

    township = models.ForeignKey("orgs.Township", on_delete=models.PROTECT, related_name="+")
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, related_name="evidence"
    )
    number = models.PositiveIntegerField(_("item number"))
    camera_id = models.CharField(_("camera id"), max_length=64)
    wearer = models.ForeignKey(
        "orgs.Member", on_delete=models.PROTECT, related_name="+", verbose_name=_("wearer")
    )
    started_at = models.DateTimeField(_("recording started"))
    ended_at = models.DateTimeField(_("recording ended"))
    file_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField("SHA-256", max_length=64)
    hash_source = models.CharField(_("hash from"), max_length=10, choices=HashSource.choices)
    file = models.FileField(_("file"), upload_to="evidence/%Y/%m/", blank=True)
    storage_place = models.CharField(_("storage place"), max_length=200)
    registered_at = models.DateTimeField(_("registered at"))
    registered_by = models.ForeignKey(
        "orgs.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("evidence item")
        verbose_name_plural = _("evidence items")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "number"], name="evidence_number_unique")
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.file_name}"


class CustodyTransfer(AddOnly):
    """A hand-over of an evidence item (chain of custody): from whom to whom, when, where kept."""

    township = models.ForeignKey("orgs.Township", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(EvidenceItem, on_delete=models.PROTECT, related_name="custody")
    at = models.DateTimeField(_("handed over at"))
    from_holder = models.CharField(_("from"), max_length=100)
    to_holder = models.CharField(_("to"), max_length=100)
    place = models.CharField(_("kept at"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        "orgs.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_holder} → {self.to_holder}"


class EvidenceAnnotation(AddOnly):
    """A note added to an evidence item (the only way to correct or add to it)."""

    township = models.ForeignKey("orgs.Township", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(EvidenceItem, on_delete=models.PROTECT, related_name="annotations")
    at = models.DateTimeField(_("time"))
    author = models.ForeignKey(
        "orgs.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("annotation"))

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.text[:40]
