"""Read models of notifications: the bell, the inbox, the delivery page."""

from __future__ import annotations

from django.db.models import QuerySet

from yingji.orgs.models import Member, Township

from .choices import Channel, DeliveryState
from .models import Notification, TownshipChannel


def unread_count(member: Member) -> int:
    """Return how many in-app notifications ``member`` has not read (the bell's number)."""
    return Notification.objects.filter(
        recipient=member, channel=Channel.IN_APP, read_at__isnull=True
    ).count()


def inbox(member: Member) -> QuerySet[Notification]:
    """Return ``member``'s in-app notifications, newest first."""
    return Notification.objects.filter(recipient=member, channel=Channel.IN_APP)


def deliveries(township: Township, state: str | None = None) -> QuerySet[Notification]:
    """Return the township's deliveries on channels other than in-app (``state`` filters), newest first.

    Dead letters carry ``last_error``, the reason the last attempt failed.
    """
    rows = (
        Notification.objects.filter(township=township)
        .exclude(channel=Channel.IN_APP)
        .select_related("recipient")
    )
    return rows.filter(state=state) if state else rows


def delivery_counts(township: Township) -> dict[str, int]:
    """Return ``{state: count}`` of the township's deliveries (other than in-app)."""
    return {
        s: deliveries(township, s).count()
        for s in (DeliveryState.PENDING, DeliveryState.DEAD, DeliveryState.SENT)
    }


def channel_configs(township: Township) -> dict[str, TownshipChannel]:
    """Return the township's channel set-ups by channel."""
    return {c.channel: c for c in TownshipChannel.objects.filter(township=township)}
