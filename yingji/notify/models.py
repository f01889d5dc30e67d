"""The notification outbox: rows written in the same transaction as the change they report."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import Channel, DeliveryState


class Notification(models.Model):
    """One message to one member over one channel.

    ``idempotency_key`` is unique: queuing the same message twice (a worker
    retry, a catch-up after downtime) yields one row, so the reader sees it
    once. ``kind`` says what happened (``deadline.reminder``, ``incident.report`` …).
    """

    township = models.ForeignKey("orgs.Township", on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(
        "orgs.Member", on_delete=models.PROTECT, related_name="notifications"
    )
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.IN_APP
    )
    kind = models.CharField(_("kind"), max_length=60)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64, blank=True)
    about = GenericForeignKey("content_type", "object_id")
    idempotency_key = models.CharField(max_length=200, unique=True)

    state = models.CharField(
        _("state"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="notification_pending",
                condition=Q(state="pending"),
            ),
            models.Index(fields=["recipient", "channel", "read_at"], name="notification_inbox"),
        ]

    def __str__(self) -> str:
        return self.subject
