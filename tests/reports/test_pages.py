"""The board page, its lists, the downloads and the ``yingji report`` command."""

from __future__ import annotations

import io
import json
import re

import pytest
import time_machine
from django.core.management import call_command
from docx import Document
from openpyxl import load_workbook

from tests.conftest import client_for, member_of
from tests.reports import month
from yingji.incidents.models import Incident
from yingji.orgs.choices import Role
from yingji.petitions.models import Document as PetitionDocument
from yingji.petitions.models import PetitionCase
from yingji.reports import stats

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(demo):
    month.build(demo)
    return demo


def _board(client, **params):
    with time_machine.travel(month.NOW, tick=False):
        return client.get("/reports/", params)


def test_board_shows_every_figure_with_its_definition(built):
    client = client_for(member_of(built, Role.HEAD))
    response = _board(client, **{"from": "2026-10", "to": "2026-11"})
    html = response.content.decode()
    assert response.status_code == 200
    for key in stats.RATE_KEYS + stats.DURATION_KEYS:
        name, definition = stats.DEFINITIONS[key]
        assert (
            name in html
            and definition.replace("“", "&ldquo;")[:10] in html
            or definition[:10] in html
        )
    data = json.loads(
        re.search(r'id="board-data" type="application/json">(.*?)</script>', html, re.S).group(1)
    )
    assert data["months"] == ["2026-10", "2026-11"]
    rates = {r["key"]: (r["numerator"], r["denominator"]) for r in data["rates"]}
    assert rates == month.RATES
    bars = {b["id"]: b for b in data["bars"]}
    assert bars["warnings_by_month"]["values"] == [1, 3]
    assert bars["cases_by_month"]["values"] == [0, 5]
    assert "/reports/list/?kind=cases&from=2026-11&to=2026-11" in bars["cases_by_month"]["drill"][1]
    assert 'src="/static/vendor/echarts-6.1.0.min.js"' in html and "统计报告" in html
    assert "80%" in html  # the response rate, 4 of 5


def test_default_range_is_the_last_six_months(built):
    client = client_for(member_of(built, Role.PEACE_OFFICE_STAFF))
    html = _board(client, **{"from": "junk"}).content.decode()
    assert 'value="2026-07"' in html and 'value="2026-12"' in html


def test_drill_down_lists_the_rows_behind_a_bar(built):
    client = client_for(member_of(built, Role.PEACE_OFFICE_STAFF))
    with time_machine.travel(month.NOW, tick=False):
        cases = client.get(
            "/reports/list/",
            {"kind": "cases", "from": "2026-11", "to": "2026-11", "deadline": "breached"},
        )
        warnings = client.get(
            "/reports/list/",
            {"kind": "warnings", "from": "2026-11", "to": "2026-11", "category": "other"},
        )
        units = client.get(
            "/reports/list/",
            {"kind": "cases", "from": "2026-11", "to": "2026-11", "unit": "东岭村"},
        )

    def numbers(response):
        body = response.content.decode().split("<tbody>")[1].split("</tbody>")[0]
        return re.findall(r'<a href="/(?:petitions|warnings)/\d+/">([^<]+)</a>', body)

    [breached] = numbers(cases)
    assert PetitionCase.objects.get(township=built, number=breached).status == "received"
    assert len(numbers(warnings)) == 1
    assert len(numbers(units)) == 3


def test_downloads_and_another_township(built, other):
    client = client_for(member_of(built, Role.PEACE_OFFICE_STAFF))
    incident = Incident.objects.filter(township=built).first()
    response = client.get(f"/reports/incidents/{incident.pk}/summary.docx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    doc = Document(io.BytesIO(response.content))
    assert doc.paragraphs[0].text.startswith("关于")
    assert client.get(f"/reports/incidents/{incident.pk}/report.docx").status_code == 200
    document = PetitionDocument.objects.filter(case__township=built).first()
    assert client.get(f"/reports/documents/{document.pk}.docx").status_code == 200
    with time_machine.travel(month.NOW, tick=False):
        xlsx = client.get("/reports/month/2026-11.xlsx")
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames[0] == "汇总"
    assert client.get("/reports/month/2026-13.xlsx").status_code == 404
    outsider = client_for(member_of(other, Role.PEACE_OFFICE_STAFF))
    assert outsider.get(f"/reports/incidents/{incident.pk}/summary.docx").status_code == 404
    assert outsider.get(f"/reports/documents/{document.pk}.docx").status_code == 404
    # The pages that offer the downloads.
    assert (
        f"/reports/incidents/{incident.pk}/summary.docx"
        in client.get(f"/incidents/{incident.pk}/").content.decode()
    )
    assert (
        f"/reports/documents/{document.pk}.docx"
        in client.get(f"/petitions/{document.case_id}/").content.decode()
    )


def test_the_command_writes_the_files_and_prints_their_paths(built, tmp_path):
    incident = Incident.objects.filter(township=built).first()
    out = io.StringIO()
    call_command("report", "incident", incident.number, "--out", str(tmp_path), stdout=out)
    paths = out.getvalue().split()
    assert str(tmp_path / f"{incident.number}-总结报告.docx") in paths
    assert str(tmp_path / f"{incident.number}-信息报告.docx") in paths
    out = io.StringIO()
    with time_machine.travel(month.NOW, tick=False):
        call_command("report", "month", "2026-11", "--out", str(tmp_path), stdout=out)
    [path] = out.getvalue().split()
    assert load_workbook(path)["汇总"].cell(3, 5).value == 2
