"""Each of the plan's three categories from receipt to close, with frozen time (plan §六, §七)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tests.incidents.helpers import REPORT, T0, actors, person
from yingji.audit.models import AuditEvent
from yingji.deadlines.choices import DeadlineState
from yingji.deadlines.queries import deadlines_of
from yingji.incidents import actions, actions_aftermath, actions_scene
from yingji.incidents.choices import DemandStatus, IncidentStatus, LogKind
from yingji.incidents.models import LogEntry
from yingji.notify.models import Notification
from yingji.orgs.choices import Role
from yingji.petitions.models import PetitionCase

pytestmark = pytest.mark.django_db


def _deadline(incident, rule):
    return next(d for d in deadlines_of(incident) if d.rule == rule)


def run_to_close(demo, category: str, *, arrive_after: int | None):
    """Drive one incident of ``category`` through the whole plan; return it and the clock."""
    a = actors(demo)
    with time_machine.travel(T0, tick=False) as clock:
        incident = actions.receive_incident(
            a[Role.PEACE_OFFICE_STAFF],
            demo,
            category=category,
            source="caller",
            summary="征地补偿款争议群众聚集",
            place="区信访局",
            headcount=23,
        )
        actions_scene.add_party(
            a[Role.PEACE_OFFICE_STAFF],
            incident,
            name="张某",
            contact="138",
            capacity="representative",
        )
        clock.shift(timedelta(minutes=6))
        actions.verify_incident(a[Role.PEACE_OFFICE_STAFF], incident, true=True)
        clock.shift(timedelta(minutes=4))
        actions.send_report(a[Role.PEACE_OFFICE_STAFF], incident, REPORT)
        report_deadline = _deadline(incident, "incident_report")
        assert report_deadline.state == DeadlineState.SATISFIED
        assert report_deadline.satisfied_at == T0 + timedelta(minutes=10)
        assert report_deadline.kept is True
        # The report reached every leading-group member at once, with every content.
        sent = Notification.objects.filter(kind="incident.report")
        assert sent.count() == 7
        assert "信访人（牵头人员）：推选代表张某、李某" in sent.first().body

        clock.shift(timedelta(minutes=2))
        actions.activate(a[Role.HEAD], incident)
        incident.refresh_from_db()
        assert incident.status == IncidentStatus.ACTIVATED
        assert incident.activated_at == T0 + timedelta(minutes=12)
        assert incident.activated_by.name == "王建国" and incident.activated_as == "head"
        assert incident.activated_plan_version == demo.plan_version

        tf = actions.form_task_force(
            a[Role.HEAD],
            incident,
            members=[
                ("leaders", person(demo, "李卫东")),
                ("peace_office", person(demo, "刘洋")),
                ("police_station", person(demo, "周伟")),
                ("villages", person(demo, "黄磊")),
            ],
            leader=person(demo, "李卫东"),
        )
        assert Notification.objects.filter(kind="incident.task_force").count() == 4
        huang = tf.members.get(member__name="黄磊")
        actions.check_in(a[Role.TASK_FORCE_MEMBER], huang, arrived=False)
        if arrive_after is not None:
            clock.move_to(incident.activated_at + timedelta(minutes=arrive_after))
            actions.check_in(a[Role.TASK_FORCE_MEMBER], huang, arrived=True)

        for step in incident.category_def.checklist:
            clock.shift(timedelta(minutes=1))
            actions_scene.tick_step(a[Role.TASK_FORCE_MEMBER], incident, step.key)
        actions_scene.add_log_entry(a[Role.TASK_FORCE_MEMBER], incident, "现场秩序平稳")
        actions_scene.send_situation_report(a[Role.TASK_FORCE_MEMBER], incident, "已劝离大部分人员")
        rep = incident.parties.get()
        first = actions_scene.register_demand(
            a[Role.TASK_FORCE_MEMBER], incident, content="补发征地补偿款", parties=[rep]
        )
        second = actions_scene.register_demand(
            a[Role.TASK_FORCE_MEMBER], incident, content="公开补偿标准", parties=[rep]
        )
        with pytest.raises(ValidationError, match="补发征地补偿款"):
            actions_aftermath.close_scene(a[Role.HEAD], incident)
        case1 = actions_scene.demand_to_case(a[Role.PEACE_OFFICE_STAFF], first)
        case2 = actions_scene.demand_to_case(a[Role.PEACE_OFFICE_STAFF], second)
        actions_aftermath.close_scene(a[Role.HEAD], incident)
        with pytest.raises(ValidationError):
            actions_aftermath.close_incident(a[Role.HEAD], incident)
        summary = {k: f"{v}内容" for k, v in actions_aftermath.SUMMARY_FIELDS.items()}
        actions_aftermath.file_summary_report(a[Role.PEACE_OFFICE_STAFF], incident, summary)
        actions_aftermath.close_incident(a[Role.HEAD], incident)
        incident.refresh_from_db()

    assert incident.status == IncidentStatus.CLOSED
    first.refresh_from_db()
    second.refresh_from_db()
    assert [first.status, second.status] == [DemandStatus.CASE, DemandStatus.CASE]
    assert [first.case, second.case] == [case1, case2]
    assert PetitionCase.objects.filter(channel="incident_demand").count() == 2
    assert case1.source_object == first
    return incident


@pytest.mark.parametrize("category", ["township", "district", "city_capital"])
def test_each_category_runs_from_receipt_to_close(demo, category):
    incident = run_to_close(demo, category, arrive_after=25)
    rules = {d.rule: d for d in deadlines_of(incident)}
    expected = {"township": "township_arrival", "district": "district_arrival"}.get(category)
    if expected:
        arrival = rules[expected]
        minutes = 30 if category == "township" else 40
        assert arrival.due_at == incident.activated_at + timedelta(minutes=minutes)
        assert arrival.state == DeadlineState.SATISFIED and arrival.kept is True
        assert arrival.satisfied_at == incident.activated_at + timedelta(minutes=25)
    else:
        assert set(rules) == {"incident_report"}
    # Ticks in the plan's order, and the log in time order.
    steps = [s.key for s in incident.category_def.checklist]
    assert list(incident.ticks.values_list("step_key", flat=True)) == steps
    entries = list(LogEntry.objects.filter(incident=incident))
    assert [e.at for e in entries] == sorted(e.at for e in entries)
    ticks = [e.text for e in entries if e.kind == LogKind.TICK]
    assert ticks == [f"✓ {s.title}" for s in incident.category_def.checklist]
    assert entries[0].text.startswith("收到事件") or entries[0].kind == LogKind.STATUS
    assert AuditEvent.objects.filter(action="incidents.close", object_id=str(incident.pk)).exists()


def test_district_arrival_after_40_minutes_is_a_breach(demo):
    incident = run_to_close(demo, "district", arrive_after=43)
    arrival = _deadline(incident, "district_arrival")
    assert arrival.satisfied_at == incident.activated_at + timedelta(minutes=43)
    assert arrival.kept is False


def test_report_after_15_minutes_is_a_breach(demo):
    a = actors(demo)
    with time_machine.travel(T0, tick=False) as clock:
        incident = actions.receive_incident(
            a[Role.PEACE_OFFICE_STAFF], demo, category="district", source="unit", summary="集访"
        )
        deadline = _deadline(incident, "incident_report")
        assert deadline.due_at == T0 + timedelta(minutes=15)
        assert deadline.remind_at == T0 + timedelta(minutes=10)
        clock.shift(timedelta(minutes=16))
        # Past due and unsatisfied: the worker's indexed query finds it.
        deadline.refresh_from_db()
        assert deadline.state in (DeadlineState.OPEN, DeadlineState.BREACHED)
        assert deadline.next_check_at is not None and deadline.next_check_at <= T0 + timedelta(
            minutes=16
        )
        actions.verify_incident(a[Role.PEACE_OFFICE_STAFF], incident, true=True)
        actions.send_report(a[Role.PEACE_OFFICE_STAFF], incident, REPORT)
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.SATISFIED
    assert deadline.satisfied_at == T0 + timedelta(minutes=16)
    assert deadline.kept is False


def test_incomplete_report_is_refused_naming_what_is_missing(demo):
    a = actors(demo)
    incident = actions.receive_incident(
        a[Role.PEACE_OFFICE_STAFF], demo, category="township", source="caller", summary="聚集"
    )
    actions.verify_incident(a[Role.PEACE_OFFICE_STAFF], incident, true=True)
    partial = {**REPORT, "cause": " ", "urgency": ""}
    partial.pop("lead_persons")
    with pytest.raises(ValidationError) as exc:
        actions.send_report(a[Role.PEACE_OFFICE_STAFF], incident, partial)
    errors = exc.value.message_dict
    assert set(errors) == {"__all__", "cause", "urgency", "lead_persons"}
    assert errors["__all__"] == ["报告缺少：原因、信访人（牵头人员）、紧急程度（预案§六(二)）。"]
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.VERIFIED
    assert not Notification.objects.filter(kind="incident.report").exists()


def test_activation_refused_for_non_head_and_unverified(demo):
    a = actors(demo)
    incident = actions.receive_incident(
        a[Role.PEACE_OFFICE_STAFF], demo, category="district", source="caller", summary="集访"
    )
    with pytest.raises(ValidationError, match="核实"):
        actions.activate(a[Role.HEAD], incident)
    actions.verify_incident(a[Role.PEACE_OFFICE_STAFF], incident, true=True)
    actions.send_report(a[Role.PEACE_OFFICE_STAFF], incident, REPORT)
    for role in (Role.DEPUTY, Role.MEMBER, Role.PEACE_OFFICE_HEAD, Role.PEACE_OFFICE_STAFF):
        with pytest.raises(PermissionDenied):
            actions.activate(a[role], incident)
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.REPORTED and incident.activated_at is None
    # A deputy recorded as acting head may.
    from yingji.orgs.models import LeadingGroupSeat

    LeadingGroupSeat.objects.filter(member=a[Role.DEPUTY].member).update(acting_head=True)
    actions.activate(a[Role.DEPUTY], incident)
    incident.refresh_from_db()
    assert (incident.activated_by.name, incident.activated_as) == ("李卫东", "acting_head")


def test_untrue_incident_is_dismissed_and_its_deadline_cancelled(demo):
    a = actors(demo)
    incident = actions.receive_incident(
        a[Role.PEACE_OFFICE_STAFF], demo, category="township", source="caller", summary="聚集"
    )
    with pytest.raises(ValidationError):
        actions.verify_incident(a[Role.PEACE_OFFICE_STAFF], incident, true=False)
    actions.verify_incident(a[Role.PEACE_OFFICE_STAFF], incident, true=False, note="现场无人聚集")
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.DISMISSED
    assert [d.state for d in deadlines_of(incident)] == [DeadlineState.CANCELLED]


def test_task_force_members_must_match_the_plan_unit_kind(demo):
    a = actors(demo)
    incident = actions.receive_incident(
        a[Role.PEACE_OFFICE_STAFF], demo, category="district", source="caller", summary="集访"
    )
    actions.verify_incident(a[Role.PEACE_OFFICE_STAFF], incident, true=True)
    actions.send_report(a[Role.PEACE_OFFICE_STAFF], incident, REPORT)
    actions.activate(a[Role.HEAD], incident)
    with pytest.raises(ValidationError, match="周伟"):
        actions.form_task_force(
            a[Role.HEAD], incident, members=[("villages", person(demo, "周伟"))]
        )
    tf = actions.form_task_force(
        a[Role.HEAD], incident, members=[("police_station", person(demo, "周伟"))]
    )
    zhou = tf.members.get()
    # Someone else may not check 周伟 in; the task-force formers may.
    with pytest.raises(PermissionDenied):
        actions.check_in(a[Role.TASK_FORCE_MEMBER], zhou, arrived=True)
    actions.check_in(a[Role.HEAD], zhou, arrived=True)
    with pytest.raises(ValidationError):
        actions.check_in(a[Role.HEAD], zhou, arrived=True)
