"""A worker that was down catches up: each missed step once, in due order; two workers never double."""

from __future__ import annotations

import os
import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, connections

from yingji.deadlines.models import Deadline
from yingji.deadlines.worker import handle_due, run_once
from yingji.notify.models import Notification

from .conftest import T0, minutes, open_minutes

pytestmark = pytest.mark.django_db


def test_after_downtime_every_missed_step_is_handled_once_in_due_order(town):
    a = open_minutes(town, 15, at=T0, rule="a")  # remind 10:10, due 10:15, steps 10:15/10:25/10:35
    b = open_minutes(town, 30, at=T0, rule="b")  # remind 10:20, due 10:30, steps 10:30/10:40/10:50
    c = open_minutes(town, 60, at=T0, rule="c")  # remind 10:40, due 11:00: not yet due at 10:45
    # The worker was down from 10:00 to 10:45.
    with time_machine.travel(T0 + minutes(45), tick=False):
        assert run_once() == 10  # a: 5 steps, b: 4, c: its reminder
        assert run_once() == 0  # nothing twice
    keys = [
        n.idempotency_key.rsplit(":", 2)[0]
        for n in Notification.objects.filter(channel="in_app").order_by("id")
    ]
    # Per step one message per recipient; the breach itself sends nothing (step 0 does).
    first = {a.pk: "a", b.pk: "b", c.pk: "c"}
    named = [f"{first[int(k.split(':')[1])]}:{k.split(':', 2)[2]}" for k in keys]
    assert named == [
        "a:reminder",  # 10:10
        "a:escalation:0",  # 10:15
        "b:reminder",  # 10:20
        "a:escalation:1",  # 10:25
        "b:escalation:0",  # 10:30
        "a:escalation:2",  # 10:35
        "b:escalation:1",  # 10:40 (b before c: same time, lower id)
        "c:reminder",  # 10:40
    ]
    assert len(keys) == len(set(keys))
    a.refresh_from_db(), b.refresh_from_db(), c.refresh_from_db()
    assert (a.escalation_step, a.next_check_at) == (3, None)
    assert (b.escalation_step, b.next_check_at) == (2, T0 + minutes(50))
    assert (c.state, c.next_check_at) == ("open", T0 + minutes(60))
    # Breaches are recorded when the worker records them (after the downtime), once each.
    assert a.breached_at == b.breached_at == T0 + minutes(45)


def test_catch_up_keeps_due_order_across_batches(town):
    rows = [open_minutes(town, 15, at=T0 + timedelta(seconds=i), rule=f"r{i}") for i in range(7)]
    with time_machine.travel(T0 + minutes(16), tick=False):
        handle_due(batch=3)
    reminders = Notification.objects.filter(kind="deadline.reminder").order_by("id")
    assert [n.object_id for n in reminders] == [str(d.pk) for d in rows]
    assert Deadline.objects.filter(state="breached").count() == 7


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="two workers run only on PostgreSQL (on SQLite one worker runs)",
)
@pytest.mark.django_db(transaction=True)
def test_two_workers_on_postgresql_never_send_the_same_message_twice(town, http_server, settings):
    from yingji.notify import actions as notify_actions
    from yingji.notify.sender import Sender
    from yingji.orgs.access import Actor
    from yingji.orgs.models import Member

    assert connection.vendor == "postgresql"
    system = Actor.system("test")
    notify_actions.configure_channel(system, town, "webhook", url=http_server.url + "/hook")
    for member in Member.objects.filter(township=town):
        notify_actions.set_channels(system, member, ["webhook"])
    deadlines = [open_minutes(town, 15, at=T0, rule=f"r{i}") for i in range(30)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            for _ in range(5):
                handle_due(batch=7)
                Sender().dispatch()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    with time_machine.travel(T0 + minutes(40), tick=False):
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    assert errors == []
    # 30 deadlines × (reminder + 3 escalation steps), each to its recipients: every key once.
    keys = list(Notification.objects.values_list("idempotency_key", flat=True))
    assert len(keys) == len(set(keys))
    assert Notification.objects.filter(kind="deadline.reminder", channel="in_app").count() == 30
    assert all(d.escalation_step == 0 for d in deadlines)  # (the objects in memory are stale)
    assert Deadline.objects.filter(escalation_step=3).count() == 30
    received = [r.headers["X-Yingji-Idempotency-Key"] for r in http_server.requests]
    assert (
        len(received)
        == len(set(received))
        == Notification.objects.filter(channel="webhook").count()
    )
