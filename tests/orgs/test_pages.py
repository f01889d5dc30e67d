"""Organisation pages: forms keep what was typed, errors sit by their fields, roles are enforced."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from tests.conftest import client_for, member_of
from yingji.audit.models import AuditEvent
from yingji.orgs.choices import Role
from yingji.orgs.models import DutyShift, Member, Unit

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def office_head(demo):
    return client_for(member_of(demo, Role.PEACE_OFFICE_HEAD))


def test_new_unit_through_the_page(office_head, demo):
    response = office_head.post(
        reverse("orgs:unit_new"), {"name": "北山村", "kind": "village", "active": "on"}
    )
    assert response.status_code == 302
    assert Unit.objects.get(township=demo, name="北山村").kind == "village"
    assert AuditEvent.objects.filter(action="orgs.create_unit", actor_label="陈静").count() == 1


def test_rejected_form_keeps_what_was_typed(office_head, demo):
    response = office_head.post(
        reverse("orgs:unit_new"), {"name": "东岭村", "kind": "village", "phone": "0571-88886666"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="0571-88886666"' in page and 'value="东岭村"' in page
    assert response.context["form"].errors == {"name": ["本镇已有名为东岭村的单位。"]}
    assert Unit.objects.filter(township=demo, name="东岭村").count() == 1


def test_edit_member_audits_before_and_after(office_head, demo):
    member = Member.objects.get(township=demo, name="何丽")
    response = office_head.post(
        reverse("orgs:member_edit", args=[member.pk]),
        {
            "name": "何丽",
            "unit": member.unit_id,
            "title": "社会事务办副主任",
            "phone": "",
            "email": "",
            "role": Role.TASK_FORCE_MEMBER,
            "active": "on",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="orgs.update_member")
    assert (event.before["title"], event.after["title"]) == (
        "社会事务办公室干部",
        "社会事务办副主任",
    )


def test_shift_times_are_shanghai_time(office_head, demo):
    officer = Member.objects.get(township=demo, name="郑敏")
    response = office_head.post(
        reverse("orgs:shift_add"),
        {
            "member": officer.pk,
            "starts_at": "2026-12-24T08:30",
            "ends_at": "2026-12-24T17:30",
            "note": "平安夜",
        },
    )
    assert response.status_code == 302
    shift = DutyShift.objects.get(note="平安夜")
    assert shift.starts_at == datetime(2026, 12, 24, 8, 30, tzinfo=SH)
    assert shift.ends_at.astimezone(ZoneInfo("UTC")).hour == 9


def test_shift_ending_before_start_shows_the_error_by_the_field(office_head, demo):
    officer = Member.objects.get(township=demo, name="郑敏")
    response = office_head.post(
        reverse("orgs:shift_add"),
        {
            "member": officer.pk,
            "starts_at": "2026-12-24T17:30",
            "ends_at": "2026-12-24T08:30",
            "note": "错",
        },
    )
    assert response.context["form"].errors == {"ends_at": ["值班结束时间必须晚于开始时间。"]}
    assert 'value="2026-12-24T17:30"' in response.content.decode()
    assert not DutyShift.objects.filter(note="错").exists()


def test_create_login_shows_the_password_once(office_head, demo):
    member = Member.objects.get(township=demo, name="郑敏")
    response = office_head.post(
        reverse("orgs:member_login", args=[member.pk]), {"username": "zhengmin"}
    )
    member.refresh_from_db()
    assert member.user.check_password(response.context["password"])
    assert response.context["password"] in response.content.decode()


@pytest.mark.parametrize(
    "role", [Role.PEACE_OFFICE_STAFF, Role.HEAD, Role.TASK_FORCE_MEMBER, Role.AUDITOR]
)
def test_other_roles_can_read_but_not_manage(demo, role):
    client = client_for(member_of(demo, role))
    assert client.get(reverse("orgs:overview")).status_code == 200
    assert client.get(reverse("orgs:unit_new")).status_code == 403
    assert (
        client.post(reverse("orgs:unit_new"), {"name": "北山村", "kind": "village"}).status_code
        == 403
    )
    shift = DutyShift.objects.filter(township=demo).first()
    assert client.post(reverse("orgs:shift_remove", args=[shift.pk])).status_code == 403
    assert not Unit.objects.filter(name="北山村").exists()
    assert DutyShift.objects.filter(pk=shift.pk).exists()


def test_overview_heads_say_name_of_a_person_or_of_a_unit(demo):
    page = client_for(member_of(demo, Role.PEACE_OFFICE_STAFF)).get(reverse("orgs:overview"))
    heads = [h.split("</th>")[0] for h in page.content.decode().split("<th>")[1:]]
    assert heads.count("姓名") == 2 and heads.count("名称") == 1  # seats, members; units
    assert "姓名/名称" not in heads
