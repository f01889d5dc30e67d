"""Benchmark: petition cases at a busy township's scale (issue 6).

On a fresh temporary SQLite database: receive 5,000 cases (each with an
encrypted petitioner and its Art. 22 deadline), accept half of them, then time
the staff lists (due soon, breached, mine), the home-page count, the public
lookup with the right code, and decrypting one case's details with its
access-log row. No goals are stated by the issue; the goals below are the
interactive budgets a page must keep.

Run: .venv/bin/python bench/petitions.py
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["YINGJI_VAR_DIR"] = tempfile.mkdtemp(prefix="yingji-bench-petitions-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")
os.environ.pop("DATABASE_URL", None)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from yingji.orgs.access import Actor  # noqa: E402
from yingji.orgs.demo import create_demo_township  # noqa: E402
from yingji.orgs.models import Member, Township  # noqa: E402
from yingji.petitions import actions, queries  # noqa: E402
from yingji.petitions.access import party_details  # noqa: E402

SH = ZoneInfo("Asia/Shanghai")
CASES = 5_000
GOALS = {
    "receive_ms_per_case": 50.0,
    "list_due_ms": 300.0,
    "list_breached_ms": 300.0,
    "list_mine_ms": 300.0,
    "home_count_ms": 100.0,
    "public_lookup_p95_ms": 100.0,
    "details_read_ms": 50.0,
}


def timed(fn, repeat: int = 5) -> float:
    """Return the median wall time of ``fn`` in milliseconds."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


def main() -> None:
    call_command("migrate", verbosity=0)
    create_demo_township()
    township = Township.objects.get(code="demo")
    staff = Actor.for_member(
        Member.objects.get(township=township, user__username="demo_peace_staff")
    )
    start_at = datetime(2026, 1, 5, 9, 0, tzinfo=SH)
    figures: dict[str, float] = {}

    print(f"receiving {CASES} cases …", flush=True)
    codes = []
    t0 = time.perf_counter()
    for i in range(CASES):
        at = start_at + timedelta(hours=i // 10)
        case = actions.receive_case(
            staff,
            township,
            channel="letter",
            summary=f"事项{i}",
            received_at=at,
            parties=[{"name": f"信访人{i}", "phone": f"139{i:08d}", "address": "某村"}],
        )
        if i % 2 == 0:
            actions.accept_case(staff, case, at=at + timedelta(days=3))
        if i % 500 == 0:
            codes.append((case.number, case.query_code))
    figures["receive_ms_per_case"] = round((time.perf_counter() - t0) * 1000 / CASES, 2)
    print(f"  {figures['receive_ms_per_case']} ms per case (receive + half accepted)", flush=True)

    now = start_at + timedelta(days=200)
    import time_machine

    with time_machine.travel(now, tick=False):
        for view in ("due", "breached", "mine"):
            ms = timed(lambda v=view: list(queries.cases(staff, v)[:500]))
            figures[f"list_{view}_ms"] = round(ms, 1)
            print(f"  list {view}: {ms:.1f} ms", flush=True)
        figures["home_count_ms"] = round(timed(lambda: queries.due_count(township)), 1)
        print(f"  home count: {figures['home_count_ms']} ms", flush=True)

    client = Client()
    lookups = []
    for number, code in codes:
        begin = time.perf_counter()
        response = client.post("/q/", {"number": number, "code": code})
        lookups.append((time.perf_counter() - begin) * 1000)
        assert response.status_code == 200 and number in response.content.decode()
    lookups.sort()
    figures["public_lookup_p95_ms"] = round(lookups[int(len(lookups) * 0.95) - 1], 1)
    print(f"  public lookup p95: {figures['public_lookup_p95_ms']} ms", flush=True)

    from yingji.petitions.models import PetitionCase

    case = PetitionCase.objects.first()
    assert case is not None
    figures["details_read_ms"] = round(
        timed(lambda: party_details(staff, case, purpose="bench")), 2
    )
    print(
        f"  decrypt one case's details + log the read: {figures['details_read_ms']} ms", flush=True
    )

    met = all(figures[k] <= v for k, v in GOALS.items())
    print(
        json.dumps(
            {
                "bench": "petitions",
                "figures": figures,
                "goals": {k: ["<=", v] for k, v in GOALS.items()},
                "met": met,
            }
        )
    )


if __name__ == "__main__":
    main()
