"""Staff pages and the API of petition cases."""

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from tests.conftest import client_for, member_of
from yingji.audit.models import AuditEvent
from yingji.orgs.choices import Role
from yingji.orgs.models import Member, Unit
from yingji.petitions import actions
from yingji.petitions.models import Party, PetitionCase

from .conftest import NAME, SH, five_ones, receive

pytestmark = pytest.mark.django_db


def test_registering_shows_the_query_code_once(demo, staff):
    client = client_for(staff.member)
    with time_machine.travel(datetime(2026, 3, 1, 9, 0, tzinfo=SH), tick=False):
        response = client.post(
            "/petitions/new/",
            {
                "channel": "letter",
                "category": "complaint",
                "summary": "拖欠工程款",
                "name_1": NAME,
                "phone_1": "13900000000",
            },
        )
    case = PetitionCase.objects.get()
    # Post, redirect, get: a reload of the page with the code posts nothing again.
    assert response.status_code == 302 and response["Location"] == f"/petitions/{case.pk}/code/"
    shown = client.get(response["Location"])
    page = shown.content.decode()
    assert case.number in page and "只显示这一次" in page
    code = page.split('id="query-code">')[1].split("<")[0]
    assert len(code) == 10
    from yingji.petitions.access import code_matches

    assert code_matches(case, code)
    assert code not in client.get(f"/petitions/{case.pk}/").content.decode()
    again = client.get(response["Location"])  # the reload: the code is not shown twice
    assert again.status_code == 302 and again["Location"] == f"/petitions/{case.pk}/"
    assert PetitionCase.objects.count() == 1 and code_matches(case, code)
    assert Party.objects.filter(case=case).count() == 1


def test_a_rejected_form_keeps_what_was_typed(demo, staff):
    client = client_for(staff.member)
    people = {f"name_{i}": f"代表{i}" for i in range(1, 6)}
    response = client.post(
        "/petitions/new/", {"channel": "visit", "category": "report", "summary": "", **people}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "代表3" in page and "这个字段是必填项" in page
    assert not PetitionCase.objects.exists()


def test_the_case_page_shows_the_whole_history(demo, staff, peace_head):
    case = receive(demo, staff, datetime(2026, 3, 1, 9, 0, tzinfo=SH))
    actions.accept_case(staff, case, at=datetime(2026, 3, 2, 9, 0, tzinfo=SH))
    actions.set_five_ones(peace_head, case, **five_ones(demo))
    page = client_for(staff.member).get(f"/petitions/{case.pk}/").content.decode()
    for text in (
        "已接报",
        "受理",
        "明确“五个一”",
        "受理告知书",
        "《信访工作条例》第二十二条",
        "李卫东",
        "东岭村",
    ):
        assert text in page
    assert "尚未送达" in page


def test_the_history_names_actions_in_chinese_not_by_their_keys(demo, staff):
    case = receive(demo, staff, datetime(2026, 3, 1, 9, 0, tzinfo=SH))
    other = receive(demo, staff, datetime(2026, 3, 1, 10, 0, tzinfo=SH))
    actions.accept_case(staff, case, at=datetime(2026, 3, 2, 9, 0, tzinfo=SH))
    actions.link_related(staff, case, other)
    page = client_for(staff.member).get(f"/petitions/{case.pk}/").content.decode()
    for line in ("2026年3月1日 09:00 · 刘洋 · 已接报", "· 刘洋 · 已受理", "· 刘洋 · 关联信访事项"):
        assert line in page
    assert "petitions." not in page


def test_the_start_step_lists_the_missing_fields_by_their_plan_names(demo, staff):
    case = receive(demo, staff, datetime(2026, 3, 1, 9, 0, tzinfo=SH))
    actions.accept_case(staff, case, at=datetime(2026, 3, 2, 9, 0, tzinfo=SH))
    client = client_for(staff.member)
    page = client.post(f"/petitions/{case.pk}/start/").content.decode()
    for name in ("责任单位", "牵头领导", "责任人", "工作措施", "化解方案"):
        assert f"启动化解前须明确{name}" in page
    case.refresh_from_db()
    assert case.status == "accepted"


def test_the_delivery_step_records_a_delivery(demo, staff):
    case = receive(demo, staff, datetime(2026, 3, 1, 9, 0, tzinfo=SH))
    doc = actions.accept_case(staff, case, at=datetime(2026, 3, 2, 9, 0, tzinfo=SH))
    client = client_for(staff.member)
    with time_machine.travel(datetime(2026, 3, 3, 9, 0, tzinfo=SH), tick=False):
        response = client.post(
            f"/petitions/{case.pk}/deliver/",
            {
                "document": doc.pk,
                "method": "post",
                "delivered_at": "2026-03-03T08:30",
                "note": "挂号信",
            },
        )
    assert response.status_code == 302
    delivery = doc.deliveries.get()
    assert (delivery.method, delivery.delivered_at, delivery.note) == (
        "post",
        datetime(2026, 3, 3, 8, 30, tzinfo=SH),
        "挂号信",
    )
    # The history names what was recorded: the document's kind and the method, no keys.
    page = client.get(f"/petitions/{case.pk}/").content.decode()
    assert '<small class="muted">文书：受理告知书；送达方式：邮寄送达</small>' in page
    assert "parties：" not in page and "信访人人数：1" in page


def test_the_lists_mine_due_breached_by_unit_and_by_lead(demo, staff, peace_head):
    old = receive(demo, staff, datetime(2026, 3, 1, 9, 0, tzinfo=SH), summary="旧事项")
    new = receive(demo, staff, datetime(2026, 3, 14, 9, 0, tzinfo=SH), summary="新事项")
    actions.set_five_ones(peace_head, old, **five_ones(demo))
    deputy = client_for(Member.objects.get(township=demo, name="李卫东"))
    with time_machine.travel(datetime(2026, 3, 16, 12, 0, tzinfo=SH), tick=False):
        mine = deputy.get("/petitions/?view=mine").content.decode()
        due = deputy.get("/petitions/?view=due").content.decode()
        breached = deputy.get("/petitions/?view=breached").content.decode()
    assert "旧事项" in mine and "新事项" not in mine
    assert "旧事项" in due and "新事项" not in due  # old due 3/16 24:00; new 3/30
    assert "旧事项" not in breached
    with time_machine.travel(datetime(2026, 3, 17, 1, 0, tzinfo=SH), tick=False):
        breached = deputy.get("/petitions/?view=breached").content.decode()
        home = deputy.get("/").content.decode()
    assert "旧事项" in breached and "新事项" not in breached
    assert '<span class="n">1</span>' in home
    unit = Unit.objects.get(township=demo, name="东岭村")
    by_unit = deputy.get("/petitions/by/unit/").content.decode()
    assert f"unit={unit.pk}" in by_unit and "尚未明确" in by_unit
    assert "李卫东" in deputy.get("/petitions/by/lead/").content.decode()
    assert "新事项" not in deputy.get(f"/petitions/?view=all&unit={unit.pk}").content.decode()
    assert new.number in deputy.get("/petitions/?view=all").content.decode()


def test_the_api_receives_accepts_and_gates_resolution(demo, staff, peace_head):
    client = client_for(staff.member)
    response = client.post(
        "/api/petitions/cases",
        {"channel": "phone", "summary": "噪音扰民", "parties": [{"name": NAME, "phone": "1"}]},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["number"] == "XF2026-0001" or body["number"].startswith("XF")
    assert len(body["query_code"]) == 10 and NAME not in response.content.decode()
    assert (
        client.post(
            "/api/petitions/cases",
            {"channel": "phone", "summary": ""},
            content_type="application/json",
        ).status_code
        == 422
    )
    pk = body["id"]
    accepted = client.post(f"/api/petitions/cases/{pk}/accept").json()
    assert accepted["status"] == "accepted"
    assert {d["rule"] for d in accepted["deadlines"]} == {
        actions.ACCEPTANCE_RULE,
        actions.CONCLUDE_RULE,
    }
    refused = client.post(f"/api/petitions/cases/{pk}/start-resolution")
    assert refused.status_code == 422 and set(refused.json()["errors"]) == set(
        actions.FIVE_ONES_FIELDS.values()
    )
    head_client = client_for(peace_head.member)
    f = five_ones(demo)
    named = head_client.post(
        f"/api/petitions/cases/{pk}/five-ones",
        {
            "handling_unit_id": f["handling_unit"].pk,
            "lead_official_id": f["lead_official"].pk,
            "responsible_person_id": f["responsible_person"].pk,
            "measures": f["measures"],
            "resolution_plan": f["resolution_plan"],
        },
        content_type="application/json",
    ).json()
    assert (named["lead_official"], named["handling_unit"]) == ("李卫东", "东岭村")
    assert (
        client.post(f"/api/petitions/cases/{pk}/start-resolution").json()["status"]
        == "in_resolution"
    )
    listed = client.get("/api/petitions/cases?view=all").json()
    assert [c["id"] for c in listed] == [pk]
    assert AuditEvent.objects.filter(action="petitions.start_resolution").count() == 1


def test_the_auditor_reads_but_does_not_register_nor_see_details(demo, staff):
    case = receive(demo, staff, datetime(2026, 3, 1, 9, 0, tzinfo=SH))
    auditor = client_for(member_of(demo, Role.AUDITOR))
    assert case.number in auditor.get("/petitions/?view=all").content.decode()
    page = auditor.get(f"/petitions/{case.pk}/?show=parties").content.decode()
    assert case.summary in page and NAME not in page and "只有承办人员" in page
    assert auditor.get("/petitions/new/").status_code == 403
    assert auditor.post(f"/petitions/{case.pk}/accept/").status_code == 403
    case.refresh_from_db()
    assert case.status == "received"


def test_a_step_page_is_shown_only_to_those_the_action_accepts(demo, staff, peace_head):
    at = datetime(2026, 3, 1, 9, 0, tzinfo=SH)
    case = receive(demo, staff, at)
    auditor = client_for(member_of(demo, Role.AUDITOR))
    assert auditor.get(f"/petitions/{case.pk}/accept/").status_code == 403
    assert (
        client_for(member_of(demo, Role.HEAD)).get(f"/petitions/{case.pk}/accept/").status_code
        == 200
    )
    with time_machine.travel(at, tick=False):
        actions.accept_case(staff, case, at=at)
        actions.set_five_ones(peace_head, case, **five_ones(demo))
        actions.start_resolution(staff, case, at=at)
    # A leading-group member holds petitions.handle but does not handle this case …
    member = client_for(member_of(demo, Role.MEMBER))
    assert member.get(f"/petitions/{case.pk}/reply/").status_code == 403
    # … its responsible person (黄磊, of the responsible unit 东岭村) does.
    handler = client_for(member_of(demo, Role.TASK_FORCE_MEMBER))
    assert handler.get(f"/petitions/{case.pk}/reply/").status_code == 200


def test_the_api_runs_every_step_of_the_page(demo, staff, peace_head, head):
    case = receive(demo, staff, datetime(2026, 3, 1, 9, 0, tzinfo=SH))
    client, boss = client_for(staff.member), client_for(head.member)

    def run(who, name, **data):
        return who.post(
            f"/api/petitions/cases/{case.pk}/steps/{name}", data, content_type="application/json"
        )

    assert run(client, "accept").json()["status"] == "accepted"
    f = five_ones(demo)
    assert run(client, "five_ones").status_code == 403  # only leaders name them
    named = run(
        client_for(peace_head.member),
        "five_ones",
        handling_unit=f["handling_unit"].pk,
        lead_official=f["lead_official"].pk,
        responsible_person=f["responsible_person"].pk,
        measures="走访",
        resolution_plan="重测",
    )
    assert named.json()["lead_official"] == "李卫东", named.content
    assert run(client, "start").json()["status"] == "in_resolution"
    bad = run(client, "extension", days=45, reason="")
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"days", "reason"}
    run(client, "extension", days=15, reason="等待测绘")
    assert run(boss, "decide_extension", approve="1").status_code == 200
    case.refresh_from_db()
    assert case.extension_state == "approved"
    wrong = run(client, "nonsense")
    assert wrong.status_code == 404


def test_the_openapi_schema_lists_the_petition_endpoints(demo, staff):
    schema = client_for(staff.member).get("/api/openapi.json").json()
    paths = set(schema["paths"])
    assert {
        "/api/petitions/cases",
        "/api/petitions/cases/{pk}",
        "/api/petitions/cases/{pk}/parties",
        "/api/petitions/cases/{pk}/steps/{name}",
    } <= paths


#: The case rows as petitions/list.html wrote them through the template language,
#: before petitions/table.py took over: the two must print the same markup.
TEMPLATE_ROWS = """{% load i18n %}{% for c in cases %}<tr>
<td><a href="{% url 'petitions:detail' c.pk %}">{{ c.number }}</a>{% if c.same_matter_flag %} <span class="tag">{% translate "same matter" %}</span>{% endif %}</td>
<td>{{ c.received_at|date:"Y年n月j日 H:i" }}</td><td>{{ c.summary }}</td><td>{{ c.get_category_display }}</td><td>{{ c.get_status_display }}</td>
<td>{{ c.handling_unit.name|default:"—" }}</td><td>{{ c.lead_official.name|default:"—" }}</td>
</tr>{% endfor %}"""


def test_the_case_rows_are_written_as_the_template_wrote_them(demo, staff, peace_head):
    from django.template import Context, Template

    from yingji.petitions.table import case_rows_html

    from .conftest import in_resolution

    first = receive(
        demo, staff, datetime(2026, 3, 1, 9, 5, tzinfo=SH), summary="<b>征地</b> & 补偿"
    )
    receive(demo, staff, datetime(2026, 3, 5, 23, 30, tzinfo=SH), same_matter_as=first)
    in_resolution(demo, staff, peace_head, datetime(2026, 3, 2, 10, 0, tzinfo=SH))
    cases = list(
        PetitionCase.objects.filter(township=demo)
        .select_related("handling_unit", "lead_official")
        .order_by("pk")
    )
    expected = Template(TEMPLATE_ROWS).render(Context({"cases": cases}))
    html = case_rows_html(cases)
    assert html == expected
    assert "&lt;b&gt;征地&lt;/b&gt; &amp; 补偿" in html and "2026年3月5日 23:30" in html
    assert html.count('<span class="tag">') == 1 and "<td>东岭村</td><td>李卫东</td>" in html
    page = client_for(member_of(demo, Role.PEACE_OFFICE_STAFF)).get("/petitions/?view=all")
    body = page.content.decode()
    assert all(f'<a href="/petitions/{c.pk}/">{c.number}</a>' in body for c in cases)


def test_the_history_writes_recorded_values_as_the_audit_page_does(demo, staff):
    import re

    case = receive(demo, staff, datetime(2026, 3, 1, 9, 0, tzinfo=SH))
    page = client_for(staff.member).get(f"/petitions/{case.pk}/").content.decode()
    [first] = re.findall(r"已接报 <small class=\"muted\">(.*?)</small>", page)
    assert first == (
        f"信访事项编号：{case.number}；渠道：来访；类别：申诉求决类；"
        "同一事项尚在办理期限内（第十九条）：否；信访人人数：1"
    )  # field names, choice names and 是/否, not "channel: walk_in"


def test_the_five_ones_form_shows_what_is_named_so_a_second_pass_keeps_it(demo, staff, peace_head):
    case = receive(demo, staff, datetime(2026, 3, 1, 9, 0, tzinfo=SH))
    actions.accept_case(staff, case)
    leader = client_for(peace_head.member)
    url = reverse("petitions:step", args=[case.pk, "five_ones"])
    first = leader.post(url, {"measures": "核对补偿款发放台账"})
    assert first.status_code == 302
    form = leader.get(url).context["form"]
    assert form["measures"].value() == "核对补偿款发放台账"  # shown again, not an empty form
    f = five_ones(demo)
    data = {k: form[k].value() or "" for k in form.fields}  # what the browser sends back
    data.update(
        handling_unit=f["handling_unit"].pk,
        lead_official=f["lead_official"].pk,
        responsible_person=f["responsible_person"].pk,
        resolution_plan="一个月内核对并补发",
    )
    assert leader.post(url, data).status_code == 302
    case.refresh_from_db()
    assert case.measures == "核对补偿款发放台账" and case.resolution_plan == "一个月内核对并补发"
    assert actions.missing_five_ones(case) == []
    again = leader.get(url).context["form"]
    assert again["lead_official"].value() == f["lead_official"].pk
    assert again["handling_unit"].value() == f["handling_unit"].pk


def test_the_manual_forms_do_not_offer_what_only_the_system_records(demo, staff):
    case_form = client_for(staff.member).get("/petitions/new/").context["form"]
    channels = [k for k, _label in case_form.fields["channel"].choices]
    assert "incident_demand" not in channels and "warning" not in channels
    assert channels[:3] == ["letter", "visit", "phone"]
    incident_form = client_for(staff.member).get("/incidents/new/").context["form"]
    sources = [k for k, _label in incident_form.fields["source"].choices]
    assert sources == ["caller", "unit", "higher_level"]  # not 预警升级: escalating does that
