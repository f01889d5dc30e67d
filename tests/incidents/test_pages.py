"""The incident pages: board, receipt, report, activation, check-in, scene, aftermath."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import samples
from tests.conftest import client_for, member_of
from tests.incidents.helpers import REPORT, T0
from tests.incidents.scenario import activated
from yingji.incidents.choices import DemandStatus, IncidentStatus
from yingji.incidents.models import Attachment, Incident
from yingji.orgs.choices import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_receive_verify_report_and_activate_through_the_pages(demo):
    with time_machine.travel(T0, tick=False) as clock:
        staff = client_for(member_of(demo, Role.PEACE_OFFICE_STAFF))
        bad = staff.post("/incidents/new/", {"category": "district", "source": "caller"})
        assert bad.status_code == 200 and "这个字段是必填项" in bad.content.decode()
        staff.post(
            "/incidents/new/",
            {
                "category": "district",
                "source": "caller",
                "summary": "到区集访",
                "place": "区信访局",
            },
        )
        incident = Incident.objects.get()
        assert incident.number == "SJ2026-0001"
        staff.post(f"/incidents/{incident.pk}/verify/", {"true": "1", "note": ""})
        page = staff.get(f"/incidents/{incident.pk}/report/")
        assert "区信访局" in page.content.decode()  # prefilled from the record
        partial = {**REPORT, "urgency": ""}
        refused = staff.post(f"/incidents/{incident.pk}/report/", partial)
        text = refused.content.decode()
        assert refused.status_code == 200 and "报告缺少：紧急程度（预案§六(二)）。" in text
        assert "推选代表张某、李某" in text  # what was typed is kept
        clock.shift(timedelta(minutes=9))
        staff.post(f"/incidents/{incident.pk}/report/", REPORT)
        incident.refresh_from_db()
        assert incident.status == IncidentStatus.REPORTED
        # Staff see no activation button; the head does and may.
        assert "启动预案</button>" not in staff.get(f"/incidents/{incident.pk}/").content.decode()
        head = client_for(member_of(demo, Role.HEAD))
        assert "启动预案</button>" in head.get(f"/incidents/{incident.pk}/").content.decode()
        assert staff.post(f"/incidents/{incident.pk}/activate/").status_code == 403
        head.post(f"/incidents/{incident.pk}/activate/")
        incident.refresh_from_db()
        assert incident.status == IncidentStatus.ACTIVATED
        detail = head.get(f"/incidents/{incident.pk}/").content.decode()
        assert "工作专班到达事件发生地" in detail and "还剩 40 分钟" in detail


def test_board_shows_countdowns_arrivals_and_latest_log(demo):
    with time_machine.travel(T0, tick=False) as clock:
        incident = activated(demo)
        clock.shift(timedelta(minutes=12))
        client = client_for(member_of(demo, Role.HEAD))
        page = client.get("/incidents/")
        text = page.content.decode()
        assert 'hx-trigger="every 5s"' in text
        assert incident.number in text and "还剩 28 分钟" in text
        assert "3 人中 0 人到达，0 人已出发" in text
        live = client.get("/incidents/", HTTP_HX_REQUEST="true")
        assert "<html" not in live.content.decode() and incident.number in live.content.decode()
        clock.shift(timedelta(minutes=30))
        assert "已超时 2 分钟" in client.get("/incidents/?partial=1").content.decode()
    home = client.get("/").content.decode()
    assert '<span class="n">1</span>' in home


def test_check_in_page_records_dispatch_and_arrival(demo):
    with time_machine.travel(T0, tick=False) as clock:
        incident = activated(demo)
        me = incident.task_force.members.get(member__name="黄磊")
        client = client_for(member_of(demo, Role.TASK_FORCE_MEMBER))
        page = client.get(f"/incidents/{incident.pk}/check-in/").content.decode()
        assert "我已出发" in page and "我已到达" in page
        client.post(f"/incidents/{incident.pk}/check-in/", {"place": me.pk, "state": "dispatched"})
        clock.shift(timedelta(minutes=31))
        client.post(f"/incidents/{incident.pk}/check-in/", {"place": me.pk, "state": "arrived"})
        me.refresh_from_db()
        assert (me.dispatched_at, me.arrived_at) == (T0, T0 + timedelta(minutes=31))
        other = incident.task_force.members.get(member__name="周伟")
        refused = client.post(
            f"/incidents/{incident.pk}/check-in/", {"place": other.pk, "state": "arrived"}
        )
        assert refused.status_code == 403


def test_scene_pages_tick_log_demand_and_close(demo):
    incident = activated(demo)
    tf = client_for(member_of(demo, Role.TASK_FORCE_MEMBER))
    tf.post(f"/incidents/{incident.pk}/tick/respond/")
    assert incident.ticks.get().step_key == "respond"
    tf.post(
        f"/incidents/{incident.pk}/log/",
        {"text": "已引导至接访大厅", "files": SimpleUploadedFile("photo.jpg", samples.jpeg())},
    )
    attachment = Attachment.objects.get()
    assert attachment.name == "photo.jpg" and attachment.size == len(samples.jpeg())
    empty = tf.post(f"/incidents/{incident.pk}/log/", {"text": ""})
    assert empty.status_code == 400
    tf.post(f"/incidents/{incident.pk}/parties/", {"name": "张某", "capacity": "representative"})
    party = incident.parties.get()
    tf.post(f"/incidents/{incident.pk}/demands/", {"content": "补发补偿款", "parties": [party.pk]})
    tf.post(f"/incidents/{incident.pk}/demands/", {"content": "见镇长"})
    first, second = incident.demands.all()
    head = client_for(member_of(demo, Role.HEAD))
    head.post(f"/incidents/{incident.pk}/close-scene/")
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.ACTIVATED
    staff = client_for(member_of(demo, Role.PEACE_OFFICE_STAFF))
    staff.post(f"/incidents/demands/{first.pk}/case/")
    staff.post(f"/incidents/demands/{second.pk}/withdraw/", {"note": "当场答复，本人撤回"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == DemandStatus.CASE and first.case.channel == "incident_demand"
    assert second.status == DemandStatus.WITHDRAWN
    scene = staff.get(f"/incidents/{incident.pk}/").content.decode()  # the demand links its case
    assert f'<a href="/petitions/{first.case.pk}/">{first.case.number}</a>' in scene
    head.post(f"/incidents/{incident.pk}/close-scene/")
    summary = {
        "overview": "概况",
        "handling": "经过",
        "outcome": "结果",
        "aftermath": "五个一",
        "lessons": "教训",
        "attachment": SimpleUploadedFile("summary.pdf", samples.pdf()),
    }
    staff.post(f"/incidents/{incident.pk}/summary/", summary)
    head.post(f"/incidents/{incident.pk}/close/")
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.CLOSED
    assert incident.summary_report.attachment.name == "summary.pdf"
    page = head.get(f"/incidents/{incident.pk}/").content.decode()
    assert "summary.pdf" in page and "✓ 立即响应" in page and "已引导至接访大厅" in page


def test_another_township_sees_nothing(demo, other):
    incident = activated(demo)
    outsider = client_for(member_of(other, Role.HEAD))
    assert outsider.get(f"/incidents/{incident.pk}/").status_code == 404
    assert outsider.get(f"/incidents/{incident.pk}/check-in/").status_code == 404
    assert outsider.post(f"/incidents/{incident.pk}/activate/").status_code == 404
    assert incident.number not in outsider.get("/incidents/").content.decode()
    assert outsider.get(f"/api/incidents/{incident.pk}").status_code == 404
    assert outsider.get("/api/incidents/").json() == []


def test_every_form_page_opens(demo):
    incident = activated(demo)
    head = client_for(member_of(demo, Role.HEAD))
    staff = client_for(member_of(demo, Role.PEACE_OFFICE_STAFF))
    for client, url in [
        (staff, "/incidents/new/"),
        (staff, f"/incidents/{incident.pk}/verify/"),
        (staff, f"/incidents/{incident.pk}/report/"),
        (head, f"/incidents/{incident.pk}/task-force/"),
        (staff, f"/incidents/{incident.pk}/evidence/new/"),
        (staff, f"/incidents/{incident.pk}/summary/"),
        (head, "/incidents/closed/"),
        (head, f"/incidents/{incident.pk}/"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    form = head.get(f"/incidents/{incident.pk}/task-force/").content.decode()
    assert "示例派出所" not in form or "周伟" in form  # members listed under their unit kinds
    assert "XX派出所" in form and "相关村（社区）" in form
    assert client_for(member_of(demo, Role.AUDITOR)).get("/incidents/new/").status_code == 403


def test_several_photos_in_one_log_entry(demo):
    incident = activated(demo)
    tf = client_for(member_of(demo, Role.TASK_FORCE_MEMBER))
    tf.post(
        f"/incidents/{incident.pk}/log/",
        {
            "text": "现场照片",
            "files": [
                SimpleUploadedFile("a.jpg", samples.jpeg(b"a")),
                SimpleUploadedFile("b.jpg", samples.png()),
            ],
        },
    )
    entry = incident.log.get(text="现场照片")
    assert sorted(a.name for a in entry.attachments.all()) == ["a.jpg", "b.jpg"]


#: The on-scene log as incidents/detail.html wrote it through the template language,
#: before queries.log_html took over: the two must print the same markup.
TEMPLATE_LOG = (
    '{% for e in log %}<li class="log-{{ e.kind }}"><time>{{ e.at|date:"n月j日 H:i:s" }}</time> '
    '<span class="muted">{{ e.author_label }} · {{ e.get_kind_display }}</span><div>{{ e.text|linebreaksbr }}</div>\n'
    "    {% for f in e.attachments.all %}<div><a href=\"{% url 'incidents:file' 'attachment' f.pk %}\">{{ f.name }}</a> "
    '<small class="muted">{{ f.size|filesizeformat }} · SHA-256 {{ f.sha256|truncatechars:17 }}</small></div>{% endfor %}</li>'
    "{% if not forloop.last %}\n  {% endif %}{% endfor %}"
)


def test_the_log_is_written_as_the_template_wrote_it_with_two_queries(
    demo, django_assert_num_queries
):
    from django.template import Context, Template

    from yingji.incidents import queries

    with time_machine.travel(T0 + timedelta(minutes=30), tick=False) as clock:
        incident = activated(demo)
        tf = client_for(member_of(demo, Role.TASK_FORCE_MEMBER))
        tf.post(
            f"/incidents/{incident.pk}/log/",
            {
                "text": "第一行 <b>加粗</b> & “引号”\r\n第二行",
                "files": [
                    SimpleUploadedFile("现场<1>.jpg", samples.jpeg(b"a" * 2026)),  # 2048 bytes
                    SimpleUploadedFile("b.jpg", samples.jpeg()),
                ],
            },
        )
        clock.shift(timedelta(seconds=61))
        tf.post(f"/incidents/{incident.pk}/situation/", {"text": "人员情绪平稳"})
        clock.shift(timedelta(hours=16))  # past midnight in Shanghai: the date changes
        tf.post(f"/incidents/{incident.pk}/log/", {"text": "次日记录"})
        entries = list(incident.log.prefetch_related("attachments"))
        expected = Template(TEMPLATE_LOG).render(Context({"log": entries}))
        with django_assert_num_queries(2):
            html = queries.log_html(incident)
        page = tf.get(f"/incidents/{incident.pk}/").content.decode()
    assert len(entries) >= 3 and Attachment.objects.filter(log_entry__isnull=False).count() == 2
    assert html == expected
    assert "第一行 &lt;b&gt;加粗&lt;/b&gt; &amp; “引号”<br>第二行" in html
    assert "12月1日 01:31:01" in html and "2.0\xa0KB · SHA-256 " in html, html
    assert f'<ol class="log">{html}</ol>' in page


def test_every_field_of_the_incident_page_has_its_own_id(demo):
    # The log form and the situation report form both have a "text" field: two id_text made the
    # situation report's label point at the log's box.
    incident = activated(demo)
    tf = client_for(member_of(demo, Role.TASK_FORCE_MEMBER))
    page = tf.get(f"/incidents/{incident.pk}/").content.decode()
    ids = Counter(re.findall(r'\sid="([^"]+)"', page))
    assert [i for i, n in ids.items() if n > 1] == []
    assert '<label for="situation_text">' in page and 'id="situation_text"' in page
    refused = tf.post(f"/incidents/{incident.pk}/situation/", {"text": ""}).content.decode()
    assert (
        '<ul class="messages"><li class="warning">未保存：请更正下方标出的内容。</li></ul>'
        in refused
    )
    assert 'aria-describedby="situation_text_error" id="situation_text"' in refused
    assert (
        '<div id="situation_text_error"><p class="error" role="alert">这个字段是必填项。</p></div>'
        in refused
    )
