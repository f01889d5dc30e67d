"""Receiving a petition case opens the 15-day acceptance deadline (《信访工作条例》第二十二条)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import member_of
from yingji.deadlines.queries import deadlines_of
from yingji.orgs.access import Actor
from yingji.orgs.choices import Role
from yingji.petitions.actions import ACCEPTANCE_RULE, receive_case

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def test_acceptance_deadline_ends_at_midnight_15_days_on(demo):
    staff = Actor.for_member(member_of(demo, Role.PEACE_OFFICE_STAFF))
    case = receive_case(
        staff,
        demo,
        channel="letter",
        summary="征地补偿款未发放",
        received_at=datetime(2026, 12, 20, 16, 0, tzinfo=SH),
    )
    assert case.number == "XF2026-0001"
    [d] = deadlines_of(case)
    assert (d.rule, d.unit, d.amount, d.source) == (
        ACCEPTANCE_RULE,
        "days",
        15,
        "《信访工作条例》第二十二条",
    )
    assert d.due_at == datetime(2027, 1, 5, 0, 0, tzinfo=SH)
