"""The heading tree of a plan document, for both numbering styles Chinese plans use.

Chinese style (公文): 一、 → （一） → 1. → （1） → ①. Decimal style:
1 → 1.1 → 1.1.1 → （1） → ①. Full-width and half-width marks are both read
("（1）" / "(1)", "１．" / "1."), a missing space after the number is fine
("1.1编制目的"), and a number alone on its line takes the next short line as
its title ("3" / "运行机制", as web pages leave it). Section ids follow the
default plan's citations: ``六(五)2(1)`` and ``3.2.1(1)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .reading import Line

_FOLD = str.maketrans("０１２３４５６７８９（）．，：；　", "0123456789().,:; ")
CN_NUM = "一二三四五六七八九十百零〇两"


def fold(text: str) -> str:
    """Return ``text`` with full-width digits and marks made half-width (same length, same indices)."""
    return text.translate(_FOLD)


def cn_to_int(text: str) -> int | None:
    """Return the value of a Chinese numeral (一 … 九十九, 两, 百) or of Arabic digits; None if neither."""
    text = fold(text)
    if text.isdigit():
        return int(text)
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
    total, current = 0, 0
    for ch in text:
        if ch in digits:
            current = digits[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("cn", re.compile(rf"^([{CN_NUM}]{{1,3}})\s*[、.,]\s*(.*)$")),
    ("pcn", re.compile(rf"^\(\s*([{CN_NUM}]{{1,3}})\s*\)\s*[、.]?\s*(.*)$")),
    ("dec", re.compile(r"^(\d{1,2}(?:\.\d{1,2}){1,4})(?![\d%])\.?\s*(.*)$")),
    ("num", re.compile(r"^(\d{1,2})\s*[.、](?!\d)\s*(.*)$")),
    ("pnum", re.compile(r"^\(\s*(\d{1,2})\s*\)\s*[、.]?\s*(.*)$")),
    ("circ", re.compile(r"^([①-⑳])\s*(.*)$")),
]
_TOP = re.compile(r"^(\d{1,2})(?:\s+|(?=[\u4e00-\u9fff])|$)(.*)$")
_UNIT_START = re.compile(
    r"^(?:个|小时|分钟|天|日(?!常)|年(?!度)|月|时(?!间)|人(?!员)|辆|级|万|千|百|%|％|米|公里|周|倍|元|岁)"
)
_MEASURE_START = re.compile(r"^(?:个|小时|分钟|倍|%|％|米|公里|万|亿|元)")
_LONE_NUMBER = re.compile(r"^\d{1,4}$")
_SENTENCE_END = "。；;：:！？"


@dataclass
class Node:
    """One heading (or numbered item) of the document and what follows it.

    ``mark`` is the number as written ("（五）", "3.2.1"); ``label`` its
    normalised form ("(五)", "3.2.1"); ``kind`` the numbering kind (``cn``,
    ``pcn``, ``num``, ``pnum``, ``circ``, ``dec1`` … ``dec5``); ``level`` the
    depth in the tree (1 = top); ``title`` the heading's words; ``text`` all of
    the line after the number; ``body`` the lines up to the next heading.
    """

    mark: str
    label: str
    kind: str
    title: str
    text: str
    line: int
    level: int = 0
    section: str = ""
    body: list[Line] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    parent: Node | None = field(default=None, repr=False)

    def walk(self):
        """Yield this node's descendants, depth first, in document order."""
        for child in self.children:
            yield child
            yield from child.walk()

    def full_text(self) -> str:
        """Return the heading line's text after the number and the body lines, joined."""
        return "".join([self.text, *(line.text for line in self.body)])

    def lines(self) -> list[tuple[str, int]]:
        """Return ``(text, line)`` of the heading text and of each body line."""
        out = [(self.text, self.line)] if self.text else []
        return out + [(line.text, line.number) for line in self.body]


def split_title(rest: str) -> str:
    """Return the heading's title: its first sentence, or all of a one-sentence line, without end marks."""
    for i, ch in enumerate(rest):
        if ch in _SENTENCE_END:
            return rest[:i].strip()
    return rest.strip()


def _match(text: str, style: str) -> tuple[str, str, str] | None:
    """Return ``(kind, number, rest)`` if ``text`` starts with a heading number of ``style``."""
    folded = fold(text)
    for kind, pattern in _PATTERNS:
        if style == "decimal" and kind == "num":
            continue
        m = pattern.match(folded)
        if m:
            if kind == "dec":
                kind = f"dec{m.group(1).count('.') + 1}"
            start = m.start(2)
            return kind, text[: m.end(1)].strip() + folded[m.end(1) : start].strip(), text[start:]
    if style == "decimal":
        m = _TOP.match(folded)
        if m and not _UNIT_START.match(m.group(2).strip()):
            return "dec1", m.group(1), text[m.start(2) :]
    return None


def detect_style(lines: list[Line]) -> str:
    """Return ``"decimal"`` when 1.1-style headings outnumber 一、-style ones, else ``"chinese"``."""
    chinese = sum(1 for line in lines if _PATTERNS[0][1].match(fold(line.text)))
    decimal = sum(1 for line in lines if _PATTERNS[2][1].match(fold(line.text)))
    return "decimal" if decimal >= 2 and decimal > chinese else "chinese"


def _label(kind: str, number: str) -> str:
    folded = fold(number).replace(" ", "")
    if kind in ("pcn", "pnum"):
        return "(" + folded.strip("()") + ")"
    return folded.rstrip("、.,")


def _section(node: Node) -> str:
    if node.kind.startswith("dec"):
        return node.label
    prefix = node.parent.section if node.parent is not None else ""
    return prefix + node.label


def _acceptable(kind: str, number: str, rest: str, last_top: int) -> bool:
    """Guard against body lines that merely start with a number ("24小时值班…")."""
    if kind == "dec1":
        n = int(number)
        return n == last_top + 1 and len(rest) <= 40 and "。" not in rest
    if kind.startswith("dec"):
        return not _MEASURE_START.match(rest)
    if kind in ("num", "pnum"):
        return not _UNIT_START.match(rest)
    return True


def build_tree(lines: list[Line], style: str | None = None) -> tuple[Node, str, list[Line]]:
    """Return ``(root, style, page_numbers)``: the heading tree of ``lines`` and the lines set aside.

    The root holds the text before the first heading. ``style`` is detected
    when not given. A number alone on its line that is not a heading is a page
    number, returned in ``page_numbers``. Never raises: any other line that is
    not a heading is body text of the heading above it.
    """
    page_numbers: list[Line] = []
    style = style or detect_style(lines)
    root = Node(mark="", label="", kind="root", title="", text="", line=0)
    stack: list[Node] = [root]
    last_top = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        found = _match(line.text, style)
        if found is None or not _acceptable(found[0], found[1], found[2], last_top):
            if _LONE_NUMBER.match(fold(line.text)):
                page_numbers.append(line)
            else:
                stack[-1].body.append(line)
            i += 1
            continue
        kind, number, rest = found
        rest = rest.strip()
        if kind == "dec1":
            last_top = int(number)
            if not rest:
                following = lines[i + 1].text if i + 1 < len(lines) else ""
                if len(following) <= 20 and "。" not in following and not _match(following, style):
                    rest = following
                    i += 1
                if not rest:
                    page_numbers.append(line)
                    last_top -= 1
                    i += 1
                    continue
        node = Node(
            mark=number,
            label=_label(kind, number),
            kind=kind,
            title=split_title(rest),
            text=rest,
            line=line.number,
        )
        _attach(stack, node)
        i += 1
    for node in root.walk():
        node.section = _section(node)
    return root, style, page_numbers


def _attach(stack: list[Node], node: Node) -> None:
    if node.kind.startswith("dec"):
        depth = int(node.kind[3:])
        prefix = node.label.rsplit(".", 1)[0] if depth > 1 else ""
        # Pop to the decimal heading this one belongs under (1.2.3 under 1.2), else to
        # the nearest shallower decimal heading, else to the root.
        while len(stack) > 1:
            top = stack[-1]
            if (
                top.kind.startswith("dec")
                and int(top.kind[3:]) < depth
                and (top.label == prefix or prefix.startswith(top.label + "."))
            ):
                break
            stack.pop()
    else:
        kinds = [n.kind for n in stack]
        if node.kind in kinds:
            del stack[kinds.index(node.kind) :]
    parent = stack[-1]
    node.parent = parent
    node.level = parent.level + 1
    parent.children.append(node)
    stack.append(node)


def level_counts(root: Node) -> dict[int, int]:
    """Return how many headings the tree holds at each level (1 = top)."""
    counts: dict[int, int] = {}
    for node in root.walk():
        counts[node.level] = counts.get(node.level, 0) + 1
    return dict(sorted(counts.items()))
