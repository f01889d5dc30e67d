"""State changes of notifications made by people: reading, choosing channels, configuring, retrying."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingji.audit.log import record
from yingji.crypto import encrypt
from yingji.orgs.access import Actor, require
from yingji.orgs.models import Member, Township

from .choices import CONFIGURED_CHANNELS, Channel, DeliveryState
from .models import ChannelChoice, Notification, TownshipChannel


def mark_read(actor: Actor, ids: list[int] | None = None, *, at: datetime | None = None) -> int:
    """Mark the actor's unread in-app notifications ``ids`` (None: all) read; return how many.

    Reading is the member's own business: not audited.
    """
    require(actor, "notify.own")
    rows = Notification.objects.filter(
        recipient=actor.member, channel=Channel.IN_APP, read_at__isnull=True
    )
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    with transaction.atomic():
        return rows.update(read_at=at or timezone.now())


def set_channels(actor: Actor, member: Member, channels: list[str]) -> ChannelChoice:
    """Set the channels ``member`` receives on besides the in-app bell (a member sets their own).

    Raises ``PermissionDenied`` for another member, ``ValidationError`` for an
    unknown channel or one that cannot reach the member (no e-mail address,
    no mobile, or not configured by the township).
    """
    require(actor, "notify.own", member.township)
    if actor.member != member and not actor.is_system:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("own channels only")
    chosen = [c for c in dict.fromkeys(channels) if c != Channel.IN_APP]
    configured = set(
        TownshipChannel.objects.filter(township=member.township, active=True).values_list(
            "channel", flat=True
        )
    )
    for channel in chosen:
        if channel not in Channel.values:
            raise ValidationError({"channels": _("Unknown channel “%(c)s”.") % {"c": channel}})
        label = Channel(channel).label
        if channel == Channel.EMAIL and not member.email:
            raise ValidationError({"channels": _("%(c)s needs an e-mail address.") % {"c": label}})
        if channel in CONFIGURED_CHANNELS and channel not in configured:
            raise ValidationError(
                {"channels": _("The township has not set up %(c)s.") % {"c": label}}
            )
        if channel in (Channel.SMS, Channel.DINGTALK, Channel.WECOM) and not member.phone:
            raise ValidationError({"channels": _("%(c)s needs a mobile number.") % {"c": label}})
    with transaction.atomic():
        choice, _created = ChannelChoice.objects.update_or_create(
            member=member, defaults={"channels": chosen}
        )
        record(actor, "notify.set_channels", member, after={"channels": chosen})
    return choice


def configure_channel(
    actor: Actor,
    township: Township,
    channel: str,
    *,
    url: str,
    secret: str | None = None,
    template: str = "",
    active: bool = True,
) -> TownshipChannel:
    """Set the township's endpoint for ``channel`` (one of ``CONFIGURED_CHANNELS``).

    ``secret``: ``None`` keeps the secret already set (none for a new
    endpoint), ``""`` removes it, any other text replaces it. It is stored
    encrypted (``yingji.crypto``, DESIGN.md §6) and never written to the audit
    log, which records only whether one is set. Raises ``PermissionDenied``
    unless ``actor`` may configure channels, ``ValidationError`` (field errors)
    for another channel, a bad URL or a secret longer than 200 characters.
    """
    require(actor, "notify.configure", township)
    if channel not in CONFIGURED_CHANNELS:
        raise ValidationError(_("This channel needs no set-up."))
    if secret is not None and len(secret) > 200:
        raise ValidationError({"secret": _("At most 200 characters.")})
    config = TownshipChannel.objects.filter(township=township, channel=channel).first()
    config = config or TownshipChannel(township=township, channel=channel)
    config.url, config.template, config.active = url, template, active
    if secret is not None:
        config.secret_enc = encrypt(secret)
    config.full_clean()
    with transaction.atomic():
        config.save()
        record(
            actor,
            "notify.configure_channel",
            config,
            after={
                "channel": channel,
                "url": redacted_url(url),
                "signed": config.has_secret,
                "active": active,
            },
        )
    return config


def redacted_url(url: str) -> str:
    """Return ``url`` with the value of each query parameter replaced by ``***``, for the audit log.

    A robot's webhook address carries its token in the query string (DingTalk
    ``access_token=…``, WeCom ``key=…``): whoever has it can post to the
    township's group, so the audit log, which the auditor reads, keeps only
    the address and the parameters' names.
    """
    parts = urlsplit(url)
    if not parts.query:
        return url
    names = [name for name, _value in parse_qsl(parts.query, keep_blank_values=True)]
    query = "&".join(f"{name}=***" for name in names)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def retry(actor: Actor, notification: Notification, *, at: datetime | None = None) -> Notification:
    """Put a dead-lettered ``notification`` back in line for delivery now, with fresh attempts.

    Raises ``ValidationError`` unless it is dead; audited as ``notify.retry``.
    """
    require(actor, "notify.deliveries", notification.township)
    if notification.state != DeliveryState.DEAD:
        raise ValidationError(_("Only a dead-lettered message can be retried."))
    with transaction.atomic():
        notification.state = DeliveryState.PENDING
        notification.attempts = 0
        notification.next_attempt_at = at or timezone.now()
        notification.save(update_fields=["state", "attempts", "next_attempt_at"])
        record(
            actor,
            "notify.retry",
            notification,
            before={"last_error": notification.last_error},
        )
    return notification
