"""The Word documents: GB/T 9704-2012 layout, and the contents of a known incident and case."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from tests.incidents.helpers import T0
from tests.incidents.test_flow import run_to_close
from tests.petitions.conftest import NAME, PHONE, in_resolution, receive
from yingji.petitions import actions as petitions
from yingji.petitions.choices import DocumentKind
from yingji.reports import documents

pytestmark = pytest.mark.django_db


def _open(data: bytes):
    return Document(io.BytesIO(data))


def _text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


def assert_gbt9704(doc) -> None:
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.top_margin.mm) == 37 and round(section.bottom_margin.mm) == 35
    assert round(section.left_margin.mm) == 28 and round(section.right_margin.mm) == 26
    grid = section._sectPr.find(qn("w:docGrid"))
    # 22 lines in the 225 mm type area.
    assert round((297 - 37 - 35) / (int(grid.get(qn("w:linePitch"))) / 20 * 25.4 / 72)) == 22
    # 28 characters of 16 pt on the 156 mm line.
    pitch = 16 + int(grid.get(qn("w:charSpace"))) / 4096
    assert int((210 - 28 - 26) / 25.4 * 72 / pitch) == 28
    assert grid.get(qn("w:type")) == "linesAndChars"
    title = doc.paragraphs[0]
    run = title.runs[0]
    assert run.font.size == Pt(22) and title.alignment == 1
    assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    body = [p for p in doc.paragraphs[1:] if p.runs and p.runs[0].font.size == Pt(16)]
    assert body, "no body text in 3号"
    assert {p.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) for p in body} <= {
        "仿宋_GB2312",
        "黑体",
        "楷体_GB2312",
    }
    footer = section.footer.paragraphs[0]
    assert footer.text.startswith("— ") and footer.text.endswith(" —")
    assert footer.runs[0].font.size == Pt(14)
    assert footer.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    assert "PAGE" in footer._p.xml
    # Fallbacks in the font table: 仿宋_GB2312 → 仿宋.
    fonts = next(r.target_part for r in doc.part.rels.values() if r.reltype.endswith("/fontTable"))
    assert "仿宋_GB2312" in fonts.blob.decode() and 'w:val="仿宋"' in fonts.blob.decode()
    assert abs(section.left_margin - Mm(28)) < Mm(0.05)  # twips round to 1/56.7 mm


def test_incident_summary_report_has_the_course_deadlines_and_evidence(demo):
    incident = run_to_close(demo, "district", arrive_after=43)
    name, data = documents.incident_summary(incident, now=T0 + timedelta(hours=3))
    assert name == f"{incident.number}-总结报告.docx"
    doc = _open(data)
    assert_gbt9704(doc)
    text = _text(doc)
    for heading in documents.SUMMARY_HEADINGS:
        assert heading in text
    assert "接报 | 2026年11月30日 09:00" in text
    assert "向领导小组报告 | 2026年11月30日 09:10" in text
    assert "启动预案 | 2026年11月30日 09:12" in text
    assert "工作专班首人到场 | 2026年11月30日 09:55" in text
    assert (
        "核实并向领导小组报告 | 2026年11月30日 09:00 | 2026年11月30日 09:15 | 2026年11月30日 09:10 | 按时完成"
        in text
    )
    assert (
        "工作专班到达事件发生地 | 2026年11月30日 09:12 | 2026年11月30日 09:52 | 2026年11月30日 09:55 | 超时完成（超出3分钟）"
        in text
    )
    assert "黄磊" in text  # task-force member (an official)
    assert "补发征地补偿款" in text and "责任单位：未明确" in text
    assert "张某" not in text and "138" not in text  # parties never named
    assert "代表1人" in text
    assert doc.paragraphs[-1].text == "2026年11月30日"
    assert doc.paragraphs[-2].text == "镇平安办"


def test_fifteen_minute_report(demo):
    incident = run_to_close(demo, "township", arrive_after=5)
    _name, data = documents.fifteen_minute_report(incident)
    doc = _open(data)
    assert_gbt9704(doc)
    text = _text(doc)
    assert "报告时间2026年11月30日 09:10" in text
    assert "一、时间：11月30日8时50分起" in text


def test_petition_notices_and_reply_reuse_the_stored_texts(demo, staff, peace_head):
    at = T0 - timedelta(days=40)
    case = in_resolution(demo, staff, peace_head, at)
    with time_machine.travel(at + timedelta(days=20), tick=False):
        petitions.issue_reply(
            staff,
            case,
            request="确权",
            facts="档案齐全",
            decision="予以支持",
            basis="《土地管理法》",
            review_body="区人民政府",
        )
    acceptance = case.documents.get(kind=DocumentKind.ACCEPTANCE)
    reply = case.documents.get(kind=DocumentKind.REPLY)
    doc = _open(documents.petition_document(acceptance)[1])
    assert_gbt9704(doc)
    assert doc.paragraphs[0].text == "信访事项受理告知书"
    assert "60日内办结" in _text(doc)
    doc = _open(documents.petition_document(reply)[1])
    text = _text(doc)
    assert doc.paragraphs[0].text == "信访事项处理意见书"
    assert "30日内请求区人民政府复查" in text
    assert (
        doc.paragraphs[-2].text == "示例镇人民政府"
    )  # the organ that accepted it, not 东岭村 (Art. 32)
    assert NAME not in text and PHONE not in text

    declined = receive(demo, staff, at)
    with time_machine.travel(at, tick=False):
        petitions.decline_case(staff, declined, reason="不属于信访事项")
    doc = _open(documents.petition_document(declined.documents.get())[1])
    assert doc.paragraphs[0].text == "信访事项不予受理告知书"
    assert "理由：不属于信访事项" in _text(doc)


def test_a_township_template_replaces_the_layout(demo, settings, tmp_path):
    from docx import Document as new_document

    template = new_document()
    template.sections[0].left_margin = Mm(30)
    template.add_paragraph("样例正文，将被清除")
    template.save(tmp_path / "official.docx")
    settings.REPORT_TEMPLATE_DIR = tmp_path
    incident = run_to_close(demo, "township", arrive_after=5)
    doc = _open(documents.fifteen_minute_report(incident)[1])
    assert round(doc.sections[0].left_margin.mm) == 30
    assert "样例正文" not in _text(doc)
    assert doc.paragraphs[0].text.startswith("关于")


def test_pdf_only_where_libreoffice_is_installed(demo, monkeypatch):
    from tests.conftest import client_for, member_of
    from yingji.orgs.choices import Role
    from yingji.reports import pdf

    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    assert pdf.available() is False and pdf.to_pdf("x.docx", b"") is None
    incident = run_to_close(demo, "township", arrive_after=5)
    client = client_for(member_of(demo, Role.PEACE_OFFICE_STAFF))
    assert (
        client.get(f"/reports/incidents/{incident.pk}/summary.docx?format=pdf").status_code == 404
    )
    assert client.get(f"/reports/incidents/{incident.pk}/summary.docx").status_code == 200
