"""Text typed by people (or imported from a public message board) goes into exports as text, never a formula.

openpyxl writes a string beginning with "=" as a formula: a summary such as
``=HYPERLINK("http://…","点击")`` or ``=cmd|'/c calc'!A1`` would run in
Excel on the official's computer that opens the export (CSV / formula
injection, OWASP). Every exported text cell is written as a string.
"""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from tests.earlywarning.test_lifecycle import register
from yingji.earlywarning.queries import ledger
from yingji.earlywarning.xlsx import COLUMNS, write_workbook
from yingji.reports.xlsx import _write_rows

pytestmark = pytest.mark.django_db
FORMULAS = ['=HYPERLINK("http://203.0.113.9/x","点击查看")', "=cmd|'/c calc'!A1", "=1+1"]


def _cells(content: bytes) -> list[tuple[object, str]]:
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    return [(c.value, c.data_type) for row in ws.iter_rows(min_row=2) for c in row]


def test_the_ledger_export_writes_formula_like_text_as_text(demo):
    for text in FORMULAS:
        register(demo, summary=text, address=text)
    buf = io.BytesIO()
    write_workbook(ledger(demo), buf)
    cells = _cells(buf.getvalue())
    assert [d for _v, d in cells if d == "f"] == []
    summaries = [v for v, _d in cells if v in FORMULAS]
    assert sorted(summaries) == sorted(FORMULAS * 2)  # kept exactly, in summary and place
    assert len(cells) == len(FORMULAS) * len(COLUMNS)


def test_report_rows_write_formula_like_text_as_text():
    wb = Workbook()
    _write_rows(wb.active, ["事由", "人数"], [[text, 3] for text in FORMULAS])
    buf = io.BytesIO()
    wb.save(buf)
    assert _cells(buf.getvalue()) == [cell for t in FORMULAS for cell in ((t, "s"), (3, "n"))]
