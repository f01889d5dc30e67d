"""Channels and delivery states of notifications."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """Where a notification is delivered (DESIGN.md §4)."""

    IN_APP = "in_app", _("in-app")  # the bell; delivered when written


class DeliveryState(models.TextChoices):
    """pending → sent, or pending → (retries) → dead."""

    PENDING = "pending", _("pending")
    SENT = "sent", _("sent")
    DEAD = "dead", _("dead-lettered")
