"""Plan deadlines open on their starting event and are satisfied by their ending event."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from yingji.deadlines import actions
from yingji.deadlines.choices import DeadlineState
from yingji.deadlines.models import Deadline
from yingji.deadlines.queries import deadlines_of
from yingji.plans.schema import Event

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 29, 10, 0, tzinfo=SH)


def test_received_opens_the_15_minute_report(demo):
    with transaction.atomic():
        [d] = actions.open_plan_deadlines(
            demo,
            township=demo,
            plan_version=demo.plan_version,
            event=Event.INCIDENT_RECEIVED,
            at=T0,
            category="district",
        )
    assert (d.rule, d.amount, d.unit, d.due_at, d.remind_at) == (
        "incident_report",
        15,
        "minutes",
        T0 + timedelta(minutes=15),
        T0 + timedelta(minutes=10),
    )
    assert (
        d.source == "XX镇信访维稳工作应急处置预案 第1版 §六(二)" and d.next_check_at == d.remind_at
    )


def test_activation_opens_the_tiers_arrival_deadline(demo):
    with transaction.atomic():
        district = actions.open_plan_deadlines(
            demo,
            township=demo,
            plan_version=demo.plan_version,
            event=Event.INCIDENT_ACTIVATED,
            at=T0,
            category="district",
        )
        city = actions.open_plan_deadlines(
            demo,
            township=demo,
            plan_version=demo.plan_version,
            event=Event.INCIDENT_ACTIVATED,
            at=T0,
            category="city_capital",
        )
    assert [(d.rule, d.amount) for d in district] == [("district_arrival", 40)]
    assert city == []


def test_arrival_satisfies_on_time_and_late(demo):
    with transaction.atomic():
        actions.open_plan_deadlines(
            demo,
            township=demo,
            plan_version=demo.plan_version,
            event=Event.INCIDENT_ACTIVATED,
            at=T0,
            category="district",
        )
        [d] = actions.satisfy_plan_deadlines(
            demo, event=Event.TASK_FORCE_FIRST_ARRIVAL, at=T0 + timedelta(minutes=39)
        )
    assert d.state == DeadlineState.SATISFIED and d.kept is True and d.next_check_at is None
    assert [x.rule for x in deadlines_of(demo)] == ["district_arrival"]


@pytest.mark.django_db(transaction=True)
def test_deadlines_change_only_inside_a_transaction(demo):
    with pytest.raises(transaction.TransactionManagementError):
        actions.open_plan_deadlines(
            demo,
            township=demo,
            plan_version=demo.plan_version,
            event=Event.INCIDENT_RECEIVED,
            at=T0,
        )
    assert Deadline.objects.count() == 0
