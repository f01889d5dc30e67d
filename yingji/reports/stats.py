"""The figures of the statistics board and the monthly workbook, each with its written definition.

Every rate is a numerator over a denominator stated in one sentence
(``DEFINITIONS``); durations are given as count, median and 90th percentile
(linear interpolation, the same as Excel's ``MEDIAN`` / ``PERCENTILE.INC``).
Periods are half-open ``[start, end)`` in UTC, usually a calendar month in
Asia/Shanghai (``month_bounds``). A deadline is *kept* when it was satisfied
at or before its due time, *breached* when satisfied late or still
unsatisfied after its due time (judged from ``satisfied_at`` / ``due_at`` and
``now``, not from the worker's ``breached_at`` alone), *running* while it is
open and not yet due. Sources: plan §五(二), §六(二), §六(五)2(1);
《信访工作条例》 Art. 22, 32, 34.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Cast

from yingji.deadlines.models import Deadline
from yingji.earlywarning.models import Warning
from yingji.incidents.models import Incident
from yingji.petitions.actions._common import ACCEPTANCE_RULE
from yingji.petitions.choices import CaseStatus, Satisfaction
from yingji.petitions.models import PetitionCase

SHANGHAI = ZoneInfo("Asia/Shanghai")

#: The plan deadlines whose on-time rates the board shows (plan §六(二), §六(五)2(1)).
REPORT_RULE = "incident_report"
ARRIVAL_RULE = "district_arrival"

#: Case statuses after acceptance (the denominator of the resolution rate).
ACCEPTED_STATUSES = [
    CaseStatus.ACCEPTED,
    CaseStatus.IN_RESOLUTION,
    CaseStatus.REPLIED,
    CaseStatus.REVIEW_REQUESTED,
    CaseStatus.REVIEWED,
    CaseStatus.RE_REVIEW_REQUESTED,
    CaseStatus.FINAL,
]

#: key → (name, one-sentence definition with numerator and denominator). Chinese: these go into
#: official workbooks as written; the board shows the same text.
DEFINITIONS: dict[str, tuple[str, str]] = {
    "report_on_time": (
        "15分钟报告按时率",
        "分子：期内接报的事件中，“核实并向领导小组报告”时限在到期时刻或之前完成的件数；"
        "分母：期内接报的事件中，该时限已完成或已到期的件数（已取消的不计）。（预案§六(二)）",
    ),
    "arrival_on_time": (
        "40分钟到场按时率",
        "分子：期内接报的到区事件中，“工作专班到达事件发生地”时限在到期时刻或之前完成的件数；"
        "分母：期内接报的到区事件中，该时限已完成或已到期的件数（已取消的不计）。（预案§六(五)2(1)）",
    ),
    "response": (
        "按期受理告知率（响应率）",
        "分子：期内登记的信访事项中，受理决定在《信访工作条例》第二十二条15日时限内作出的件数；"
        "分母：期内登记的信访事项中，该时限已完成或已到期的件数（已取消的不计）。",
    ),
    "resolution": (
        "办结率",
        "分子：期内登记并已受理的信访事项中，已书面答复办结的件数；"
        "分母：期内登记并已受理的信访事项件数。（《信访工作条例》第三十二条、第三十四条）",
    ),
    "satisfaction": (
        "满意率",
        "分子：期内登记的信访事项中，评价为“满意”或“基本满意”的件数；"
        "分母：期内登记的信访事项中，信访人已作出满意度评价的件数。",
    ),
    "warning_to_report": (
        "预警发现至报告用时（分钟）",
        "期内发现的预警中已报告者，每条从发现（登记）时刻到报告时刻的分钟数；取中位数与第90百分位数。（预案§五(二)）",
    ),
    "warning_to_control": (
        "预警发现至控制用时（分钟）",
        "期内发现的预警中已控制者，每条从发现时刻到控制时刻的分钟数；取中位数与第90百分位数。（预案§五(二)）",
    ),
    "warning_to_resolve": (
        "预警发现至化解用时（分钟）",
        "期内发现的预警中已化解者，每条从发现时刻到化解时刻的分钟数；取中位数与第90百分位数。（预案§五(二)）",
    ),
    "case_to_decision": (
        "信访事项登记至受理决定用时（天）",
        "期内登记且已作出受理决定的信访事项，每件从登记到决定的天数；取中位数与第90百分位数。",
    ),
    "case_to_conclusion": (
        "信访事项登记至办结用时（天）",
        "期内登记且已书面答复办结的信访事项，每件从登记到办结的天数；取中位数与第90百分位数。",
    ),
}

RATE_KEYS = ["report_on_time", "arrival_on_time", "response", "resolution", "satisfaction"]
DURATION_KEYS = [
    "warning_to_report",
    "warning_to_control",
    "warning_to_resolve",
    "case_to_decision",
    "case_to_conclusion",
]

#: Deadline states of the board (computed, see the module docstring), in display order.
DEADLINE_STATES = ["kept", "breached", "running", "cancelled"]
DEADLINE_STATE_NAMES = {
    "kept": "按时完成",
    "breached": "超时",
    "running": "进行中",
    "cancelled": "已取消",
}


@dataclass
class Rate:
    """One rate: ``numerator`` over ``denominator``; ``value`` is None when the denominator is 0."""

    key: str
    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        """The rate as a fraction in [0, 1], or None with nothing to count."""
        return self.numerator / self.denominator if self.denominator else None

    @property
    def name(self) -> str:
        """The figure's Chinese name."""
        return DEFINITIONS[self.key][0]

    @property
    def definition(self) -> str:
        """The one-sentence definition naming numerator and denominator."""
        return DEFINITIONS[self.key][1]


@dataclass
class Durations:
    """The durations behind one duration figure, in ``unit`` ("minutes" or "days"), sorted."""

    key: str
    unit: str
    values: list[float]

    @property
    def count(self) -> int:
        """How many matters the figure counts."""
        return len(self.values)

    @property
    def median(self) -> float | None:
        """The median (Excel ``MEDIAN``), or None for no values."""
        return percentile(self.values, 0.5)

    @property
    def p90(self) -> float | None:
        """The 90th percentile (Excel ``PERCENTILE.INC(…, 0.9)``), or None for no values."""
        return percentile(self.values, 0.9)

    @property
    def name(self) -> str:
        """The figure's Chinese name."""
        return DEFINITIONS[self.key][0]

    @property
    def definition(self) -> str:
        """The one-sentence definition."""
        return DEFINITIONS[self.key][1]


@dataclass
class Figures:
    """All figures of one township for one period (see ``compute``)."""

    start: datetime
    end: datetime
    rates: dict[str, Rate]
    durations: dict[str, Durations]
    cases_by_stage: dict[str, int]
    case_deadlines_by_state: dict[str, int]
    warnings_by_category: dict[str, int] = field(default_factory=dict)
    warnings_by_village: dict[str, int] = field(default_factory=dict)
    incidents_by_category: dict[str, int] = field(default_factory=dict)
    cases_by_category: dict[str, int] = field(default_factory=dict)
    cases_by_unit: dict[str, int] = field(default_factory=dict)


def percentile(values: list[float], p: float) -> float | None:
    """Return the ``p`` quantile (0–1) of sorted ``values`` by linear interpolation (Excel PERCENTILE.INC)."""
    if not values:
        return None
    h = (len(values) - 1) * p
    lo = math.floor(h)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (h - lo) * (values[hi] - values[lo])


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """Return the UTC bounds ``[start, end)`` of ``month`` ("YYYY-MM") in Asia/Shanghai; ValueError if malformed."""
    year, mon = (int(x) for x in month.split("-"))
    first = date(year, mon, 1)
    following = date(year + (mon == 12), mon % 12 + 1, 1)
    return local_midnight(first), local_midnight(following)


def local_midnight(day: date) -> datetime:
    """Return 00:00 of ``day`` in Asia/Shanghai as an aware datetime."""
    return datetime.combine(day, time(), tzinfo=SHANGHAI)


def months_between(start: date, end: date) -> list[str]:
    """Return the months "YYYY-MM" from ``start``'s month to ``end``'s month, inclusive."""
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _pk_strings(qs: QuerySet) -> QuerySet:
    # Deadline.object_id is text: compare with the subjects' keys cast to text (same on SQLite and PostgreSQL).
    return qs.annotate(pk_text=Cast("pk", CharField())).values("pk_text")


def deadline_counts(
    township, model, subjects: QuerySet, rule: str | None, now: datetime
) -> dict[str, int]:
    """Count the deadlines (of ``rule``, or all) of ``subjects`` by computed state; one query."""
    qs = Deadline.objects.filter(
        township=township,
        content_type=ContentType.objects.get_for_model(model),
        object_id__in=_pk_strings(subjects),
    )
    if rule:
        qs = qs.filter(rule=rule)
    unsatisfied = Q(satisfied_at__isnull=True)
    cancelled = unsatisfied & Q(cancelled_at__isnull=False)
    return qs.aggregate(
        kept=Count("id", filter=Q(satisfied_at__lte=F("due_at"))),
        breached=Count(
            "id",
            filter=Q(satisfied_at__gt=F("due_at"))
            | (unsatisfied & Q(cancelled_at__isnull=True) & Q(due_at__lt=now)),
        ),
        running=Count("id", filter=unsatisfied & Q(cancelled_at__isnull=True) & Q(due_at__gte=now)),
        cancelled=Count("id", filter=cancelled),
    )


def _minutes(a: datetime | None, b: datetime | None) -> float | None:
    return (b - a).total_seconds() / 60 if a and b else None


def incidents_in(township, start: datetime, end: datetime) -> QuerySet[Incident]:
    """Incidents of ``township`` received in ``[start, end)``."""
    return Incident.objects.filter(township=township, received_at__gte=start, received_at__lt=end)


def warnings_in(township, start: datetime, end: datetime) -> QuerySet[Warning]:
    """Warnings of ``township`` discovered (registered) in ``[start, end)``."""
    return Warning.objects.filter(
        township=township, discovered_at__gte=start, discovered_at__lt=end
    )


def cases_in(cases: QuerySet[PetitionCase], start: datetime, end: datetime) -> QuerySet:
    """The cases of ``cases`` (already limited to what the reader may see) received in ``[start, end)``."""
    return cases.filter(received_at__gte=start, received_at__lt=end)


def compute(
    township, cases: QuerySet[PetitionCase], start: datetime, end: datetime, now: datetime
) -> Figures:
    """Compute every figure of ``township`` for ``[start, end)`` (UTC), judged at ``now``.

    ``cases`` is the reader's visible cases (``petitions.access.visible_cases``),
    so a report case stays hidden from the unit it accuses (Art. 30).
    A fixed number of queries whatever the number of rows.
    """
    incidents = incidents_in(township, start, end)
    rates: dict[str, Rate] = {}
    for key, rule in (("report_on_time", REPORT_RULE), ("arrival_on_time", ARRIVAL_RULE)):
        c = deadline_counts(township, Incident, incidents, rule, now)
        rates[key] = Rate(key, c["kept"], c["kept"] + c["breached"])

    period_cases = cases_in(cases, start, end)
    ct = ContentType.objects.get_for_model(PetitionCase)
    acceptance = Deadline.objects.filter(
        content_type=ct,
        object_id=Cast(OuterRef("pk"), CharField()),
        rule=ACCEPTANCE_RULE,
    )
    kept_q = acceptance.filter(satisfied_at__lte=F("due_at"))
    known_q = acceptance.filter(
        Q(satisfied_at__isnull=False) | Q(cancelled_at__isnull=True, due_at__lt=now)
    )
    agg = period_cases.aggregate(
        responded=Count("id", filter=Exists(kept_q)),
        response_known=Count("id", filter=Exists(known_q)),
        accepted=Count("id", filter=Q(status__in=ACCEPTED_STATUSES)),
        concluded=Count("id", filter=Q(status__in=ACCEPTED_STATUSES, concluded_at__isnull=False)),
        rated=Count("id", filter=~Q(satisfaction="")),
        satisfied=Count(
            "id", filter=Q(satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.FAIRLY])
        ),
    )
    rates["response"] = Rate("response", agg["responded"], agg["response_known"])
    rates["resolution"] = Rate("resolution", agg["concluded"], agg["accepted"])
    rates["satisfaction"] = Rate("satisfaction", agg["satisfied"], agg["rated"])

    w_rows = list(
        warnings_in(township, start, end).values_list(
            "category",
            "village__name",
            "discovered_at",
            "reported_at",
            "controlled_at",
            "resolved_at",
        )
    )
    moments: dict[str, list[float]] = defaultdict(list)
    for _cat, _vil, discovered, *later in w_rows:
        for key, at in zip(
            ("warning_to_report", "warning_to_control", "warning_to_resolve"), later, strict=True
        ):
            minutes = _minutes(discovered, at)
            if minutes is not None:
                moments[key].append(minutes)
    durations = {
        key: Durations(key, "minutes", sorted(moments[key]))
        for key in ("warning_to_report", "warning_to_control", "warning_to_resolve")
    }
    case_times = list(
        period_cases.filter(
            Q(decided_at__isnull=False) | Q(concluded_at__isnull=False)
        ).values_list("received_at", "decided_at", "concluded_at")
    )
    durations["case_to_decision"] = Durations(
        "case_to_decision",
        "days",
        sorted((d - r).total_seconds() / 86400 for r, d, _c in case_times if d),
    )
    durations["case_to_conclusion"] = Durations(
        "case_to_conclusion",
        "days",
        sorted((c - r).total_seconds() / 86400 for r, _d, c in case_times if c),
    )

    by_stage = dict(
        period_cases.order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    case_deadlines = deadline_counts(township, PetitionCase, period_cases, None, now)
    return Figures(
        start=start,
        end=end,
        rates=rates,
        durations=durations,
        cases_by_stage={s.value: by_stage.get(s.value, 0) for s in CaseStatus},
        case_deadlines_by_state={s: case_deadlines[s] for s in DEADLINE_STATES},
        warnings_by_category=dict(Counter(r[0] for r in w_rows)),
        warnings_by_village=dict(Counter(r[1] or "" for r in w_rows)),
        incidents_by_category=dict(
            incidents.order_by().values_list("category").annotate(n=Count("id"))
        ),
        cases_by_category=dict(
            period_cases.order_by().values_list("category").annotate(n=Count("id"))
        ),
        cases_by_unit={
            (name or ""): n
            for name, n in period_cases.order_by()
            .values_list("handling_unit__name")
            .annotate(n=Count("id"))
        },
    )


def merge(parts: list[Figures]) -> Figures:
    """Return the figures of consecutive periods ``parts`` taken together (exact: counts add, values join).

    Rates add their numerators and denominators; durations join their values;
    breakdowns add by key. Used by the board to total its months without
    querying the whole range again.
    """

    def add(dicts: list[dict[str, int]]) -> dict[str, int]:
        total: Counter[str] = Counter()
        for d in dicts:
            total.update(d)
        return {k: total[k] for k in sorted(total, key=lambda k: -total[k])}

    first = parts[0]
    return Figures(
        start=first.start,
        end=parts[-1].end,
        rates={
            k: Rate(
                k,
                sum(p.rates[k].numerator for p in parts),
                sum(p.rates[k].denominator for p in parts),
            )
            for k in first.rates
        },
        durations={
            k: Durations(k, d.unit, sorted(v for p in parts for v in p.durations[k].values))
            for k, d in first.durations.items()
        },
        cases_by_stage={k: sum(p.cases_by_stage[k] for p in parts) for k in first.cases_by_stage},
        case_deadlines_by_state={
            k: sum(p.case_deadlines_by_state[k] for p in parts)
            for k in first.case_deadlines_by_state
        },
        warnings_by_category=add([p.warnings_by_category for p in parts]),
        warnings_by_village=add([p.warnings_by_village for p in parts]),
        incidents_by_category=add([p.incidents_by_category for p in parts]),
        cases_by_category=add([p.cases_by_category for p in parts]),
        cases_by_unit=add([p.cases_by_unit for p in parts]),
    )
