"""The petitioner's public page: the right code shows the case, nothing else does (DESIGN.md §5)."""

from datetime import datetime

import pytest
import time_machine
from django.test import Client

from yingji.orgs.models import Member
from yingji.petitions import actions

from .conftest import NAME, PHONE, SH, in_resolution, receive
from .test_review import REPLY

pytestmark = pytest.mark.django_db


def look(client, number, code, ip="203.0.113.9", **extra):
    return client.post("/q/", {"number": number, "code": code, **extra}, REMOTE_ADDR=ip)


def test_the_right_code_shows_the_case_without_names_or_phones(demo, staff, peace_head):
    at = datetime(2026, 3, 2, 10, 0, tzinfo=SH)
    case = in_resolution(demo, staff, peace_head, at)
    with time_machine.travel(datetime(2026, 4, 9, 16, 0, tzinfo=SH), tick=False):
        actions.issue_reply(staff, case, **REPLY)
    response = look(Client(), case.number, case.query_code.lower())
    page = response.content.decode()
    assert response.status_code == 200
    assert case.number in page and "东岭村" in page  # the responsible unit, by name
    assert "已书面答复" in page and "处理意见书" in page and REPLY["decision"] in page
    assert "受理告知" in page and "2026年3月17日 24:00" in page and "按时" in page
    for secret in (NAME, PHONE, "东岭村3组"):
        assert secret not in page
    for staff_name in Member.objects.filter(township=demo).values_list("name", flat=True):
        assert staff_name not in page


def test_a_wrong_code_and_a_guessed_number_show_nothing_alike(demo, staff):
    case = receive(demo, staff, datetime(2026, 3, 1, 9, 0, tzinfo=SH))
    client = Client()
    wrong = look(client, case.number, "ABCDEFGHJK").content.decode()
    guessed = look(client, "XF2026-0002", case.query_code).content.decode()
    for page in (wrong, guessed):
        assert "未找到与该编号和查询码相符的信访事项" in page
        assert "宅基地" not in page and 'id="case"' not in page
    assert wrong.replace("ABCDEFGHJK", "").count("未找到") == guessed.count("未找到")


def test_failed_lookups_are_rate_limited_even_for_the_right_code_afterwards(demo, staff):
    case = receive(demo, staff, datetime(2026, 3, 1, 9, 0, tzinfo=SH))
    client = Client()
    for i in range(5):
        assert look(client, f"XF2026-{i + 10:04d}", "WRONGCODE2").status_code == 200
    blocked = look(client, case.number, case.query_code)
    assert blocked.status_code == 429
    assert (
        "尝试次数过多" in blocked.content.decode() and 'id="case"' not in blocked.content.decode()
    )
    # Another address is not blocked, but the case number is after 10 failures from anywhere.
    other = Client()
    assert look(other, case.number, case.query_code, ip="198.51.100.99").status_code == 200
    for i in range(10):
        other.post(
            "/q/", {"number": case.number, "code": "WRONGCODE2"}, REMOTE_ADDR=f"198.51.100.{i}"
        )
    assert (
        other.post(
            "/q/", {"number": case.number, "code": case.query_code}, REMOTE_ADDR="192.0.2.1"
        ).status_code
        == 429
    )


def test_the_petitioner_rates_once_after_the_reply(demo, staff, peace_head):
    case = in_resolution(demo, staff, peace_head, datetime(2026, 3, 2, 10, 0, tzinfo=SH))
    client = Client()
    assert 'name="rating"' not in look(client, case.number, case.query_code).content.decode()
    actions.issue_reply(staff, case, **REPLY, at=datetime(2026, 4, 9, tzinfo=SH))
    assert 'name="rating"' in look(client, case.number, case.query_code).content.decode()
    page = look(client, case.number, case.query_code, rating="fairly").content.decode()
    assert "您的评价：基本满意" in page and 'name="rating"' not in page
    case.refresh_from_db()
    assert case.satisfaction == "fairly"
    again = look(client, case.number, case.query_code, rating="dissatisfied").content.decode()
    assert "该信访事项已评价" in again
    case.refresh_from_db()
    assert case.satisfaction == "fairly"


def test_a_new_code_replaces_the_old_one(demo, staff):
    case = receive(demo, staff, datetime(2026, 3, 1, 9, 0, tzinfo=SH))
    old = case.query_code
    new = actions.reissue_query_code(staff, case)
    assert 'id="case"' not in look(Client(), case.number, old).content.decode()
    assert 'id="case"' in look(Client(), case.number, new).content.decode()


def test_the_page_needs_no_login(db):
    response = Client().get("/q/")
    assert response.status_code == 200 and "信访事项查询" in response.content.decode()


def test_day_limits_read_as_24_00_of_the_last_day():
    from yingji.petitions.templatetags.petition_tags import due_time

    assert due_time(datetime(2026, 3, 18, 0, 0, tzinfo=SH)) == "2026年3月17日 24:00"
    assert due_time(datetime(2026, 3, 18, 9, 5, tzinfo=SH)) == "2026年3月18日 09:05"
    assert due_time(None) == ""


def test_the_objection_between_levels_is_not_shown_to_the_petitioner(demo, staff):
    case = receive(demo, staff, datetime(2026, 3, 5, 10, 0, tzinfo=SH), channel="assignment")
    page = look(Client(), case.number, case.query_code).content.decode()
    assert "受理告知" in page and "职责异议" not in page


def test_the_petitioner_sees_until_when_a_review_may_be_asked(demo, staff, peace_head):
    case = in_resolution(demo, staff, peace_head, datetime(2026, 3, 2, 10, 0, tzinfo=SH))
    with time_machine.travel(datetime(2026, 4, 10, 16, 0, tzinfo=SH), tick=False):
        reply = actions.issue_reply(
            staff, case, **REPLY, at=datetime(2026, 4, 10, 14, 0, tzinfo=SH)
        )
        actions.record_delivery(
            staff, reply, method="sms", delivered_at=datetime(2026, 4, 10, 15, 0, tzinfo=SH)
        )
    page = look(Client(), case.number, case.query_code).content.decode()
    assert "可请求复查至" in page and "2026年5月10日 24:00" in page
