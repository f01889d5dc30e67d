"""Benchmark: the live incident board with 200 open incidents and 20,000 log entries.

Goal (issue "Incident response"): the board page renders within 3× the time
of its own raw queries. "Raw queries" are the SQL statements the board's read
model issues (captured from one call), executed directly with a cursor and
fetched; "render" is the whole board page through Django's test client
(middleware, session, read model, template). Medians of repeated runs.

Run from the repository root: ``.venv/bin/python bench/incidents.py``. Uses a
fresh temporary database of its own (``YINGJI_VAR_DIR`` set to a temp dir).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

VAR = tempfile.mkdtemp(prefix="yingji-bench-incidents-")
os.environ["YINGJI_VAR_DIR"] = VAR
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from yingji.i18n import compile_messages  # noqa: E402
from yingji.incidents import actions, queries  # noqa: E402
from yingji.incidents.choices import LogKind  # noqa: E402
from yingji.incidents.models import LogEntry  # noqa: E402
from yingji.orgs.access import Actor  # noqa: E402
from yingji.orgs.demo import create_demo_township  # noqa: E402
from yingji.orgs.models import Member, Township  # noqa: E402

INCIDENTS = 200
LOG_ENTRIES = 20_000
RUNS = 30
REPORT = {
    "time": "9时",
    "place": "区信访局",
    "cause": "补偿争议",
    "headcount": "20人",
    "lead_persons": "推选代表",
    "potential_harm": "一般",
    "urgency": "紧急",
    "development": "平稳",
}


def say(text: str) -> None:
    print(text, flush=True)


def build() -> tuple[Township, Member]:
    """Create the demo township and the open incidents through the actions; bulk-add log entries."""
    call_command("migrate", interactive=False, verbosity=0)
    create_demo_township()
    township = Township.objects.get(code="demo")
    members = {m.name: m for m in Member.objects.filter(township=township)}
    staff = Actor.for_member(members["刘洋"])
    head = Actor.for_member(members["王建国"])
    categories = ["township", "district", "city_capital"]
    started = time.perf_counter()
    for n in range(INCIDENTS):
        incident = actions.receive_incident(
            staff,
            township,
            category=categories[n % 3],
            source="caller",
            summary=f"第{n + 1}起：群众因补偿争议聚集",
            place=f"地点{n + 1}",
            headcount=10 + n % 30,
        )
        if n % 4 == 0:
            continue  # still within the 15-minute report
        actions.verify_incident(staff, incident, true=True)
        actions.send_report(staff, incident, REPORT)
        if n % 4 == 1:
            continue
        actions.activate(head, incident)
        actions.form_task_force(
            head,
            incident,
            members=[
                ("peace_office", members["郑敏"]),
                ("villages", members["黄磊"]),
                ("police_station", members["周伟"]),
            ],
        )
    per_incident_ms = (time.perf_counter() - started) * 1000 / INCIDENTS
    say(f"built {INCIDENTS} incidents through the actions: {per_incident_ms:.1f} ms per incident")
    have = LogEntry.objects.count()
    ids = list(township.incidents.values_list("pk", flat=True))
    now = timezone.now()
    rows = [
        LogEntry(
            township=township,
            incident_id=ids[i % len(ids)],
            at=now - timedelta(seconds=LOG_ENTRIES - i),
            author=members["黄磊"],
            author_label="黄磊",
            kind=LogKind.NOTE,
            text=f"现场记录第{i}条：人员情绪平稳，继续疏导。",
        )
        for i in range(LOG_ENTRIES - have)
    ]
    LogEntry.objects.bulk_create(rows, batch_size=2000)
    say(f"log entries: {LogEntry.objects.count()} (bulk-added {len(rows)})")
    return township, members["王建国"], per_incident_ms


def main() -> int:
    compile_messages()
    township, head, per_incident_ms = build()
    open_count = queries.open_count(township)
    with CaptureQueriesContext(connection) as captured:
        rows = queries.board(township)
    statements = [q["sql"] for q in captured.captured_queries]
    say(f"board read model: {len(rows)} open incidents, {len(statements)} queries")

    def raw() -> None:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()

    Member.objects.filter(pk=head.pk).update(must_change_password=False)
    client = Client()
    client.force_login(head.user)
    page = client.get("/incidents/")
    assert page.status_code == 200, page.status_code
    counted: list[str] = []

    def count(execute, sql, params, many, context):  # Django resets queries_log per request
        counted.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get("/incidents/")

    # Interleaved, so that load from elsewhere on the machine hits every measure alike.
    subjects = {
        "raw": raw,
        "read_model": lambda: queries.board(township),
        "page": lambda: client.get("/incidents/"),
        "live": lambda: client.get("/incidents/", HTTP_HX_REQUEST="true"),
    }
    samples: dict[str, list[float]] = {name: [] for name in subjects}
    for fn in subjects.values():
        fn()  # warm up
    for run in range(RUNS):
        for name, fn in subjects.items():
            t = time.perf_counter()
            fn()
            samples[name].append((time.perf_counter() - t) * 1000)
        if run % 10 == 9:
            say(
                f"  {run + 1} runs: raw {statistics.median(samples['raw']):.1f} ms, page {statistics.median(samples['page']):.1f} ms"
            )
    raw_ms, read_model_ms, page_ms, live_ms = (
        statistics.median(samples[n]) for n in ("raw", "read_model", "page", "live")
    )
    say(f"raw queries: median {raw_ms:.1f} ms; read model (objects): median {read_model_ms:.1f} ms")
    say(
        f"board page: median {page_ms:.1f} ms ({len(counted)} queries, "
        f"{len(page.content) // 1024} KiB); live partial: median {live_ms:.1f} ms"
    )
    ratio = page_ms / raw_ms
    say(f"page / raw queries: {ratio:.2f}×")
    figures = {
        "open_incidents": open_count,
        "log_entries": LogEntry.objects.count(),
        "board_queries": len(statements),
        "page_queries": len(counted),
        "raw_queries_ms": round(raw_ms, 2),
        "read_model_ms": round(read_model_ms, 2),
        "board_page_ms": round(page_ms, 2),
        "board_live_partial_ms": round(live_ms, 2),
        "page_to_raw_ratio": round(ratio, 2),
        "actions_per_incident_ms": round(per_incident_ms, 2),
    }
    goals = {"page_to_raw_ratio": ["<=", 3.0]}
    met = ratio <= 3.0
    print(json.dumps({"bench": "incidents", "figures": figures, "goals": goals, "met": met}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
