"""Crash safety of notifications (issue 8 §6): SIGKILL ``yingji worker`` in the middle of a sending pass.

A webhook receiver on 127.0.0.1 counts deliveries by their idempotency key.
It answers the first ones at once and then holds the next requests
unanswered, as a slow receiver would; the test kills the worker (SIGKILL)
once the database shows deliveries recorded and the receiver holds requests
in flight, then restarts the worker.

What is proved, and what cannot be: no notification is lost (every key
arrives, every row ends ``sent``, none dead), and none arrives twice except
those whose request was in flight at the kill: the receiver had the request
(held, or even answered) but the worker died before it recorded the answer,
so after its lease (``notify.sender.lease``) the restarted worker sends it
again. The test reads at the kill which rows were leased to the dead worker
(claimed, no outcome recorded) and asserts that repeats come only from
those — every held request among them — each exactly twice. Across a crash
at that moment delivery is at-least-once, as it is for any sender that
cannot commit together with the receiver; both deliveries carry the same
``X-Yingji-Idempotency-Key`` (and ``idempotency_key`` in the body), so the
receiver drops the repeat, and after that dedupe each message is seen exactly
once. Rows claimed but not yet handed to the channel at the kill are sent
once, after the lease.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter

import pytest

from tests.crash.conftest import ROOT, CrashEnv, Receiver, wait_for

pytestmark = pytest.mark.django_db
MESSAGES = 60
ANSWERED_FIRST = 12


def test_worker_killed_mid_send_loses_nothing_and_repeats_only_in_flight_keys(
    crash: CrashEnv, receiver: Receiver
):
    started = time.monotonic()
    queued = subprocess.run(
        [sys.executable, "-m", "tests.crash.prepare", "notifications", receiver.url, str(MESSAGES)],
        cwd=ROOT,
        env=crash.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert queued.returncode == 0, queued.stderr
    expected = {f"crash:{i}:" for i in range(MESSAGES)}
    webhook = "SELECT idempotency_key, state, attempts FROM notify_notification WHERE channel = %s"
    rows = crash.db.rows(webhook, "webhook")
    assert len(rows) == MESSAGES and {r[1] for r in rows} == {"pending"}
    assert {k.rsplit(":", 2)[0] + ":" for k, _, _ in rows} == expected

    # Four sending threads; a sent row is recorded by the worker's loop, a held one never is.
    crash.env.update(
        YINGJI_NOTIFY_THREADS="4",
        YINGJI_NOTIFY_TIMEOUT_S="3",  # a held request is still in flight when the kill comes
        YINGJI_NOTIFY_LEASE_MIN_S="1",  # the lease is then 3 × 3 s = 9 s
        YINGJI_WORKER_INTERVAL_S="0.2",
    )
    receiver.answer_first = ANSWERED_FIRST
    worker = crash.start("worker", "--skip-checks", log="worker-1.log")
    sent = "SELECT count(*) FROM notify_notification WHERE channel = %s AND state = %s"
    wait_for(
        "deliveries recorded and requests held in flight",
        lambda: crash.db.one(sent, "webhook", "sent") >= 1 and len(receiver.held) >= 4,
        timeout=30,
        every=0.005,
    )
    crash.kill(worker)
    held = set(receiver.held)
    recorded = crash.db.one(sent, "webhook", "sent")
    # Four sending threads are held (more only if a held attempt timed out before the kill).
    assert 1 <= recorded <= ANSWERED_FIRST and len(held) >= 4
    # Leased to the dead worker: claimed (one attempt) but no outcome recorded. Only these
    # can go out twice: the held requests, any answered one whose answer was not yet
    # recorded, and those still queued for a sending thread (these were never sent).
    leased = {
        k
        for k, state, attempts in crash.db.rows(webhook, "webhook")
        if state == "pending" and attempts == 1
    }
    assert held <= leased
    receiver.release.set()  # answer the held requests (to nobody: the worker is gone)
    receiver.answer_first = 10**9

    worker = crash.start("worker", "--skip-checks", log="worker-2.log")
    wait_for(
        "every notification sent",
        lambda: crash.db.one(sent, "webhook", "sent") == MESSAGES,
        timeout=40,
        every=0.05,
    )
    crash.stop(worker)

    # No loss: every row sent, none dead; every key reached the receiver.
    rows = crash.db.rows(webhook, "webhook")
    assert {state for _, state, _ in rows} == {"sent"}
    keys = receiver.keys()
    assert {k for k, _, _ in rows} == set(keys)
    assert all(header == body for header, body in receiver.deliveries)
    # Repeats: only keys leased to the dead worker, the held ones among them, each twice.
    counts = Counter(keys)
    repeated = {k for k, n in counts.items() if n > 1}
    assert held <= repeated <= leased and {counts[k] for k in repeated} == {2}
    assert len(keys) == MESSAGES + len(repeated)
    # After the receiver's dedupe by idempotency key: each message exactly once.
    assert len(set(keys)) == MESSAGES
    attempts = {k: a for k, _, a in rows}
    assert {attempts[k] for k in leased} == {2}  # sent again once its lease ran out

    done = crash.run("audit", "verify", "--skip-checks")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("审计链完好")
    print(f"worker crash test: {time.monotonic() - started:.1f} s on {crash.vendor}")
