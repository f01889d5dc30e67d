"""Audit events: one row per action, written in the action's own transaction (DESIGN.md §3)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: 网络安全法 Art. 21: keep network logs for at least six months. Nothing younger is deleted.
RETENTION = timedelta(days=183)


class AuditEventQuerySet(models.QuerySet):
    def delete(self):  # type: ignore[override]
        """Delete only events older than :data:`RETENTION`; raises ``PermissionDenied`` otherwise."""
        if self.filter(at__gt=timezone.now() - RETENTION).exists():
            raise PermissionDenied(
                "audit events younger than six months cannot be deleted (网络安全法 Art. 21)"
            )
        return super().delete()

    def update(self, **kwargs):  # type: ignore[override]
        """Refuse: audit events are never changed."""
        raise PermissionDenied("audit events are never changed")


class AuditEvent(models.Model):
    """What an action did: who, when, which action, on which object, before/after, from where.

    ``actor`` is empty for the system (the CLI, the worker); ``actor_label``
    keeps the name as it was. Rows are only ever added. Events form a hash
    chain in ``seq`` order: ``hash`` covers the event's fields and
    ``prev_hash``, computed with ``hash_algo`` (SM3 where the platform's
    OpenSSL has it, else SHA-256); ``yingji audit verify`` recomputes it.
    """

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(_("actor"), max_length=150)
    township = models.ForeignKey(
        "orgs.Township", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("action"), max_length=80)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=20, default="ok")
    source_ip = models.GenericIPAddressField(_("source IP"), null=True, blank=True)
    hash_algo = models.CharField(max_length=10)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args, **kwargs):
        """Insert only (raises ``PermissionDenied`` on an update)."""
        if self.pk is not None:
            raise PermissionDenied("audit events are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        """Delete only an event older than :data:`RETENTION` (raises ``PermissionDenied``)."""
        if self.at > timezone.now() - RETENTION:
            raise PermissionDenied(
                "audit events younger than six months cannot be deleted (网络安全法 Art. 21)"
            )
        return super().delete(*args, **kwargs)


class AuditChainHead(models.Model):
    """The one row holding the chain's last ``seq`` and ``hash``; locked by each writer.

    Locking it (``SELECT … FOR UPDATE``) serialises audit writers, so two
    concurrent actions can never both chain onto the same event.
    """

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit chain head {self.seq}"


class PersonalDataAccess(models.Model):
    """One read of a petitioner's personal details (name, phone, address): who, when, which case, why.

    Written by ``audit.log.record_pii_read`` every time the details are
    decrypted for a person (page, API, document), so the auditor can see every
    read (DESIGN.md §6). ``fields`` lists what was read; ``purpose`` says
    where (``case_page``, ``api``, ``reply_document`` …). Rows are only ever added.
    """

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(_("reader"), max_length=150)
    township = models.ForeignKey(
        "orgs.Township", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_type = models.CharField(_("object type"), max_length=80)
    object_id = models.CharField(_("object id"), max_length=64)
    object_label = models.CharField(_("record"), max_length=80, blank=True)
    fields = models.JSONField(_("fields read"), default=list)
    purpose = models.CharField(_("purpose"), max_length=80)
    source_ip = models.GenericIPAddressField(_("source IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data access log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["township", "at"], name="pii_access_township_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.object_label}"
