"""What a plan document states besides its time limits: title, documents, categories, roles, steps.

Each finder reads the heading tree (:mod:`.headings`) and returns plain
values with the section and sentence they came from; placing them in the plan
schema is :mod:`.draft`'s work. Sections are found by their titles' words
(范畴 / 分类 / 适用范围 / 分级…处置 / 组织领导 / 工作专班 / 善后), not by their
numbers, so that another township's layout is read too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .headings import Node

_DOC = re.compile(r"《[^《》]{1,60}》")


@dataclass
class Found:
    """One extracted value: ``value`` (text), its ``section``, ``line`` and ``sentence``."""

    value: str
    section: str
    line: int
    sentence: str


@dataclass
class CategoryList:
    """Categories listed under one heading (``section`` / ``title``): each item as :class:`Found`."""

    section: str
    title: str
    kind: str  # "warning", "incident", "scope" or "other"
    items: list[Found] = field(default_factory=list)


@dataclass
class Tier:
    """A response tier (``section`` e.g. 六(五)2) with its checklist steps ``(section, title, text, line)``."""

    section: str
    title: str
    text: str
    line: int
    steps: list[tuple[str, str, str, int]] = field(default_factory=list)


def _find(root: Node, *patterns: str, need_children: bool = False) -> list[Node]:
    out = []
    for node in root.walk():
        if all(re.search(p, node.title) for p in patterns) and (node.children or not need_children):
            out.append(node)
    return out


def title_of(root: Node) -> Found | None:
    """Return the document's title: the first line before any heading (not a sentence of prose)."""
    for line in root.body:
        text = line.text.strip()
        if text and len(text) <= 60 and not text.endswith(("。", "；")):
            return Found(text, "", line.number, text)
    return None


def governing_documents(root: Node) -> list[Found]:
    """Return each document cited in 《》, once, in order of first citation."""
    seen: dict[str, Found] = {}
    for node in [root, *root.walk()]:
        for text, line in node.lines():
            for m in _DOC.finditer(text):
                if m.group(0) not in seen:
                    seen[m.group(0)] = Found(m.group(0), node.section, line, text)
    return list(seen.values())


def _kind_of(node: Node) -> str:
    if "适用范围" in node.title:
        return "scope"
    ancestor: Node | None = node
    words = ""
    while ancestor is not None:
        words += ancestor.title
        ancestor = ancestor.parent
    if "预警" in words:
        return "warning"
    if re.search(r"应急|响应|处置", words):
        return "incident"
    return "other"


def _strip_end(text: str) -> str:
    return re.sub(r"[；;。，,]+$", "", text.strip())


def categories(root: Node) -> list[CategoryList]:
    """Return the category lists: numbered items under 范畴/分类/分级/类别 headings, and the scope.

    The scope (适用范围) yields the matters named in "适用于A、B、C等…".
    """
    lists: list[CategoryList] = []
    for node in root.walk():
        if not re.search(r"范畴|分类|分级|类别|种类|适用范围", node.title):
            continue
        if re.search(r"处置$|响应$", node.title) and "范畴" not in node.title:
            continue  # 分级分类处置: response tiers, read by response_tiers()
        found = CategoryList(node.section, node.title, _kind_of(node))
        for child in node.children:
            found.items.append(
                Found(_strip_end(child.title), child.section, child.line, child.text)
            )
        if found.kind == "scope":
            for text, line in node.lines():
                m = re.search(r"适用于(.{2,80}?)等", text)
                if m:
                    for part in re.split(r"[、，,]", m.group(1)):
                        if part.strip():
                            found.items.append(Found(part.strip(), node.section, line, text))
        if found.items:
            lists.append(found)
    return lists


def response_tiers(root: Node) -> list[Tier]:
    """Return the tiers under the 分级(分类)处置 / 分级响应 heading, each with its numbered steps.

    A tier without numbered steps yields one step: the tier's text after its
    first sentence (which restates the category).
    """
    heads = _find(root, r"分级", r"处置|响应", need_children=True)
    if not heads:
        return []
    tiers = []
    for child in heads[0].children:
        tier = Tier(child.section, _strip_end(child.title), child.text, child.line)
        for step in child.children:
            body = step.text[len(step.title) :].lstrip("。：:；; ")
            body = body + "".join(line.text for line in step.body)
            tier.steps.append((step.section, step.title, body or step.text, step.line))
        if not tier.steps:
            rest = child.text[len(child.title) :].lstrip("。：:；; ")
            rest += "".join(line.text for line in child.body)
            if rest:
                tier.steps.append((child.section, "", rest, child.line))
        tiers.append(tier)
    return tiers


def leading_group(root: Node) -> tuple[Found | None, list[Found]]:
    """Return the leading group's name ("成立X领导小组") and its seats (组长：/副组长：/组员：lines)."""
    name = None
    seats: list[Found] = []
    for node in [root, *root.walk()]:
        for text, line in node.lines():
            m = re.search(r"成立([^，。；、“”,]{2,30}?领导小组)", text)
            if m and name is None:
                name = Found(m.group(1), node.section, line, text)
            s = re.match(r"^((?:副\s*)?组\s*长|组\s*员|成\s*员)\s*[：:]", text)
            if s:
                seats.append(Found(re.sub(r"\s+", "", s.group(1)), node.section, line, text))
    return name, seats


def lead_office(root: Node) -> Found | None:
    """Return the unit that leads the work: the first "由X牵头" of the document."""
    for node in [root, *root.walk()]:
        for text, line in node.lines():
            m = re.search(r"由([^，。、“”]{2,12}?)牵头", text)
            if m:
                return Found(m.group(1), node.section, line, text)
    return None


_BARE_UNIT_WORDS = {"办", "所", "中心", "站", "室", "局", "队", "委"}


def _split_list(text: str) -> list[str]:
    """Split "A、B、C和D、E、F" into names, keeping "相关办、所、中心" together (short parts join the one before)."""
    parts = [p.strip() for p in re.split(r"[、，,]|以及|和|及", text) if p.strip()]
    out: list[str] = []
    for part in parts:
        if out and part in _BARE_UNIT_WORDS:
            out[-1] += "、" + part
        else:
            out.append(part)
    return out


def task_force_units(root: Node) -> list[Found]:
    """Return the units named as task-force members: the list in "由…组成的…工作专班"."""
    for node in _find(root, r"工作专班|工作组|专班"):
        for text, line in node.lines():
            m = re.search(r"由(.{4,200}?)组成", text)
            if m:
                return [Found(p, node.section, line, text) for p in _split_list(m.group(1))]
    return []


def report_contents(root: Node) -> list[tuple[str, list[Found]]]:
    """Return each report's contents: ``(section, [field names])`` from lists beginning with 时间、地点."""
    out = []
    for node in root.walk():
        for text, line in node.lines():
            at = text.find("时间、地点")
            if at < 0:
                continue
            start = max(text.rfind(mark, 0, at) for mark in ("：", ":", "将", "，", "。"))
            end = text.find("等", at)
            chunk = text[start + 1 : end if end > 0 else len(text)]
            chunk = re.sub(r"^(?:事件)?(?:将)?(?:要)?发生的", "", chunk)
            names = [re.sub(r"^各方", "", n) for n in _split_list(chunk)]
            out.append((node.section, [Found(n, node.section, line, text) for n in names if n]))
    return out


def five_ones(root: Node) -> list[Found]:
    """Return the five-ones fields (“五个一”工作法): the list after 明确 in the sentence naming it."""
    for node in root.walk():
        for text, line in node.lines():
            if "五个一" in text:
                m = re.search(r"明确(.{4,80}?)[。；]", text)
                if m:
                    return [Found(p, node.section, line, text) for p in _split_list(m.group(1))]
    return []


def summary_report(root: Node) -> Found | None:
    """Return where the plan requires a written summary report (总结 … 书面报告), if it does."""
    for node in root.walk():
        for text, line in node.lines():
            if "总结" in text and "书面报告" in text:
                return Found("书面报告", node.section, line, text)
    return None


def group_threshold(root: Node) -> Found | None:
    """Return the group threshold when the text gives a number ("5人以上"); None for "达到预警人数"."""
    for node in root.walk():
        if "适用范围" not in node.title and "群体" not in node.full_text():
            continue
        for text, line in node.lines():
            m = re.search(r"(\d+)\s*人(?:以上|及以上)", text)
            if m and ("集体" in text or "群体" in text):
                return Found(m.group(1), node.section, line, text)
    return None
