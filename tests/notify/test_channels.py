"""Each channel against a real server: the payloads and signatures, field by field."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime
from urllib.parse import quote_plus
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

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
T = datetime(2026, 11, 30, 10, 15, tzinfo=SH)
SYSTEM = Actor.system("test")


def liu(phone: str = "13800000001") -> Member:
    Member.objects.filter(name="刘洋").update(phone=phone)
    return Member.objects.get(name="刘洋")


def choose(member: Member, *channels: str) -> None:
    actions.set_channels(SYSTEM, member, list(channels))


def send(township, member, key: str = "deadline:7:escalation:0") -> list[Notification]:
    """Queue one escalation message to ``member`` and deliver it in this thread; return the rows."""
    with time_machine.travel(T, tick=False):
        with transaction.atomic():
            rows = queue(
                township,
                [member],
                kind="deadline.escalation",
                subject="超时：核实并向领导小组报告",
                body="已作为值班人员升级通报给您。",
                key=key,
                link="http://127.0.0.1:8000/deadlines/#deadline-7",
                about=township,
            )
        Sender().dispatch()
    return [Notification.objects.get(pk=n.pk) for n in rows]


def test_it_always_writes_the_in_app_row_and_one_row_per_chosen_channel(demo, smtp_server):
    member = liu()
    choose(member, "email")
    in_app, email = send(demo, member)
    assert (in_app.channel, in_app.state, in_app.sent_at) == ("in_app", "sent", T)
    assert (email.channel, email.address, email.state) == (
        "email",
        "demo.peace_staff@example.invalid",
        "sent",
    )
    # Queuing the same message again writes nothing new (the idempotency key).
    assert [n.pk for n in send(demo, member)] == [in_app.pk, email.pk]
    assert Notification.objects.count() == 2 and len(smtp_server.envelopes) == 1


def test_email_goes_through_a_real_smtp_server(demo, smtp_server):
    member = liu()
    choose(member, "email")
    _, n = send(demo, member)
    assert (n.state, n.attempts, n.sent_at, n.last_error) == ("sent", 1, T, "")
    [(sender, rcpts, message)] = smtp_server.envelopes
    assert sender == "yingji@demo.example"
    assert rcpts == ["demo.peace_staff@example.invalid"]
    assert message["Subject"] == "超时：核实并向领导小组报告"
    assert message["To"] == "demo.peace_staff@example.invalid"
    assert message["X-Yingji-Idempotency-Key"] == n.idempotency_key
    expected_id = hashlib.sha256(n.idempotency_key.encode()).hexdigest()[:32]
    assert message["Message-ID"] == f"<{expected_id}@yingji>"
    assert message.get_content().replace("\r\n", "\n") == (
        "已作为值班人员升级通报给您。\n\nhttp://127.0.0.1:8000/deadlines/#deadline-7\n"
    )


def test_webhook_posts_signed_json(demo, http_server):
    actions.configure_channel(
        SYSTEM, demo, "webhook", url=http_server.url + "/hook", secret="s3cret"
    )
    member = liu()
    choose(member, "webhook")
    _, n = send(demo, member)
    assert (n.state, n.address) == ("sent", http_server.url + "/hook")
    [r] = http_server.requests
    assert r.path == "/hook"
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    assert r.headers["X-Yingji-Idempotency-Key"] == n.idempotency_key
    timestamp = r.headers["X-Yingji-Timestamp"]
    assert int(timestamp) == int(T.timestamp())
    mac = hmac.new(b"s3cret", timestamp.encode() + b"." + r.body, hashlib.sha256).hexdigest()
    assert r.headers["X-Yingji-Signature"] == f"sha256={mac}"
    body = r.json
    assert body["id"] == n.pk
    assert body["idempotency_key"] == f"deadline:7:escalation:0:{member.pk}:webhook"
    assert body["kind"] == "deadline.escalation"
    assert body["subject"] == "超时：核实并向领导小组报告"
    assert body["body"] == "已作为值班人员升级通报给您。"
    assert body["link"] == "http://127.0.0.1:8000/deadlines/#deadline-7"
    assert body["township"] == "demo"
    assert body["recipient"] == {"id": member.pk, "name": "刘洋"}
    assert body["about"] == {"type": "township", "id": str(demo.pk)}
    assert body["created_at"] == "2026-11-30T02:15:00+00:00"
    assert set(body) == {
        "id", "idempotency_key", "kind", "subject", "body", "link",
        "township", "recipient", "about", "created_at",
    }  # fmt: skip


def test_webhook_without_secret_is_unsigned(demo, http_server):
    actions.configure_channel(SYSTEM, demo, "webhook", url=http_server.url + "/hook")
    member = liu()
    choose(member, "webhook")
    send(demo, member)
    assert "X-Yingji-Signature" not in http_server.requests[0].headers


def test_dingtalk_robot_is_signed_and_mentions_the_mobile(demo, http_server):
    secret = "SECabc123"
    url = http_server.url + "/robot/send?access_token=tok"
    actions.configure_channel(SYSTEM, demo, "dingtalk", url=url, secret=secret)
    # The robot's token is a credential: the audit log (read by the auditor) keeps its name only.
    event = AuditEvent.objects.filter(action="notify.configure_channel").get()
    assert event.after["url"] == http_server.url + "/robot/send?access_token=***"
    assert "=tok" not in json.dumps(event.after) and secret not in json.dumps(event.after)
    member = liu()
    choose(member, "dingtalk")
    _, n = send(demo, member)
    assert (n.state, n.address) == ("sent", "13800000001")
    [r] = http_server.requests
    assert r.path == "/robot/send"
    assert r.query["access_token"] == ["tok"]
    [timestamp] = r.query["timestamp"]
    assert int(timestamp) == int(T.timestamp() * 1000)
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    # parse_qs decoded the URL-encoding once: what is left is the base64 signature.
    assert r.query["sign"] == [base64.b64encode(digest).decode()]
    assert quote_plus(base64.b64encode(digest).decode()) in r.path + "?" + "&".join(
        f"{k}={quote_plus(v[0])}" for k, v in r.query.items()
    )
    assert r.json == {
        "msgtype": "text",
        "text": {
            "content": "超时：核实并向领导小组报告\n已作为值班人员升级通报给您。\n"
            "http://127.0.0.1:8000/deadlines/#deadline-7"
        },
        "at": {"atMobiles": ["13800000001"], "isAtAll": False},
    }


def test_wecom_robot_posts_text_with_the_mobile(demo, http_server):
    url = http_server.url + "/cgi-bin/webhook/send?key=k1"
    actions.configure_channel(SYSTEM, demo, "wecom", url=url)
    member = liu()
    choose(member, "wecom")
    _, n = send(demo, member)
    assert n.state == "sent"
    [r] = http_server.requests
    assert (r.path, r.query) == ("/cgi-bin/webhook/send", {"key": ["k1"]})
    assert r.json == {
        "msgtype": "text",
        "text": {
            "content": "超时：核实并向领导小组报告\n已作为值班人员升级通报给您。\n"
            "http://127.0.0.1:8000/deadlines/#deadline-7",
            "mentioned_mobile_list": ["13800000001"],
        },
    }


def test_a_robot_error_code_dead_letters_at_once(demo, http_server):
    http_server.reply = {"errcode": 93000, "errmsg": "invalid webhook url"}
    actions.configure_channel(SYSTEM, demo, "wecom", url=http_server.url + "/send?key=bad")
    member = liu()
    choose(member, "wecom")
    _, n = send(demo, member)
    assert (n.state, n.attempts, n.last_error) == ("dead", 1, "errcode 93000: invalid webhook url")


def test_sms_gateway_fills_the_template_and_signs(demo, http_server):
    template = '{"mobile": {phone}, "content": {text}, "requestId": {key}, "sign": "应急"}'
    actions.configure_channel(
        SYSTEM, demo, "sms", url=http_server.url + "/sms", secret="k", template=template
    )
    member = liu()
    choose(member, "sms")
    _, n = send(demo, member)
    assert n.state == "sent"
    [r] = http_server.requests
    assert r.json == {
        "mobile": "13800000001",
        "content": "【示例镇】超时：核实并向领导小组报告 http://127.0.0.1:8000/deadlines/#deadline-7",
        "requestId": n.idempotency_key,
        "sign": "应急",
    }
    timestamp = r.headers["X-Yingji-Timestamp"]
    mac = hmac.new(b"k", timestamp.encode() + b"." + r.body, hashlib.sha256).hexdigest()
    assert r.headers["X-Yingji-Signature"] == f"sha256={mac}"


def test_a_channel_the_member_cannot_be_reached_on_is_refused(demo):
    member = Member.objects.get(name="刘洋")
    with pytest.raises(Exception) as info:
        choose(member, "sms")
    assert info.value.message_dict == {"channels": ["本镇尚未配置短信网关。"]}  # type: ignore[attr-defined]
    assert json.dumps(list(Notification.objects.values())) == "[]"
