"""Read models of the ledger: the filtered list, search, the detail's history, display values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Count, QuerySet

from yingji.audit.labels import label as action_label
from yingji.audit.labels import recorded_values
from yingji.audit.models import AuditEvent
from yingji.fastread import ValuesReader
from yingji.orgs.models import Member, Township, Unit
from yingji.plans.models import PlanVersion
from yingji.plans.schema import Plan

from .choices import OPEN_STATUSES, WarningStatus
from .models import Warning
from .search import query_tokens

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: The filter's dates outside these are no bound (the ledger holds years 1900–2199 only).
_FIRST_DAY, _LAST_DAY = date(1900, 1, 1), date(2199, 12, 31)


@dataclass(frozen=True)
class LedgerFilter:
    """What the ledger list is narrowed to. Dates are local (Asia/Shanghai) registration dates, inclusive."""

    status: str = ""
    category: str = ""
    village: int | None = None
    risk_level: str = ""
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""


def ledger(township: Township, f: LedgerFilter | None = None) -> QuerySet[Warning]:
    """Return the township's warnings narrowed by ``f``, newest first, ready for a page of rows.

    Related rows used by the list (village, lead official, units) are fetched
    in a fixed number of queries, whatever the page size. Search ``f.q``
    matches warnings whose number, place, summary and cause hold every jieba
    token of it (``search.warning_search_text``).
    """
    f = f or LedgerFilter()
    qs = Warning.objects.filter(township=township)
    if f.status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.village:
        qs = qs.filter(village_id=f.village)
    if f.risk_level:
        qs = qs.filter(risk_level=f.risk_level)
    # Dates outside 1900–2199 bound nothing (no warning can be there) and would overflow:
    # date.max + 1 day, or year 1 at +08:00 in UTC (a 500 of the ledger page before).
    if f.date_from and f.date_from > _FIRST_DAY:
        qs = qs.filter(discovered_at__gte=datetime.combine(f.date_from, time(0), SHANGHAI))
    if f.date_to and f.date_to < _LAST_DAY:
        end = datetime.combine(f.date_to + timedelta(days=1), time(0), SHANGHAI)
        qs = qs.filter(discovered_at__lt=end)
    for token in query_tokens(f.q):
        qs = qs.filter(search_text__contains=f" {token} ")
    return qs.select_related("village", "lead_official")


#: The columns the ledger list shows (the rest stay in the database: long texts, search tokens),
#: in the order of the values of a raw row of :class:`LedgerRows`.
LIST_FIELDS = (
    "id",
    "number",
    "plan_version_id",
    "category",
    "status",
    "discovered_at",
    "address",
    "summary",
    "headcount",
    "risk_level",
    "reported_at",
    "resolved_at",
    "village__name",
    "lead_official__name",
)
#: A page of the ledger as the database gives it: ``(values, unit_names)`` per warning, ``values``
#: in :data:`LIST_FIELDS` order as the driver returns them, ``unit_names`` sorted.
RawRow = tuple[tuple[Any, ...], list[str]]


def _short(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


@cache
def _list_reader() -> ValuesReader:
    """Return the reader of :data:`LIST_FIELDS` (select list and the ORM's converters), in that order."""
    joined = {
        "village__name": ("v", Unit._meta.get_field("name")),
        "lead_official__name": ("m", Member._meta.get_field("name")),
    }
    return ValuesReader(
        [
            (name, *joined[name]) if name in joined else (name, "w", Warning._meta.get_field(name))
            for name in LIST_FIELDS
        ]
    )


class LedgerRows:
    """The warnings of :func:`ledger` for the list page: counted and sliced with SQL written here.

    The list page is the ledger's busiest page, so it does not go through the
    ORM (which rebuilt and compiled its three statements on every request:
    issue 4's benchmark asks the page to answer within 3× of its SQL). The
    statements are the ones :func:`ledger` gives, written out: the same
    filters (a test compares the two on every filter), newest first.

    Built for ``django.core.paginator.Paginator``: ``count()`` is the number
    of matching warnings (one ``COUNT``), and ``rows[a:b]`` a list of
    :data:`RawRow` (values as the driver gives them: the list page writes
    them out without building a dict per row, issue 4's benchmark), read in
    two statements whatever the page size. :meth:`as_dicts` gives them as
    ``values()`` would.
    """

    def __init__(self, township: Township, f: LedgerFilter | None = None):
        f = f or LedgerFilter()
        adapt = connection.ops.adapt_datetimefield_value
        where = ["w.township_id = %s"]
        params: list[Any] = [township.pk]
        if f.status == "open":
            where.append(f"w.status IN ({', '.join(['%s'] * len(OPEN_STATUSES))})")
            params += sorted(OPEN_STATUSES)
        elif f.status:
            where.append("w.status = %s")
            params.append(f.status)
        for column, value in (
            ("category", f.category),
            ("village_id", f.village),
            ("risk_level", f.risk_level),
        ):
            if value:
                where.append(f"w.{column} = %s")
                params.append(value)
        if f.date_from and f.date_from > _FIRST_DAY:  # bounds as in ledger()
            where.append("w.discovered_at >= %s")
            params.append(adapt(datetime.combine(f.date_from, time(0), SHANGHAI)))
        if f.date_to and f.date_to < _LAST_DAY:
            where.append("w.discovered_at < %s")
            end = datetime.combine(f.date_to + timedelta(days=1), time(0), SHANGHAI)
            params.append(adapt(end))
        for token in query_tokens(f.q):
            where.append("w.search_text LIKE %s ESCAPE '\\'")
            params.append(f"%{connection.ops.prep_for_like_query(f' {token} ')}%")
        self.where = " AND ".join(where)
        self.params = params

    def count(self) -> int:
        """Return how many warnings match."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM earlywarning_warning w WHERE {self.where}", self.params
            )
            return int(cursor.fetchone()[0])

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[RawRow]:
        """Return the matching warnings ``key.start`` to ``key.stop`` (newest first) as raw rows."""
        start = key.start or 0
        if key.stop <= start:  # an empty ledger's first page
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {_list_reader().columns} FROM earlywarning_warning w"
                " LEFT JOIN orgs_unit v ON v.id = w.village_id"
                " LEFT JOIN orgs_member m ON m.id = w.lead_official_id"
                f" WHERE {self.where} ORDER BY w.discovered_at DESC, w.id DESC LIMIT %s OFFSET %s",
                [*self.params, key.stop - start, start],
            )
            rows = cursor.fetchall()
            names: dict[int, list[str]] = {values[0]: [] for values in rows}
            if names:
                cursor.execute(
                    "SELECT t.warning_id, u.name FROM earlywarning_warning_units t"
                    " JOIN orgs_unit u ON u.id = t.unit_id"
                    f" WHERE t.warning_id IN ({', '.join(['%s'] * len(names))})"
                    " ORDER BY u.name",
                    list(names),
                )
                for warning_id, name in cursor.fetchall():
                    names[warning_id].append(name)
        return [(values, names[values[0]]) for values in rows]

    @staticmethod
    def as_dicts(rows: list[RawRow]) -> list[dict[str, Any]]:
        """Return raw rows as dicts: the :data:`LIST_FIELDS` keys, converted as ``values()`` gives
        them (aware datetimes …), plus ``unit_names``."""
        reader = _list_reader()
        return [{**reader.read(values), "unit_names": units} for values, units in rows]

    @staticmethod
    def aware(value: Any, tz: tzinfo | None = None) -> datetime:
        """Return a datetime of a raw row aware, as the ORM gives it.

        PostgreSQL's driver gives aware datetimes; SQLite's gives naive ones
        in UTC (how Django stores them), made aware here in the connection's
        time zone (``tz``, ``connection.timezone`` when not given: a caller
        going down a page of rows reads it once, as reading it through the
        connection proxy takes a few microseconds), as Django does. Anything
        else goes through the ORM's own converter (``discovered_at``'s).
        """
        if value.__class__ is datetime:
            if value.tzinfo is not None:
                return value
            return value.replace(tzinfo=tz or connection.timezone)
        aware: datetime = _list_reader().convert("discovered_at", value)
        return aware


@cache
def _status_names(language: str | None) -> dict[str, str]:
    """Return ``{status: display name}`` in ``language`` (the active one when called)."""
    return {value: str(label) for value, label in WarningStatus.choices}


def open_count(township: Township) -> int:
    """Return how many of the township's warnings are open (home page)."""
    return Warning.objects.filter(township=township, status__in=OPEN_STATUSES).count()


def status_counts(township: Township) -> dict[str, int]:
    """Return ``{status: count}`` of the township's warnings."""
    rows = Warning.objects.filter(township=township).values("status").annotate(n=Count("id"))
    return {r["status"]: r["n"] for r in rows}


#: Validated plans by plan version id. Published versions never change (``PlanVersion.save``
#: refuses updates), so a plan read once serves every later page of this process.
_PLANS: dict[int, Plan] = {}


class Plans:
    """The plans of warnings by ``plan_version_id``, each loaded and validated once (no N+1)."""

    def of(self, warning: Warning) -> Plan:
        """Return the plan version ``warning`` started under."""
        return self.of_version(warning.plan_version_id)

    def of_version(self, pk: int) -> Plan:
        """Return the plan of plan version ``pk``."""
        plan = _PLANS.get(pk)
        if plan is None:
            plan = _PLANS[pk] = PlanVersion.objects.get(pk=pk).plan
        return plan


def level_name(plan: Plan, axis: str, key: str) -> str:
    """Return the plan's name of level ``key`` on ``axis`` (urgency / harm / risk); the key if unknown."""
    risk = plan.risk_assessment
    levels = {"urgency": risk.urgency_levels, "harm": risk.harm_levels, "risk": risk.risk_levels}[
        axis
    ]
    for level in levels:
        if level.key == key:
            return level.name
    return key


def value_names(plan: Plan) -> dict[str, dict[object, str]]:
    """Return ``{field: {key: name}}`` for a warning's fields whose values the plan defines.

    ``category`` (plan §五(一)'s warning categories), ``urgency``,
    ``potential_harm`` and ``risk_level`` (the risk matrix's levels): what
    a warning's audit events record as keys, named for people by
    ``audit.labels.recorded_values`` (history and audit pages).
    """
    risk = plan.risk_assessment
    return {
        "category": {c.key: c.name for c in plan.warning_categories},
        "urgency": {lv.key: lv.name for lv in risk.urgency_levels},
        "potential_harm": {lv.key: lv.name for lv in risk.harm_levels},
        "risk_level": {lv.key: lv.name for lv in risk.risk_levels},
    }


def category_name(plan: Plan, key: str) -> str:
    """Return the plan's name of warning category ``key`` (plan §五(一)); the key if unknown."""
    try:
        return plan.warning_category(key).name
    except KeyError:
        return key


def local(dt: datetime | None) -> str:
    """Return ``dt`` in Asia/Shanghai as ``Y年n月j日 H:i``; empty for None."""
    if dt is None:
        return ""
    d = dt.astimezone(SHANGHAI)
    return f"{d.year}年{d.month}月{d.day}日 {d.hour:02d}:{d.minute:02d}"


def display_value(warning: Warning, key: str) -> str:
    """Return the value of report content ``key`` (a plan ``report_fields`` key) as shown to people."""
    if key == "time":
        return local(warning.expected_at)
    if key == "place":
        return warning.place
    if key == "headcount":
        return "" if warning.headcount is None else str(warning.headcount)
    plan = warning.plan_version.plan
    if key == "potential_harm":
        return level_name(plan, "harm", warning.potential_harm) if warning.potential_harm else ""
    if key == "urgency":
        return level_name(plan, "urgency", warning.urgency) if warning.urgency else ""
    if key == "lead_persons":
        return warning.parties
    return str(getattr(warning, key, "") or "")


def duration_text(delta: timedelta | None) -> str:
    """Return a duration as 「X天X小时X分」 (days only when any); empty for None."""
    if delta is None:
        return ""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    text = f"{hours}小时{mins}分"
    return f"{days}天{text}" if days else text


def history(warning: Warning) -> list[dict[str, Any]]:
    """Return the warning's whole history, oldest first: audit events and progress entries.

    Each entry is ``{at, kind, action, actor, detail}`` (``kind`` "audit" or "progress");
    an audit entry's ``detail`` is what it recorded, as the audit page writes it
    (``audit.labels.recorded_values``, the plan's names for category and
    levels: :func:`value_names`), a progress entry's its text (shown once: not also
    its audit event).
    """
    events = AuditEvent.objects.filter(
        object_type=warning._meta.label_lower, object_id=str(warning.pk)
    ).order_by("at", "id")
    names = value_names(Plans().of(warning))  # category and levels by the warning's own plan
    rows: list[dict[str, Any]] = [
        {
            "at": e.at,
            "kind": "audit",
            "action": e.action,
            "label": action_label(e.action),
            "actor": e.actor_label,
            "detail": recorded_values(e.after, Warning, names) if e.after else "",
        }
        for e in events
        if e.action != "earlywarning.progress"  # the progress entry itself follows, once
    ]
    rows += [
        {
            "at": p.at,
            "kind": "progress",
            "action": "",
            "label": "",
            "actor": p.author_label,
            "detail": p.text,
        }
        for p in warning.progress.all()
    ]
    rows.sort(key=lambda r: r["at"])
    return rows
