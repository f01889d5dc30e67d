"""A failing channel: retried with backoff, then dead-lettered with its error; nothing else waits."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction

from yingji.audit.models import AuditEvent
from yingji.notify import actions
from yingji.notify.models import Notification
from yingji.notify.outbox import queue
from yingji.notify.sender import Sender
from yingji.orgs.access import Actor
from yingji.orgs.models import Member

from .conftest import free_port

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
T = datetime(2026, 11, 30, 10, 15, tzinfo=SH)
SYSTEM = Actor.system("test")


@pytest.fixture(autouse=True)
def _quick(settings):
    settings.YINGJI_NOTIFY_TIMEOUT_S = 0.3
    settings.YINGJI_NOTIFY_MAX_ATTEMPTS = 3
    settings.YINGJI_NOTIFY_BACKOFF_S = [10, 60]


def setup_webhook(township, url: str) -> Member:
    actions.configure_channel(SYSTEM, township, "webhook", url=url)
    member = Member.objects.get(name="刘洋")
    actions.set_channels(SYSTEM, member, ["webhook", "email"])
    return member


def queue_one(township, member, key="m:1") -> None:
    with transaction.atomic():
        queue(township, [member], kind="deadline.escalation", subject="超时", key=key)


def dispatch(at: datetime) -> int:
    with time_machine.travel(at, tick=False):
        return Sender().dispatch()


def webhook_row() -> Notification:
    return Notification.objects.get(channel="webhook")


def run_to_the_dead_letter(expected_error: str) -> None:
    n = webhook_row()
    assert (n.state, n.attempts, n.next_attempt_at) == ("pending", 1, T + timedelta(seconds=10))
    assert expected_error in n.last_error
    assert dispatch(T + timedelta(seconds=9)) == 0  # the backoff holds it back
    assert dispatch(T + timedelta(seconds=10)) == 1
    n = webhook_row()
    assert (n.state, n.attempts, n.next_attempt_at) == ("pending", 2, T + timedelta(seconds=70))
    assert dispatch(T + timedelta(seconds=70)) == 1
    n = webhook_row()
    assert (n.state, n.attempts, n.next_attempt_at, n.sent_at) == ("dead", 3, None, None)
    assert expected_error in n.last_error
    assert dispatch(T + timedelta(days=1)) == 0


def test_a_refused_connection_is_retried_then_dead_lettered(demo, smtp_server):
    member = setup_webhook(demo, f"http://127.0.0.1:{free_port()}/hook")
    with time_machine.travel(T, tick=False):
        queue_one(demo, member)
    assert dispatch(T) == 2
    # The e-mail to the same member went out although the webhook failed.
    assert Notification.objects.get(channel="email").state == "sent"
    assert len(smtp_server.envelopes) == 1
    run_to_the_dead_letter("connection failed")


def test_a_500_is_retried_then_dead_lettered(demo, http_server, smtp_server):
    http_server.status = 500
    http_server.reply = {"error": "boom"}
    member = setup_webhook(demo, http_server.url + "/hook")
    with time_machine.travel(T, tick=False):
        queue_one(demo, member)
    dispatch(T)
    assert webhook_row().last_error == 'HTTP 500: {"error": "boom"}'
    run_to_the_dead_letter("HTTP 500")
    assert len(http_server.requests) == 3
    # Every attempt carried the same idempotency key.
    assert {r.headers["X-Yingji-Idempotency-Key"] for r in http_server.requests} == {
        webhook_row().idempotency_key
    }


def test_a_timeout_is_retried_then_dead_lettered(demo, http_server, smtp_server):
    http_server.delay = 1.0
    member = setup_webhook(demo, http_server.url + "/hook")
    with time_machine.travel(T, tick=False):
        queue_one(demo, member)
    dispatch(T)
    assert Notification.objects.get(channel="email").state == "sent"
    run_to_the_dead_letter("timeout")


def test_a_4xx_is_dead_lettered_at_once(demo, http_server, smtp_server):
    http_server.status = 404
    http_server.reply = {"error": "no such hook"}
    member = setup_webhook(demo, http_server.url + "/hook")
    with time_machine.travel(T, tick=False):
        queue_one(demo, member)
    dispatch(T)
    n = webhook_row()
    assert (n.state, n.attempts, n.last_error) == ("dead", 1, 'HTTP 404: {"error": "no such hook"}')


def test_the_peace_office_sees_the_dead_letter_and_can_retry_it(demo, http_server, smtp_server):
    from tests.conftest import client_for, member_of

    http_server.status = 404
    member = setup_webhook(demo, http_server.url + "/hook")
    with time_machine.travel(T, tick=False):
        queue_one(demo, member)
    dispatch(T)
    n = webhook_row()
    page = client_for(member_of(demo, "peace_office_staff")).get("/notifications/deliveries/")
    html = page.content.decode()
    assert page.status_code == 200
    assert (
        "HTTP 404" in html and "刘洋" in html and f"/notifications/deliveries/{n.pk}/retry/" in html
    )
    # A task-force member may not see deliveries.
    assert (
        client_for(member_of(demo, "task_force_member"))
        .get("/notifications/deliveries/")
        .status_code
        == 403
    )
    http_server.status = 200
    response = client_for(member_of(demo, "peace_office_head")).post(
        f"/notifications/deliveries/{n.pk}/retry/"
    )
    assert response.status_code == 302
    n.refresh_from_db()
    assert (n.state, n.attempts) == ("pending", 0)
    Sender().dispatch()
    assert webhook_row().state == "sent"
    event = AuditEvent.objects.get(action="notify.retry")
    assert (event.actor_label, event.before) == (
        "陈静",
        {"last_error": 'HTTP 404: {"errcode": 0, "errmsg": "ok"}'},
    )


def test_a_slow_channel_holds_nothing_up_on_the_pool(demo, http_server, smtp_server, settings):
    settings.YINGJI_NOTIFY_TIMEOUT_S = 6
    http_server.delay = 3.0
    member = setup_webhook(demo, http_server.url + "/hook")
    queue_one(demo, member)
    sender = Sender(threads=2)
    try:
        started = time.monotonic()
        assert sender.dispatch() == 2
        assert time.monotonic() - started < 1.0  # handed to the pool, not waited for
        # The e-mail is recorded as sent while the webhook is still waiting for its answer.
        while time.monotonic() - started < 2.5:
            sender.wake.wait(0.1)
            sender.collect()
            if Notification.objects.get(channel="email").state == "sent":
                break
        assert Notification.objects.get(channel="email").state == "sent"
        assert webhook_row().state == "pending" and time.monotonic() - started < 2.9
    finally:
        sender.close()
    assert webhook_row().state == "sent"


def test_on_sqlite_a_second_worker_waits_for_the_first(settings, tmp_path):
    from django.db import connection

    from yingji.deadlines.worker import single_worker_lock

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL runs any number of workers")
    settings.VAR_DIR = tmp_path
    first = single_worker_lock()
    assert first is not None
    assert single_worker_lock() is None
    first.close()
    again = single_worker_lock()
    assert again is not None
    again.close()
