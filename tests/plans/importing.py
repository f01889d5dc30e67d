"""Helpers for the importer tests: the shared plan texts and a .docx made from a text."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
from docx.oxml import parse_xml

PLANS = Path(__file__).resolve().parents[3] / "shared" / "data" / "plans"
TOWNSHIP = PLANS / "township-petition-emergency-plan.txt"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

_NUMBERING = f"""
<w:abstractNum {W} w:abstractNumId="90">
  <w:multiLevelType w:val="multilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
</w:abstractNum>"""
_NUM = f'<w:num {W} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'


def township_text() -> str:
    return TOWNSHIP.read_text(encoding="utf-8")


def docx_from_text(text: str) -> bytes:
    """Return a .docx of ``text``: 一、 and （一） headings as Word's automatic numbering,
    the leading-group seats (组 长： …) as a table, every other line a paragraph."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(_NUMBERING))
    numbering.append(parse_xml(_NUM))
    seats: list[str] = []
    for line in text.splitlines():
        if re.match(r"^(组\s*长|副组长|组\s*员)：", line):
            seats.append(line)
            continue
        if seats:
            _table(document, seats)
            seats = []
        level1 = re.match(r"^[一二三四五六七八九十]+、(.*)$", line)
        level2 = re.match(r"^（[一二三四五六七八九十]+）(.*)$", line)
        if level1 or level2:
            paragraph = document.add_paragraph((level1 or level2).group(1))  # type: ignore[union-attr]
            ppr = paragraph._p.get_or_add_pPr()
            ilvl = 0 if level1 else 1
            ppr.append(
                parse_xml(f'<w:numPr {W}><w:ilvl w:val="{ilvl}"/><w:numId w:val="90"/></w:numPr>')
            )
        else:
            document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _table(document, rows: list[str]) -> None:
    table = document.add_table(rows=len(rows), cols=2)
    for row, line in zip(table.rows, rows, strict=True):
        row.cells[0].text = line
        row.cells[1].text = ""
