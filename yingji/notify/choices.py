"""Channels and delivery states of notifications."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """Where a notification is delivered (DESIGN.md §4)."""

    IN_APP = "in_app", _("in-app")  # the bell; delivered when written
    EMAIL = "email", _("e-mail")  # Django's SMTP backend, to the member's address
    WEBHOOK = "webhook", _("webhook (JSON)")  # the township's HTTP endpoint, HMAC-signed
    DINGTALK = "dingtalk", _("DingTalk group robot")  # 钉钉群机器人, signed, @the member's mobile
    WECOM = "wecom", _("WeCom group robot")  # 企业微信群机器人, @the member's mobile
    SMS = "sms", _("SMS gateway")  # an HTTP SMS gateway, to the member's mobile


#: Channels a township configures once (an endpoint, perhaps a secret) before members may choose them.
CONFIGURED_CHANNELS = (Channel.WEBHOOK, Channel.DINGTALK, Channel.WECOM, Channel.SMS)


class DeliveryState(models.TextChoices):
    """pending → sent, or pending → (retries) → dead."""

    PENDING = "pending", _("pending")  # waiting for its (next) attempt at next_attempt_at
    SENT = "sent", _("sent")  # the channel accepted it (sent_at)
    DEAD = (
        "dead",
        _("dead-lettered"),
    )  # gave up: a permanent error or too many attempts (last_error)
