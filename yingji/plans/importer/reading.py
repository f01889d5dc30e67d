"""Read a plan document's bytes into numbered lines: .txt in any common encoding, or .docx.

The encoding is detected, never assumed: a byte-order mark (UTF-8, UTF-16
LE/BE) wins; UTF-16 without a mark is recognised by its zero bytes; then
strict UTF-8; then strict GB18030 (a superset of GBK and GB2312). A .docx is
recognised by its content (a zip holding ``word/document.xml``), not its name;
its automatic numbering is rendered into the text ("一、", "（一）", "1.") and
each table row becomes one line. Bad input raises :class:`ImportRefused` with a
message in the active language, and nothing is drafted (DESIGN.md §8).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

#: Larger files are refused: real plans are 5–60 KB of text; 5 MB is a generous ceiling.
MAX_BYTES = 5 * 1024 * 1024


class ImportRefused(ValueError):
    """The file cannot be read as a plan document; ``str(exc)`` is the message for the user."""


@dataclass(frozen=True)
class Line:
    """One non-empty line of the document: ``text`` stripped, 1-based ``number``, ``origin``.

    ``number`` is the line of a .txt file or the paragraph / table-row counter of
    a .docx; ``origin`` is ``"text"``, ``"paragraph"`` or ``"table"``.
    """

    text: str
    number: int
    origin: str = "text"


@dataclass
class Source:
    """A read document: its ``lines``, the detected ``encoding`` and ``kind`` ("txt" / "docx").

    ``set_aside`` holds the lines recognised as page furniture or web-page
    leftovers, each with its reason, so that nothing is dropped unseen.
    """

    lines: list[Line]
    encoding: str
    kind: str
    chars: int
    set_aside: list[tuple[Line, str]] = field(default_factory=list)


_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"^[\s\u3000\u00a0]+|[\s\u3000\u00a0]+$")

# Page furniture and web-page leftovers: (pattern on the stripped line, reason).
_FURNITURE: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^第\s*\d+\s*页\s*(?:[,，/]?\s*共\s*\d+\s*页)?$"), "page number"),
    (re.compile(r"^[-—–－_\s]+\d{1,4}[-—–－_\s]+$"), "page number"),
    (re.compile(r"^\d+\s*/\s*\d+$"), "page number"),
    (re.compile(r".*[.…·．]{4,}\s*\d+$"), "table of contents"),
    (re.compile(r"^目\s*录$"), "table of contents"),
    (
        re.compile(
            r"^(?:【?\s*(?:字体|字号)\s*[：:].*|打印本页|打印|关闭窗口|关闭|返回顶部|分享到[：:]?.*|"
            r"扫一扫.*|(?:来源|发布时间|发布日期|浏览次数|访问量|点击数|作者|编辑)\s*[：:].*|"
            r"当前位置\s*[：:].*|首页\s*[>＞»].*|【\s*(?:打印|关闭|收藏|大|中|小).*|.*\b(?:https?://|www\.)\S+.*)$"
        ),
        "web page",
    ),
]


def _furniture(text: str) -> str | None:
    for pattern, reason in _FURNITURE:
        if pattern.match(text):
            return reason
    return None


def _decode(data: bytes) -> tuple[str, str]:
    """Return ``(text, encoding name)``; raises :class:`ImportRefused` for binary data."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "UTF-8 (BOM)"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16 (BOM)"
        except UnicodeDecodeError:
            raise ImportRefused(_("The file says it is UTF-16 but is not valid UTF-16.")) from None
    sample = data[:65536]
    zeros_even = sample[0::2].count(0)
    zeros_odd = sample[1::2].count(0)
    if zeros_even or zeros_odd:
        # UTF-16 without a mark: its ASCII characters (digits, line ends) put zero bytes
        # on one side only; Chinese text must then dominate what it decodes to.
        order = [("utf-16-le", "UTF-16 LE"), ("utf-16-be", "UTF-16 BE")]
        if zeros_even > zeros_odd:
            order.reverse()
        for codec, name in order:
            try:
                text = data.decode(codec, errors="strict")
            except UnicodeDecodeError:
                continue
            chinese = len(re.findall(r"[\u4e00-\u9fff]", text))
            if chinese >= 0.3 * len(text.replace("\n", "")):
                return text, name
        raise ImportRefused(_("This is not a text file (it holds binary data)."))
    for codec, name in (("utf-8", "UTF-8"), ("gb18030", "GB18030")):
        try:
            text = data.decode(codec, errors="strict")
        except UnicodeDecodeError:
            continue
        return text, name
    raise ImportRefused(
        _("The text is in none of the encodings read here (UTF-8, GB18030/GBK, UTF-16).")
    )


def _check_plausible(text: str) -> None:
    """Refuse text that decodes but is not prose: control characters or no Chinese at all."""
    if not text.strip():
        raise ImportRefused(_("The file is empty."))
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if controls > max(3, len(text) // 200):
        raise ImportRefused(_("This is not a text file (it holds binary data)."))
    if not re.search(r"[\u4e00-\u9fff]", text):
        raise ImportRefused(_("The text holds no Chinese: it is not a plan document."))


def _lines_of_text(text: str, origin: str = "text", start: int = 1) -> list[tuple[str, int, str]]:
    text = text.translate(_INVISIBLE).replace("\r\n", "\n").replace("\r", "\n")
    out = []
    for i, raw in enumerate(text.split("\n"), start):
        stripped = _SPACES.sub("", raw)
        if stripped:
            out.append((stripped, i, origin))
    return out


def _build(raw: list[tuple[str, int, str]], encoding: str, kind: str, chars: int) -> Source:
    lines: list[Line] = []
    aside: list[tuple[Line, str]] = []
    for text, number, origin in raw:
        line = Line(text, number, origin)
        reason = _furniture(text)
        if reason:
            aside.append((line, reason))
        else:
            lines.append(line)
    if not lines:
        raise ImportRefused(_("The file is empty."))
    return Source(lines, encoding, kind, chars, aside)


def read_document(data: bytes, filename: str = "") -> Source:
    """Read ``data`` (the file's bytes; ``filename`` only for messages) as a plan document.

    Returns the :class:`Source`. Raises :class:`ImportRefused` for an empty,
    binary or over-large file (more than :data:`MAX_BYTES`), a zip that is not
    a Word document, an old .doc or a PDF.
    """
    if len(data) > MAX_BYTES:
        raise ImportRefused(
            _("The file is %(size).1f MB; a plan document may be at most %(max)d MB.")
            % {"size": len(data) / 1024 / 1024, "max": MAX_BYTES // 1024 // 1024}
        )
    if not data.strip():
        raise ImportRefused(_("The file is empty."))
    if data.startswith(b"PK\x03\x04"):
        return _read_docx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRefused(
            _("This is an old Word (.doc) file; save it as .docx or as text and import again.")
        )
    if data.startswith(b"%PDF"):
        raise ImportRefused(_("PDF files are not read; save the plan as .docx or as text."))
    if filename.lower().endswith(".docx"):
        raise ImportRefused(_("This .docx file is not a Word document (it is not a zip)."))
    text, encoding = _decode(data)
    _check_plausible(text)
    return _build(_lines_of_text(text), encoding, "txt", len(text))


# --- .docx -----------------------------------------------------------------

_CN_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """Return ``n`` (0–999) in Chinese numerals as plans write them: 十, 十一, 二十一, 一百零五."""
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    tail = "" if rest == 0 else ("零" + _CN_DIGITS[rest] if rest < 10 else chinese_number(rest))
    return _CN_DIGITS[n // 100] + "百" + tail.replace("零十", "零一十")


def _format_counter(n: int, fmt: str) -> str:
    if fmt in {"chineseCounting", "chineseCountingThousand", "ideographTraditional"}:
        return chinese_number(n)
    if fmt == "ideographDigital":
        return "".join(_CN_DIGITS[int(d)] for d in str(n))
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(d) - ord("0") + ord("０")) for d in str(n))
    if fmt == "decimalEnclosedCircle" and 1 <= n <= 20:
        return chr(ord("①") + n - 1)
    if fmt in {"lowerLetter", "upperLetter"}:
        letter = chr(ord("a") + (n - 1) % 26)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in {"lowerRoman", "upperRoman"}:
        roman = ""
        for value, sym in ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
            while n >= value:
                roman, n = roman + sym, n - value
        return roman.upper() if fmt == "upperRoman" else roman
    return str(n)


class _Numbering:
    """Renders Word's automatic list numbering (numbering.xml) into label text."""

    def __init__(self, document) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.nums: dict[str, str] = {}
        self.counters: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        for abstract in _xpath(root, "./w:abstractNum"):
            aid = abstract.get(_w("abstractNumId"))
            levels = {}
            for lvl in _xpath(abstract, "./w:lvl"):
                fmt = (_xpath(lvl, "./w:numFmt/@w:val") or ["decimal"])[0]
                text = (_xpath(lvl, "./w:lvlText/@w:val") or [""])[0]
                start = int((_xpath(lvl, "./w:start/@w:val") or ["1"])[0])
                levels[int(lvl.get(_w("ilvl")))] = (fmt, text, start)
            self.levels[aid] = levels
        for num in _xpath(root, "./w:num"):
            self.nums[num.get(_w("numId"))] = (_xpath(num, "./w:abstractNumId/@w:val") or [""])[0]

    def label(self, paragraph) -> str:
        num_pr = _xpath(paragraph._p, "./w:pPr/w:numPr")
        style = paragraph.style
        while not num_pr and style is not None:
            num_pr = _xpath(style.element, "./w:pPr/w:numPr")
            style = style.base_style
        if not num_pr:
            return ""
        num_id = (_xpath(num_pr[0], "./w:numId/@w:val") or ["0"])[0]
        ilvl = int((_xpath(num_pr[0], "./w:ilvl/@w:val") or ["0"])[0])
        aid = self.nums.get(num_id)
        if num_id == "0" or aid is None or aid not in self.levels:
            return ""
        levels = self.levels[aid]
        counters = self.counters.setdefault(
            aid, [levels.get(i, ("", "", 1))[2] - 1 for i in range(9)]
        )
        counters[ilvl] += 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = levels.get(deeper, ("", "", 1))[2] - 1
        fmt, text, _start = levels.get(ilvl, ("decimal", f"%{ilvl + 1}.", 1))
        if fmt == "bullet" or fmt == "none":
            return ""

        def render(match: re.Match[str]) -> str:
            i = int(match.group(1)) - 1
            level_fmt = levels.get(i, ("decimal", "", 1))[0]
            return _format_counter(max(counters[i], 1), level_fmt)

        return re.sub(r"%(\d)", render, text)


_NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}


def _xpath(element, expr: str) -> list:
    """Run ``expr`` with the ``w:`` namespace on any lxml element (python-docx's own or not)."""
    from lxml import etree

    return etree._Element.xpath(element, expr, namespaces=_NS)


def _w(name: str) -> str:
    return "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}" + name


def _read_docx(data: bytes) -> Source:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        raise ImportRefused(_("The file looks like a Word document but is damaged.")) from None
    if "word/document.xml" not in names:
        raise ImportRefused(
            _("This zip file is not a Word document (.docx): it has no word/document.xml.")
        )
    import docx  # python-docx; imported here so that text imports do not pay for lxml
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several kinds on a broken package
        raise ImportRefused(
            _("The Word document cannot be read: %(error)s") % {"error": exc}
        ) from None
    numbering = _Numbering(document)
    raw: list[tuple[str, int, str]] = []
    counter = 0
    chars = 0
    for child in document.element.body.iterchildren():
        if child.tag == _w("p"):
            paragraph = Paragraph(child, document)
            text = numbering.label(paragraph) + paragraph.text
            chars += len(text)
            for piece in text.split("\n"):
                counter += 1
                raw.extend(_lines_of_text(piece, "paragraph", counter))
        elif child.tag == _w("tbl"):
            for row in Table(child, document).rows:
                counter += 1
                cells: list[str] = []
                for cell in row.cells:
                    value = " ".join(cell.text.split())
                    if value and (not cells or cells[-1] != value):
                        cells.append(value)
                text = " ".join(cells)
                chars += len(text)
                raw.extend(_lines_of_text(text, "table", counter))
    if not raw:
        raise ImportRefused(_("The file is empty."))
    return _build(raw, "Office Open XML", "docx", chars)
