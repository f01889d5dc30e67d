"""Deliver pending notifications: claim, send through the channel, record the outcome.

Claiming is a conditional UPDATE in a short transaction (``SELECT … FOR
UPDATE SKIP LOCKED`` on PostgreSQL): the claimed rows get a lease — their
``next_attempt_at`` moves ``lease()`` ahead and ``attempts`` grows by one —
so no other worker takes them, and a worker that dies mid-send leaves them to
be claimed again when the lease runs out (the receiver drops the repeat by
its idempotency key). The channel call happens outside any transaction, on
the sender's thread pool, so a slow or failing channel holds up nothing
else; the pool threads never touch the database: the worker's own thread
claims and records, which keeps SQLite to one writer. Outcome: ``sent``
(``sent_at`` = when the channel accepted it), or back to ``pending`` after
the backoff of ``YINGJI_NOTIFY_BACKOFF_S``, or ``dead`` with ``last_error``
after a permanent error or ``YINGJI_NOTIFY_MAX_ATTEMPTS`` attempts.
"""

from __future__ import annotations

import logging
import queue
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, QuerySet
from django.utils import timezone

from .channels import PermanentError, TransientError, sender_for
from .choices import CONFIGURED_CHANNELS, DeliveryState
from .models import Notification, TownshipChannel

logger = logging.getLogger("yingji.notify")


def lease() -> timedelta:
    """Return how long a claimed row is left alone: three attempt timeouts, at least ``YINGJI_NOTIFY_LEASE_MIN_S``.

    A worker that dies mid-send (a crash, SIGKILL) leaves its claimed rows;
    another worker, or the same one restarted, sends them once the lease has
    run out. A row the channel had accepted just before the death goes out a
    second time with the same idempotency key (at-least-once across a crash;
    the receiver drops the repeat by its key).
    """
    return timedelta(
        seconds=max(settings.YINGJI_NOTIFY_LEASE_MIN_S, 3 * settings.YINGJI_NOTIFY_TIMEOUT_S)
    )


def backoff(attempts: int) -> timedelta:
    """Return the wait after the ``attempts``-th failed attempt (1-based), from ``YINGJI_NOTIFY_BACKOFF_S``."""
    steps = settings.YINGJI_NOTIFY_BACKOFF_S
    return timedelta(seconds=steps[min(attempts, len(steps)) - 1])


_COMPILED: dict[tuple[str, str], tuple[str, tuple[Any, ...]]] = {}
_WORD = re.compile(r"[a-z_]{1,40}")
_local = threading.local()


def _db() -> BaseDatabaseWrapper:
    """Return this thread's default connection wrapper, remembered (Django's lookup costs µs)."""
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = _local.conn = connections[DEFAULT_DB_ALIAS]
    return conn


def _prepare(name: str, make: Callable[[], QuerySet[Any]]) -> tuple[Any, ...]:
    conn = _db()
    key = (name, conn.vendor)
    compiled = _COMPILED.get(key)
    if compiled is None:
        queryset = make()
        sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
        if all(isinstance(p, str) and _WORD.fullmatch(p) for p in params):
            # Our own constants (e.g. 'pending'): written into the SQL, so that the planner
            # sees the partial index's condition at once instead of re-planning every run.
            sql = sql % tuple(f"'{p}'" for p in params)
            params = ()
        elif conn.vendor == "sqlite":  # the DB-API of SQLite takes "?" placeholders
            sql = sql.replace("%s", "?").replace("%%", "%")
        compiled = _COMPILED[key] = (sql, tuple(params))
    if conn.connection is None:
        conn.ensure_connection()
    raw = conn.connection
    entry = (raw, raw.cursor(), compiled[0], compiled[1], conn)
    setattr(_local, name, entry)
    return entry


def earliest(name: str, make: Callable[[], QuerySet[Any]]) -> datetime | None:
    """Return the one datetime the queryset ``make()`` selects (or None), as bare SQL compiled once.

    The worker asks this twice on every pass, mostly to hear "nothing yet":
    the queryset is compiled once per process and run on a DB-API cursor kept
    while this thread's connection lives, so that an idle pass costs little
    more than the SQL itself (``bench/deadlines.py`` measures the two).
    """
    entry = getattr(_local, name, None)
    if entry is None or entry[0] is not entry[4].connection:
        entry = _prepare(name, make)
    cursor = entry[1]
    cursor.execute(entry[2], entry[3])
    row = cursor.fetchone()
    if row is None or row[0] is None:
        return None
    value = row[0]
    if isinstance(value, str):  # SQLite hands back text
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def next_attempt() -> datetime | None:
    """Return the earliest ``next_attempt_at`` of a pending row (one indexed query), or None."""
    return earliest(
        "notification",
        lambda: (
            Notification.objects.filter(state=DeliveryState.PENDING)
            .order_by("next_attempt_at")
            .values_list("next_attempt_at", flat=True)[:1]
        ),
    )


@dataclass(frozen=True)
class Outcome:
    """What one attempt came to: ``error`` empty when the channel accepted it at ``at``."""

    pk: int
    attempts: int
    at: datetime
    error: str = ""
    permanent: bool = False


def claim(now: datetime, limit: int) -> list[tuple[Notification, TownshipChannel | None]]:
    """Claim up to ``limit`` pending rows due by ``now`` (aware), oldest first.

    Returns each row (with its township, recipient and subject type loaded)
    and its township's channel set-up, so that sending needs no database.
    """
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(state=DeliveryState.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .values_list("id", flat=True)[:limit]
        )
        if not ids:
            return []
        Notification.objects.filter(pk__in=ids).update(
            next_attempt_at=now + lease(), attempts=F("attempts") + 1
        )
    rows = list(
        Notification.objects.filter(pk__in=ids)
        .select_related("township", "recipient", "content_type")
        .order_by("next_attempt_at", "id")
    )
    wanted = {(n.township_id, n.channel) for n in rows if n.channel in CONFIGURED_CHANNELS}
    configs: dict[tuple[int, str], TownshipChannel] = {}
    if wanted:
        for c in TownshipChannel.objects.filter(
            township_id__in={t for t, _ in wanted}, active=True
        ):
            configs[(c.township_id, c.channel)] = c
    return [(n, configs.get((n.township_id, n.channel))) for n in rows]


def attempt(n: Notification, config: TownshipChannel | None) -> Outcome:
    """Send ``n`` once through its channel (no database access); return the outcome."""
    error, permanent = "", False
    try:
        sender_for(n.channel)(n, config)
    except PermanentError as exc:
        error, permanent = str(exc) or type(exc).__name__, True
    except TransientError as exc:
        error = str(exc) or type(exc).__name__
    except Exception as exc:  # noqa: BLE001 - a channel bug must not stop the others
        logger.exception("channel %s failed on notification %s", n.channel, n.pk)
        error = f"{type(exc).__name__}: {exc}"
    return Outcome(n.pk, n.attempts, timezone.now(), error[:2000], permanent)


def record(outcomes: list[Outcome]) -> None:
    """Write ``outcomes`` in one transaction: sent, pending after the backoff, or dead."""
    if not outcomes:
        return
    with transaction.atomic():
        for o in outcomes:
            rows = Notification.objects.filter(pk=o.pk, state=DeliveryState.PENDING)
            if not o.error:
                rows.update(
                    state=DeliveryState.SENT, sent_at=o.at, next_attempt_at=None, last_error=""
                )
            elif o.permanent or o.attempts >= settings.YINGJI_NOTIFY_MAX_ATTEMPTS:
                rows.update(state=DeliveryState.DEAD, next_attempt_at=None, last_error=o.error)
                logger.warning("notification %s dead-lettered: %s", o.pk, o.error)
            else:
                rows.update(next_attempt_at=o.at + backoff(o.attempts), last_error=o.error)


class Sender:
    """Hand claimed notifications to the channels on ``threads`` threads (None: in the caller's thread).

    The worker loop keeps one; tests use the inline form. ``wake`` is set when
    an attempt finishes, so the loop can record it at once.
    """

    def __init__(self, threads: int | None = None) -> None:
        self._pool = ThreadPoolExecutor(threads, "yingji-notify") if threads else None
        self._room = 2 * threads if threads else 50
        self._busy = 0
        self._lock = threading.Lock()
        self._done: queue.SimpleQueue[Outcome] = queue.SimpleQueue()
        self.wake = threading.Event()

    def collect(self) -> int:
        """Record the attempts finished on the pool since the last call; return how many."""
        if self._done.empty():  # the usual case on an idle pass
            return 0
        outcomes = []
        while True:
            try:
                outcomes.append(self._done.get_nowait())
            except queue.Empty:
                break
        record(outcomes)
        return len(outcomes)

    def dispatch(self, now: datetime | None = None) -> int:
        """Claim what is due by ``now`` (default now) and hand it to the channels; return how many."""
        now = now or timezone.now()
        with self._lock:
            room = self._room - self._busy
        if room <= 0:
            return 0
        claimed = claim(now, room)
        for n, config in claimed:
            if self._pool is None:
                record([attempt(n, config)])
                continue
            with self._lock:
                self._busy += 1
            self._pool.submit(self._run, n, config)
        return len(claimed)

    def _run(self, n: Notification, config: TownshipChannel | None) -> None:
        try:
            self._done.put(attempt(n, config))
        finally:
            with self._lock:
                self._busy -= 1
            self.wake.set()

    def close(self) -> None:
        """Wait for the attempts in flight, record them, and stop the pool."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        self.collect()
