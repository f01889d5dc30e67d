"""Reading message-board and hotline exports (.xlsx, openpyxl): fields, column mapping, dates, padding.

Real exports are messy (``../shared/data/README.md``): the time column mixes
real Excel date cells with text dates in several forms (``2019/4/25 9:32:09``,
``2019-04-08 08:37:20``, ``2019年4月25日 9时32分``); the message text begins
with newlines and tabs. Times in the files are local (Asia/Shanghai).
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

SHANGHAI = ZoneInfo("Asia/Shanghai")

#: Field → (label, header synonyms). ``number``, ``subject``, ``posted_at`` are required.
FIELDS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "number": (gettext_lazy("message number"), ("留言编号", "编号", "工单编号", "来电编号")),
    "user": (gettext_lazy("user (petitioner's name for the reply)"), ("留言用户", "来电人")),
    "subject": (gettext_lazy("subject"), ("留言主题", "主题", "标题", "诉求标题")),
    "posted_at": (gettext_lazy("message time"), ("留言时间", "来电时间", "受理时间")),
    "text": (gettext_lazy("message text"), ("留言详情", "详情", "诉求内容", "内容")),
    "reply": (gettext_lazy("reply"), ("答复意见", "回复内容", "办理结果")),
    "replied_at": (gettext_lazy("reply time"), ("答复时间", "回复时间", "办结时间")),
    "votes_up": (gettext_lazy("supporting votes"), ("点赞数", "支持数")),
    "votes_down": (gettext_lazy("opposing votes"), ("反对数",)),
    "label": (gettext_lazy("first-level category"), ("一级分类", "分类")),
}
REQUIRED = ("number", "subject", "posted_at")

_TEXT_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]+(\d{1,2})\s*[:：时]\s*(\d{1,2})\s*分?(?:\s*[:：]\s*(\d{1,2})(?:\.\d+)?\s*秒?)?)?$"
)
#: Excel's day zero for serial dates (the 1900 system, with its 1900-02-29 quirk).
_EXCEL_EPOCH = datetime(1899, 12, 30)
#: The years a time in an export may fall in (a typo such as 0201 or 20019 is refused, and no
#: later sum of days or conversion to UTC can overflow).
FIRST_YEAR, LAST_YEAR = 1900, 2199
#: Largest count a vote column may hold (the database's positive integer).
MAX_COUNT = 2**31 - 1
#: Longest message number (the column's width).
MAX_NUMBER_LENGTH = 64


def _in_range(value: datetime, shown: Any) -> datetime:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(
            _("“%(value)s” is not between the years %(first)s and %(last)s.")
            % {"value": shown, "first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return value


def clean(value: Any) -> str:
    """Return the cell as text with the padding trimmed: leading/trailing whitespace, tabs, full-width spaces."""
    if value is None:
        return ""
    text = str(value).replace("\u3000", " ").replace("\r\n", "\n")
    lines = (re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def parse_time(value: Any) -> datetime | None:
    """Return the aware time of a cell (Asia/Shanghai), None when empty.

    Accepts Excel date cells, Excel serial numbers, and text dates with a
    time of day (``/``, ``-``, ``.`` or 年月日 separators; seconds optional).
    A text date without a time of day is refused: a reply time must say
    when, to the minute, or the latency figures would be off by up to a day.
    Times outside the years 1900–2199 are refused. Raises ``ValueError`` with
    the reason (found by tests/complaints/test_import_fuzz.py: a huge, NaN or
    infinite serial number raised ``OverflowError``; year 1 overflowed when
    stored in UTC).
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return _in_range(value.replace(tzinfo=SHANGHAI) if value.tzinfo is None else value, value)
    if isinstance(value, date):
        raise ValueError(_("“%(value)s” has no time of day.") % {"value": value})
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            days = float(value)
        except OverflowError:  # an int past a float's range
            days = math.inf
        first = (datetime(FIRST_YEAR, 1, 1) - _EXCEL_EPOCH).days
        last = (datetime(LAST_YEAR + 1, 1, 1) - _EXCEL_EPOCH).days
        if not (math.isfinite(days) and first <= days < last):
            raise ValueError(_("“%(value)s” is not a date and time.") % {"value": value})
        return (_EXCEL_EPOCH + timedelta(days=days)).replace(microsecond=0, tzinfo=SHANGHAI)
    text = clean(value)
    m = _TEXT_DATE.match(text)
    if not m:
        raise ValueError(_("“%(value)s” is not a date and time.") % {"value": text})
    y, mo, d, h, mi, s = m.groups()
    if h is None:
        raise ValueError(_("“%(value)s” has no time of day.") % {"value": text})
    try:
        at = datetime(int(y), int(mo), int(d), int(h), int(mi), int(s or 0), tzinfo=SHANGHAI)
    except ValueError as exc:
        raise ValueError(_("“%(value)s” is not a valid date.") % {"value": text}) from exc
    return _in_range(at, text)


def parse_count(value: Any) -> int | None:
    """Return a vote count (``3``, ``3.0``, ``"3"``) up to ``MAX_COUNT``; None when empty; ``ValueError`` otherwise.

    (An infinite count raised ``OverflowError`` and NaN an English message: found by the fuzz test.)
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(str(value).strip())
    except ValueError as exc:
        raise ValueError(_("“%(value)s” is not a number.") % {"value": value}) from exc
    if not math.isfinite(number) or number < 0 or number > MAX_COUNT or not number.is_integer():
        raise ValueError(_("“%(value)s” is not a count.") % {"value": value})
    return int(number)


def read_sheet(content: bytes) -> tuple[list[str], list[tuple[int, tuple[Any, ...]]]]:
    """Return ``(headers, rows)`` of the first sheet; rows as ``(Excel row number, values)``.

    The first non-empty row is the header row; empty rows are left out.
    Raises ``ValueError`` for a file that is not .xlsx or has no header.
    """
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not .xlsx
        raise ValueError(_("The file is not an Excel workbook (.xlsx).")) from exc
    headers: list[str] | None = None
    rows: list[tuple[int, tuple[Any, ...]]] = []
    for number, values in enumerate(wb.worksheets[0].iter_rows(values_only=True), start=1):
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        if headers is None:
            headers = [clean(v) for v in values]
            continue
        rows.append((number, values))
    wb.close()
    if headers is None:
        raise ValueError(_("The file has no header row."))
    return headers, rows


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """Return ``{field: header}`` for the headers that name a field (by the synonyms of ``FIELDS``)."""
    mapping: dict[str, str] = {}
    for name, (_label, synonyms) in FIELDS.items():
        for header in headers:
            if header in synonyms:
                mapping[name] = header
                break
    return mapping


def check_mapping(mapping: dict[str, str], headers: list[str]) -> dict[str, str]:
    """Return field errors of ``mapping`` against ``headers`` (a required field unmapped, an unknown header)."""
    errors: dict[str, str] = {}
    for name in REQUIRED:
        if not mapping.get(name):
            errors[name] = _("Choose the column holding this field.")
    for name, header in mapping.items():
        if name not in FIELDS:
            errors[name] = _("Unknown field.")
        elif header and header not in headers:
            errors[name] = _("The file has no column “%(header)s”.") % {"header": header}
    return errors


@dataclass
class Row:
    """One readable row of an export. Times aware (Asia/Shanghai); text trimmed."""

    row: int
    number: str
    user: str
    subject: str
    text: str
    posted_at: datetime
    reply: str
    replied_at: datetime | None
    votes_up: int | None
    votes_down: int | None
    label: str


@dataclass
class Problem:
    """An unreadable row: its Excel row number, its message number if any, and the reason."""

    row: int
    number: str
    message: str


def parse_rows(
    headers: list[str], rows: list[tuple[int, tuple[Any, ...]]], mapping: dict[str, str]
) -> Iterator[Row | Problem]:
    """Yield a :class:`Row` for each readable row and a :class:`Problem` for each unreadable one."""
    index = {name: headers.index(h) for name, h in mapping.items() if h and h in headers}

    def cell(values: tuple[Any, ...], name: str) -> Any:
        i = index.get(name)
        return values[i] if i is not None and i < len(values) else None

    for number, values in rows:
        key = clean(cell(values, "number"))
        if key.endswith(".0") and key[:-2].isdigit():
            key = key[:-2]
        reasons: list[str] = []
        parsed: dict[str, Any] = {}
        if not key:
            reasons.append(_("no message number"))
        elif len(key) > MAX_NUMBER_LENGTH:
            reasons.append(
                _("the message number is longer than %(n)s characters") % {"n": MAX_NUMBER_LENGTH}
            )
        subject = clean(cell(values, "subject"))
        if not subject:
            reasons.append(_("no subject"))
        for name, parse in (
            ("posted_at", parse_time),
            ("replied_at", parse_time),
            ("votes_up", parse_count),
            ("votes_down", parse_count),
        ):
            try:
                parsed[name] = parse(cell(values, name))
            except ValueError as exc:
                reasons.append(f"{FIELDS[name][0]}: {exc}")
        if "posted_at" in parsed and parsed["posted_at"] is None:
            reasons.append(_("no message time"))
        reply = clean(cell(values, "reply"))
        if parsed.get("replied_at") is None and reply and "replied_at" in index:
            if not any(str(FIELDS["replied_at"][0]) in r for r in reasons):
                reasons.append(_("a reply without a reply time"))
        if reasons:
            yield Problem(row=number, number=key, message="; ".join(reasons))
            continue
        yield Row(
            row=number,
            number=key,
            user=clean(cell(values, "user")),
            subject=subject,
            text=clean(cell(values, "text")),
            posted_at=parsed["posted_at"],
            reply=reply,
            replied_at=parsed["replied_at"],
            votes_up=parsed["votes_up"],
            votes_down=parsed["votes_down"],
            label=clean(cell(values, "label")),
        )
