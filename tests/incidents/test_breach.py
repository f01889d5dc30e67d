"""The 15-minute report and the 40-minute arrival, breached: the worker records it and escalates.

Plan §六(二) (report within 15 minutes of receipt) and §六(五)2(1) (task force at the
place within 40 minutes of activation); escalation along the plan's chain
(duty officer → peace office head after 10 minutes → head after 20), until acknowledged.
"""

from datetime import timedelta

import pytest
import time_machine

from tests.deadlines.conftest import T0, town  # noqa: F401  (the roster covers T0)
from yingji.deadlines.actions import acknowledge
from yingji.deadlines.models import Deadline
from yingji.deadlines.worker import run_once
from yingji.incidents import actions
from yingji.notify.models import Notification
from yingji.orgs.access import Actor
from yingji.orgs.choices import Role

from .helpers import REPORT, actors, person

pytestmark = pytest.mark.django_db


def pass_at(moment):
    with time_machine.travel(moment, tick=False):
        return run_once()


def in_app(kind):
    rows = (
        Notification.objects.filter(channel="in_app", kind=kind)
        .order_by("id")
        .select_related("recipient")
    )
    return [n.recipient.name for n in rows]


def test_an_unsent_report_is_breached_at_15_minutes_and_escalated_until_acknowledged(town):  # noqa: F811
    a = actors(town)
    with time_machine.travel(T0, tick=False):
        incident = actions.receive_incident(
            a[Role.PEACE_OFFICE_STAFF],
            town,
            category="district",
            source="caller",
            summary="群众到区信访局集访",
        )
    report = Deadline.objects.get(rule="incident_report", object_id=str(incident.pk))
    assert pass_at(T0 + timedelta(minutes=10)) == 1
    assert in_app("deadline.reminder") == ["刘洋"]  # the duty officer on the day shift
    pass_at(T0 + timedelta(minutes=15))
    report.refresh_from_db()
    assert (report.state, report.breached_at) == ("breached", T0 + timedelta(minutes=15))
    assert in_app("deadline.escalation") == ["刘洋"]
    pass_at(T0 + timedelta(minutes=25))
    assert in_app("deadline.escalation") == [
        "刘洋",
        "陈静",
    ]  # the peace office head after 10 minutes
    with time_machine.travel(T0 + timedelta(minutes=27), tick=False):
        acknowledge(Actor.for_member(person(town, "陈静")), report)
    pass_at(T0 + timedelta(minutes=40))
    assert in_app("deadline.escalation") == ["刘洋", "陈静"]  # acknowledged: the head is not called
    # The report sent late satisfies the deadline, which stays not kept.
    with time_machine.travel(T0 + timedelta(minutes=41), tick=False):
        actions.verify_incident(a[Role.PEACE_OFFICE_STAFF], incident, true=True)
        actions.send_report(a[Role.PEACE_OFFICE_STAFF], incident, REPORT)
    report.refresh_from_db()
    assert report.satisfied_at == T0 + timedelta(minutes=41) and report.kept is False


def test_the_district_arrival_breaches_at_40_minutes_without_an_arrival(town):  # noqa: F811
    a = actors(town)
    with time_machine.travel(T0, tick=False):
        incident = actions.receive_incident(
            a[Role.PEACE_OFFICE_STAFF],
            town,
            category="district",
            source="caller",
            summary="群众到区信访局集访",
        )
        actions.verify_incident(a[Role.PEACE_OFFICE_STAFF], incident, true=True)
        actions.send_report(a[Role.PEACE_OFFICE_STAFF], incident, REPORT)
        actions.activate(a[Role.HEAD], incident)
    arrival = Deadline.objects.get(rule="district_arrival", object_id=str(incident.pk))
    assert arrival.due_at == T0 + timedelta(minutes=40)
    pass_at(T0 + timedelta(minutes=40))
    arrival.refresh_from_db()
    assert arrival.state == "breached" and arrival.breached_at == T0 + timedelta(minutes=40)
    assert Deadline.objects.get(rule="incident_report", object_id=str(incident.pk)).kept is True


def test_the_home_page_counts_the_breach(town):  # noqa: F811
    from tests.conftest import client_for, member_of

    a = actors(town)
    with time_machine.travel(T0, tick=False):
        actions.receive_incident(
            a[Role.PEACE_OFFICE_STAFF],
            town,
            category="township",
            source="unit",
            summary="东岭村村民聚集",
        )
    client = client_for(member_of(town, Role.PEACE_OFFICE_STAFF))
    with time_machine.travel(T0 + timedelta(minutes=16), tick=False):
        before = client.get("/").content.decode()
        run_once()
        after = client.get("/").content.decode()
    count = '<span class="n">{}</span><span>已超时</span>'
    assert count.format(0) in before and count.format(1) in after
