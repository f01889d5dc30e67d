"""Benchmark: the monthly workbook and the statistics board over 100,000 petition cases (issue 7).

On a fresh temporary SQLite database: the demo township, then 100,000
petition cases over the twelve months of 2026 (each with its Art. 22
acceptance deadline, accepted ones with their Art. 34 conclude deadline),
6,000 warnings and 600 district incidents with their two plan deadlines.
The rows are bulk-inserted as fixture data (driving 100,000 cases through
the actions would take most of an hour; ``bench/petitions.py`` times the
actions). Then it times, against hand-written SQL computing the same
figures in the same run:

- the month workbook's queries (``stats.compute`` + the case ledger rows of
  one month, ~8,300 cases) vs the raw SQL aggregates of that month;
- the board's queries (``board.board_data`` over twelve months) vs the raw
  SQL aggregates of the twelve months;
- and, as figures without a goal, writing the whole workbook (.xlsx).

Goal (issue 7): each within 3× of its raw SQL.

Run: .venv/bin/python bench/reports.py
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["YINGJI_VAR_DIR"] = tempfile.mkdtemp(prefix="yingji-bench-reports-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")
os.environ.pop("DATABASE_URL", None)

import django  # noqa: E402

django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from yingji.deadlines.models import Deadline  # noqa: E402
from yingji.earlywarning.models import Warning  # noqa: E402
from yingji.incidents.models import Incident  # noqa: E402
from yingji.orgs.demo import create_demo_township  # noqa: E402
from yingji.orgs.models import Township, Unit  # noqa: E402
from yingji.petitions.actions._common import ACCEPTANCE_RULE, CONCLUDE_RULE  # noqa: E402
from yingji.petitions.models import PetitionCase  # noqa: E402
from yingji.reports import board, stats, xlsx  # noqa: E402

SH = ZoneInfo("Asia/Shanghai")
CASES = 100_000
WARNINGS = 6_000
INCIDENTS = 600
MONTH = "2026-06"
NOW = datetime(2027, 1, 10, 12, 0, tzinfo=SH)
RATIO_GOAL = 3.0


def timed(fn, repeat: int = 5) -> float:
    """Return the median wall time of ``fn`` in milliseconds (after one warm-up run)."""
    fn()
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


def populate(township: Township) -> None:
    """Bulk-insert the fixture rows (see the module docstring)."""
    rng = random.Random(7)
    year = datetime(2026, 1, 1, tzinfo=SH)
    span = (datetime(2027, 1, 1, tzinfo=SH) - year).total_seconds()
    units = list(Unit.objects.filter(township=township))
    plan_version = township.plan_version
    case_ct = ContentType.objects.get_for_model(PetitionCase)
    statuses = ["received", "declined", "accepted", "in_resolution", "replied", "replied", "final"]
    cases, deadlines = [], []
    for i in range(CASES):
        at = year + timedelta(seconds=rng.random() * span)
        status = rng.choice(statuses)
        decided = at + timedelta(days=rng.uniform(0.5, 18)) if status != "received" else None
        concluded = (
            decided + timedelta(days=rng.uniform(5, 70))
            if decided and status in ("replied", "final")
            else None
        )
        cases.append(
            PetitionCase(
                township=township,
                number=f"XF-B{i:06d}",
                channel="letter",
                status=status,
                received_at=at,
                summary="事项",
                category=rng.choice(["suggestion", "report", "complaint", "complaint"]),
                complaint_route="petition",
                handling_unit=rng.choice(units) if decided else None,
                decided_at=decided,
                concluded_at=concluded,
                satisfaction=rng.choice(["satisfied", "fairly", "dissatisfied", ""])
                if concluded
                else "",
            )
        )
    with transaction.atomic():
        PetitionCase.objects.bulk_create(cases, batch_size=5000)
        for case in PetitionCase.objects.filter(township=township).only(
            "pk", "received_at", "decided_at", "concluded_at", "status"
        ):
            due = case.received_at + timedelta(days=15)
            deadlines.append(
                Deadline(
                    township=township,
                    content_type=case_ct,
                    object_id=str(case.pk),
                    rule=ACCEPTANCE_RULE,
                    label="受理告知",
                    source="《信访工作条例》第二十二条",
                    unit="days",
                    amount=15,
                    state="satisfied" if case.decided_at else "open",
                    opened_at=case.received_at,
                    due_at=due,
                    satisfied_at=case.decided_at,
                )
            )
            if case.decided_at and case.status != "declined":
                due = case.decided_at + timedelta(days=60)
                deadlines.append(
                    Deadline(
                        township=township,
                        content_type=case_ct,
                        object_id=str(case.pk),
                        rule=CONCLUDE_RULE,
                        label="办结",
                        source="《信访工作条例》第三十四条",
                        unit="days",
                        amount=60,
                        state="satisfied" if case.concluded_at else "open",
                        opened_at=case.decided_at,
                        due_at=due,
                        satisfied_at=case.concluded_at,
                    )
                )
        Deadline.objects.bulk_create(deadlines, batch_size=5000)

        villages = [u for u in units if u.kind == "village"] or units
        warnings = []
        for i in range(WARNINGS):
            at = year + timedelta(seconds=rng.random() * span)
            reported = at + timedelta(minutes=rng.uniform(2, 90))
            controlled = (
                reported + timedelta(hours=rng.uniform(1, 72)) if rng.random() < 0.7 else None
            )
            resolved = (
                controlled + timedelta(days=rng.uniform(1, 20))
                if controlled and rng.random() < 0.6
                else None
            )
            warnings.append(
                Warning(
                    township=township,
                    number=f"YJ-B{i:05d}",
                    plan_version=plan_version,
                    category=rng.choice(
                        ["brewing_unrest", "threatened_bypass", "internal_dispute", "other"]
                    ),
                    source="village_reporter",
                    status="reported",
                    discovered_at=at,
                    village=rng.choice(villages),
                    summary="预警",
                    reported_at=reported,
                    controlled_at=controlled,
                    resolved_at=resolved,
                )
            )
        Warning.objects.bulk_create(warnings, batch_size=2000)

        incidents = []
        for i in range(INCIDENTS):
            at = year + timedelta(seconds=rng.random() * span)
            incidents.append(
                Incident(
                    township=township,
                    number=f"SJ-B{i:04d}",
                    plan_version=plan_version,
                    category="district",
                    status="closed",
                    source="caller",
                    received_at=at,
                    summary="集访",
                    activated_at=at + timedelta(minutes=14),
                )
            )
        Incident.objects.bulk_create(incidents)
        inc_ct = ContentType.objects.get_for_model(Incident)
        rows = []
        for inc in Incident.objects.filter(township=township):
            for rule, start, minutes in (
                (stats.REPORT_RULE, inc.received_at, 15),
                (stats.ARRIVAL_RULE, inc.activated_at, 40),
            ):
                done = start + timedelta(minutes=rng.uniform(5, 50))
                rows.append(
                    Deadline(
                        township=township,
                        content_type=inc_ct,
                        object_id=str(inc.pk),
                        rule=rule,
                        label=rule,
                        source="预案",
                        unit="minutes",
                        amount=minutes,
                        state="satisfied",
                        opened_at=start,
                        due_at=start + timedelta(minutes=minutes),
                        satisfied_at=done,
                    )
                )
        Deadline.objects.bulk_create(rows, batch_size=5000)


def _ts(at: datetime) -> str:
    # Django keeps aware times in SQLite as naive UTC text; compare with the same text.
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def raw_month(township_id: int, start: datetime, end: datetime, now: datetime) -> list:
    """The month's figures in hand-written SQL (the same aggregates ``stats.compute`` makes)."""
    s, e, n = _ts(start), _ts(end), _ts(now)
    inc_ct = ContentType.objects.get_for_model(Incident).pk
    case_ct = ContentType.objects.get_for_model(PetitionCase).pk
    out = []
    with connection.cursor() as cur:
        for rule in (stats.REPORT_RULE, stats.ARRIVAL_RULE):
            cur.execute(
                "SELECT SUM(d.satisfied_at <= d.due_at), SUM(d.satisfied_at > d.due_at OR "
                "(d.satisfied_at IS NULL AND d.cancelled_at IS NULL AND d.due_at < %s)) "
                "FROM deadlines_deadline d JOIN incidents_incident i ON d.object_id = CAST(i.id AS TEXT) "
                "WHERE d.content_type_id = %s AND d.rule = %s AND i.township_id = %s "
                "AND i.received_at >= %s AND i.received_at < %s",
                [n, inc_ct, rule, township_id, s, e],
            )
            out.append(cur.fetchall())
        cur.execute(
            "SELECT COUNT(*), SUM(EXISTS(SELECT 1 FROM deadlines_deadline d WHERE d.content_type_id = %s "
            "AND d.object_id = CAST(c.id AS TEXT) AND d.rule = %s AND d.satisfied_at <= d.due_at)), "
            "SUM(EXISTS(SELECT 1 FROM deadlines_deadline d WHERE d.content_type_id = %s "
            "AND d.object_id = CAST(c.id AS TEXT) AND d.rule = %s AND (d.satisfied_at IS NOT NULL "
            "OR (d.cancelled_at IS NULL AND d.due_at < %s)))), "
            "SUM(c.status IN ('accepted','in_resolution','replied','review_requested','reviewed',"
            "'re_review_requested','final')), SUM(c.concluded_at IS NOT NULL AND c.status IN ('accepted',"
            "'in_resolution','replied','review_requested','reviewed','re_review_requested','final')), "
            "SUM(c.satisfaction <> ''), SUM(c.satisfaction IN ('satisfied','fairly')) "
            "FROM petitions_petitioncase c WHERE c.township_id = %s AND c.received_at >= %s AND c.received_at < %s",
            [case_ct, ACCEPTANCE_RULE, case_ct, ACCEPTANCE_RULE, n, township_id, s, e],
        )
        out.append(cur.fetchall())
        cur.execute(
            "SELECT w.category, v.name, w.discovered_at, w.reported_at, w.controlled_at, w.resolved_at "
            "FROM earlywarning_warning w LEFT JOIN orgs_unit v ON v.id = w.village_id "
            "WHERE w.township_id = %s AND w.discovered_at >= %s AND w.discovered_at < %s",
            [township_id, s, e],
        )
        out.append(cur.fetchall())
        cur.execute(
            "SELECT received_at, decided_at, concluded_at FROM petitions_petitioncase WHERE township_id = %s "
            "AND received_at >= %s AND received_at < %s AND (decided_at IS NOT NULL OR concluded_at IS NOT NULL)",
            [township_id, s, e],
        )
        out.append(cur.fetchall())
        for col in ("status", "category"):
            cur.execute(
                f"SELECT {col}, COUNT(*) FROM petitions_petitioncase WHERE township_id = %s "
                "AND received_at >= %s AND received_at < %s GROUP BY 1",
                [township_id, s, e],
            )
            out.append(cur.fetchall())
        cur.execute(
            "SELECT u.name, COUNT(*) FROM petitions_petitioncase c LEFT JOIN orgs_unit u ON u.id = c.handling_unit_id "
            "WHERE c.township_id = %s AND c.received_at >= %s AND c.received_at < %s GROUP BY 1",
            [township_id, s, e],
        )
        out.append(cur.fetchall())
        cur.execute(
            "SELECT SUM(d.satisfied_at <= d.due_at), SUM(d.satisfied_at > d.due_at OR (d.satisfied_at IS NULL "
            "AND d.cancelled_at IS NULL AND d.due_at < %s)), SUM(d.satisfied_at IS NULL AND d.cancelled_at IS NULL "
            "AND d.due_at >= %s), SUM(d.satisfied_at IS NULL AND d.cancelled_at IS NOT NULL) "
            "FROM deadlines_deadline d WHERE d.township_id = %s AND d.content_type_id = %s AND d.object_id IN "
            "(SELECT CAST(id AS TEXT) FROM petitions_petitioncase WHERE township_id = %s AND received_at >= %s "
            "AND received_at < %s)",
            [n, n, township_id, case_ct, township_id, s, e],
        )
        out.append(cur.fetchall())
        cur.execute(
            "SELECT category, COUNT(*) FROM incidents_incident WHERE township_id = %s AND received_at >= %s "
            "AND received_at < %s GROUP BY 1",
            [township_id, s, e],
        )
        out.append(cur.fetchall())
    return out


def raw_workbook_rows(township_id: int, start: datetime, end: datetime, now: datetime) -> list:
    """The case ledger rows of the month in hand-written SQL (what ``xlsx.case_rows`` reads)."""
    case_ct = ContentType.objects.get_for_model(PetitionCase).pk
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.number, c.category, u.name, c.status, c.received_at, c.decided_at, c.concluded_at, "
            "c.satisfaction, EXISTS(SELECT 1 FROM deadlines_deadline d WHERE d.content_type_id = %s AND "
            "d.object_id = CAST(c.id AS TEXT) AND d.rule = %s AND d.satisfied_at <= d.due_at), "
            "EXISTS(SELECT 1 FROM deadlines_deadline d WHERE d.content_type_id = %s AND d.object_id = CAST(c.id AS TEXT) "
            "AND d.rule = %s AND (d.satisfied_at IS NOT NULL OR (d.cancelled_at IS NULL AND d.due_at < %s))) "
            "FROM petitions_petitioncase c LEFT JOIN orgs_unit u ON u.id = c.handling_unit_id "
            "WHERE c.township_id = %s AND c.received_at >= %s AND c.received_at < %s ORDER BY c.received_at, c.id",
            [
                case_ct,
                ACCEPTANCE_RULE,
                case_ct,
                ACCEPTANCE_RULE,
                _ts(now),
                township_id,
                _ts(start),
                _ts(end),
            ],
        )
        return cur.fetchall()


def main() -> None:
    call_command("migrate", verbosity=0)
    create_demo_township()
    township = Township.objects.get(code="demo")
    print(f"inserting {CASES} cases, {WARNINGS} warnings, {INCIDENTS} incidents …", flush=True)
    t0 = time.perf_counter()
    populate(township)
    print(f"  {time.perf_counter() - t0:.1f} s; {Deadline.objects.count()} deadlines", flush=True)
    figures: dict[str, float] = {}
    cases = PetitionCase.objects.filter(township=township)
    start, end = stats.month_bounds(MONTH)
    in_month = cases.filter(received_at__gte=start, received_at__lt=end).count()
    figures["cases_in_month"] = in_month
    print(f"  {in_month} cases in {MONTH}", flush=True)

    # Same answers first: the ORM's figures and the raw SQL's agree.
    f = stats.compute(township, cases, start, end, NOW)
    raw = raw_month(township.pk, start, end, NOW)
    assert (f.rates["response"].numerator, f.rates["response"].denominator) == (
        raw[2][0][1],
        raw[2][0][2],
    )
    assert sum(f.cases_by_stage.values()) == raw[2][0][0] == in_month
    assert len(xlsx.case_rows(stats.cases_in(cases, start, end), NOW)) == in_month

    def workbook_queries():
        stats.compute(township, cases, start, end, NOW)
        xlsx.case_rows(stats.cases_in(cases, start, end), NOW)

    def workbook_raw():
        raw_month(township.pk, start, end, NOW)
        raw_workbook_rows(township.pk, start, end, NOW)

    figures["workbook_queries_ms"] = round(timed(workbook_queries), 1)
    figures["workbook_raw_sql_ms"] = round(timed(workbook_raw), 1)
    figures["workbook_ratio"] = round(
        figures["workbook_queries_ms"] / figures["workbook_raw_sql_ms"], 2
    )
    print(
        f"  workbook queries {figures['workbook_queries_ms']} ms vs raw SQL "
        f"{figures['workbook_raw_sql_ms']} ms: {figures['workbook_ratio']}×",
        flush=True,
    )
    figures["workbook_write_ms"] = round(
        timed(lambda: xlsx.month_workbook(township, cases, MONTH, NOW), repeat=3), 1
    )
    print(
        f"  whole workbook written (.xlsx, {in_month} ledger rows): {figures['workbook_write_ms']} ms",
        flush=True,
    )

    months = stats.months_between(datetime(2026, 1, 1).date(), datetime(2026, 12, 1).date())

    def board_queries():
        board.board_data(township, cases, months[0], months[-1], NOW)

    def board_raw():
        # The same monthly aggregates; the board totals its range by merging the months (stats.merge).
        for m in months:
            raw_month(township.pk, *stats.month_bounds(m), NOW)

    from django.test.utils import override_settings

    with override_settings(ALLOWED_HOSTS=["*"]):
        figures["board_queries_ms"] = round(timed(board_queries, repeat=3), 1)
    figures["board_raw_sql_ms"] = round(timed(board_raw, repeat=3), 1)
    figures["board_ratio"] = round(figures["board_queries_ms"] / figures["board_raw_sql_ms"], 2)
    print(
        f"  board (12 months) {figures['board_queries_ms']} ms vs raw SQL "
        f"{figures['board_raw_sql_ms']} ms: {figures['board_ratio']}×",
        flush=True,
    )
    goals = {"workbook_ratio": ["<=", RATIO_GOAL], "board_ratio": ["<=", RATIO_GOAL]}
    met = all(figures[k] <= v for k, (_op, v) in goals.items())
    print(json.dumps({"bench": "reports", "figures": figures, "goals": goals, "met": met}))
    connection.close()
    shutil.rmtree(os.environ["YINGJI_VAR_DIR"], ignore_errors=True)


if __name__ == "__main__":
    main()
