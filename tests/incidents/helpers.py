"""Shared steps of the incident tests: actors of the demo township and a full report."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tests.conftest import member_of
from yingji.orgs.access import Actor
from yingji.orgs.choices import Role
from yingji.orgs.models import Member, Township

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 30, 9, 0, tzinfo=SH)

REPORT = {
    "time": "11月30日8时50分起",
    "place": "区信访局接待大厅",
    "cause": "征地补偿款发放争议",
    "headcount": "23人",
    "lead_persons": "推选代表张某、李某",
    "potential_harm": "影响接待秩序",
    "urgency": "紧急",
    "development": "人员情绪平稳，未见过激行为",
}


def actors(township: Township) -> dict[str, Actor]:
    """Return the demo township's actors by role name."""
    return {
        role: Actor.for_member(member_of(township, role))
        for role in (
            Role.HEAD,
            Role.DEPUTY,
            Role.MEMBER,
            Role.PEACE_OFFICE_HEAD,
            Role.PEACE_OFFICE_STAFF,
            Role.TASK_FORCE_MEMBER,
            Role.AUDITOR,
        )
    }


def person(township: Township, name: str) -> Member:
    """Return the demo member called ``name``."""
    return Member.objects.get(township=township, name=name)
