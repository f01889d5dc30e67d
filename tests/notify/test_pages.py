"""A member's channels page and the township's channel set-up page."""

from __future__ import annotations

import re

import pytest

from tests.conftest import client_for, member_of
from yingji.audit.models import AuditEvent
from yingji.notify.models import ChannelChoice, TownshipChannel

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
