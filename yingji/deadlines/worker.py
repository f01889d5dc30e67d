"""The background worker loop (DESIGN.md §4, after Healthchecks' ``sendalerts``, DESIGN.md §9).

One pass (:func:`run_once`) does the deadline work that has fallen due —
reminders (at two thirds of the time), breaches (at ``due_at``), escalation
steps (``after_minutes`` after ``due_at``, until acknowledged) — and hands
the notifications that are due to the channels. :func:`run_forever` repeats
it until stopped, sleeping until the next thing falls due (at most
``interval_s``).

Finding work is one indexed query on ``Deadline.next_check_at`` (a partial
index of the rows with something pending). Rows are claimed in a short
transaction with ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, so any
number of workers share the work and none does a row twice; each step moves
the row's ``next_check_at`` on in the same transaction. On SQLite one worker
runs (:func:`single_worker_lock`). A worker that was down catches up: every
missed reminder, breach and step is handled once, in due order. A row whose
step fails is pushed back by ``RETRY_AFTER`` instead of stopping the loop.
"""

from __future__ import annotations

import heapq
import logging
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import IO

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from yingji.notify.sender import Sender, earliest, next_attempt
from yingji.orgs.access import Actor

from . import actions
from .choices import DeadlineState
from .escalation import Cache, step_due_at
from .models import Deadline

logger = logging.getLogger("yingji.worker")

BATCH = 50
RETRY_AFTER = timedelta(seconds=60)
WORKER = Actor.system("worker")


def next_check() -> datetime | None:
    """Return the earliest ``next_check_at`` of any deadline (one indexed query), or None."""
    return earliest(
        "deadline",
        lambda: (
            Deadline.objects.filter(next_check_at__isnull=False)
            .order_by("next_check_at")
            .values_list("next_check_at", flat=True)[:1]
        ),
    )


def step(deadline: Deadline, now: datetime, cache: Cache) -> str | None:
    """Do the one step of ``deadline`` that is due at its ``next_check_at``; return its name.

    Reminder, then breach, then each escalation step; ``breach+0`` when the
    breach and the first step (due at once) were taken together; None (and
    nothing pending) when the row needs nothing more.
    """
    if deadline.state == DeadlineState.OPEN:
        at = max(now, timezone.now())  # when the step is recorded
        if (
            deadline.reminded_at is None
            and deadline.remind_at is not None
            and deadline.remind_at <= now
            and deadline.remind_at < deadline.due_at
        ):
            actions.remind(WORKER, deadline, at=at, cache=cache)
            return "reminder"
        if deadline.due_at <= now:
            return (
                "breach"
                if actions.breach(WORKER, deadline, at=at, cache=cache) == 1
                else "breach+0"
            )
        pending_reminder = deadline.reminded_at is None and deadline.remind_at is not None
        deadline.next_check_at = deadline.remind_at if pending_reminder else deadline.due_at
    elif (
        deadline.state == DeadlineState.BREACHED
        and deadline.acknowledged_at is None
        and step_due_at(deadline, deadline.escalation_step) is not None
    ):
        actions.escalate(WORKER, deadline, at=max(now, timezone.now()), cache=cache)
        return f"escalation:{deadline.escalation_step - 1}"
    else:
        deadline.next_check_at = None
    deadline.save(update_fields=["next_check_at"])
    return None


def handle_due(now: datetime | None = None, batch: int = BATCH) -> int:
    """Handle every deadline step due by ``now`` (aware, default now), in due order; return how many.

    Rows are claimed ``batch`` at a time. Within a batch the steps run in
    order of their due time across rows: a row whose next step is still due
    and falls before the batch's last row goes back in line.
    """
    now = now or timezone.now()
    done = 0
    while True:
        cache = Cache(now)
        with transaction.atomic():
            rows = list(
                Deadline.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("township")
                .filter(next_check_at__lte=now)
                .order_by("next_check_at", "id")[:batch]
            )
            if not rows:
                return done
            # Rows beyond this batch are due no earlier than its last row (all are in it when
            # it is not full): a row whose next step falls before that goes back in line.
            horizon = rows[-1].next_check_at if len(rows) == batch else now
            line = [(d.next_check_at, d.pk, d) for d in rows]
            heapq.heapify(line)
            while line:
                _, _, deadline = heapq.heappop(line)
                try:
                    with transaction.atomic():
                        taken = step(deadline, now, cache)
                    done += 2 if taken == "breach+0" else 1 if taken else 0
                except Exception:  # noqa: BLE001 - one bad row must not stop the others
                    logger.exception("deadline %s failed; pushed back", deadline.pk)
                    Deadline.objects.filter(pk=deadline.pk).update(next_check_at=now + RETRY_AFTER)
                    continue
                due = deadline.next_check_at
                if due is not None and due <= now and horizon is not None and due <= horizon:
                    heapq.heappush(line, (due, deadline.pk, deadline))
        if len(rows) < batch:
            return done


def run_once(now: datetime | None = None, sender: Sender | None = None) -> int:
    """Do one pass: the deadline steps due by ``now`` (aware, default now), then the deliveries due.

    Returns how many deadline steps and deliveries were handled. With no
    ``sender`` deliveries run in the calling thread.
    """
    return _pass(now, sender)[0]


def _pass(now: datetime | None, sender: Sender | None) -> tuple[int, datetime | None]:
    """Do one pass; return what it handled and when the next thing falls due (None: nothing pending).

    An idle pass is two indexed queries: the earliest deadline check and the
    earliest delivery attempt.
    """
    now = now or datetime.now(UTC)  # (timezone.now() looks the setting up: slower)
    sender = sender or Sender()
    done = sender.collect()
    due, attempt = next_check(), next_attempt()
    if due is not None and due <= now:
        done += handle_due(now)
        attempt = next_attempt()
    if attempt is not None and attempt <= now:
        done += sender.dispatch(max(now, timezone.now()))
    if done:
        due, attempt = next_check(), next_attempt()
    if due is None or (attempt is not None and attempt < due):
        return done, attempt
    return done, due


def single_worker_lock() -> IO[str] | None:
    """On SQLite, take the one-worker lock (a ``flock`` on ``var/worker.lock``); return its file.

    Returns None when another worker holds it (this process then leaves the
    work to that one) and a dummy None-free handle on PostgreSQL, where any
    number of workers may run.
    """
    if connection.vendor != "sqlite":
        return open("/dev/null")  # noqa: SIM115 - held for the life of the worker
    import fcntl

    handle = open(settings.VAR_DIR / "worker.lock", "w")  # noqa: SIM115
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle


def run_forever(stop: threading.Event, interval_s: float = 1.0) -> None:
    """Call :func:`run_once` until ``stop`` is set, sleeping until the next due moment (≤ ``interval_s``).

    An error in one pass is logged and the loop goes on: a worker that stops
    would let deadlines pass silently. On SQLite a second worker waits for
    the first one's lock instead of working beside it.
    """
    lock = single_worker_lock()
    while lock is None and not stop.is_set():
        logger.info("another worker runs on this SQLite database; waiting")
        stop.wait(max(interval_s, 5.0))
        lock = single_worker_lock()
    sender = Sender(settings.YINGJI_NOTIFY_THREADS)
    logger.info("worker started (at most %.1f s between passes)", interval_s)
    tidied = 0.0
    try:
        while not stop.is_set():
            wait = interval_s
            try:
                if (
                    time.monotonic() - tidied > 60
                ):  # not every pass: SQLite would reconnect each time
                    close_old_connections()
                    tidied = time.monotonic()
                _, wake = _pass(None, sender)
                if wake is not None:
                    wait = min(wait, (wake - timezone.now()).total_seconds())
            except Exception:  # noqa: BLE001 - the loop must survive any one bad pass
                logger.exception("worker pass failed; retrying")
                close_old_connections()
            # A finished delivery wakes the loop to record it; stop is seen within interval_s.
            if sender.wake.wait(max(wait, 0.002)):
                sender.wake.clear()
    finally:
        sender.close()
        close_old_connections()
        if lock is not None:
            lock.close()
        logger.info("worker stopped")
