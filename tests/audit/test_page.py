"""The auditor's audit-log page: the township's events only, filters, read-only (issue 8 §3)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tests.conftest import client_for, member_of
from yingji.audit.log import record
from yingji.orgs.access import Actor
from yingji.orgs.choices import Role

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def test_auditor_reads_the_townships_events_newest_first_and_filters(demo, other):
    staff = Actor.for_member(member_of(demo, Role.PEACE_OFFICE_STAFF))
    with time_machine.travel(datetime(2026, 11, 2, 23, 50, tzinfo=SH), tick=False):
        record(staff, "earlywarning.register", demo, township=demo, after={"summary": "征地补偿"})
    with time_machine.travel(datetime(2026, 11, 3, 0, 10, tzinfo=SH), tick=False):
        record(staff, "earlywarning.verify", demo, township=demo, after={"verified": True})
    outsider = Actor.for_member(member_of(other, Role.PEACE_OFFICE_STAFF))
    record(
        outsider, "earlywarning.register", other, township=other, after={"summary": "另一镇的事"}
    )

    auditor = client_for(member_of(demo, Role.AUDITOR))
    url = reverse("audit:log")
    page = auditor.get(url, {"action": "earlywarning"})
    text = page.content.decode()
    assert page.status_code == 200
    assert [r["event"].action for r in page.context["rows"]] == [
        "earlywarning.verify",
        "earlywarning.register",
    ]
    i = text.find("另一镇的事")
    assert i < 0, text[i - 300 : i + 50]
    assert "<small>summary：征地补偿</small>" in text  # no field of a township: the key as recorded
    assert "2026年11月2日 23:50:00" in text  # local time, not UTC
    by_day = auditor.get(url, {"action": "earlywarning", "date_from": "2026-11-03"})
    assert [r["event"].action for r in by_day.context["rows"]] == ["earlywarning.verify"]
    bad = auditor.get(url, {"date_from": "2026-13-01"}).content.decode()
    assert 'value="2026-13-01"' in bad and "输入一个有效的日期。" in bad


def test_objects_results_and_values_are_written_for_people(demo):
    staff = Actor.for_member(member_of(demo, Role.PEACE_OFFICE_STAFF))
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=SH), tick=False):
        record(
            staff,
            "orgs.update_township",
            demo,
            township=demo,
            before={"name": "旧镇", "county": None},
            after={"name": "示例镇", "plan_version": True, "when": "2026-11-02T01:00:00+00:00"},
        )
    auditor = client_for(member_of(demo, Role.AUDITOR))
    page = auditor.get(reverse("audit:log"), {"action": "orgs.update_township"})
    [row] = page.context["rows"]
    assert row["object"] == f"乡镇 {demo.pk}"
    assert row["result"] == "完成"
    assert row["before"] == "名称：旧镇；所属区县：—"
    assert row["after"] == "名称：示例镇；现行预案：是；when：2026年11月2日 09:00:00"


def test_only_audit_readers_open_the_page(demo):
    url = reverse("audit:log")
    assert client_for(member_of(demo, Role.PEACE_OFFICE_STAFF)).get(url).status_code == 403
    assert client_for(member_of(demo, Role.HEAD)).get(url).status_code == 403
    assert client_for(member_of(demo, Role.ADMIN)).get(url).status_code == 200
    assert "审计日志" in client_for(member_of(demo, Role.AUDITOR)).get("/").content.decode()


@pytest.mark.parametrize(
    "dates", [{"date_to": "9999-12-31"}, {"date_from": "0001-01-01"}, {"date_to": "0001-01-01"}]
)
def test_dates_at_the_calendars_ends_bound_nothing_instead_of_failing(demo, dates):
    """A date whose local midnight (or the next day's) falls outside ``datetime`` was a 500."""
    staff = Actor.for_member(member_of(demo, Role.PEACE_OFFICE_STAFF))
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=SH), tick=False):
        record(staff, "earlywarning.verify", demo, township=demo, after={"verified": True})
    url = reverse("audit:log")
    page = client_for(member_of(demo, Role.AUDITOR)).get(url, {"action": "earlywarning", **dates})
    assert page.status_code == 200
    expected = [] if dates == {"date_to": "0001-01-01"} else ["earlywarning.verify"]
    assert [r["event"].action for r in page.context["rows"]] == expected


def test_the_page_names_each_action_in_chinese_and_filters_by_that_name(demo):
    staff = Actor.for_member(member_of(demo, Role.PEACE_OFFICE_STAFF))
    record(staff, "petitions.accept", demo, township=demo)
    record(staff, "earlywarning.verify", demo, township=demo)
    record(staff, "someapp.unheard_of", demo, township=demo)
    auditor = client_for(member_of(demo, Role.AUDITOR))
    page = auditor.get(reverse("audit:log"))
    assert [r["label"] for r in page.context["rows"]][:3] == [
        "someapp.unheard_of",  # an unknown key is shown as it is
        "已核实",
        "已受理",
    ]
    text = page.content.decode()
    assert '<td>已受理<br><small class="muted">petitions.accept</small></td>' in text
    assert "<td>someapp.unheard_of</td>" in text
    by_name = auditor.get(reverse("audit:log"), {"action": "受理"})
    assert [r["event"].action for r in by_name.context["rows"]] == ["petitions.accept"]


def test_an_incidents_category_is_named_as_the_plan_names_it(demo):
    from yingji.incidents.actions import receive_incident

    staff = Actor.for_member(member_of(demo, Role.PEACE_OFFICE_STAFF))
    incident = receive_incident(
        staff, demo, category="township", source="unit", summary="东岭村村民聚集"
    )
    auditor = client_for(member_of(demo, Role.AUDITOR))
    [row] = auditor.get(reverse("audit:log"), {"action": "incidents.receive"}).context["rows"]
    assert row["after"] == f"事件编号：{incident.number}；类别：本镇群体性事件"  # plan §六(一)1
