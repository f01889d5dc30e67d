"""The "What is due" page, the strip, acknowledging by page, API and signed link; the bell."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from tests.conftest import client_for, member_of
from yingji.audit.models import AuditEvent
from yingji.deadlines import actions
from yingji.deadlines.choices import DeadlineUnit
from yingji.deadlines.escalation import ack_token
from yingji.deadlines.models import Deadline
from yingji.deadlines.queries import deadlines_of
from yingji.deadlines.worker import run_once
from yingji.notify.models import Notification
from yingji.orgs.models import Member, Unit

from .conftest import T0, minutes, open_minutes

pytestmark = pytest.mark.django_db


def rows(html: str) -> list[tuple[str, str]]:
    """Return (id, class) of the deadline rows in ``html``, in page order."""
    return re.findall(r'<tr class="(dl-[a-z_]+)" id="deadline-(\d+)"', html)


def test_what_is_due_shows_newest_breach_first_then_soonest_due(town, other):
    early = open_minutes(town, 15, at=T0, rule="early")  # breached 10:15
    late = open_minutes(town, 20, at=T0, rule="late")  # breached 10:20
    soon = open_minutes(town, 60, at=T0, rule="soon")  # due 11:00, reminder 10:40
    later = open_minutes(town, 120, at=T0, rule="later")  # due 12:00
    open_minutes(other, 15, at=T0, rule="elsewhere")
    with time_machine.travel(T0 + minutes(45), tick=False):
        run_once()
        client = client_for(member_of(town, "peace_office_staff"))
        html = client.get("/deadlines/").content.decode().replace("\xa0", " ")
    assert rows(html) == [
        ("dl-breached", str(late.pk)),
        ("dl-breached", str(early.pk)),
        ("dl-due_soon", str(soon.pk)),
        ("dl-open", str(later.pk)),
    ]
    assert "已超时 30 分钟" in html and "剩余 15 分钟" in html and "剩余 1 小时，15 分钟" in html
    assert "2026年11月30日 11:00" in html  # Asia/Shanghai, Chinese format
    assert "elsewhere" not in html and "另一镇" not in html
    assert (
        'hx-trigger="every 30s" hx-headers=\'{"X-Yingji-Poll": "1"}\' hx-select="#due-list"' in html
    )  # refreshed in place


def test_the_strip_renders_a_list_of_deadlines_by_state(town):
    d = open_minutes(town, 15)
    with time_machine.travel(T0 + minutes(11), tick=False):
        html = render_to_string("deadlines/strip.html", {"deadlines": deadlines_of(town)})
    html = html.replace("\xa0", " ")
    assert f'<li class="dl dl-due_soon" id="deadline-{d.pk}">' in html
    assert "即将到期" in html and "到期 2026年11月30日 10:15" in html and "剩余 4 分钟" in html
    assert render_to_string("deadlines/strip.html", {"deadlines": []}).strip() == ""


def test_acknowledging_on_the_page_stops_escalation(town):
    d = open_minutes(town, 15)
    with time_machine.travel(T0 + minutes(16), tick=False):
        run_once()
        client = client_for(member_of(town, "peace_office_staff"))
        assert "第 1 / 3 级" in client.get("/deadlines/").content.decode()
        response = client.post(f"/deadlines/{d.pk}/acknowledge/")
        assert response.status_code == 302
        html = client.get("/deadlines/").content.decode()
    d.refresh_from_db()
    assert (d.acknowledged_at, d.acknowledged_by_name, d.next_check_at) == (
        T0 + minutes(16),
        "刘洋",
        None,
    )
    assert "刘洋 于 11月30日 10:16 确认" in html
    # A second acknowledgement is refused with a message.
    with time_machine.travel(T0 + minutes(17), tick=False):
        response = client.post(f"/deadlines/{d.pk}/acknowledge/", follow=True)
    assert "该超时已有人确认。" in response.content.decode()
    assert AuditEvent.objects.filter(action="deadlines.acknowledge").count() == 1


def test_an_auditor_cannot_acknowledge_and_another_township_gets_404(town, other):
    d = open_minutes(town, 15)
    with time_machine.travel(T0 + minutes(16), tick=False):
        run_once()
        assert (
            client_for(member_of(town, "auditor"))
            .post(f"/deadlines/{d.pk}/acknowledge/")
            .status_code
            == 403
        )
        assert (
            client_for(member_of(other, "peace_office_head"))
            .post(f"/deadlines/{d.pk}/acknowledge/")
            .status_code
            == 404
        )
    d.refresh_from_db()
    assert d.acknowledged_at is None


def test_the_signed_link_asks_on_get_and_acknowledges_on_post(town, client):
    d = open_minutes(town, 15)
    with time_machine.travel(T0 + minutes(16), tick=False):
        run_once()
    head = Member.objects.get(name="陈静")
    url = f"/deadlines/ack/{ack_token(d, head)}/"
    with time_machine.travel(T0 + minutes(20), tick=False):
        page = client.get(url)
        d.refresh_from_db()
        assert page.status_code == 200 and d.acknowledged_at is None  # GET changes nothing
        assert "以陈静的身份确认" in page.content.decode()
        done = client.post(url)
    d.refresh_from_db()
    assert (d.acknowledged_at, d.acknowledged_by_name) == (T0 + minutes(20), "陈静")
    assert "已由陈静于2026年11月30日 10:20确认" in done.content.decode()
    event = AuditEvent.objects.get(action="deadlines.acknowledge")
    assert event.actor_label == "陈静"
    # A tampered token is a 404.
    assert client.get(url[:-3] + "xx/").status_code == 404


def test_the_link_in_the_message_is_a_working_signed_link(town, client):
    open_minutes(town, 15)
    with time_machine.travel(T0 + minutes(16), tick=False):
        run_once()
    n = Notification.objects.get(kind="deadline.escalation")
    path = re.search(r"http://127\.0\.0\.1:8000(/deadlines/ack/[^/]+/)", n.body).group(1)
    with time_machine.travel(T0 + minutes(17), tick=False):
        client.post(path)
    assert Deadline.objects.get().acknowledged_by_name == "刘洋"


def test_the_api_lists_due_deadlines_and_acknowledges(town):
    d = open_minutes(town, 15)
    with time_machine.travel(T0 + minutes(16), tick=False):
        run_once()
        client = client_for(member_of(town, "head"))
        listed = client.get("/api/deadlines/due").json()
        done = client.post(f"/api/deadlines/{d.pk}/acknowledge")
        again = client.post(f"/api/deadlines/{d.pk}/acknowledge")
    assert [(x["id"], x["phase"], x["escalation_step"]) for x in listed] == [(d.pk, "breached", 1)]
    assert listed[0]["due_at"] == "2026-11-30T02:15:00Z"
    assert done.status_code == 200
    assert (done.json()["acknowledged_by"], done.json()["phase"]) == ("王建国", "acknowledged")
    assert again.status_code == 422


def test_the_bell_counts_unread_notifications(town):
    open_minutes(town, 15)
    with time_machine.travel(T0 + minutes(16), tick=False):
        run_once()
    client = client_for(member_of(town, "peace_office_staff"))
    home = client.get("/").content.decode()
    assert 'hx-get="/notifications/bell/"' in home and 'hx-trigger="load, every 30s"' in home
    bell = client.get("/notifications/bell/").content.decode()
    assert '<span class="badge"' in bell and ">2</span>" in bell  # the reminder and step 0
    inbox = client.get("/notifications/").content.decode()
    assert "提醒：核实并向领导小组报告" in inbox and "超时：核实并向领导小组报告" in inbox
    client.post("/notifications/read/")
    assert "badge" not in client.get("/notifications/bell/").content.decode()
    # Someone else's bell is their own.
    assert (
        "badge"
        not in client_for(member_of(town, "auditor")).get("/notifications/bell/").content.decode()
    )


def test_whoever_the_escalation_reached_may_acknowledge_whatever_their_role(town, client):
    from yingji.orgs.models import DutyShift

    # A task-force member is on duty (their role alone may not acknowledge).
    member = Member.objects.get(name="黄磊")
    DutyShift.objects.filter(township=town).update(member=member)
    d = open_minutes(town, 15)
    with time_machine.travel(T0 + minutes(16), tick=False):
        run_once()
        assert (
            client_for(member_of(town, "task_force_member"))
            .post(f"/deadlines/{d.pk}/acknowledge/")
            .status_code
            == 302
        )
    d.refresh_from_db()
    assert d.acknowledged_by_name == "黄磊"
    # Another task-force member, not reached, may not.
    d2 = open_minutes(town, 15, rule="other")
    DutyShift.objects.filter(township=town).update(member=Member.objects.get(name="刘洋"))
    with time_machine.travel(T0 + minutes(16), tick=False):
        run_once()
        assert (
            client_for(member_of(town, "task_force_member"))
            .post(f"/deadlines/{d2.pk}/acknowledge/")
            .status_code
            == 403
        )


def test_the_api_refuses_an_auditor(town):
    d = open_minutes(town, 15)
    with time_machine.travel(T0 + minutes(16), tick=False):
        run_once()
        response = client_for(member_of(town, "auditor")).post(f"/api/deadlines/{d.pk}/acknowledge")
    assert response.status_code == 403


def test_what_is_due_names_each_matter_with_one_query_per_kind_of_matter(town):
    """20 rows on a township and units cost one query more than 1 row: not one per row."""
    east, west = Unit.objects.filter(township=town, name__in=["东岭村", "西河村"]).order_by("name")

    def open_on(subject, n: int) -> None:
        with transaction.atomic():
            actions.open_deadline(
                subject,
                township=town,
                rule=f"r{n}",
                label=f"时限{n}",
                source="预案 §六(二)",
                unit=DeadlineUnit.MINUTES,
                amount=60 + n,
                opened_at=T0,
                plan_version=town.plan_version,
            )

    client = client_for(member_of(town, "peace_office_staff"))
    with time_machine.travel(T0 + minutes(1), tick=False):
        open_on(town, 0)
        client.get("/deadlines/")  # the session and the content types are cached after this
        with CaptureQueriesContext(connection) as one:
            client.get("/deadlines/")
        for n in range(1, 20):
            open_on(east if n % 2 else west, n)
        with CaptureQueriesContext(connection) as twenty:
            html = client.get("/deadlines/").content.decode()
    assert len(rows(html)) == 20
    assert len(twenty.captured_queries) == len(one.captured_queries) + 1
    cells = re.findall(r"<td>([^<]*)</td>", html)
    assert sum(c.endswith(" 东岭村") for c in cells) == 10
    assert sum(c.endswith(" 西河村") for c in cells) == 9
    assert sum(c.endswith(" 示例镇") for c in cells) == 1


#: The rows of "What is due" as deadlines/due.html wrote them through the template language,
#: before deadlines/table.py took over: the two must print the same markup.
TEMPLATE_ROWS = """{% load i18n tz %}{% for d in deadlines %}{% with phase=d.phase %}
      <tr class="dl-{{ phase }}" id="deadline-{{ d.pk }}">
        <td><strong>{{ d.label }}</strong></td>
        <td>{{ d.content_type.name }} {{ d.subject|default:d.object_id }}</td>
        <td>{% timezone "Asia/Shanghai" %}{{ d.due_at|date:"Y年n月j日 H:i" }}{% endtimezone %}</td>
        <td>{% if phase == "breached" or phase == "acknowledged" %}<span class="tag">{% blocktranslate with t=d.due_at|timesince %}{{ t }} overdue{% endblocktranslate %}</span>{% else %}{% blocktranslate with t=d.due_at|timeuntil %}{{ t }} left{% endblocktranslate %}{% endif %}</td>
        <td>{% if d.acknowledged_at %}{% timezone "Asia/Shanghai" %}{% blocktranslate with who=d.acknowledged_by_name when=d.acknowledged_at|date:"n月j日 H:i" %}acknowledged by {{ who }} at {{ when }}{% endblocktranslate %}{% endtimezone %}
        {% elif d.breached_at %}{% blocktranslate with n=d.escalation_step total=d.escalation_chain|length %}step {{ n }} of {{ total }}{% endblocktranslate %}
          {% if can_ack %}<form method="post" action="{% url 'deadlines:acknowledge' d.pk %}" class="inline">{% csrf_token %}<button type="submit" class="primary">{% translate "Acknowledge" %}</button></form>{% endif %}
        {% else %}<span class="muted">—</span>{% endif %}</td>
        <td class="muted">{{ d.source }}</td>
      </tr>
    {% endwith %}{% endfor %}"""


@pytest.mark.parametrize("can_ack", [True, False])
def test_the_rows_are_written_as_the_template_wrote_them(town, can_ack):
    from django.template import Context, Template

    from yingji.deadlines.table import due_rows_html
    from yingji.orgs.access import Actor

    staff = Actor.for_member(member_of(town, "peace_office_staff"))
    east = Unit.objects.get(township=town, name="东岭村")
    breached = open_minutes(town, 15, at=T0, rule="a")
    acknowledged = open_minutes(town, 20, at=T0, rule="b")
    open_minutes(town, 60, at=T0, rule="c")  # due soon at the time below
    open_minutes(town, 24 * 60 + 7, at=T0, rule="d")  # open, a day and more left
    with transaction.atomic():
        actions.open_deadline(
            east,
            township=town,
            rule="e",
            label="<核实> & 报告",
            source="预案 §六(二)",
            unit=DeadlineUnit.MINUTES,
            amount=300,
            opened_at=T0,
            plan_version=town.plan_version,
        )
    with time_machine.travel(T0 + minutes(45), tick=False):
        run_once()
        actions.acknowledge(staff, Deadline.objects.get(pk=acknowledged.pk))
        rows = list(
            Deadline.objects.filter(township=town, state__in=["open", "breached"])
            .select_related("content_type")
            .prefetch_related("subject")
            .order_by("due_at", "id")
        )
        context = Context({"deadlines": rows, "can_ack": can_ack, "csrf_token": "TOKEN"})
        expected = Template(TEMPLATE_ROWS).render(context)
        html = due_rows_html(rows, can_ack=can_ack, csrf_token="TOKEN")
        phases = [d.phase for d in rows]
    assert phases == ["breached", "acknowledged", "due_soon", "open", "open"]
    assert Deadline.objects.get(pk=breached.pk).escalation_step >= 1
    assert html == expected
    assert ("/acknowledge/" in html) is can_ack and "&lt;核实&gt; &amp; 报告" in html
