"""Organisation actions: validation, permissions, audit, and nothing written on refusal."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tests.conftest import member_of
from yingji.audit.models import AuditEvent
from yingji.orgs import actions, queries
from yingji.orgs.access import Actor
from yingji.orgs.choices import Role, Seat, UnitKind
from yingji.orgs.models import DutyShift, LeadingGroupSeat, Member, Unit

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def head_of_office(demo) -> Actor:
    return Actor.for_member(member_of(demo, Role.PEACE_OFFICE_HEAD), "10.0.0.7")


def test_create_unit_writes_the_audit_event(demo, head_of_office):
    unit = actions.create_unit(head_of_office, demo, name="北山村", kind=UnitKind.VILLAGE)
    event = AuditEvent.objects.get(action="orgs.create_unit", object_id=str(unit.pk))
    assert (event.actor_label, event.source_ip, event.township_id) == ("陈静", "10.0.0.7", demo.pk)
    assert event.after == {"name": "北山村", "kind": "village", "phone": "", "active": True}


def test_update_unit_records_before_and_after(demo, head_of_office):
    unit = Unit.objects.get(township=demo, name="东岭村")
    actions.update_unit(head_of_office, unit, phone="0571-1234567")
    event = AuditEvent.objects.get(action="orgs.update_unit")
    assert (event.before["phone"], event.after["phone"]) == ("", "0571-1234567")


def test_duplicate_unit_name_is_refused_and_nothing_written(demo, head_of_office):
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        actions.create_unit(head_of_office, demo, name="东岭村", kind=UnitKind.VILLAGE)
    assert caught.value.message_dict == {"name": ["本镇已有名为东岭村的单位。"]}
    assert Unit.objects.filter(township=demo, name="东岭村").count() == 1
    assert AuditEvent.objects.count() == before


def test_staff_cannot_manage_the_organisation(demo):
    staff = Actor.for_member(member_of(demo, Role.PEACE_OFFICE_STAFF))
    with pytest.raises(PermissionDenied):
        actions.create_unit(staff, demo, name="北山村", kind=UnitKind.VILLAGE)
    assert not Unit.objects.filter(name="北山村").exists()


def test_a_second_head_is_refused(demo, head_of_office):
    deputy = Member.objects.get(township=demo, name="李卫东")
    with pytest.raises(ValidationError) as caught:
        actions.set_seat(head_of_office, deputy, Seat.HEAD)
    assert caught.value.message_dict == {"seat": ["领导小组已有组长：王建国。"]}
    assert LeadingGroupSeat.objects.get(member=deputy).seat == Seat.DEPUTY


def test_only_a_deputy_acts_as_head(demo, head_of_office):
    member = Member.objects.get(township=demo, name="孙志强")
    with pytest.raises(ValidationError):
        actions.set_seat(head_of_office, member, Seat.MEMBER, acting_head=True)
    deputy = Member.objects.get(township=demo, name="李卫东")
    seat = actions.set_seat(head_of_office, deputy, Seat.DEPUTY, acting_head=True)
    assert seat.acting_head and LeadingGroupSeat.objects.filter(township=demo).count() == 7


def test_duty_shift_must_end_after_it_starts(demo, head_of_office):
    officer = Member.objects.get(township=demo, name="刘洋")
    start = datetime(2026, 12, 1, 8, 30, tzinfo=SH)
    before = DutyShift.objects.count()
    with pytest.raises(ValidationError):
        actions.add_duty_shift(head_of_office, officer, start, start, "错")
    assert DutyShift.objects.count() == before


def test_on_duty_follows_the_roster_in_shanghai_time(demo, head_of_office):
    officer = Member.objects.get(township=demo, name="刘洋")
    DutyShift.objects.filter(township=demo).delete()
    actions.add_duty_shift(
        head_of_office,
        officer,
        datetime(2026, 12, 1, 8, 30, tzinfo=SH),
        datetime(2026, 12, 1, 17, 30, tzinfo=SH),
    )
    with time_machine.travel(datetime(2026, 12, 1, 17, 29, tzinfo=SH), tick=False):
        assert [s.member.name for s in queries.on_duty(demo)] == ["刘洋"]
    with time_machine.travel(datetime(2026, 12, 1, 17, 30, tzinfo=SH), tick=False):
        assert list(queries.on_duty(demo)) == []
    # 00:30 UTC on 1 Dec is 08:30 in Shanghai: the shift has begun.
    assert [
        s.member.name
        for s in queries.on_duty(demo, datetime(2026, 12, 1, 0, 30, tzinfo=ZoneInfo("UTC")))
    ] == ["刘洋"]


def test_create_login_gives_a_one_time_password(demo, head_of_office):
    member = Member.objects.get(township=demo, name="郑敏")
    password = actions.create_login(head_of_office, member, "zhengmin")
    member.refresh_from_db()
    assert member.user.username == "zhengmin" and member.must_change_password
    assert member.user.check_password(password) and len(password) == 14
    assert not member.user.is_superuser
    event = AuditEvent.objects.get(action="orgs.create_login", object_id=str(member.pk))
    assert event.after == {"username": "zhengmin", "superuser": False}
    assert password not in str(event.after)


def test_only_the_system_makes_superusers(demo, head_of_office):
    member = Member.objects.get(township=demo, name="郑敏")
    with pytest.raises(PermissionDenied):
        actions.create_login(head_of_office, member, "zhengmin", superuser=True)
    member.refresh_from_db()
    assert member.user is None


def test_member_of_another_townships_unit_is_refused(demo, other, head_of_office):
    foreign_unit = Unit.objects.get(township=other, name="东岭村")
    with pytest.raises(ValidationError):
        actions.create_member(
            head_of_office, demo, name="张三", unit=foreign_unit, role=Role.TASK_FORCE_MEMBER
        )
    assert not Member.objects.filter(name="张三").exists()


def test_cannot_act_in_another_township(demo, other, head_of_office):
    with pytest.raises(PermissionDenied):
        actions.create_unit(head_of_office, other, name="北山村", kind=UnitKind.VILLAGE)
