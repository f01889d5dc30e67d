"""Read model of the statistics board: the figures by month, category, village and unit, and drill-downs.

``board_data`` returns what the page shows and hands to the chart script as
JSON: each bar carries the URL of the list behind it (``drill``), which
``drill_rows`` answers with the same filters the figure used. Months are
"YYYY-MM" in Asia/Shanghai; a range is at most ``MAX_MONTHS`` months.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.urls import reverse

from yingji.deadlines.models import Deadline
from yingji.petitions.choices import CaseStatus, Category
from yingji.petitions.models import PetitionCase

from . import stats

MAX_MONTHS = 24
DEFAULT_MONTHS = 6


def parse_range(start: str | None, end: str | None, today: date) -> tuple[str, str]:
    """Return a valid ("YYYY-MM", "YYYY-MM") range: defaults to the last six months, at most 24.

    Malformed or reversed input falls back to the default; an overlong range keeps its end.
    """
    default_end = f"{today.year:04d}-{today.month:02d}"
    y, m = today.year, today.month - (DEFAULT_MONTHS - 1)
    while m < 1:
        y, m = y - 1, m + 12
    default_start = f"{y:04d}-{m:02d}"
    try:
        s, e = stats.month_bounds(start or default_start), stats.month_bounds(end or default_end)
    except (ValueError, TypeError):
        return default_start, default_end
    if s[0] > e[0]:
        return default_start, default_end
    months = stats.months_between(s[0].date(), e[0].date())
    if len(months) > MAX_MONTHS:
        months = months[-MAX_MONTHS:]
    return months[0], months[-1]


def _drill(kind: str, start: str, end: str, **filters: str) -> str:
    return (
        reverse("reports:drill")
        + "?"
        + urlencode({"kind": kind, "from": start, "to": end, **filters})
    )


def _bar(id_: str, title: str, labels: list[str], values: list[int], drill: list[str]) -> dict:
    rows = [
        {"label": lab, "value": v, "url": u}
        for lab, v, u in zip(labels, values, drill, strict=True)
    ]
    return {
        "id": id_,
        "title": title,
        "labels": labels,
        "values": values,
        "drill": drill,
        "rows": rows,
    }


def board_data(
    township, cases: QuerySet[PetitionCase], start: str, end: str, now: datetime
) -> dict[str, Any]:
    """Return the board of ``township`` for months ``start``..``end``: totals, monthly series, bars.

    ``cases`` is the reader's visible cases. Queries: about a dozen per month; the range's totals are
    the months merged (``stats.merge``), not queried again.
    """
    months = stats.months_between(
        stats.month_bounds(start)[0].date(), stats.month_bounds(end)[0].date()
    )
    per_month = [stats.compute(township, cases, *stats.month_bounds(m), now) for m in months]
    total = stats.merge(per_month)
    plan = township.plan_version.plan if township.plan_version_id else None
    wnames = (
        {
            c.key: c.short_name if hasattr(c, "short_name") else c.name
            for c in plan.warning_categories
        }
        if plan
        else {}
    )
    inames = {c.key: c.short_name for c in plan.incident_categories} if plan else {}
    cnames = {k: str(v) for k, v in Category.choices}
    snames = {k: str(v) for k, v in CaseStatus.choices}

    def bar(
        id_: str, title: str, items: dict[str, int], names: dict[str, str], kind: str, field: str
    ) -> dict:
        keys = list(items)
        return _bar(
            id_,
            title,
            [names.get(k, k) or "（未明确）" for k in keys],
            [items[k] for k in keys],
            [_drill(kind, start, end, **{field: k}) for k in keys],
        )

    def monthly(id_: str, title: str, kind: str, values: list[int]) -> dict:
        return _bar(id_, title, months, values, [_drill(kind, m, m) for m in months])

    bars = [
        monthly(
            "cases_by_month",
            "信访事项（按月）",
            "cases",
            [sum(f.cases_by_stage.values()) for f in per_month],
        ),
        bar(
            "cases_by_category",
            "信访事项（按类别）",
            total.cases_by_category,
            cnames,
            "cases",
            "category",
        ),
        bar("cases_by_unit", "信访事项（按责任单位）", total.cases_by_unit, {}, "cases", "unit"),
        bar(
            "cases_by_stage",
            "信访事项（按办理阶段）",
            {k: v for k, v in total.cases_by_stage.items() if v},
            snames,
            "cases",
            "stage",
        ),
        bar(
            "case_deadlines",
            "信访事项时限（按状态）",
            total.case_deadlines_by_state,
            stats.DEADLINE_STATE_NAMES,
            "cases",
            "deadline",
        ),
        monthly(
            "warnings_by_month",
            "预警（按月）",
            "warnings",
            [sum(f.warnings_by_category.values()) for f in per_month],
        ),
        bar(
            "warnings_by_category",
            "预警（按类别）",
            total.warnings_by_category,
            wnames,
            "warnings",
            "category",
        ),
        bar(
            "warnings_by_village",
            "预警（按村、社区）",
            total.warnings_by_village,
            {},
            "warnings",
            "village",
        ),
        monthly(
            "incidents_by_month",
            "事件（按月）",
            "incidents",
            [sum(f.incidents_by_category.values()) for f in per_month],
        ),
        bar(
            "incidents_by_category",
            "事件（按类别）",
            total.incidents_by_category,
            inames,
            "incidents",
            "category",
        ),
    ]
    rates = [
        {
            "key": key,
            "name": total.rates[key].name,
            "definition": total.rates[key].definition,
            "numerator": total.rates[key].numerator,
            "denominator": total.rates[key].denominator,
            "value": total.rates[key].value,
            "monthly": [f.rates[key].value for f in per_month],
        }
        for key in stats.RATE_KEYS
    ]
    durations = [
        {
            "key": key,
            "name": d.name,
            "definition": d.definition,
            "count": d.count,
            "median": d.median,
            "p90": d.p90,
            "monthly": [f.durations[key].median for f in per_month],
        }
        for key, d in total.durations.items()
    ]
    return {
        "from": start,
        "to": end,
        "months": months,
        "rates": rates,
        "durations": durations,
        "bars": bars,
        "no_data": "暂无数据",  # over a chart with nothing to show in these months (board.js)
    }


def drill_rows(
    township, cases: QuerySet[PetitionCase], params: dict[str, str], now: datetime
) -> tuple[str, QuerySet]:
    """Return (kind, rows) behind one bar: the matters of ``params`` (kind, from, to and one filter).

    ``kind`` is "cases", "warnings" or "incidents"; filters: ``category``, ``village`` (name),
    ``unit`` (name, "" for none), ``stage`` (case status), ``deadline`` (kept / breached /
    running / cancelled: cases with at least one deadline in that state). Unknown kinds answer "cases".
    """
    start, end = parse_range(
        params.get("from"), params.get("to"), now.astimezone(stats.SHANGHAI).date()
    )
    lo, hi = stats.month_bounds(start)[0], stats.month_bounds(end)[1]
    kind = params.get("kind", "cases")
    if kind == "warnings":
        qs = (
            stats.warnings_in(township, lo, hi)
            .select_related("village")
            .order_by("discovered_at", "id")
        )
        if "category" in params:
            qs = qs.filter(category=params["category"])
        if "village" in params:
            qs = (
                qs.filter(village__name=params["village"])
                if params["village"]
                else qs.filter(village__isnull=True)
            )
        return kind, qs
    if kind == "incidents":
        qs = stats.incidents_in(township, lo, hi).order_by("received_at", "id")
        if "category" in params:
            qs = qs.filter(category=params["category"])
        return kind, qs
    qs = stats.cases_in(cases, lo, hi).select_related("handling_unit").order_by("received_at", "id")
    if "category" in params:
        qs = qs.filter(category=params["category"])
    if "unit" in params:
        qs = (
            qs.filter(handling_unit__name=params["unit"])
            if params["unit"]
            else qs.filter(handling_unit__isnull=True)
        )
    if "stage" in params:
        qs = qs.filter(status=params["stage"])
    if params.get("deadline") in stats.DEADLINE_STATES:
        qs = qs.filter(Exists(_deadlines_in_state(params["deadline"], now)))
    return "cases", qs


def _deadlines_in_state(state: str, now: datetime) -> QuerySet[Deadline]:
    ds = Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(PetitionCase),
        object_id=Cast(OuterRef("pk"), CharField()),
    )
    unsatisfied = Q(satisfied_at__isnull=True)
    return ds.filter(
        {
            "kept": Q(satisfied_at__lte=F("due_at")),
            "breached": Q(satisfied_at__gt=F("due_at"))
            | (unsatisfied & Q(cancelled_at__isnull=True, due_at__lt=now)),
            "running": unsatisfied & Q(cancelled_at__isnull=True, due_at__gte=now),
            "cancelled": unsatisfied & Q(cancelled_at__isnull=False),
        }[state]
    )
