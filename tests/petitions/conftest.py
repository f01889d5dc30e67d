"""Fixtures of the petition tests: actors of the demo township and cases at given stages."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache

from tests.conftest import member_of
from yingji.orgs.access import Actor
from yingji.orgs.choices import Role
from yingji.orgs.models import Member, Unit
from yingji.petitions import actions

SH = ZoneInfo("Asia/Shanghai")
NAME = "张秀兰"
PHONE = "13912345678"


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


def actor(township, role) -> Actor:
    return Actor.for_member(member_of(township, role))


@pytest.fixture
def staff(demo) -> Actor:
    return actor(demo, Role.PEACE_OFFICE_STAFF)


@pytest.fixture
def head(demo) -> Actor:
    return actor(demo, Role.HEAD)


@pytest.fixture
def peace_head(demo) -> Actor:
    return actor(demo, Role.PEACE_OFFICE_HEAD)


def receive(township, staff, at: datetime, **kw):
    kw.setdefault("channel", "visit")
    kw.setdefault("summary", "宅基地确权纠纷")
    kw.setdefault("parties", [{"name": NAME, "phone": PHONE, "address": "东岭村3组"}])
    with time_machine.travel(at, tick=False):
        return actions.receive_case(staff, township, received_at=at, **kw)


def five_ones(township) -> dict:
    return {
        "handling_unit": Unit.objects.get(township=township, name="东岭村"),
        "lead_official": Member.objects.get(township=township, name="李卫东"),
        "responsible_person": Member.objects.get(township=township, name="黄磊"),
        "measures": "入户走访，调取确权档案",
        "resolution_plan": "依档案重新测量，30日内答复",
    }


def in_resolution(township, staff, peace_head, at: datetime, **kw):
    """Return a case received and accepted at ``at``, five-ones named, resolution started."""
    case = receive(township, staff, at, **kw)
    with time_machine.travel(at, tick=False):
        actions.accept_case(staff, case, at=at)
        actions.set_five_ones(peace_head, case, **five_ones(township))
        actions.start_resolution(staff, case, at=at)
    return case
