"""Deliver pending notifications: claim, send through the channel, record the outcome.

Claiming is a conditional UPDATE in a short transaction (``SELECT … FOR
UPDATE SKIP LOCKED`` on PostgreSQL): the claimed rows get a lease — their
``next_attempt_at`` moves ``LEASE`` ahead and ``attempts`` grows by one — so
no other worker takes them, and a worker that dies mid-send leaves them to be
claimed again when the lease runs out. The channel call happens outside any
transaction. Outcome: ``sent`` (``sent_at`` = when the channel accepted it),
or back to ``pending`` after the backoff of ``YINGJI_NOTIFY_BACKOFF_S``, or
``dead`` with ``last_error`` after a permanent error or
``YINGJI_NOTIFY_MAX_ATTEMPTS`` attempts. A failure of one message never
holds up another: each is sent on the sender's thread pool.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections, transaction
from django.db.models import F
from django.utils import timezone

from .channels import PermanentError, TransientError, sender_for
from .choices import CONFIGURED_CHANNELS, DeliveryState
from .models import Notification, TownshipChannel

logger = logging.getLogger("yingji.notify")


def lease() -> timedelta:
    """Return how long a claimed row is left alone: three attempt timeouts, at least 30 s."""
    return timedelta(seconds=max(30.0, 3 * settings.YINGJI_NOTIFY_TIMEOUT_S))


def backoff(attempts: int) -> timedelta:
    """Return the wait after the ``attempts``-th failed attempt (1-based), from ``YINGJI_NOTIFY_BACKOFF_S``."""
    steps = settings.YINGJI_NOTIFY_BACKOFF_S
    return timedelta(seconds=steps[min(attempts, len(steps)) - 1])


def next_attempt() -> datetime | None:
    """Return the earliest ``next_attempt_at`` of a pending row (one indexed query), or None."""
    return (
        Notification.objects.filter(state=DeliveryState.PENDING)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )


def claim(now: datetime, limit: int) -> list[int]:
    """Claim up to ``limit`` pending rows due by ``now`` (aware), oldest first; return their ids."""
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(state=DeliveryState.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .values_list("id", flat=True)[:limit]
        )
        if ids:
            Notification.objects.filter(pk__in=ids).update(
                next_attempt_at=now + lease(), attempts=F("attempts") + 1
            )
    return ids


def deliver(pk: int) -> str:
    """Attempt the claimed notification ``pk`` once and record the outcome; return its new state."""
    n = Notification.objects.select_related("township", "recipient", "content_type").get(pk=pk)
    if n.state != DeliveryState.PENDING:
        return n.state
    config = None
    if n.channel in CONFIGURED_CHANNELS:
        config = TownshipChannel.objects.filter(
            township_id=n.township_id, channel=n.channel, active=True
        ).first()
    error, permanent = "", False
    try:
        sender_for(n.channel)(n, config)
    except PermanentError as exc:
        error, permanent = str(exc), True
    except TransientError as exc:
        error = str(exc)
    except Exception as exc:  # noqa: BLE001 - a channel bug must not stop the others
        logger.exception("channel %s failed on notification %s", n.channel, pk)
        error = f"{type(exc).__name__}: {exc}"
    now = timezone.now()
    rows = Notification.objects.filter(pk=pk, state=DeliveryState.PENDING)
    if not error:
        rows.update(state=DeliveryState.SENT, sent_at=now, next_attempt_at=None, last_error="")
        return DeliveryState.SENT
    if permanent or n.attempts >= settings.YINGJI_NOTIFY_MAX_ATTEMPTS:
        rows.update(state=DeliveryState.DEAD, next_attempt_at=None, last_error=error[:2000])
        logger.warning("notification %s dead-lettered: %s", pk, error)
        return DeliveryState.DEAD
    rows.update(next_attempt_at=now + backoff(n.attempts), last_error=error[:2000])
    return DeliveryState.PENDING


class Sender:
    """Deliver claimed notifications on a thread pool of ``threads`` (None: in the caller's thread).

    Used by the worker loop; tests use the inline form so that they see one
    database connection.
    """

    def __init__(self, threads: int | None = None) -> None:
        self._pool = ThreadPoolExecutor(threads, "yingji-notify") if threads else None
        self._threads = threads or 1
        self._busy = 0
        self._lock = threading.Lock()

    def free(self) -> int:
        """Return how many more rows the pool can take now."""
        with self._lock:
            return max(0, 2 * self._threads - self._busy)

    def dispatch(self, now: datetime | None = None) -> int:
        """Claim what is due and hand it to the channels; return how many were claimed."""
        now = now or timezone.now()
        room = self.free() if self._pool else 50
        if room == 0:
            return 0
        ids = claim(now, room)
        for pk in ids:
            if self._pool is None:
                deliver(pk)
                continue
            with self._lock:
                self._busy += 1
            self._pool.submit(self._run, pk)
        return len(ids)

    def _run(self, pk: int) -> None:
        try:
            close_old_connections()
            deliver(pk)
        except Exception:  # noqa: BLE001 - the row's lease runs out and it is tried again
            logger.exception("delivery of notification %s failed", pk)
        finally:
            with self._lock:
                self._busy -= 1

    def close(self) -> None:
        """Wait for the deliveries in flight, then stop the pool."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
