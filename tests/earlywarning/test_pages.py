"""Ledger pages: filters, jieba search, pagination without N+1, detail history, forms, isolation."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import client_for, member_of
from tests.earlywarning.test_lifecycle import T0, register, staff_of
from yingji.audit.models import AuditEvent
from yingji.earlywarning import actions
from yingji.earlywarning.models import Warning
from yingji.earlywarning.queries import LedgerFilter, LedgerRows, ledger
from yingji.orgs.access import Actor
from yingji.orgs.choices import Role
from yingji.orgs.models import Member, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(demo):
    return client_for(member_of(demo, Role.PEACE_OFFICE_STAFF))


def numbers(response):
    return [r["number"] for r in LedgerRows.as_dicts(response.context["rows"])]


def test_search_segments_chinese_so_a_phrase_finds_its_words_apart(demo):
    a = register(demo)  # 东岭村村民因征地的补偿款分配不满
    b = register(demo, summary="西河村道路施工噪音扰民", cause="夜间施工")
    assert list(ledger(demo, LedgerFilter(q="征地补偿"))) == [a]
    assert list(ledger(demo, LedgerFilter(q="施工 扰民"))) == [b]
    assert list(ledger(demo, LedgerFilter(q="公示"))) == [a]  # in the cause
    assert list(ledger(demo, LedgerFilter(q="拆迁"))) == []
    # The number a caller gives, and the place, find it too (search.warning_search_text).
    c = register(
        demo,
        summary="商户反映噪音",
        cause="夜间营业",
        village=Unit.objects.get(township=demo, name="南湖社区"),
        address="南湖小区北门",
    )
    assert list(ledger(demo, LedgerFilter(q=b.number))) == [b]
    assert list(ledger(demo, LedgerFilter(q=a.number.lower()))) == [a]
    assert list(ledger(demo, LedgerFilter(q="南湖社区"))) == [c]
    assert list(ledger(demo, LedgerFilter(q="小区北门"))) == [c]
    for f in (LedgerFilter(q=c.number), LedgerFilter(q="南湖社区")):  # the page's own SQL agrees
        assert [r["id"] for r in LedgerRows.as_dicts(LedgerRows(demo, f)[0:50])] == [c.pk]


def test_ledger_filters_by_status_category_village_risk_and_date(demo, staff):
    head = Actor.for_member(member_of(demo, Role.HEAD))
    a = register(demo)
    b = register(
        demo,
        at=T0 + timedelta(days=3),
        category="threatened_bypass",
        village=Unit.objects.get(township=demo, name="西河村"),
    )
    actions.verify(staff_of(demo), a, at=T0 + timedelta(minutes=1))
    actions.report(
        staff_of(demo), a, urgency="urgent", potential_harm="severe", at=T0 + timedelta(minutes=2)
    )
    actions.assess(head, a, urgency="urgent", potential_harm="severe", at=T0 + timedelta(hours=1))
    url = reverse("earlywarning:ledger")
    assert numbers(staff.get(url)) == [b.number, a.number]
    assert numbers(staff.get(url, {"status": "assessed"})) == [a.number]
    assert numbers(staff.get(url, {"status": "open"})) == [b.number, a.number]
    assert numbers(staff.get(url, {"category": "threatened_bypass"})) == [b.number]
    village = Unit.objects.get(township=demo, name="东岭村")
    assert numbers(staff.get(url, {"village": village.pk})) == [a.number]
    assert numbers(staff.get(url, {"risk_level": "high"})) == [a.number]
    assert numbers(staff.get(url, {"date_from": "2026-12-01"})) == [b.number]
    assert numbers(staff.get(url, {"date_to": "2026-11-29"})) == [a.number]
    page = staff.get(url, {"q": "征地补偿"}).content.decode()
    assert (
        a.number in page
        and "高风险" in page
        and "已研判" in page
        and "2026年11月29日 09:00" in page
    )


def test_ledger_pages_with_a_fixed_number_of_queries(demo, staff):
    lead = Member.objects.get(township=demo, name="李卫东")
    units = list(Unit.objects.filter(township=demo, name__in=["东岭村", "镇平安办"]))
    head = Actor.for_member(member_of(demo, Role.HEAD))

    def make(n):
        for i in range(n):
            w = register(demo, at=T0 + timedelta(minutes=i))
            actions.verify(staff_of(demo), w, at=T0 + timedelta(minutes=i + 1))
            actions.report(
                staff_of(demo),
                w,
                urgency="urgent",
                potential_harm="minor",
                at=T0 + timedelta(minutes=i + 2),
            )
            actions.assess(
                head, w, urgency="urgent", potential_harm="minor", at=T0 + timedelta(minutes=i + 3)
            )
            actions.start_handling(
                head, w, lead_official=lead, units=units, at=T0 + timedelta(minutes=i + 4)
            )

    url = reverse("earlywarning:ledger")
    make(3)
    staff.get(url)  # warm the per-process plan cache, so both counts below are of the same work
    with CaptureQueriesContext(connection) as few:
        assert staff.get(url).status_code == 200
    make(60)
    with CaptureQueriesContext(connection) as many:
        response = staff.get(url)
    assert len(response.context["rows"]) == 50  # one page
    assert len(many.captured_queries) == len(few.captured_queries)
    second = staff.get(url, {"page": 2})
    assert len(second.context["rows"]) == 13
    assert "第 2 页，共 2 页" in second.content.decode()
    assert '<p class="muted">共 63 条预警信息</p>' in second.content.decode()


def test_register_page_keeps_what_was_typed_and_places_errors(demo, staff):
    url = reverse("earlywarning:register")
    response = staff.post(
        url, {"category": "other", "source": "hotline", "summary": "", "address": "南湖社区北门"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"summary": ["这个字段是必填项。"]}
    assert 'value="南湖社区北门"' in response.content.decode()
    # The source is 信息来源, as in the exported ledger.
    assert '<label for="id_source">信息来源' in response.content.decode()
    huge = staff.post(url, {"category": "other", "summary": "聚集", "headcount": "99999999999"})
    assert huge.context["form"].errors["headcount"] == ["确保该值小于或等于100000。"]
    response = staff.post(
        url, {"category": "other", "source": "hotline", "summary": "南湖社区商户聚集"}
    )
    w = Warning.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "earlywarning:detail", args=[w.pk]
    )
    assert w.registered_by.name == "刘洋"


def test_detail_shows_history_and_refuses_an_incomplete_report_by_field(demo, staff):
    w = register(demo, development="", measures="")
    with time_machine.travel(T0 + timedelta(minutes=3), tick=False):
        assert (
            staff.post(
                reverse("earlywarning:act", args=[w.pk, "verify"]), {"note": "已核实"}
            ).status_code
            == 302
        )
        response = staff.post(
            reverse("earlywarning:act", args=[w.pk, "report"]),
            {"summary": w.summary, "headcount": "12"},
        )
    assert response.status_code == 400
    form = response.context["forms"]["report"]
    assert form.errors["development"] == ["报告须写明：事态发展。"]
    assert form.errors["measures"] == ["报告须写明：应采取的措施。"]
    assert form.errors["urgency"] == ["报告须写明：紧急程度。"]
    # The report form is screens down the page on a phone: the top says it was not saved.
    assert '<li class="warning">未保存：请更正下方标出的内容。</li>' in response.content.decode()
    page = staff.get(reverse("earlywarning:detail", args=[w.pk])).content.decode()
    assert "<strong>登记入账</strong>" in page and "<strong>已核实</strong>" in page
    assert "立即核实预警信息" in page and "已核实" in page
    assert '<strong>已核实</strong> <small class="muted">状态：已核实</small>' in page  # 字段：值


def test_other_township_gets_404_and_auditor_cannot_act(demo, other):
    w = register(demo)
    outsider = client_for(member_of(other, Role.PEACE_OFFICE_STAFF))
    assert outsider.get(reverse("earlywarning:detail", args=[w.pk])).status_code == 404
    assert outsider.post(reverse("earlywarning:act", args=[w.pk, "verify"]), {}).status_code == 404
    assert numbers(outsider.get(reverse("earlywarning:ledger"))) == []
    auditor = client_for(member_of(demo, Role.AUDITOR))
    response = auditor.get(reverse("earlywarning:detail", args=[w.pk]))
    assert response.status_code == 200 and response.context["forms"] == {}
    refused = auditor.post(reverse("earlywarning:act", args=[w.pk, "verify"]), {"note": "x"})
    assert refused.status_code == 403
    w.refresh_from_db()
    assert w.status == "registered"


def test_a_role_without_the_permission_is_refused_403_and_not_offered_the_form(demo):
    w = register(demo)
    head = client_for(member_of(demo, Role.HEAD))
    # The head may escalate but not receive petition cases, so is not offered "convert" …
    forms = head.get(reverse("earlywarning:detail", args=[w.pk])).context["forms"]
    assert sorted(forms) == ["escalate"]
    # … and a role without the verb's permission is refused, not sent back with a message.
    assert head.post(reverse("earlywarning:act", args=[w.pk, "convert"]), {}).status_code == 403
    assert head.post(reverse("earlywarning:act", args=[w.pk, "verify"]), {}).status_code == 403
    # A role that may, on a warning in the wrong state, is sent back to the page.
    staff = client_for(member_of(demo, Role.PEACE_OFFICE_STAFF))
    early = staff.post(reverse("earlywarning:act", args=[w.pk, "resolve"]), {"resolution": "x"})
    assert early.status_code == 302 and early["Location"] == f"/warnings/{w.pk}/"
    w.refresh_from_db()
    assert w.status == "registered"


def test_home_counts_open_warnings_and_nav_links_the_ledger(demo, staff):
    register(demo)
    w = register(demo, summary="第二条")
    actions.dismiss(staff_of(demo), w, reason="误传", at=T0 + timedelta(minutes=1))
    response = staff.get(reverse("home"))
    assert response.context["open_warnings"] == 1
    page = response.content.decode()
    assert '<span class="n">1</span>' in page and "预警台账" in page


def test_export_page_downloads_the_filtered_ledger(demo, staff):
    import io

    from openpyxl import load_workbook

    register(demo)
    register(demo, summary="西河村道路施工噪音扰民", cause="夜间施工")
    response = staff.get(reverse("earlywarning:export"), {"q": "施工"})
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][4] == "西河村道路施工噪音扰民"


def test_filter_form_is_written_by_hand_with_labels_values_and_errors(demo, staff):
    """The filters skip the widget renderer but keep labels, chosen values, Chinese and errors."""
    village = Unit.objects.get(township=demo, name="西河村")
    url = reverse("earlywarning:ledger")
    page = staff.get(
        url,
        {
            "q": "征地 <补偿>",
            "status": "resolved",
            "village": village.pk,
            "date_from": "2026-13-01",
        },
    ).content.decode()
    for name in ("q", "status", "category", "village", "risk_level", "date_from", "date_to"):
        assert f'<label for="id_{name}">' in page and f'id="id_{name}"' in page
    assert '<details class="card filters" data-open-wide open><summary>筛选与搜索</summary>' in page
    plain = staff.get(url, {"page": "1"}).content.decode()  # no filter set: folded on a phone
    assert '<details class="card filters" data-open-wide><summary>筛选与搜索</summary>' in plain
    assert '<details class="menu" data-open-wide><summary>菜单</summary>' in plain  # the top bar's
    assert '<label for="id_status">状态</label>' in page
    assert '<label for="id_village">村（社区）</label>' in page
    assert '<option value="resolved" selected>已化解</option>' in page
    assert f'<option value="{village.pk}" selected>西河村</option>' in page
    assert '<option value="" selected>（不限）</option>' in page  # category, risk level
    assert "全部" not in page
    assert '<option value="high">高风险</option>' in page
    assert (
        'name="q" id="id_q" placeholder="编号、地点、事由或原因" value="征地 &lt;补偿&gt;"' in page
    )  # kept as typed, escaped
    # A date that is not one: kept as typed, the error next to the field.
    assert 'name="date_from" id="id_date_from" value="2026-13-01"' in page
    assert '<div class="field has-error"><label for="id_date_from">' in page
    assert '<p class="error" role="alert">输入一个有效的日期。</p>' in page


def test_ledger_rows_are_escaped_and_show_dashes_for_missing_values(demo, staff):
    w = register(demo, summary="<b>东岭村</b>村民反映", headcount=None)
    page = staff.get(reverse("earlywarning:ledger")).content.decode()
    row = page[page.index(f'<a href="/warnings/{w.pk}/">') :].split("</tr>")[0]
    assert "&lt;b&gt;东岭村&lt;/b&gt;村民反映" in row and "<b>" not in row
    cells = [c.split("</td>")[0] for c in row.split("<td>")[1:]]  # after the number's cell
    assert len(cells) == 10
    assert cells[0] == "2026年11月29日 09:00" and cells[7] == "已登记"
    assert [cells[i] for i in (4, 5, 6, 8, 9)] == ["—"] * 5  # headcount, risk, lead, durations


def test_export_link_and_pager_keep_the_filter_but_not_the_page(demo, staff):
    for i in range(51):
        register(demo, at=T0 + timedelta(minutes=i))
    page = staff.get(reverse("earlywarning:ledger"), {"q": "征地", "status": "open", "page": "2"})
    html = page.content.decode()
    assert 'href="/warnings/export.xlsx?q=%E5%BE%81%E5%9C%B0&amp;status=open">' in html
    assert 'href="?q=%E5%BE%81%E5%9C%B0&amp;status=open&amp;page=1">上一页</a>' in html


def test_ledger_row_shows_every_cell_of_a_handled_warning(demo, staff):
    w = register(demo, headcount=35)  # discovered at T0, 2026-11-29 09:00 in Shanghai
    units = list(Unit.objects.filter(township=demo).exclude(kind="village").order_by("name")[:2])
    lead = member_of(demo, Role.DEPUTY)
    Warning.objects.filter(pk=w.pk).update(
        status="resolved",
        risk_level="high",
        reported_at=T0 + timedelta(minutes=12),
        resolved_at=T0 + timedelta(days=2, hours=3, minutes=5),
        lead_official=lead,
    )
    Warning.objects.get(pk=w.pk).units.set(units)
    page = staff.get(reverse("earlywarning:ledger")).content.decode()
    row = page[page.index(f'<a href="/warnings/{w.pk}/">') :].split("</tr>")[0]
    assert row.startswith(f'<a href="/warnings/{w.pk}/">{w.number}</a></td>')
    cells = [c.split("</td>")[0] for c in row.split("<td>")[1:]]
    units_text = "、".join(u.name for u in units)
    assert cells == [
        "2026年11月29日 09:00",
        "由群众内部矛盾引起，尚未出…",  # the plan's category name, shortened to 14 characters
        "东岭村三组村委会门前",
        "东岭村村民因征地的补偿款分配不满，扬言聚集",
        "35",
        "高风险",
        f'{lead.name}<br><small class="muted">{units_text}</small>',
        "已化解",
        "0小时12分",
        "2天3小时5分",
    ]


@pytest.mark.parametrize("query", ["date_to=9999-12-31", "date_from=0001-01-01"])
def test_dates_at_the_ends_of_the_calendar_filter_nothing_out(demo, query):
    # Found with the API's schemathesis run: date.max + 1 day and year 1 in UTC overflowed (500).
    register(demo)
    client = client_for(member_of(demo, Role.PEACE_OFFICE_STAFF))
    page = client.get(f"/warnings/?{query}")
    assert page.status_code == 200
    assert "东岭村村民因征地的补偿款分配不满" in page.content.decode()
    assert client.get(f"/warnings/export.xlsx?{query}").status_code == 200


def test_history_and_audit_page_name_the_plans_category_and_levels_not_their_keys(demo, staff):
    w = register(demo, category="threatened_bypass")
    head = Actor.for_member(member_of(demo, Role.HEAD))
    actions.verify(staff_of(demo), w, at=T0 + timedelta(minutes=1))
    actions.report(
        staff_of(demo), w, urgency="urgent", potential_harm="severe", at=T0 + timedelta(minutes=2)
    )
    actions.assess(head, w, urgency="urgent", potential_harm="severe", at=T0 + timedelta(hours=1))
    page = staff.get(reverse("earlywarning:detail", args=[w.pk])).content.decode()
    assert "类别：出现信访人扬言到区集访、到市进京上访的苗头" in page  # plan §五(一)2
    assert "状态：已研判；危害程度：重大；紧急程度：紧急；风险等级：高风险" in page
    for key in ("threatened_bypass", "：urgent", "：severe", "：high"):
        assert key not in page
    auditor = client_for(member_of(demo, Role.AUDITOR))
    rows = auditor.get(reverse("audit:log"), {"action": "earlywarning."}).context["rows"]
    after = {row["event"].action: row["after"] for row in rows}
    assert after["earlywarning.register"] == (
        f"预警编号：{w.number}；类别：出现信访人扬言到区集访、到市进京上访的苗头；状态：已登记"
    )
    assert (
        after["earlywarning.assess"]
        == "状态：已研判；危害程度：重大；紧急程度：紧急；风险等级：高风险"
    )


def test_history_names_every_recorded_key_and_shows_a_progress_entry_once(demo, staff):
    w, d = register(demo), register(demo)
    head = Actor.for_member(member_of(demo, Role.HEAD))
    with time_machine.travel(T0 + timedelta(minutes=10), tick=False):
        actions.verify(staff_of(demo), w)
        actions.report(staff_of(demo), w, urgency="urgent", potential_harm="serious")
        actions.assess(head, w, urgency="urgent", potential_harm="serious")
        actions.start_handling(
            head,
            w,
            lead_official=Member.objects.get(township=demo, name="李卫东"),
            units=[Unit.objects.get(township=demo, name="东岭村")],
            measures="入户走访",
        )
        actions.add_progress(staff_of(demo), w, text="已召开村民代表会")
    incident = actions.escalate(staff_of(demo), w, category="district")
    actions.dismiss(staff_of(demo), d, reason="经核实为误报")
    started = AuditEvent.objects.get(action="earlywarning.start_handling", object_id=str(w.pk))
    assert started.before == {"status": "assessed", "measures": "村两委入户解释政策"}  # reported
    assert started.after["measures"] == "入户走访"  # the task force's, in force from now
    page = staff.get(reverse("earlywarning:detail", args=[w.pk])).content.decode()
    assert page.count("已召开村民代表会") == 1
    assert f"状态：已升级为突发事件；转为：{incident.number}</small>" in page
    assert "outcome" not in page and "incidents.incident" not in page
    dismissed = staff.get(reverse("earlywarning:detail", args=[d.pk])).content.decode()
    assert "状态：经核实不予采信；理由：经核实为误报" in dismissed


def test_a_date_range_that_ends_before_it_starts_is_refused_not_silently_empty(demo, staff):
    a = register(demo)
    response = staff.get(
        reverse("earlywarning:ledger"), {"date_from": "2026-12-05", "date_to": "2026-12-01"}
    )
    assert response.context["form"].errors == {"date_to": ["结束日期早于开始日期。"]}
    assert '<p class="error" role="alert">结束日期早于开始日期。</p>' in response.content.decode()
    assert numbers(response) == [a.number]  # the refused filter is ignored, as any refused filter
