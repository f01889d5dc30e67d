"""Every time limit a plan document writes, with its sentence, section and events.

Read: a number (Arabic, full-width or Chinese: "15", "１５", "十五", "两",
"半") and a unit (分钟, 小时/个小时/钟头, 日/天, 工作日, 周, 个月) followed by
内/以内/之内, or preceded by 不得超过/不超过; and the words "立即",
"即刻", "第一时间" (no number: the township chooses one). A duration that is
no limit ("24小时值班", "48小时以上") is listed apart, never silently dropped.
Units out: ``minutes`` for minute and hour limits, ``days`` for day limits
(``working_days`` True for 工作日); both None for "立即".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .headings import CN_NUM, Node, cn_to_int, fold

_NUM = rf"(?:\d+(?:\.\d+)?|[{CN_NUM}]+)"
_DURATION = re.compile(
    rf"(?P<num>{_NUM})?\s*(?P<ge>个)?\s*(?P<half>半)?\s*个?\s*(?P<unit>分钟|小时|钟头|工作日|日|天|周|星期|月)"
)
_WITHIN = re.compile(r"^\s*(?:之内|以内|内)")
_AT_MOST = re.compile(r"(?:不得超过|不超过|最长不超过|最迟不超过|不得迟于)\s*$")
_IMMEDIATE = re.compile(r"立即|即刻|第一时间")
_SENTENCES = re.compile(r"[^。！？；]+[。！？；]?")
_CLAUSE_BREAK = re.compile(r"[，,；;。：:]")
_START = re.compile(r"([^，,；。：]{2,40}?)(?:之后|以后|后|时)(?=[，,要须应必立将并在于]|$)")


@dataclass
class TimeLimit:
    """One time limit: the ``phrase`` as written and its value.

    ``minutes`` (minute and hour limits) or ``days`` (day limits; ``working_days``
    for 工作日) hold the value; both are None for "立即"/"第一时间"
    (``immediate`` True). ``sentence`` is the sentence it came from,
    ``section`` the plan section ("六(二)", "3.2.3"), ``line`` the source line;
    ``starts`` / ``ends`` are the words naming the event the clock starts on
    and the act that must be done, when the sentence says them.
    """

    phrase: str
    minutes: int | None
    days: int | None
    sentence: str
    section: str
    line: int
    immediate: bool = False
    working_days: bool = False
    starts: str = ""
    ends: str = ""

    @property
    def display(self) -> str:
        """The value in words, in the active language: "15 分钟", "2 小时", "5 个工作日", "立即"."""
        if self.immediate:
            return self.phrase
        if self.minutes is not None:
            if self.minutes % 60 == 0:
                return _("%(n)d h") % {"n": self.minutes // 60}
            return _("%(n)d min") % {"n": self.minutes}
        if self.working_days:
            return _("%(n)d working days") % {"n": self.days}
        return _("%(n)d days") % {"n": self.days}


@dataclass
class Duration:
    """A duration written in the text that is not a time limit (listed for the reviewer)."""

    phrase: str
    sentence: str
    section: str
    line: int


def _value(match: re.Match[str]) -> float | None:
    num, half = match.group("num"), match.group("half")
    if num is None:
        return 0.5 if half else None
    value: float | None
    if re.fullmatch(r"\d+(?:\.\d+)?", num):
        value = float(num)
    else:
        whole = cn_to_int(num)
        value = float(whole) if whole is not None else None
    if value is not None and half:
        value += 0.5
    return value


def _events(sentence: str, start: int, end: int) -> tuple[str, str]:
    """Return ``(starts, ends)``: the clause before the limit ending in 后/时, and the act after it."""
    before = sentence[:start]
    starts = ""
    for m in _START.finditer(before):
        starts = m.group(1)
    for marker in ("在", "于", "自", "从"):
        if marker in starts:
            starts = starts.rsplit(marker, 1)[1]
    after = sentence[end:]
    cut = _CLAUSE_BREAK.search(after)
    ends = (after[: cut.start()] if cut else after).strip()
    ends = re.sub(r"^(?:将|要|须|必须|应当|应|即|就|内|完成)+", "", ends)
    return starts.strip(), ends


def _sentences(node: Node) -> list[tuple[str, int]]:
    out = []
    for text, line in node.lines():
        for m in _SENTENCES.finditer(text):
            sentence = m.group(0).strip()
            if sentence:
                out.append((sentence, line))
    return out


def find_time_limits(root: Node) -> tuple[list[TimeLimit], list[Duration]]:
    """Return every time limit in the tree under ``root`` (document order) and the other durations.

    Each heading's own text and body are read once, with the heading's section.
    """
    limits: list[TimeLimit] = []
    others: list[Duration] = []
    for node in [root, *root.walk()]:
        for sentence, line in _sentences(node):
            folded = fold(sentence)
            found: list[tuple[int, int, TimeLimit | Duration]] = []
            for m in _DURATION.finditer(folded):
                value = _value(m)
                if value is None or (m.group("unit") == "月" and not m.group("ge")):
                    continue
                within = _WITHIN.match(folded[m.end() :])
                at_most = _AT_MOST.search(folded[: m.start()])
                phrase_end = m.end() + (within.end() if within else 0)
                phrase = sentence[m.start() : phrase_end].strip()
                if not (within or at_most):
                    found.append(
                        (m.start(), m.end(), Duration(phrase, sentence, node.section, line))
                    )
                    continue
                unit = m.group("unit")
                minutes = days = None
                if unit == "分钟":
                    minutes = round(value)
                elif unit in ("小时", "钟头"):
                    minutes = round(value * 60)
                elif unit in ("周", "星期"):
                    days = round(value * 7)
                elif unit == "月":
                    days = round(value * 30)
                else:
                    days = round(value)
                starts, ends = _events(sentence, m.start(), phrase_end)
                limit = TimeLimit(
                    phrase,
                    minutes,
                    days,
                    sentence,
                    node.section,
                    line,
                    working_days=unit == "工作日",
                    starts=starts,
                    ends=ends,
                )
                found.append((m.start(), phrase_end, limit))
            for m in _IMMEDIATE.finditer(sentence):
                starts, ends = _events(sentence, m.start(), m.end())
                limit = TimeLimit(
                    m.group(0),
                    None,
                    None,
                    sentence,
                    node.section,
                    line,
                    immediate=True,
                    starts=starts,
                    ends=ends,
                )
                found.append((m.start(), m.end(), limit))
            for _start, _end, item in sorted(found, key=lambda f: f[0]):
                if isinstance(item, TimeLimit):
                    limits.append(item)
                else:
                    others.append(item)
    return limits, others
