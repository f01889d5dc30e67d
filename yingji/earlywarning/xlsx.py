"""The ledger as .xlsx (openpyxl): the layout townships keep, and reading a township's own file.

Export writes the 14 columns townships keep (序号 … 化解时间) followed by the
further fields of a warning, so that an exported ledger imports back whole.
Import reads the first sheet: the first non-empty row is the header row; each
later non-empty row is one warning. :func:`parse_row` turns a row into field
values under a column mapping, listing each fault by row and column. Times in
the file are local (Asia/Shanghai).
"""

from __future__ import annotations

import hashlib
import io
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cached_property, lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from yingji.orgs.choices import UnitKind
from yingji.orgs.models import Member, Township, Unit
from yingji.plans.schema import Plan
from yingji.spreadsheet import row_of

from .choices import WarningSource, WarningStatus
from .models import Warning

SHANGHAI = ZoneInfo("Asia/Shanghai")
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"

#: (field, header) in export order; the first 14 are the layout townships keep.
COLUMNS: list[tuple[str, str]] = [
    ("row_number", "序号"),
    ("discovered_at", "登记时间"),
    ("category", "类别"),
    ("address", "地点"),
    ("summary", "事由"),
    ("headcount", "涉及人数"),
    ("potential_harm", "危害程度"),
    ("urgency", "紧急程度"),
    ("risk_level", "风险等级"),
    ("units", "责任单位"),
    ("lead_official", "包案领导"),
    ("measures", "处置措施"),
    ("status", "当前状态"),
    ("resolved_at", "化解时间"),
    ("number", "预警编号"),
    ("source", "信息来源"),
    ("village", "村（社区）"),
    ("cause", "原因"),
    ("expected_at", "事件时间"),
    ("development", "事态发展"),
    ("parties", "当事方"),
    ("verified_at", "核实时间"),
    ("verification", "核实情况"),
    ("reported_at", "报告时间"),
    ("assessed_at", "研判时间"),
    ("handling_started_at", "处置开始时间"),
    ("controlled_at", "控制时间"),
    ("resolution", "化解情况"),
    ("closed_at", "办结时间"),
    ("dismiss_reason", "不予采信理由"),
]
HEADERS = dict(COLUMNS)
TIME_FIELDS = {
    "discovered_at",
    "resolved_at",
    "expected_at",
    "verified_at",
    "reported_at",
    "assessed_at",
    "handling_started_at",
    "controlled_at",
    "closed_at",
}
#: Text cells with a length limit in the ledger (characters).
MAX_LENGTHS = {"number": 40, "address": 200}
#: Fields an import may fill (序号 is only the row's place in the file).
IMPORT_FIELDS = [f for f, _h in COLUMNS if f != "row_number"]
REQUIRED = {"discovered_at", "category", "summary"}
#: Other headers townships use for the same column (matched when guessing the mapping).
SYNONYMS: dict[str, list[str]] = {
    "discovered_at": ["发现时间", "时间", "日期", "登记日期"],
    "category": ["预警类别", "预警类型", "类型"],
    "address": ["地址", "发生地点"],
    "summary": ["事项", "主要内容", "简要情况", "内容"],
    "headcount": ["人数", "参与人数"],
    "potential_harm": ["危害", "可能造成的危害程度"],
    "lead_official": ["包案领导", "牵头领导"],
    "measures": ["措施", "应采取的措施"],
    "status": ["状态", "办理状态"],
    "number": ["编号"],
}


def column_name(index: int, header: str) -> str:
    """Return how a report names column ``index`` (0-based): letter and header, e.g. ``B（登记时间）``."""
    return f"{get_column_letter(index + 1)}（{header}）" if header else get_column_letter(index + 1)


def _local(dt: datetime | None) -> datetime | None:
    return dt.astimezone(SHANGHAI).replace(tzinfo=None) if dt else None


def _level(levels: Iterable[Any], key: str) -> str:
    return next((lv.name for lv in levels if lv.key == key), key)


def export_rows(warnings: Iterable[Warning]) -> Iterator[list[Any]]:
    """Yield one row of cell values per warning, in :data:`COLUMNS` order."""
    from .queries import Plans

    plans = Plans()
    for i, w in enumerate(warnings, start=1):
        plan = plans.of(w)
        risk = plan.risk_assessment
        try:
            category = plan.warning_category(w.category).name
        except KeyError:
            category = w.category
        values = {
            "row_number": i,
            "category": category,
            "potential_harm": _level(risk.harm_levels, w.potential_harm),
            "urgency": _level(risk.urgency_levels, w.urgency),
            "risk_level": _level(risk.risk_levels, w.risk_level),
            "units": "、".join(u.name for u in w.units.all()),
            "lead_official": w.lead_official.name if w.lead_official else "",
            "status": str(WarningStatus(w.status).label),
            "source": str(WarningSource(w.source).label) if w.source else "",
            "village": w.village.name if w.village else "",
        }
        row = []
        for name, _header in COLUMNS:
            if name in values:
                row.append(values[name])
            elif name in TIME_FIELDS:
                row.append(_local(getattr(w, name)))
            else:
                value = getattr(w, name)
                row.append("" if value is None else value)
        yield row


def write_workbook(
    warnings: Iterable[Warning], out: io.BytesIO | Any, title: str = "预警台账"
) -> None:
    """Write the ledger ``warnings`` as .xlsx to the binary file ``out`` (streaming, write-only).

    Text cells are written as text, even when they begin with "=" (``yingji.spreadsheet``).
    """
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    # A write-only sheet writes its column widths and frozen header with the first row: set them first
    # (set after the rows they were lost, and Excel showed every time as ######## in a narrow column).
    for i, (name, _h) in enumerate(COLUMNS, start=1):
        width = (
            18 if name in TIME_FIELDS else 30 if name in {"summary", "measures", "cause"} else 12
        )
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    ws.append([h for _f, h in COLUMNS])
    times = {i for i, (name, _h) in enumerate(COLUMNS) if name in TIME_FIELDS}
    for row in export_rows(warnings):
        for i in times:
            if row[i] is not None:
                cell = WriteOnlyCell(ws, value=row[i].replace(microsecond=0))
                cell.number_format = DATETIME_FORMAT
                row[i] = cell
        ws.append(row_of(ws, row))  # text as text: no formula from a typed summary
    wb.save(out)


def read_workbook(content: bytes) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """Return ``(headers, rows)`` of the first sheet; rows are ``(row number in Excel, values)``.

    Empty rows are left out. Raises ``ValueError`` when the file is not an
    .xlsx workbook or has no header row.
    """
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not .xlsx
        raise ValueError(_("The file is not an Excel workbook (.xlsx).")) from exc
    ws = wb.worksheets[0]
    headers: list[str] | None = None
    rows: list[tuple[int, list[Any]]] = []
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        cells = list(values)
        if all(v is None or str(v).strip() == "" for v in cells):
            continue
        if headers is None:
            headers = ["" if v is None else str(v).strip() for v in cells]
            continue
        rows.append((number, cells))
    wb.close()
    if headers is None:
        raise ValueError(_("The file has no header row."))
    return headers, rows


@lru_cache(maxsize=2)
def read_workbook_cached(content: bytes) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """:func:`read_workbook`, remembered for the last two files (checking then writing reads it again).

    The result is shared: callers must not change it.
    """
    return read_workbook(content)


def guess_mapping(headers: list[str]) -> dict[str, int]:
    """Return ``{field: column index}`` for the headers that name a field (exact header or synonym)."""
    mapping: dict[str, int] = {}
    for index, header in enumerate(headers):
        for name in IMPORT_FIELDS:
            if name in mapping:
                continue
            if header == HEADERS[name] or header in SYNONYMS.get(name, []):
                mapping[name] = index
                break
    return mapping


_DATE_PATTERNS = [
    re.compile(
        r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\s*(\d{1,2})[:：时](\d{1,2})分?(?::(\d{1,2}))?)?$"
    ),
]


#: The years a time in a ledger may fall in: a typo such as 0201 is refused, and no conversion
#: to UTC or sum of minutes can overflow (year 1 at +08:00 is before ``datetime.min`` in UTC).
FIRST_YEAR, LAST_YEAR = 1900, 2199
#: Largest headcount (the column is a positive 32-bit integer).
MAX_HEADCOUNT = 2**31 - 1


def _in_range(at: datetime, shown: Any) -> datetime:
    if not FIRST_YEAR <= at.year <= LAST_YEAR:
        raise ValueError(
            _("“%(value)s” is not between the years %(first)s and %(last)s.")
            % {"value": shown, "first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return at


def parse_time(value: Any) -> datetime | None:
    """Return the aware time of a cell (local Asia/Shanghai); None for empty; ``ValueError`` if unreadable.

    Times outside the years 1900–2199 are refused (found by
    tests/earlywarning/test_import_fuzz.py: year 1 raised ``OverflowError`` when stored).
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return _in_range(value.replace(tzinfo=SHANGHAI) if value.tzinfo is None else value, value)
    if isinstance(value, date):
        return _in_range(datetime.combine(value, time(0), SHANGHAI), value)
    text = str(value).strip()
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            y, mo, d, h, mi, s = m.groups()
            try:
                at = datetime(
                    int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0), tzinfo=SHANGHAI
                )
            except ValueError:
                break
            return _in_range(at, text)
    raise ValueError(
        _("“%(value)s” is not a date and time (e.g. 2026-11-29 09:30).") % {"value": text}
    )


def parse_headcount(value: Any) -> int | None:
    """Return a headcount from ``12``, ``12.0`` or ``12人``, at most ``MAX_HEADCOUNT``; None for empty.

    ``ValueError`` otherwise (a headcount past the column's range raised
    ``OverflowError`` on SQLite and ``DataError`` on PostgreSQL: found by the fuzz test).
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value if value >= 0 else None
    elif isinstance(value, float):
        number = int(value) if math.isfinite(value) and value.is_integer() and value >= 0 else None
    else:
        m = re.fullmatch(r"\s*(\d+)\s*人?\s*", str(value))
        number = int(m.group(1)) if m else None
    if number is None or number > MAX_HEADCOUNT:
        raise ValueError(_("“%(value)s” is not a whole number of people.") % {"value": value})
    return number


@dataclass
class Lookups:
    """What a township's rows are matched against: plan vocabularies, villages, units, members."""

    plan: Plan
    villages: dict[str, Unit]
    units: dict[str, Unit]
    members: dict[str, Member]

    @cached_property
    def choices(self) -> dict[str, list[tuple[str, str]]]:
        """``{field: [(key, name)]}`` of the fields a cell names by key or name (built once)."""
        risk = self.plan.risk_assessment
        return {
            "category": [(c.key, c.name) for c in self.plan.warning_categories],
            "potential_harm": [(lv.key, lv.name) for lv in risk.harm_levels],
            "urgency": [(lv.key, lv.name) for lv in risk.urgency_levels],
            "risk_level": [(lv.key, lv.name) for lv in risk.risk_levels],
            "status": [(s.value, str(s.label)) for s in WarningStatus],
            "source": [(s.value, str(s.label)) for s in WarningSource],
        }

    @classmethod
    def of(cls, township: Township) -> Lookups:
        """Load the lookups of ``township`` (its plan in force) in three queries."""
        assert township.plan_version is not None
        units = {u.name: u for u in Unit.objects.filter(township=township)}
        return cls(
            plan=township.plan_version.plan,
            villages={n: u for n, u in units.items() if u.kind == UnitKind.VILLAGE},
            units=units,
            members={m.name: m for m in Member.objects.filter(township=township, active=True)},
        )


@dataclass
class ParsedRow:
    """One row of an import: its Excel row number, field values, faults and unit list."""

    row: int
    data: dict[str, Any] = field(default_factory=dict)
    units: list[Unit] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (field, message)

    @property
    def import_key(self) -> str:
        """The row's identity across re-imports: its number, or a hash of time, summary and place."""
        number = self.data.get("number") or ""
        if number:
            return f"no:{number}"[:80]
        basis = "|".join(
            str(self.data.get(k) or "") for k in ("discovered_at", "summary", "address", "category")
        )
        return "h:" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:40]


def _choice(value: str, options: Iterable[tuple[str, str]]) -> str | None:
    """Return the key whose key or name equals ``value`` (or, for a number, the n-th option)."""
    options = list(options)
    for key, name in options:
        if value in (key, name):
            return key
    if value.isdigit() and 1 <= int(value) <= len(options):
        return options[int(value) - 1][0]
    return None


def parse_row(
    number: int, cells: list[Any], mapping: dict[str, int], lookups: Lookups
) -> ParsedRow:
    """Return the parsed row ``number`` (its ``cells``) under ``mapping`` ({field: column index})."""
    parsed = ParsedRow(number)
    plan = lookups.plan
    risk = plan.risk_assessment
    choices = lookups.choices
    for name in IMPORT_FIELDS:
        index = mapping.get(name)
        raw = cells[index] if index is not None and index < len(cells) else None
        text = "" if raw is None else str(raw).strip()
        try:
            if name in REQUIRED and text == "":
                raise ValueError(_("This cell is required."))
            if name in TIME_FIELDS:
                parsed.data[name] = parse_time(raw)
            elif name == "headcount":
                parsed.data[name] = parse_headcount(raw)
            elif name in choices:
                if text:
                    key = _choice(text, choices[name])
                    if key is None and name == "category":  # 五(一)2 names the second category
                        sections = {c.section: c.key for c in plan.warning_categories}
                        key = sections.get(text)
                    if key is None:
                        known = "；".join(
                            f"{i} {label}" for i, (_key, label) in enumerate(choices[name], 1)
                        )
                        raise ValueError(
                            _(
                                "“%(value)s” is not one of the known values; write one of them"
                                " (or its number): %(known)s."
                            )
                            % {"value": text, "known": known}
                        )
                    parsed.data[name] = key
                else:
                    parsed.data[name] = ""
            elif name == "village":
                if text and text not in lookups.villages:
                    raise ValueError(
                        _("No village (community) “%(value)s” in this township.") % {"value": text}
                    )
                parsed.data[name] = lookups.villages.get(text)
            elif name == "lead_official":
                if text and text not in lookups.members:
                    raise ValueError(_("No member “%(value)s” in this township.") % {"value": text})
                parsed.data[name] = lookups.members.get(text)
            elif name == "units":
                names = [n.strip() for n in re.split(r"[、,，;；]", text) if n.strip()]
                unknown = [n for n in names if n not in lookups.units]
                if unknown:
                    raise ValueError(
                        _("No unit “%(value)s” in this township.") % {"value": "、".join(unknown)}
                    )
                parsed.units = [lookups.units[n] for n in names]
            else:
                parsed.data[name] = text
        except ValueError as exc:
            parsed.problems.append((name, str(exc) or _("This value cannot be read.")))
    data = parsed.data
    for name, limit in MAX_LENGTHS.items():
        if len(data.get(name) or "") > limit:
            parsed.problems.append(
                (
                    name,
                    _("At most %(n)s characters (this cell has %(m)s).")
                    % {"n": limit, "m": len(data[name])},
                )
            )
    start = data.get("discovered_at")
    for name in sorted(TIME_FIELDS - {"discovered_at", "expected_at"}):
        if start and data.get(name) and data[name] < start:
            parsed.problems.append((name, _("This time is before the registration time.")))
    if not data.get("risk_level") and data.get("urgency") and data.get("potential_harm"):
        data["risk_level"] = risk.risk_for(data["urgency"], data["potential_harm"])
    if not data.get("status"):
        data["status"] = (
            WarningStatus.RESOLVED if data.get("resolved_at") else WarningStatus.REGISTERED
        )
    if (
        data["status"] == WarningStatus.RESOLVED
        and data.get("resolved_at") is None
        and "status" in mapping
    ):
        parsed.problems.append(("resolved_at", _("A resolved warning needs its resolution time.")))
    return parsed
