"""The monthly statistics workbook (openpyxl): one sheet per ledger, real formulas, written definitions.

Sheets: 汇总 (every figure: numerator, denominator and rate as formulas over
the ledger sheets, beside the value Yingji computed, so a reader can check
one against the other), 预警台账 / 事件台账 / 信访台账 (one row per matter of
the month, then tables by category, village or unit built with COUNTIFS /
SUMIFS), 指标定义 (each figure's one-sentence definition and its formula).
Durations use MEDIAN and PERCENTILE.INC over the ledger columns. No personal
data: parties and petitioners are never written.
"""

from __future__ import annotations

import io
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula

from yingji.deadlines.models import Deadline
from yingji.petitions.actions._common import ACCEPTANCE_RULE
from yingji.petitions.choices import CaseStatus, Category, Satisfaction
from yingji.petitions.models import PetitionCase
from yingji.spreadsheet import row_of

from . import stats

BOLD = Font(bold=True)
#: How times (Asia/Shanghai wall time) show in the ledger sheets.
TIME_FORMAT = "yyyy-mm-dd hh:mm"


def _local(at: datetime | None) -> datetime | None:
    # Excel has no time zones: write the Asia/Shanghai wall time.
    return at.astimezone(stats.SHANGHAI).replace(tzinfo=None) if at else None


def _minutes(a: datetime | None, b: datetime | None) -> float | None:
    return round((b - a).total_seconds() / 60, 2) if a and b else None


def _days(a: datetime | None, b: datetime | None) -> float | None:
    return round((b - a).total_seconds() / 86400, 4) if a and b else None


def _write_rows(ws, header: list[str], rows: list[list]) -> tuple[int, int]:
    """Write ``header`` then ``rows`` from row 1; return (first data row, last data row).

    Text cells are written as text, even when they begin with "=" (``yingji.spreadsheet``).
    """
    ws.append(header)
    for cell in ws[1]:
        cell.font = BOLD
    times: set[int] = set()
    for row in rows:
        ws.append(row_of(ws, row))  # text as text: no formula from a typed summary
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, datetime):
                # To the minute, in a column wide enough: Excel shows ######## for a time that does not fit.
                cell.number_format = TIME_FORMAT
                times.add(cell.column)
    for i, _ in enumerate(header, 1):
        ws.column_dimensions[get_column_letter(i)].width = 18 if i in times else 16
    ws.freeze_panes = "A2"
    return 2, max(2, len(rows) + 1)


def _rng(col: str, first: int, last: int, sheet: str = "") -> str:
    prefix = f"'{sheet}'!" if sheet else ""
    return f"{prefix}${col}${first}:${col}${last}"


def _kept_flag(satisfied: datetime | None, due: datetime | None, cancelled, now: datetime):
    """1 kept, 0 breached, None running / cancelled / none (the same rule as ``stats``)."""
    if due is None:
        return None
    if satisfied is not None:
        return 1 if satisfied <= due else 0
    if cancelled is None and due < now:
        return 0
    return None


def case_rows(cases: QuerySet[PetitionCase], now: datetime) -> list[tuple]:
    """Return the rows of the case ledger sheet: one query over the month's cases."""
    ct = ContentType.objects.get_for_model(PetitionCase)
    acceptance = Deadline.objects.filter(
        content_type=ct, object_id=Cast(OuterRef("pk"), CharField()), rule=ACCEPTANCE_RULE
    )
    return list(
        cases.annotate(
            kept=Exists(acceptance.filter(satisfied_at__lte=F("due_at"))),
            known=Exists(
                acceptance.filter(
                    Q(satisfied_at__isnull=False) | Q(cancelled_at__isnull=True, due_at__lt=now)
                )
            ),
        )
        .order_by("received_at", "id")
        .values_list(
            "number",
            "category",
            "handling_unit__name",
            "status",
            "received_at",
            "decided_at",
            "concluded_at",
            "satisfaction",
            "kept",
            "known",
        )
    )


def month_workbook(township, cases: QuerySet[PetitionCase], month: str, now: datetime) -> bytes:
    """Return the .xlsx of ``month`` ("YYYY-MM", Asia/Shanghai) for ``township``.

    ``cases`` is the reader's visible cases (``petitions.access.visible_cases``).
    Raises ``ValueError`` for a malformed month.
    """
    start, end = stats.month_bounds(month)
    figures = stats.compute(township, cases, start, end, now)
    plan = township.plan_version.plan if township.plan_version_id else None
    wb = Workbook()
    summary = wb.active
    summary.title = "汇总"

    # --- warnings ---
    ws = wb.create_sheet("预警台账")
    wnames = {c.key: c.name for c in plan.warning_categories} if plan else {}
    warnings = list(
        stats.warnings_in(township, start, end)
        .order_by("discovered_at", "id")
        .values_list(
            "number",
            "category",
            "village__name",
            "discovered_at",
            "reported_at",
            "controlled_at",
            "resolved_at",
        )
    )
    w_first, w_last = _write_rows(
        ws,
        [
            "编号",
            "类别",
            "村（社区）",
            "月份",
            "发现时间",
            "报告时间",
            "控制时间",
            "化解时间",
            "发现至报告（分钟）",
            "发现至控制（分钟）",
            "发现至化解（分钟）",
        ],
        [
            [
                n,
                wnames.get(c, c),
                v or "",
                month,
                _local(d),
                _local(r),
                _local(co),
                _local(re),
                _minutes(d, r),
                _minutes(d, co),
                _minutes(d, re),
            ]
            for n, c, v, d, r, co, re in warnings
        ],
    )
    row = w_last + 3
    row = _count_table(
        ws,
        row,
        "按类别",
        "B",
        list(wnames.values()) or sorted({r[1] for r in warnings}),
        w_first,
        w_last,
        ["I", "J", "K"],
    )
    villages = sorted({r[2] or "" for r in warnings})
    _count_table(ws, row + 2, "按村（社区）", "C", villages, w_first, w_last, ["I", "J", "K"])

    # --- incidents ---
    ws = wb.create_sheet("事件台账")
    inames = {c.key: c.name for c in plan.incident_categories} if plan else {}
    incidents = list(stats.incidents_in(township, start, end).order_by("received_at", "id"))
    ct = ContentType.objects.get_for_model(incidents[0]) if incidents else None
    deadlines = (
        {
            (d.object_id, d.rule): d
            for d in Deadline.objects.filter(
                content_type=ct,
                object_id__in=[str(i.pk) for i in incidents],
                rule__in=[stats.REPORT_RULE, stats.ARRIVAL_RULE],
            )
        }
        if incidents
        else {}
    )

    def flag(incident, rule):
        d = deadlines.get((str(incident.pk), rule))
        return _kept_flag(d.satisfied_at, d.due_at, d.cancelled_at, now) if d else None

    i_first, i_last = _write_rows(
        ws,
        [
            "编号",
            "类别",
            "月份",
            "接报时间",
            "15分钟报告按时（1是0否）",
            "40分钟到场按时（1是0否）",
        ],
        [
            [
                i.number,
                inames.get(i.category, i.category),
                month,
                _local(i.received_at),
                flag(i, stats.REPORT_RULE),
                flag(i, stats.ARRIVAL_RULE),
            ]
            for i in incidents
        ],
    )
    _rate_table(ws, i_last + 3, "按类别", "B", list(inames.values()), i_first, i_last, ["E", "F"])

    # --- petition cases ---
    ws = wb.create_sheet("信访台账")
    cnames = dict(Category.choices)
    snames = dict(CaseStatus.choices)
    accepted = set(stats.ACCEPTED_STATUSES)
    good = {Satisfaction.SATISFIED, Satisfaction.FAIRLY}
    rows = []
    for number, cat, unit, status, received, decided, concluded, sat, kept, known in case_rows(
        stats.cases_in(cases, start, end), now
    ):
        is_accepted = status in accepted
        rows.append(
            [
                number,
                str(cnames.get(cat, cat)),
                unit or "",
                str(snames.get(status, status)),
                month,
                _local(received),
                (1 if kept else 0) if known else None,
                int(is_accepted),
                int(is_accepted and concluded is not None),
                int(bool(sat)),
                int(sat in good),
                _days(received, decided),
                _days(received, concluded),
            ]
        )
    c_first, c_last = _write_rows(
        ws,
        [
            "编号",
            "类别",
            "责任单位",
            "状态",
            "月份",
            "登记时间",
            "按期受理告知（1是0否）",
            "已受理",
            "已办结",
            "已评价",
            "满意或基本满意",
            "登记至受理决定（天）",
            "登记至办结（天）",
        ],
        rows,
    )
    row = _case_table(
        ws, c_last + 3, "按类别", "B", [str(v) for v in cnames.values()], c_first, c_last
    )
    units = sorted({r[2] for r in rows})
    _case_table(ws, row + 2, "按责任单位", "C", units, c_first, c_last)

    # --- summary: formulas over the ledgers beside Yingji's values ---
    _summary(
        summary,
        figures,
        month,
        township.name,
        {"w": (w_first, w_last), "i": (i_first, i_last), "c": (c_first, c_last)},
    )

    defs = wb.create_sheet("指标定义")
    _write_rows(defs, ["指标", "定义（分子与分母）", "汇总表中的公式"], [])
    for key in stats.RATE_KEYS + stats.DURATION_KEYS:
        name, text = stats.DEFINITIONS[key]
        # The formulas are shown as text: written as formulas they were broken references.
        defs.append(row_of(defs, [name, text, FORMULA_TEXT.get(key, "")]))
    defs.column_dimensions["B"].width = 90
    defs.column_dimensions["C"].width = 60
    for r in defs.iter_rows(min_row=2):
        r[1].alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _count_table(ws, row, title, col, keys, first, last, minute_cols) -> int:
    """Counts and median durations per ``keys`` of column ``col``; returns the last row written."""
    ws.cell(row, 1, title).font = BOLD
    ws.append(
        [
            "",
            "条数",
            "发现至报告中位数（分钟）",
            "发现至控制中位数（分钟）",
            "发现至化解中位数（分钟）",
        ]
    )
    for key in keys:
        r = ws.max_row + 1
        ws.cell(r, 1, key)
        ws.cell(r, 2, f"=COUNTIF({_rng(col, first, last)},A{r})")
        for j, mc in enumerate(minute_cols):
            ref = f"{get_column_letter(3 + j)}{r}"
            mrange = _rng(mc, first, last)
            ws[ref] = ArrayFormula(
                ref,
                f'=IFERROR(MEDIAN(IF({_rng(col, first, last)}=A{r},IF({mrange}<>"",{mrange}))),"")',
            )
    return ws.max_row


def _rate_table(ws, row, title, col, keys, first, last, flag_cols) -> int:
    ws.cell(row, 1, title).font = BOLD
    ws.append(
        [
            "",
            "件数",
            "15分钟报告按时",
            "15分钟报告应计",
            "按时率",
            "40分钟到场按时",
            "40分钟到场应计",
            "按时率",
        ]
    )
    for key in keys:
        r = ws.max_row + 1
        ws.cell(r, 1, key)
        crange = _rng(col, first, last)
        ws.cell(r, 2, f"=COUNTIF({crange},A{r})")
        for j, fc in enumerate(flag_cols):
            base = 3 + 3 * j
            frange = _rng(fc, first, last)
            ws.cell(r, base, f"=SUMIFS({frange},{crange},A{r})")
            ws.cell(r, base + 1, f'=COUNTIFS({crange},A{r},{frange},"<>")')
            a, b = get_column_letter(base), get_column_letter(base + 1)
            ws.cell(r, base + 2, f'=IF({b}{r}=0,"",{a}{r}/{b}{r})').number_format = "0.0%"
    return ws.max_row


def _case_table(ws, row, title, col, keys, first, last) -> int:
    ws.cell(row, 1, title).font = BOLD
    ws.append(
        [
            "",
            "件数",
            "按期受理告知",
            "受理时限应计",
            "响应率",
            "已受理",
            "已办结",
            "办结率",
            "已评价",
            "满意或基本满意",
            "满意率",
        ]
    )
    crange = _rng(col, first, last)
    for key in keys:
        r = ws.max_row + 1
        ws.cell(r, 1, key)
        ws.cell(r, 2, f"=COUNTIF({crange},A{r})")
        ws.cell(r, 3, f"=SUMIFS({_rng('G', first, last)},{crange},A{r})")
        ws.cell(r, 4, f'=COUNTIFS({crange},A{r},{_rng("G", first, last)},"<>")')
        ws.cell(r, 5, f'=IF(D{r}=0,"",C{r}/D{r})').number_format = "0.0%"
        for c, src in ((6, "H"), (7, "I"), (9, "J"), (10, "K")):
            ws.cell(r, c, f"=SUMIFS({_rng(src, first, last)},{crange},A{r})")
        ws.cell(r, 8, f'=IF(F{r}=0,"",G{r}/F{r})').number_format = "0.0%"
        ws.cell(r, 11, f'=IF(I{r}=0,"",J{r}/I{r})').number_format = "0.0%"
    return ws.max_row


#: The formulas of the summary sheet, as text for the definitions sheet (rows of the ledger sheets).
FORMULA_TEXT = {
    "report_on_time": "=SUM(事件台账!E) / COUNT(事件台账!E)",
    "arrival_on_time": "=SUM(事件台账!F) / COUNT(事件台账!F)",
    "response": "=SUM(信访台账!G) / COUNT(信访台账!G)",
    "resolution": "=SUM(信访台账!I) / SUM(信访台账!H)",
    "satisfaction": "=SUM(信访台账!K) / SUM(信访台账!J)",
    "warning_to_report": "=MEDIAN(预警台账!I), =PERCENTILE.INC(预警台账!I, 0.9)",
    "warning_to_control": "=MEDIAN(预警台账!J), =PERCENTILE.INC(预警台账!J, 0.9)",
    "warning_to_resolve": "=MEDIAN(预警台账!K), =PERCENTILE.INC(预警台账!K, 0.9)",
    "case_to_decision": "=MEDIAN(信访台账!L), =PERCENTILE.INC(信访台账!L, 0.9)",
    "case_to_conclusion": "=MEDIAN(信访台账!M), =PERCENTILE.INC(信访台账!M, 0.9)",
}

RATE_SOURCES = {
    "report_on_time": ("事件台账", "i", "SUM", "E", "COUNT", "E"),
    "arrival_on_time": ("事件台账", "i", "SUM", "F", "COUNT", "F"),
    "response": ("信访台账", "c", "SUM", "G", "COUNT", "G"),
    "resolution": ("信访台账", "c", "SUM", "I", "SUM", "H"),
    "satisfaction": ("信访台账", "c", "SUM", "K", "SUM", "J"),
}
DURATION_SOURCES = {
    "warning_to_report": ("预警台账", "w", "I"),
    "warning_to_control": ("预警台账", "w", "J"),
    "warning_to_resolve": ("预警台账", "w", "K"),
    "case_to_decision": ("信访台账", "c", "L"),
    "case_to_conclusion": ("信访台账", "c", "M"),
}


def _summary(ws, figures: stats.Figures, month: str, township: str, ranges: dict) -> None:
    ws.append([f"{township} {month} 统计（时间为北京时间）"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(
        [
            "指标",
            "分子（公式）",
            "分母（公式）",
            "比率（公式）",
            "系统计算：分子",
            "系统计算：分母",
            "系统计算：比率",
            "定义",
        ]
    )
    for cell in ws[2]:
        cell.font = BOLD
    for key in stats.RATE_KEYS:
        sheet, which, fn_a, col_a, fn_b, col_b = RATE_SOURCES[key]
        first, last = ranges[which]
        rate = figures.rates[key]
        r = ws.max_row + 1
        ws.append(
            [
                rate.name,
                f"={fn_a}({_rng(col_a, first, last, sheet)})",
                f"={fn_b}({_rng(col_b, first, last, sheet)})",
                f'=IF(C{r}=0,"",B{r}/C{r})',
                rate.numerator,
                rate.denominator,
                rate.value,
                rate.definition,
            ]
        )
        ws.cell(r, 4).number_format = ws.cell(r, 7).number_format = "0.0%"
    ws.append([])
    ws.append(
        [
            "用时指标",
            "件数（公式）",
            "中位数（公式）",
            "第90百分位数（公式）",
            "系统计算：件数",
            "系统计算：中位数",
            "系统计算：第90百分位数",
            "定义",
        ]
    )
    for cell in ws[ws.max_row]:
        cell.font = BOLD
    for key in stats.DURATION_KEYS:
        sheet, which, col = DURATION_SOURCES[key]
        first, last = ranges[which]
        d = figures.durations[key]
        rng = _rng(col, first, last, sheet)
        ws.append(
            [
                d.name,
                f"=COUNT({rng})",
                f'=IFERROR(MEDIAN({rng}),"")',
                f'=IFERROR(PERCENTILE.INC({rng},0.9),"")',
                d.count,
                d.median,
                d.p90,
                d.definition,
            ]
        )
        r = ws.max_row  # medians and percentiles to one decimal (they were raw, 40.999999…)
        for c in (3, 4, 6, 7):
            ws.cell(r, c).number_format = "0.0"
    ws.append([])
    ws.append(["信访事项按办理阶段", "件数"])
    ws.cell(ws.max_row, 1).font = BOLD
    names = dict(CaseStatus.choices)
    for status, n in figures.cases_by_stage.items():
        ws.append([str(names[status]), n])
    ws.append([])
    ws.append(["信访事项时限按状态", "条数"])
    ws.cell(ws.max_row, 1).font = BOLD
    for state, n in figures.case_deadlines_by_state.items():
        ws.append([stats.DEADLINE_STATE_NAMES[state], n])
    ws.column_dimensions["A"].width = 30
    for col in "BCDEFG":
        ws.column_dimensions[col].width = 18
    ws.column_dimensions["H"].width = 80
