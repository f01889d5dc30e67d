"""One small module per delivery channel behind one interface (DESIGN.md §9, after Healthchecks).

A channel is a function ``send(notification, config)`` that returns when the
channel accepted the message and raises :class:`TransientError` (try again
later: refused connection, timeout, 5xx, rate limit) or :class:`PermanentError`
(retrying cannot help: 4xx, a refused address, a bad signature). ``config`` is
the township's :class:`~yingji.notify.models.TownshipChannel` (None for e-mail).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..choices import Channel

if TYPE_CHECKING:
    from ..models import Notification, TownshipChannel


class DeliveryError(Exception):
    """A delivery attempt failed; ``str(exc)`` is what the peace office sees."""


class TransientError(DeliveryError):
    """The attempt failed for a reason that may pass: retry with backoff."""


class PermanentError(DeliveryError):
    """The attempt failed for a reason that will not pass: dead-letter at once."""


Sender = Callable[["Notification", "TownshipChannel | None"], None]


def sender_for(channel: str) -> Sender:
    """Return the send function of ``channel``; raises ``KeyError`` for one without a sender (in-app)."""
    from . import email, robots, sms, webhook

    return {
        Channel.EMAIL: email.send,
        Channel.WEBHOOK: webhook.send,
        Channel.DINGTALK: robots.send_dingtalk,
        Channel.WECOM: robots.send_wecom,
        Channel.SMS: sms.send,
    }[Channel(channel)]
