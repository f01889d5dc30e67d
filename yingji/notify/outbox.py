"""Queue notifications. Called by actions (and the worker) inside their transaction.

Each message goes to each recipient on the in-app bell (delivered when
written) and on every further channel the member chose (:class:`ChannelChoice`)
that can reach them: e-mail needs their address, SMS and the group robots
their mobile (the robots @-mention it), and the township must have configured
the channel (:class:`TownshipChannel`). Those rows wait as ``pending`` for the
sender (``notify.sender``), which the worker runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from yingji.orgs.models import Member, Township

from .choices import Channel, DeliveryState
from .models import ChannelChoice, Notification, TownshipChannel

_NEEDS_PHONE = {Channel.SMS, Channel.DINGTALK, Channel.WECOM}


def _address(member: Member, channel: str, configs: dict[str, TownshipChannel]) -> str | None:
    """Return where ``channel`` reaches ``member``, or None if it cannot."""
    if channel == Channel.EMAIL:
        return member.email or None
    if channel not in configs:
        return None
    if channel in _NEEDS_PHONE:
        return member.phone or None
    return configs[channel].url[:200]  # the webhook: one endpoint for the township


class RouteCache:
    """Channel set-ups by township and members' choices, looked up once (e.g. per worker pass)."""

    def __init__(self) -> None:
        self.configs: dict[int, dict[str, TownshipChannel]] = {}
        self.chosen: dict[int, list[str]] = {}


def routes(
    township: Township, members: list[Member], cache: RouteCache | None = None
) -> dict[int, list[tuple[str, str]]]:
    """Return, per member id, the ``(channel, address)`` pairs a message to them goes to.

    The in-app bell comes first and always; the rest are the member's chosen,
    reachable channels (see the module docstring). At most two queries
    whatever the count; none for what ``cache`` already holds.
    """
    cache = cache or RouteCache()
    configs = cache.configs.get(township.pk)
    if configs is None:
        configs = cache.configs[township.pk] = {
            c.channel: c for c in TownshipChannel.objects.filter(township=township, active=True)
        }
    missing = [m.pk for m in members if m.pk not in cache.chosen]
    if missing:
        cache.chosen.update(dict.fromkeys(missing, []))
        cache.chosen.update(
            ChannelChoice.objects.filter(member__in=missing).values_list("member_id", "channels")
        )
    chosen = cache.chosen
    out: dict[int, list[tuple[str, str]]] = {}
    for member in members:
        pairs: list[tuple[str, str]] = [(Channel.IN_APP, "")]
        for channel in chosen.get(member.pk, []):
            if channel == Channel.IN_APP or channel not in Channel.values:
                continue
            address = _address(member, channel, configs)
            if address:
                pairs.append((channel, address))
        out[member.pk] = pairs
    return out


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
    at: datetime | None = None,
    routes_cache: RouteCache | None = None,
) -> list[Notification]:
    """Queue one message to each of ``recipients`` on their channels; return the rows written or found.

    ``key`` identifies the message (e.g. ``deadline:42:reminder``); with the
    recipient and channel it makes the idempotency key, so queuing the same
    message again writes nothing. In-app messages count as delivered at once;
    the others are ``pending`` from ``at`` (default now, aware). The worker
    passes a ``routes_cache`` so that a pass looks channels up once. Raises
    ``TransactionManagementError`` outside a transaction.
    """
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError(
            "notifications are queued inside an action's transaction"
        )
    now = at or timezone.now()
    members = [m for m in dict.fromkeys(recipients) if m.active]  # each member once, in order
    if not members:
        return []
    content_type = ContentType.objects.get_for_model(about) if about is not None else None
    table = routes(township, members, routes_cache)
    wanted: dict[str, Notification] = {}
    for member in members:
        for channel, address in table[member.pk]:
            in_app = channel == Channel.IN_APP
            ikey = f"{key}:{member.pk}:{channel}"
            wanted[ikey] = Notification(
                idempotency_key=ikey,
                township=township,
                recipient=member,
                channel=channel,
                address=address,
                kind=kind,
                subject=subject[:200],
                body=body,
                link=link[:300],
                content_type=content_type,
                object_id=str(about.pk) if about is not None else "",
                state=DeliveryState.SENT if in_app else DeliveryState.PENDING,
                sent_at=now if in_app else None,
                next_attempt_at=None if in_app else now,
            )
    try:  # the usual case: a new message, written in one statement
        with transaction.atomic():
            return Notification.objects.bulk_create(list(wanted.values()))
    except IntegrityError:  # queued before (a retried action, another worker): keep those rows
        pass
    rows = []
    for n in wanted.values():
        row, _ = Notification.objects.get_or_create(
            idempotency_key=n.idempotency_key,
            defaults={
                f.attname: getattr(n, f.attname)
                for f in Notification._meta.concrete_fields
                if f.attname not in ("id", "idempotency_key")
            },
        )
        rows.append(row)
    return rows
