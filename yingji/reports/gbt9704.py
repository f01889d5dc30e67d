"""Word documents laid out per GB/T 9704-2012 (党政机关公文格式), with python-docx.

The layout: A4 (210 × 297 mm); margins top 37 mm, bottom 35 mm, left 28 mm,
right 26 mm (GB/T 9704-2012 §5.2.1 版心 156 × 225 mm); title in 小标宋 2号
(22 pt), centred; body in 仿宋_GB2312 3号 (16 pt), 22 lines of 28
characters (line pitch and character grid set on the section); level-one
headings 黑体 3号, level-two 楷体 3号; page numbers 4号 宋体 (14 pt) with dashes
("— 1 —") at the foot, right on odd pages and left on even ones (§7.5);
the issuing body and the date at the end, right-aligned.

Fonts are named on every run for both Latin (``w:ascii``/``w:hAnsi``) and
East Asian text (``w:eastAsia``): Word and WPS use the installed 仿宋_GB2312 /
方正小标宋简体, and fall back through the ``w:altName`` of the font table to
仿宋 / 宋体 where those are missing.

A township replaces the layout by putting its own ``official.docx`` in
``var/report_templates/`` (``settings.REPORT_TEMPLATE_DIR``): its page set-up,
styles, header and footer are kept and its body text is dropped.
"""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings
from docx import Document as new_docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

#: Font names: (as written in the document, fallback name for the font table).
TITLE_FONT = ("方正小标宋简体", "宋体")
BODY_FONT = ("仿宋_GB2312", "仿宋")
HEADING1_FONT = ("黑体", "SimHei")
HEADING2_FONT = ("楷体_GB2312", "楷体")
PAGE_NUMBER_FONT = ("宋体", "SimSun")

TITLE_SIZE = Pt(22)  # 2号
BODY_SIZE = Pt(16)  # 3号
PAGE_NUMBER_SIZE = Pt(14)  # 4号
TABLE_SIZE = Pt(12)  # 小四, tables
SMALL_TABLE_SIZE = Pt(10.5)  # 5号, wide tables (64-digit hashes)

#: 22 lines in the 225 mm type area: 225 mm / 22 ≈ 28.95 pt line pitch.
LINE_PITCH = Pt(28.95)
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28

MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
#: 28 characters in the 156 mm line: pitch 156 mm / 28 ≈ 15.79 pt, i.e. the 16 pt body size less
#: 0.207 pt; Word's ``w:charSpace`` counts 1/4096 pt (ECMA-376 §17.6.5).
CHAR_SPACE = -849
TEMPLATE_NAME = "official.docx"


def template_path() -> Path | None:
    """Return the township's own template (``REPORT_TEMPLATE_DIR/official.docx``) if there is one."""
    base = (
        getattr(settings, "REPORT_TEMPLATE_DIR", None)
        or Path(settings.VAR_DIR) / "report_templates"
    )
    path = Path(base) / TEMPLATE_NAME
    return path if path.is_file() else None


def set_run_font(run, font: tuple[str, str], size: Pt, *, bold: bool = False) -> None:
    """Name ``font`` on ``run`` for Latin and East Asian text, at ``size``."""
    run.font.name = font[0]
    run.font.size = size
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), font[0])


def _declare_fallbacks(doc: DocxDocument) -> None:
    """Add each font to the font table with its ``w:altName`` fallback (仿宋_GB2312 → 仿宋 …)."""
    try:
        fonts_part = next(
            rel.target_part for rel in doc.part.rels.values() if rel.reltype.endswith("/fontTable")
        )
    except StopIteration:
        return
    from docx.oxml import parse_xml

    root = parse_xml(fonts_part.blob)
    known = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    for name, alt in (TITLE_FONT, BODY_FONT, HEADING1_FONT, HEADING2_FONT, PAGE_NUMBER_FONT):
        if name in known:
            continue
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        alt_el = OxmlElement("w:altName")
        alt_el.set(qn("w:val"), alt)
        font.append(alt_el)
        charset = OxmlElement("w:charset")
        charset.set(qn("w:val"), "86")  # GB2312
        font.append(charset)
        root.append(font)
    from lxml import etree

    fonts_part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page_setup(doc: DocxDocument) -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    section.footer_distance = Mm(28)  # the page number sits 7 mm below the type area (§7.5)
    sect = section._sectPr
    grid = sect.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(int(LINE_PITCH.pt * 20)))  # twentieths of a point
    grid.set(qn("w:charSpace"), str(CHAR_SPACE))
    # Odd pages right, even pages left: Word needs "different odd and even" in the settings.
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)

    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT[0]
    normal.font.size = BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT[0])
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH
    fmt.space_before = fmt.space_after = Pt(0)


def _field(paragraph: Paragraph, instruction: str) -> None:
    run = paragraph.add_run()
    set_run_font(run, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None), ("end", None)):
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        run._element.append(el)
        if kind == "separate":
            t = OxmlElement("w:t")
            t.text = "1"
            run._element.append(t)


def _page_number(paragraph: Paragraph, align) -> None:
    """Write "— PAGE —" in 4号 宋体 (GB/T 9704-2012 §7.5)."""
    paragraph.alignment = align
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    run = paragraph.add_run("— ")
    set_run_font(run, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
    _field(paragraph, " PAGE ")
    run = paragraph.add_run(" —")
    set_run_font(run, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)


class OfficialDocument:
    """One official document being written; ``save()`` returns the .docx bytes.

    Methods add, in order: ``title``, ``para`` (indented body text), ``heading``
    (level 1 "一、" 黑体, level 2 "（一）" 楷体), ``table``, ``signoff``
    (issuing body and date, right-aligned at the end).
    """

    def __init__(self) -> None:
        path = template_path()
        if path is not None:
            self.doc = new_docx(str(path))
            body = self.doc.element.body
            for child in list(body):
                if child.tag != qn("w:sectPr"):
                    body.remove(child)
        else:
            self.doc = new_docx()
            _page_setup(self.doc)
        _declare_fallbacks(self.doc)

    def _p(
        self,
        text: str,
        font: tuple[str, str],
        size: Pt,
        *,
        align=None,
        indent: bool = False,
        bold: bool = False,
    ) -> Paragraph:
        p = self.doc.add_paragraph()
        if align is not None:
            p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Pt(size.pt * 2)  # two characters
        set_run_font(p.add_run(text), font, size, bold=bold)
        return p

    def title(self, text: str) -> Paragraph:
        """Add the title, 小标宋 2号, centred, followed by an empty line (§7.3.1)."""
        p = self._p(text, TITLE_FONT, TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER)
        p.paragraph_format.line_spacing = Pt(36)
        self.doc.add_paragraph()
        return p

    def para(self, text: str, *, indent: bool = True) -> Paragraph:
        """Add a body paragraph, 仿宋 3号, first line indented by two characters."""
        return self._p(text, BODY_FONT, BODY_SIZE, indent=indent, align=WD_ALIGN_PARAGRAPH.JUSTIFY)

    def heading(self, text: str, level: int = 1) -> Paragraph:
        """Add a heading: level 1 in 黑体 3号 ("一、"), level 2 in 楷体 3号 ("（一）") (§7.3.3)."""
        font = HEADING1_FONT if level == 1 else HEADING2_FONT
        return self._p(text, font, BODY_SIZE, indent=True)

    def table(self, header: list[str], rows: list[list[str]], size: Pt = TABLE_SIZE) -> None:
        """Add a table with ``header`` and ``rows`` (仿宋, 小四 by default so that hashes fit)."""
        table = self.doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.paragraphs[0].paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            set_run_font(cell.paragraphs[0].add_run(text), HEADING1_FONT, size)
        for row in rows:
            cells = table.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                cell.paragraphs[0].paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
                set_run_font(cell.paragraphs[0].add_run(str(text)), BODY_FONT, size)

    def signoff(self, issuer: str, date_text: str) -> None:
        """Add the issuing body and the date at the end, right-aligned, after an empty line (§7.3.5)."""
        self.doc.add_paragraph()
        for text in (issuer, date_text):
            p = self._p(text, BODY_FONT, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.RIGHT)
            p.paragraph_format.right_indent = Pt(BODY_SIZE.pt * 4)  # 右空四字

    def save(self) -> bytes:
        """Return the document as .docx bytes."""
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()
