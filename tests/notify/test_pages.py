"""A member's channels page and the township's channel set-up page."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.urls import reverse

from tests.conftest import client_for, member_of
from yingji.audit.models import AuditEvent
from yingji.notify.models import ChannelChoice, TownshipChannel
from yingji.orgs.choices import Role

pytestmark = pytest.mark.django_db


def test_a_member_chooses_channels_and_an_unreachable_one_is_refused_with_the_reason(demo):
    member = member_of(demo, "peace_office_staff")
    client = client_for(member)
    page = client.get("/notifications/channels/").content.decode()
    assert "同时通过以下渠道通知我" in page and "钉钉群机器人" in page
    refused = client.post("/notifications/channels/", {"channels": ["email", "sms"]})
    assert refused.status_code == 200
    assert "本镇尚未配置短信网关。" in refused.content.decode()
    assert re.search(r'value="email"[^>]*checked', refused.content.decode())  # what was typed stays
    assert not ChannelChoice.objects.filter(member=member).exists()
    assert client.post("/notifications/channels/", {"channels": ["email"]}).status_code == 302
    assert ChannelChoice.objects.get(member=member).channels == ["email"]
    # Unticking every box posts an empty form: it still saves "no other channel".
    assert client.post("/notifications/channels/", {}).status_code == 302
    assert ChannelChoice.objects.get(member=member).channels == []


def test_the_peace_office_head_sets_up_a_robot_and_the_secret_stays_out_of_the_audit(demo):
    head = client_for(member_of(demo, "peace_office_head"))
    form = head.get("/notifications/setup/dingtalk/").content.decode()
    assert "加签密钥" in form
    bad = head.post("/notifications/setup/dingtalk/", {"url": "not a url", "active": "on"})
    assert bad.status_code == 200 and "not a url" in bad.content.decode()
    ok = head.post(
        "/notifications/setup/dingtalk/",
        {
            "url": "https://oapi.dingtalk.com/robot/send?access_token=t",
            "secret": "SECx",
            "active": "on",
        },
    )
    assert ok.status_code == 302
    config = TownshipChannel.objects.get(township=demo, channel="dingtalk")
    assert (config.url, config.secret, config.active) == (
        "https://oapi.dingtalk.com/robot/send?access_token=t",
        "SECx",
        True,
    )
    event = AuditEvent.objects.get(action="notify.configure_channel")
    assert "SECx" not in str(event.after) and event.after["signed"] is True
    listed = head.get("/notifications/deliveries/").content.decode()
    assert "钉钉群机器人: 在用 · 已加签" in " ".join(listed.split())
    # Staff may not set channels up; the in-app channel has no set-up page.
    staff = client_for(member_of(demo, "peace_office_staff"))
    assert staff.get("/notifications/setup/dingtalk/").status_code == 403
    assert head.get("/notifications/setup/in_app/").status_code == 404


def test_the_secret_is_stored_encrypted_never_shown_and_kept_replaced_or_removed(demo):
    head = client_for(member_of(demo, "peace_office_head"))
    url = "/notifications/setup/webhook/"
    hook = "https://hooks.example.invalid/yingji"
    head.post(url, {"url": hook, "secret": "plain-Hook-Secret-42", "active": "on"})
    config = TownshipChannel.objects.get(township=demo, channel="webhook")
    assert config.secret == "plain-Hook-Secret-42"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT secret_enc FROM {TownshipChannel._meta.db_table} WHERE id = %s", [config.pk]
        )
        [(stored,)] = cursor.fetchall()
    assert stored.startswith("gAAAA") and "plain-Hook-Secret-42" not in stored
    columns = [f.column for f in TownshipChannel._meta.concrete_fields]
    assert "secret" not in columns
    # The form says it is set and never sends it back.
    form = head.get(url).content.decode()
    assert "plain-Hook-Secret-42" not in form
    assert '<input type="password" name="secret" autocomplete="new-password"' in form
    assert "已设置。留空则保留，输入新密钥则替换。" in form and "删除密钥" in form
    # Saving with the field empty keeps it; a new one replaces it; the box removes it.
    head.post(url, {"url": hook, "secret": "", "active": "on"})
    assert TownshipChannel.objects.get(pk=config.pk).secret == "plain-Hook-Secret-42"
    head.post(url, {"url": hook, "secret": "second-Secret", "active": "on"})
    assert TownshipChannel.objects.get(pk=config.pk).secret == "second-Secret"
    head.post(url, {"url": hook, "clear_secret": "on", "active": "on"})
    assert TownshipChannel.objects.get(pk=config.pk).secret_enc == ""
    fresh = head.get(url).content.decode()
    assert "删除密钥" not in fresh and "已设置" not in fresh
    events = AuditEvent.objects.filter(action="notify.configure_channel").order_by("seq")
    assert [e.after["signed"] for e in events] == [True, True, True, False]


def test_the_bell_is_a_drawn_icon_not_an_emoji(demo):
    """No emoji (a box where the office PC has no emoji font): an inline icon and the word."""
    bell = client_for(member_of(demo, Role.PEACE_OFFICE_STAFF)).get(reverse("notify:bell"))
    text = bell.content.decode()
    assert bell.status_code == 200 and "🔔" not in text
    assert text.startswith('<svg class="icon" viewBox="0 0 24 24" aria-hidden="true"')
    assert "</svg> 通知" in text
