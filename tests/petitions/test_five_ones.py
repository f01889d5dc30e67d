"""A case cannot start resolution with any five-ones field empty (plan §七(一))."""

from datetime import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.conftest import member_of
from yingji.notify.models import Notification
from yingji.orgs.access import Actor
from yingji.orgs.choices import Role
from yingji.petitions import actions
from yingji.petitions.choices import CaseStatus

from .conftest import SH, five_ones, receive

pytestmark = pytest.mark.django_db

PLAN_NAMES = {
    "handling_unit": "责任单位",
    "lead_official": "牵头领导",
    "responsible_person": "责任人",
    "measures": "工作措施",
    "resolution_plan": "化解方案",
}


@pytest.mark.parametrize("empty", list(PLAN_NAMES))
def test_resolution_waits_for_each_of_the_five(demo, staff, peace_head, empty):
    case = receive(demo, staff, datetime(2026, 3, 1, 9, 0, tzinfo=SH))
    actions.accept_case(staff, case, at=datetime(2026, 3, 2, tzinfo=SH))
    named = five_ones(demo)
    named[empty] = "" if empty in ("measures", "resolution_plan") else None
    actions.set_five_ones(peace_head, case, **named)
    with pytest.raises(ValidationError) as err:
        actions.start_resolution(staff, case)
    assert list(err.value.message_dict) == [empty]
    assert PLAN_NAMES[empty] in err.value.message_dict[empty][0]
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED


def test_with_all_five_resolution_starts_and_the_named_are_told(demo, staff, peace_head):
    case = receive(demo, staff, datetime(2026, 3, 1, 9, 0, tzinfo=SH))
    actions.accept_case(staff, case, at=datetime(2026, 3, 2, tzinfo=SH))
    actions.set_five_ones(peace_head, case, **five_ones(demo))
    actions.start_resolution(staff, case, at=datetime(2026, 3, 3, tzinfo=SH))
    assert case.status == CaseStatus.IN_RESOLUTION
    told = set(
        Notification.objects.filter(kind="petition.assigned").values_list(
            "recipient__name", flat=True
        )
    )
    assert told == {"李卫东", "黄磊"}


def test_only_leaders_name_the_five_ones(demo, staff):
    case = receive(demo, staff, datetime(2026, 3, 1, 9, 0, tzinfo=SH))
    with pytest.raises(PermissionDenied):
        actions.set_five_ones(staff, case, **five_ones(demo))


def test_the_accused_unit_cannot_handle_a_report_against_it(demo, staff, peace_head):
    named = five_ones(demo)
    case = receive(
        demo,
        staff,
        datetime(2026, 3, 1, 9, 0, tzinfo=SH),
        category="report",
        accused_unit=named["handling_unit"],
    )
    with pytest.raises(ValidationError) as err:
        actions.set_five_ones(peace_head, case, **named)
    assert {"handling_unit", "responsible_person"} <= set(err.value.message_dict)


def test_the_task_force_member_handles_only_cases_of_their_unit(demo, staff, peace_head):
    tf = Actor.for_member(member_of(demo, Role.TASK_FORCE_MEMBER))
    case = receive(demo, staff, datetime(2026, 3, 1, 9, 0, tzinfo=SH))
    actions.accept_case(staff, case, at=datetime(2026, 3, 2, tzinfo=SH))
    with pytest.raises(PermissionDenied):
        actions.start_resolution(tf, case)
    actions.set_five_ones(peace_head, case, **five_ones(demo))
    actions.start_resolution(tf, case)
    assert case.status == CaseStatus.IN_RESOLUTION


def test_a_group_names_at_most_five_representatives(demo, staff):
    people = [{"name": f"代表{i}", "phone": ""} for i in range(6)]
    with pytest.raises(ValidationError) as err:
        receive(demo, staff, datetime(2026, 3, 1, 9, 0, tzinfo=SH), is_group=True, parties=people)
    assert "parties" in err.value.message_dict
    case = receive(
        demo, staff, datetime(2026, 3, 1, 9, 0, tzinfo=SH), headcount=40, parties=people[:5]
    )
    assert case.is_group is True
    assert set(case.parties.values_list("role", flat=True)) == {"representative"}


def test_the_page_offers_starting_only_once_all_five_are_named_and_says_who_names_them(
    demo, staff, peace_head
):
    from django.urls import reverse

    from tests.conftest import client_for

    case = receive(demo, staff, datetime(2026, 3, 1, 9, 0, tzinfo=SH))
    actions.accept_case(staff, case, at=datetime(2026, 3, 2, tzinfo=SH))
    named = five_ones(demo)
    named["measures"] = ""
    actions.set_five_ones(peace_head, case, **named)
    client = client_for(member_of(demo, Role.PEACE_OFFICE_STAFF))
    page = client.get(reverse("petitions:detail", args=[case.pk]))
    assert [name for name, _title in page.context["steps"]].count("start") == 0
    assert (
        "启动化解前尚需明确： 工作措施（由领导小组组长、副组长、平安办负责人在“明确‘五个一’”中指定；"
        "全部明确后方可启动化解）" in page.content.decode()
    )
    actions.set_five_ones(peace_head, case, **five_ones(demo))
    page = client.get(reverse("petitions:detail", args=[case.pk]))
    assert "start" in [name for name, _title in page.context["steps"]]
    assert "启动化解前尚需明确" not in page.content.decode()
