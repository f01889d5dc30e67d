"""The demo township built at a frozen moment, so that its duty roster covers the tests' times."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction

from yingji.deadlines import actions
from yingji.deadlines.choices import DeadlineUnit
from yingji.deadlines.models import Deadline
from yingji.orgs.demo import create_demo_township
from yingji.orgs.models import Township

SH = ZoneInfo("Asia/Shanghai")
#: Monday 30 November 2026, 10:00 in Shanghai: 刘洋 (peace office staff) is on the day shift.
T0 = datetime(2026, 11, 30, 10, 0, tzinfo=SH)


@pytest.fixture
def town(db) -> Township:
    """示例镇, created on 29 November 2026 at 08:00 Shanghai (its roster runs 14 days from then)."""
    with time_machine.travel(datetime(2026, 11, 29, 8, 0, tzinfo=SH), tick=False):
        create_demo_township()
    return Township.objects.get(code="demo")


def open_minutes(
    township: Township, minutes: int = 15, at: datetime = T0, rule: str = "incident_report"
) -> Deadline:
    """Open a plan-style minute deadline on ``township`` (as its own subject) at ``at``."""
    with transaction.atomic():
        return actions.open_deadline(
            township,
            township=township,
            rule=rule,
            label="核实并向领导小组报告",
            source="预案 §六(二)",
            unit=DeadlineUnit.MINUTES,
            amount=minutes,
            opened_at=at,
            plan_version=township.plan_version,
        )


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


from tests.notify.conftest import http_server, smtp_server  # noqa: E402,F401 - shared fixtures
