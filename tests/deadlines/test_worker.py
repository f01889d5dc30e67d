"""The worker: reminder at two thirds, breach at the due time, escalation along the plan's chain."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import transaction

from yingji.audit.models import AuditEvent
from yingji.deadlines import actions
from yingji.deadlines.choices import DeadlineState, DeadlineUnit
from yingji.deadlines.models import Deadline
from yingji.deadlines.worker import run_once
from yingji.notify.models import Notification
from yingji.orgs.access import Actor
from yingji.orgs.models import Member

from .conftest import SH, T0, minutes, open_minutes

pytestmark = pytest.mark.django_db


def at(moment: datetime) -> int:
    """Run one worker pass with the clock frozen at ``moment``; return what it handled."""
    with time_machine.travel(moment, tick=False):
        return run_once()


def sent(kind: str | None = None) -> list[tuple[str, str]]:
    """Return (kind, recipient name) of the in-app notifications, oldest first."""
    rows = Notification.objects.filter(channel="in_app").order_by("id")
    if kind:
        rows = rows.filter(kind=kind)
    return [(n.kind, n.recipient.name) for n in rows.select_related("recipient")]


def test_it_reminds_the_duty_officer_at_two_thirds(town):
    d = open_minutes(town, 15)
    assert at(T0 + minutes(10) - timedelta(seconds=1)) == 0
    assert sent() == []
    assert at(T0 + minutes(10)) == 1
    d.refresh_from_db()
    assert d.reminded_at == T0 + minutes(10) and d.next_check_at == T0 + minutes(15)
    [n] = Notification.objects.all()
    assert (n.kind, n.recipient.name, n.state) == ("deadline.reminder", "刘洋", "sent")
    assert n.subject == "提醒：核实并向领导小组报告 将于 2026年11月30日 10:15 到期（示例镇）"
    assert n.idempotency_key == f"deadline:{d.pk}:reminder:{n.recipient_id}:in_app"
    assert at(T0 + minutes(12)) == 0  # nothing more until the due time


def test_it_records_the_breach_at_the_due_time_and_starts_escalating(town):
    d = open_minutes(town, 15)
    at(T0 + minutes(10))
    assert at(T0 + minutes(15) - timedelta(seconds=1)) == 0
    d.refresh_from_db()
    assert d.state == DeadlineState.OPEN and d.breached_at is None
    assert at(T0 + minutes(15)) == 2  # the breach, then step 0 (after 0 minutes)
    d.refresh_from_db()
    assert (d.state, d.breached_at, d.escalation_step) == ("breached", T0 + minutes(15), 1)
    assert d.escalation_chain == [
        {"role": "duty_officer", "after_minutes": 0},
        {"role": "peace_office_head", "after_minutes": 10},
        {"role": "head", "after_minutes": 20},
    ]
    assert d.next_check_at == T0 + minutes(25)
    assert sent("deadline.escalation") == [("deadline.escalation", "刘洋")]
    event = AuditEvent.objects.get(action="deadlines.breach")
    assert (event.actor_label, event.object_id) == ("worker", str(d.pk))


def test_escalation_steps_follow_their_delays_then_stop(town):
    open_minutes(town, 15)
    at(T0 + minutes(15))
    assert at(T0 + minutes(25) - timedelta(seconds=1)) == 0
    assert at(T0 + minutes(25)) == 1
    assert sent("deadline.escalation")[-1] == ("deadline.escalation", "陈静")
    assert at(T0 + minutes(35) - timedelta(seconds=1)) == 0
    assert at(T0 + minutes(35)) == 1
    assert sent("deadline.escalation") == [
        ("deadline.escalation", "刘洋"),
        ("deadline.escalation", "陈静"),
        ("deadline.escalation", "王建国"),
    ]
    d = Deadline.objects.get()
    assert d.escalation_step == 3 and d.next_check_at is None
    assert at(T0 + minutes(600)) == 0


def test_an_escalation_message_carries_a_signed_acknowledgement_link(town):
    d = open_minutes(town, 15)
    at(T0 + minutes(15))
    n = Notification.objects.get(kind="deadline.escalation")
    assert n.subject == "超时：核实并向领导小组报告 应于 2026年11月30日 10:15 完成（示例镇）"
    lines = n.body.splitlines()
    assert lines[0] == "已作为值班人员升级通报给您。"
    assert lines[1] == "依据：预案 §六(二)"
    assert lines[2].startswith("确认收到（停止升级通报）：http://127.0.0.1:8000/deadlines/ack/")
    assert n.link == f"http://127.0.0.1:8000/deadlines/#deadline-{d.pk}"


def test_acknowledgement_stops_the_escalation_and_is_audited(town):
    d = open_minutes(town, 15)
    at(T0 + minutes(15))
    duty = Member.objects.get(name="刘洋")
    with time_machine.travel(T0 + minutes(18), tick=False):
        actions.acknowledge(Actor.for_member(duty), d)
    d.refresh_from_db()
    assert (d.acknowledged_at, d.acknowledged_by, d.acknowledged_by_name) == (
        T0 + minutes(18),
        duty.user,
        "刘洋",
    )
    assert d.next_check_at is None and d.state == "breached"
    assert at(T0 + minutes(25)) == 0 and at(T0 + minutes(35)) == 0
    assert sent("deadline.escalation") == [("deadline.escalation", "刘洋")]
    event = AuditEvent.objects.get(action="deadlines.acknowledge")
    assert (event.actor_label, event.after) == (
        "刘洋",
        {"rule": "incident_report", "escalation_step": 1},
    )


def test_satisfied_before_the_due_time_it_never_breaches(town):
    d = open_minutes(town, 15)
    at(T0 + minutes(10))
    with transaction.atomic():
        actions.satisfy(town, "incident_report", at=T0 + minutes(14))
    assert at(T0 + minutes(15)) == 0 and at(T0 + minutes(60)) == 0
    d.refresh_from_db()
    assert (d.state, d.breached_at, d.kept, d.phase) == ("satisfied", None, True, "satisfied")
    assert sent() == [("deadline.reminder", "刘洋")]


def test_satisfied_after_the_breach_it_stops_escalating_and_stays_late(town):
    d = open_minutes(town, 15)
    at(T0 + minutes(15))
    with transaction.atomic():
        actions.satisfy(town, "incident_report", at=T0 + minutes(20))
    assert at(T0 + minutes(25)) == 0
    d.refresh_from_db()
    assert (d.state, d.breached_at, d.satisfied_at, d.kept, d.phase) == (
        "satisfied",
        T0 + minutes(15),
        T0 + minutes(20),
        False,
        "late",
    )
    assert len(sent("deadline.escalation")) == 1


def test_a_plan_edit_after_the_breach_does_not_change_the_running_escalation(town):
    # A statute deadline has no plan version of its own: it escalates along the plan in force.
    with transaction.atomic():
        d = actions.open_deadline(
            town,
            township=town,
            rule="petition.test",
            label="核实并向领导小组报告",
            source="测试",
            unit=DeadlineUnit.MINUTES,
            amount=15,
            opened_at=T0,
        )
    at(T0 + minutes(15))
    # A new plan version with a faster chain is put in force after the breach.
    from yingji.plans.actions import adopt_plan, publish_plan

    text = town.plan_version.source_text.replace(
        "{role: peace_office_head, after_minutes: 10}",
        "{role: peace_office_head, after_minutes: 1}",
    )
    system = Actor.system("test")
    adopt_plan(system, town, publish_plan(system, text, township=town))
    town.refresh_from_db()
    assert town.plan_version.plan.escalation[1].after_minutes == 1
    assert at(T0 + minutes(16)) == 0  # the copied chain still says 10 minutes
    assert at(T0 + minutes(25)) == 1
    d.refresh_from_db()
    assert d.escalation_chain[1] == {"role": "peace_office_head", "after_minutes": 10}


def test_a_day_deadline_breaches_at_shanghai_midnight_across_a_month_end(town):
    # Received 31 January 2027 23:50 Shanghai; 15 days → due 16 February 00:00 Shanghai.
    opened = datetime(2027, 1, 31, 23, 50, tzinfo=SH)
    with transaction.atomic():
        d = actions.open_deadline(
            town,
            township=town,
            rule="petition.art22_notice",
            label="告知是否受理",
            source="《信访工作条例》第二十二条",
            unit=DeadlineUnit.DAYS,
            amount=15,
            opened_at=opened,
        )
    due = datetime(2027, 2, 16, 0, 0, tzinfo=SH)
    assert d.due_at == due and d.due_at.astimezone(SH).utcoffset() == timedelta(hours=8)
    assert at(due - timedelta(seconds=1)) == 1  # only the (late) reminder
    d.refresh_from_db()
    assert d.state == "open"
    assert at(due) == 2
    d.refresh_from_db()
    assert d.state == "breached" and d.breached_at == datetime(2027, 2, 15, 16, 0, tzinfo=UTC)


def test_nobody_on_duty_falls_back_to_the_peace_office_head(town):
    # 5 January 2027 is past the demo roster's 14 days.
    late = datetime(2027, 1, 5, 10, 0, tzinfo=SH)
    open_minutes(town, 15, at=late)
    at(late + minutes(10))
    assert sent() == [("deadline.reminder", "陈静")]


def test_with_no_head_seat_the_last_step_goes_back_down_the_chain(town):
    from yingji.orgs.models import LeadingGroupSeat

    LeadingGroupSeat.objects.filter(township=town, seat="head").delete()
    open_minutes(town, 15)
    at(T0 + minutes(35))
    assert sent("deadline.escalation")[-1] == ("deadline.escalation", "陈静")


def test_a_day_deadline_counts_from_the_shanghai_date_across_the_date_line(town):
    # 16:30 UTC on 31 March 2027 is already 1 April in Shanghai: 60 days → 24:00 on 31 May.
    opened = datetime(2027, 3, 31, 16, 30, tzinfo=UTC)
    with transaction.atomic():
        d = actions.open_deadline(
            town,
            township=town,
            rule="petition.art35_handle",
            label="办理",
            source="《信访工作条例》第三十五条",
            unit=DeadlineUnit.DAYS,
            amount=60,
            opened_at=opened,
        )
    assert d.due_at == datetime(2027, 5, 31, 16, 0, tzinfo=UTC)
    at(d.due_at - timedelta(seconds=1))
    d.refresh_from_db()
    assert d.state == "open" and d.reminded_at is not None
    at(d.due_at)
    d.refresh_from_db()
    assert (d.state, d.breached_at) == ("breached", datetime(2027, 6, 1, 0, 0, tzinfo=SH))
