"""Benchmark of the deadline worker (issue 3): a burst of breaches among 100,000 open deadlines.

Run from the repository root:  .venv/bin/python bench/deadlines.py

On a fresh temporary SQLite database it loads 100,000 open deadlines: 1,000
fall due spread evenly over one 10-second window, 10 more fall due one a
second after it, and the rest hours later. It starts the worker as it runs in
production (``yingji worker``, a separate process, defaults unchanged) with
the duty officers receiving on a webhook served by this script, and measures
in one run:

- for each of the 1,000: ``due_at`` → breach recorded (``breached_at``) and
  ``due_at`` → its notification handed to a channel (the webhook row's
  ``sent_at``: the channel accepted it); median, p90, p99, max;
- the same for a single deadline when only 10 are due;
- the cost of one idle worker pass beside the same SQL run raw;
- the worker's peak memory (max RSS of the process).

Ends with one line of JSON (DESIGN.md §8).
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = tempfile.mkdtemp(prefix="yingji-bench-deadlines-")
os.environ["YINGJI_VAR_DIR"] = VAR
os.environ.pop("DATABASE_URL", None)  # the goals are for SQLite
os.environ["DJANGO_SETTINGS_MODULE"] = "yingji.settings"
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from yingji.deadlines.models import Deadline  # noqa: E402
from yingji.notify.actions import configure_channel, set_channels  # noqa: E402
from yingji.notify.models import Notification  # noqa: E402
from yingji.orgs.access import Actor  # noqa: E402
from yingji.orgs.demo import create_demo_township  # noqa: E402
from yingji.orgs.models import Member, Township  # noqa: E402

TOTAL, BURST, SINGLE = 100_000, 1_000, 10
WINDOW_S = 10.0
LEAD_S = 12.0  # from the worker's start to the first due time


def say(text: str) -> None:
    print(text, flush=True)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "p50": round(statistics.median(values), 4),
        "p90": round(pct(values, 90), 4),
        "p99": round(pct(values, 99), 4),
        "max": round(max(values), 4),
    }


def rss(pid: int) -> str:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return "?"
    return " ".join(
        line.split(":")[1].strip() for line in status.splitlines() if line.startswith("VmRSS")
    )


def peak(pid: int) -> int:
    """Return the peak resident memory (VmHWM, kB) of process ``pid``."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM")


def webhook() -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/hook"


def load() -> tuple[datetime, list[int], list[int]]:
    """Write the 100,000 deadlines; return the burst's start and the ids of the burst and the single ones.

    The 98,990 due hours later go in first; the burst's times are fixed after, just before it.
    """
    township = Township.objects.get(code="demo")
    ct = ContentType.objects.get_for_model(Township)
    common = {
        "township": township,
        "content_type": ct,
        "object_id": str(township.pk),
        "rule": "incident_report",
        "label": "核实并向领导小组报告",
        "source": "预案 §六(二)",
        "plan_version": township.plan_version,
        "ends_on": "incident.reported",
        "unit": "minutes",
        "amount": 15,
    }

    def due_soon(due: datetime) -> Deadline:
        opened = due - timedelta(minutes=15)
        remind = opened + timedelta(minutes=10)  # reminded already: the next step is the breach
        return Deadline(
            **common,
            opened_at=opened,
            due_at=due,
            remind_at=remind,
            reminded_at=remind,
            next_check_at=due,
        )

    now = datetime.now(UTC)
    later = []
    for i in range(TOTAL - BURST - SINGLE):
        opened = now + timedelta(seconds=i % 3600)
        due = opened + timedelta(hours=3)
        later.append(
            Deadline(
                **common,
                opened_at=opened,
                due_at=due,
                remind_at=opened + timedelta(hours=2),
                next_check_at=opened + timedelta(hours=2),
            )
        )
    with transaction.atomic():
        Deadline.objects.bulk_create(later, batch_size=2000)
    start = datetime.now(UTC) + timedelta(seconds=LEAD_S)
    burst = [due_soon(start + timedelta(seconds=i * WINDOW_S / BURST)) for i in range(BURST)]
    single = [due_soon(start + timedelta(seconds=WINDOW_S + 5 + 2 * i)) for i in range(SINGLE)]
    with transaction.atomic():
        made = Deadline.objects.bulk_create(burst + single, batch_size=2000)
    return start, [d.pk for d in made[:BURST]], [d.pk for d in made[BURST:]]


def latencies(ids: list[int]) -> tuple[list[float], list[float]]:
    """Return due→breach and due→handover (webhook accepted) seconds of ``ids``."""
    due = dict(Deadline.objects.filter(pk__in=ids).values_list("pk", "due_at"))
    breach = [
        (b - due[pk]).total_seconds()
        for pk, b in Deadline.objects.filter(pk__in=ids).values_list("pk", "breached_at")
        if b is not None
    ]
    handed: dict[int, float] = {}
    rows = Notification.objects.filter(
        kind="deadline.escalation", channel="webhook", object_id__in=[str(i) for i in ids]
    ).values_list("object_id", "sent_at")
    for object_id, sent_at in rows:
        if sent_at is not None:
            pk = int(object_id)
            late = (sent_at - due[pk]).total_seconds()
            handed[pk] = min(handed.get(pk, late), late)
    return breach, list(handed.values())


def idle_costs(rounds: int = 21) -> tuple[float, float]:
    """Return the seconds of one idle worker pass and of the same SQL run raw (medians of blocks)."""
    from yingji.deadlines.worker import _pass
    from yingji.notify.sender import Sender

    sender = Sender()
    from yingji.notify.sender import _COMPILED

    done, _ = _pass(None, sender)
    assert done == 0, "the pass was not idle"
    statements = list(_COMPILED.values())  # what the pass ran: (SQL, parameters)
    say(f"   an idle pass runs {len(statements)} statement(s):")
    for sql, params in statements:
        say(f"     {sql}  {params}")
    cursor = connection.connection.cursor()  # the DB-API's own cursor: no Django at all

    def idle_pass() -> None:
        _pass(None, sender)

    def raw() -> None:
        for sql, params in statements:
            cursor.execute(sql, params)
            cursor.fetchone()

    def block(f: Callable[[], None], n: int = 500) -> float:
        t = time.perf_counter()
        for _ in range(n):
            f()
        return (time.perf_counter() - t) / n

    block(idle_pass), block(raw)  # warm up both
    # Interleaved blocks, median of each: the machine's other work falls on both alike.
    passes, raws = [], []
    for _ in range(rounds):
        passes.append(block(idle_pass))
        raws.append(block(raw))
    pass_s, raw_s = statistics.median(passes), statistics.median(raws)
    return pass_s, raw_s


def main() -> None:
    say(f"== deadlines benchmark on SQLite in {VAR}")
    call_command("migrate", verbosity=0)
    create_demo_township()
    township = Township.objects.get(code="demo")
    server, url = webhook()
    system = Actor.system("bench")
    configure_channel(system, township, "webhook", url=url)
    for member in Member.objects.filter(township=township):
        set_channels(system, member, ["webhook"])

    t = time.perf_counter()
    start, burst_ids, single_ids = load()
    say(f"   loaded {Deadline.objects.count():,} open deadlines in {time.perf_counter() - t:.1f} s")
    lead = (start - datetime.now(UTC)).total_seconds()
    if lead < 4:
        raise SystemExit("loading took too long: the burst would start before the worker")

    say("   starting `yingji worker` (a separate process, as in production)")
    worker = subprocess.Popen(
        [sys.executable, "-m", "yingji.cli", "worker"],
        cwd=ROOT,
        env={**os.environ},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    say(
        f"   the burst: {BURST} due over {WINDOW_S:.0f} s from {lead:.1f} s on; then {SINGLE} alone"
    )
    end = start + timedelta(seconds=WINDOW_S + 5 + 2 * SINGLE + 5)
    want = len(burst_ids) + len(single_ids)
    while datetime.now(UTC) < end + timedelta(seconds=30):
        time.sleep(1.0)
        breached = Deadline.objects.filter(breached_at__isnull=False).count()
        handed = Notification.objects.filter(channel="webhook", state="sent").count()
        say(
            f"   … {breached} breaches recorded, {handed} handed to the webhook; worker {rss(worker.pid)}"
        )
        if datetime.now(UTC) > end and breached >= want and handed >= want:
            break
    peak_kb = peak(worker.pid)
    worker.send_signal(signal.SIGTERM)
    worker.wait(30)
    stderr = worker.stderr.read() if worker.stderr else ""
    if "Traceback" in stderr:
        say(stderr[-3000:])
    # The worker's own high-water mark, read before it stopped. (wait4's ru_maxrss would
    # also count this bigger parent's pages at the fork that started the worker.)
    peak_mb = peak_kb / 1024
    server.shutdown()

    breach, handover = latencies(burst_ids)
    s_breach, s_handover = latencies(single_ids)
    say(f"   burst: {len(breach)}/{BURST} breaches, {len(handover)}/{BURST} handed over")
    b, h = summary(breach), summary(handover)
    say(f"   due → breach recorded (s):   {b}")
    say(f"   due → handed to channel (s): {h}")
    say(f"   alone: breach {summary(s_breach)}, handed over {summary(s_handover)}")
    say(f"   worker peak memory: {peak_mb:.1f} MB")
    pass_s, raw_s = idle_costs()
    ratio = pass_s / raw_s
    say(f"   idle pass {pass_s * 1e6:.1f} µs, same SQL raw {raw_s * 1e6:.1f} µs: {ratio:.2f}×")

    complete = len(breach) == BURST and len(handover) == BURST
    figures = {
        "burst_breach_p50_s": b["p50"],
        "burst_breach_p90_s": b["p90"],
        "burst_breach_p99_s": b["p99"],
        "burst_breach_max_s": b["max"],
        "burst_handover_p50_s": h["p50"],
        "burst_handover_p90_s": h["p90"],
        "burst_handover_p99_s": h["p99"],
        "burst_handover_max_s": h["max"],
        "burst_breaches_recorded_count": len(breach),
        "burst_handed_over_count": len(handover),
        "single_breach_p50_s": summary(s_breach)["p50"],
        "single_breach_max_s": summary(s_breach)["max"],
        "single_handover_p50_s": summary(s_handover)["p50"],
        "single_handover_max_s": summary(s_handover)["max"],
        "idle_pass_us": round(pass_s * 1e6, 1),
        "idle_raw_sql_us": round(raw_s * 1e6, 1),
        "idle_pass_to_raw_ratio": round(ratio, 2),
        "worker_peak_rss_mb": round(peak_mb, 1),
    }
    goals = {
        "burst_breach_p99_s": ["<=", 1.0],
        "burst_handover_p99_s": ["<=", 2.0],
        "idle_pass_to_raw_ratio": ["<=", 2.0],
        "worker_peak_rss_mb": ["<=", 100.0],
    }
    met = complete and all(figures[k] <= v for k, (_, v) in goals.items())
    print(json.dumps({"bench": "deadlines", "figures": figures, "goals": goals, "met": met}))


if __name__ == "__main__":
    main()
