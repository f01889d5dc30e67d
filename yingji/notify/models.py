"""The notification outbox: rows written in the same transaction as the change they report.

Also where each township configures its channels (:class:`TownshipChannel`)
and each member chooses theirs (:class:`ChannelChoice`); the organisation's
own models are left alone.
"""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yingji.crypto import decrypt

from .choices import Channel, DeliveryState


class Notification(models.Model):
    """One message to one member over one channel.

    ``idempotency_key`` is unique: queuing the same message twice (a worker
    retry, a catch-up after downtime) yields one row, so the reader sees it
    once; channels pass the key on (``Message-ID``, ``X-Yingji-Idempotency-Key``)
    so a receiver can drop a redelivery. ``kind`` says what happened
    (``deadline.reminder``, ``incident.report`` …). ``address`` is where it
    went (e-mail address, mobile, endpoint host), kept for the delivery page.
    """

    township = models.ForeignKey("orgs.Township", on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(
        "orgs.Member", on_delete=models.PROTECT, related_name="notifications"
    )
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.IN_APP
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
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
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
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
            models.Index(fields=["township", "state"], name="notification_township_state"),
        ]

    def __str__(self) -> str:
        return self.subject


class TownshipChannel(models.Model):
    """A township's endpoint for one of ``CONFIGURED_CHANNELS``.

    ``url``: the webhook endpoint, the robot's webhook address (DingTalk
    ``…/robot/send?access_token=…``, WeCom ``…/webhook/send?key=…``) or the SMS
    gateway. ``secret_enc``: the webhook's HMAC key, the DingTalk robot's signing
    secret (``SEC…``) or the SMS gateway's HMAC key, encrypted at rest
    (``yingji.crypto``, Fernet); empty means unsigned. Read it as ``secret``;
    pages never show it back (they say whether one is set).
    ``template``: for SMS, the request body with ``{phone}``, ``{text}``,
    ``{key}`` placeholders (each filled JSON-encoded); empty uses the default.
    """

    township = models.ForeignKey(
        "orgs.Township", on_delete=models.PROTECT, related_name="notify_channels"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    url = models.URLField(_("address (URL)"), max_length=500)
    secret_enc = models.TextField(_("secret (encrypted)"), blank=True)
    template = models.TextField(_("request template"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("township channel")
        verbose_name_plural = _("township channels")
        constraints = [
            models.UniqueConstraint(fields=["township", "channel"], name="one_config_per_channel")
        ]

    def __str__(self) -> str:
        return f"{self.township} {self.get_channel_display()}"

    @property
    def secret(self) -> str:
        """The clear secret, for signing a request ("" when none is set)."""
        return decrypt(self.secret_enc)

    @property
    def has_secret(self) -> bool:
        """True if a secret is set (without decrypting it)."""
        return bool(self.secret_enc)


class ChannelChoice(models.Model):
    """The channels a member chose, besides the in-app bell which every member has.

    ``channels`` is a list of ``Channel`` values. A member without a row gets
    the in-app bell only.
    """

    member = models.OneToOneField(
        "orgs.Member", on_delete=models.CASCADE, related_name="channel_choice"
    )
    channels = models.JSONField(_("channels"), default=list)

    class Meta:
        verbose_name = _("channel choice")
        verbose_name_plural = _("channel choices")

    def __str__(self) -> str:
        return f"{self.member}: {', '.join(self.channels)}"
