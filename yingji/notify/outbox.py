"""Queue notifications. Called by actions (and the worker) inside their transaction."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from yingji.orgs.models import Member, Township

from .choices import Channel, DeliveryState
from .models import Notification


def queue(
    township: Township,
    recipients: Iterable[Member],
    *,
    kind: str,
    subject: str,
    body: str = "",
    key: str,
    link: str = "",
    about: models.Model | None = None,
) -> list[Notification]:
    """Queue one message to each of ``recipients``; return the rows written or found.

    ``key`` identifies the message (e.g. ``deadline:42:reminder``); with the
    recipient and channel it makes the idempotency key, so queuing the same
    message again writes nothing. In-app messages count as delivered at once.
    Raises ``TransactionManagementError`` outside a transaction.
    """
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError(
            "notifications are queued inside an action's transaction"
        )
    now = timezone.now()
    rows = []
    for member in dict.fromkeys(recipients):  # each member once, in order
        channel = Channel.IN_APP
        row, _ = Notification.objects.get_or_create(
            idempotency_key=f"{key}:{member.pk}:{channel}",
            defaults={
                "township": township,
                "recipient": member,
                "channel": channel,
                "kind": kind,
                "subject": subject[:200],
                "body": body,
                "link": link,
                "content_type": ContentType.objects.get_for_model(about)
                if about is not None
                else None,
                "object_id": str(about.pk) if about is not None else "",
                "state": DeliveryState.SENT,
                "sent_at": now,
            },
        )
        rows.append(row)
    return rows
