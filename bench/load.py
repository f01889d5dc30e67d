"""Benchmark: 50 staff on the real server while 5 incidents run and the worker sends (issue 8 §8).

What runs (all on 127.0.0.1, nothing leaves the machine):

1. A fresh temporary database (``YINGJI_VAR_DIR``): ``yingji setup`` (migrations,
   default plan, the demo township), a ledger of 2,000 warnings, 200 petition
   cases received over the last nine days, and 5 incidents received,
   verified, reported, activated, with a task force of ten checked in on
   scene and 100 earlier log entries each. 50 staff logins (task-force
   members and peace-office staff) are made with ``orgs.actions.create_login``
   and pass the forced first-login password change through
   ``orgs.actions.change_password`` with a password the load clients know;
   none of their roles needs a second factor. The township's webhook channel
   points at a receiver in this process and every member chose it, so each
   situation report is queued for the leading group and really POSTed.
2. ``yingji serve`` (waitress + the worker thread) on a free loopback port.
   Its resident memory is sampled every 0.1 s with psutil; its high-water mark
   (``VmHWM`` in ``/proc/PID/status``) is read before it stops.
3. locust, headless through its library API in a child process
   (``bench/load.py --clients``; gevent must patch a fresh interpreter), runs
   50 users for a bounded time (default 75 s, spawn 5/s). Each is a person in
   a browser: logs in through the login form (CSRF token from the page), then
   moves between home, the incident board, their incident's page, the warning
   ledger, petition cases and "what is due", and writes on-scene log entries
   (and now and then a situation report) through the incident page's
   multipart form with its CSRF token, each with a text unique to this run.
   On every page they stay a think time (default 3–12 s, uniform: a busy
   shift, everyone acting every 7.5 s on average throughout), while the
   page's own htmx polling goes on as in a browser: the bell on load and
   every 30 s, the board every 5 s, "what is due" every 30 s. Redirects are
   not followed: a page must answer 200 and a form 302 to the incident, or it
   is an error.
4. Afterwards: every log entry whose POST succeeded is looked up in the
   database; the outbox must drain (every webhook row ``sent``), and the
   receiver must have had each message exactly once.

Goals (issue 8): no errors, p95 ≤ 300 ms, the server's peak RSS ≤ 500 MB,
every written log entry in the database. The machine has two cores shared
with the load generator (and with whatever else runs), so the figures are an
upper bound of what the server alone would show.

Run from the repository root: ``.venv/bin/python bench/load.py``
(``--users N --duration S --spawn-rate R --keep`` to change the defaults or
keep the temporary directory).
"""

from __future__ import annotations

import os
import sys

CLIENT_MODE = __name__ == "__main__" and sys.argv[1:2] == ["--clients"]
if CLIENT_MODE:  # locust (gevent) must patch the interpreter before anything else is imported
    from gevent import monkey

    monkey.patch_all()

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RUN_ID = secrets.token_hex(4)

USERS = 50
DURATION_S = 75
SPAWN_RATE = 5.0
WAIT_S = [3.0, 12.0]
INCIDENTS = 5
WARNINGS = 2000
CASES = 200
EARLIER_LOG = 100

GOALS = {
    "errors": ["==", 0],
    "p95_ms": ["<=", 300],
    "server_peak_rss_mb": ["<=", 500],
    "log_entries_missing": ["==", 0],
}


def say(text: str) -> None:
    """Print a line of the run's report at once (the run takes minutes)."""
    print(text, flush=True)


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile ``q`` (0–100) of an ascending list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, -(-len(sorted_values) * q // 100))
    return sorted_values[int(rank) - 1]


# --------------------------------------------------------------------------- load clients


def run_clients(config: dict) -> None:
    """Run the locust users as ``config`` says (see ``main``); write the samples to its ``out``."""
    import gevent
    from locust import FastHttpUser, constant, events, task
    from locust.env import Environment

    host, users, duration, rate = (
        config["host"],
        config["users"],
        config["duration"],
        config["rate"],
    )
    accounts = json.loads(Path(config["accounts"]).read_text())
    samples: list[tuple[str, float, bool, str]] = []  # name, ms, ok, error
    written: list[str] = []
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    poll = {"X-Yingji-Poll": "1", "HX-Request": "true"}

    @events.request.add_listener
    def _sample(request_type, name, response_time, response_length, exception=None, **kw):
        samples.append(
            (
                f"{request_type} {name}",
                response_time,
                exception is None,
                repr(exception)[:200] if exception else "",
            )
        )

    def multipart(fields: dict[str, str]) -> tuple[bytes, str]:
        boundary = "----yingjiload" + secrets.token_hex(8)
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
            for k, v in fields.items()
        ]
        body = ("".join(parts) + f"--{boundary}--\r\n").encode()
        return body, f"multipart/form-data; boundary={boundary}"

    stopping: list[bool] = []

    @events.test_stopping.add_listener
    def _stopping(**kw):
        stopping.append(True)

    def nap(until: float) -> bool:
        """Sleep until the monotonic time ``until`` in short steps; False if the run is stopping."""
        while not stopping:
            left = until - time.monotonic()
            if left <= 0:
                return True
            gevent.sleep(min(left, 0.25))
        return False

    class Staff(FastHttpUser):
        """One member of staff in a browser: navigates, then reads the page while its htmx polls run."""

        # The think time is spent on the page (``dwell``), where the page's own polling goes on.
        wait_time = constant(0)
        host = ""

        def on_start(self) -> None:
            self.account = accounts[Staff.next_account % len(accounts)]
            Staff.next_account += 1
            self.incident = self.account["incident"]
            self.seq = 0
            with self.client.get("/login/", name="/login/", catch_response=True) as r:
                match = token.search(r.text or "")
                if r.status_code != 200 or not match:
                    r.failure(f"login page: {r.status_code}")
                    return
            form = {
                "csrfmiddlewaretoken": match.group(1),
                "username": self.account["username"],
                "password": self.account["password"],
            }
            with self.client.post(
                "/login/", data=form, name="/login/", allow_redirects=False, catch_response=True
            ) as r:
                if r.status_code != 302 or r.headers.get("Location") not in ("/", "/?"):
                    r.failure(f"login: {r.status_code} → {r.headers.get('Location')}")
                    return
            self.visit("/")  # where the login leads

        def get(self, url: str, name: str | None = None, headers: dict | None = None) -> str:
            """GET ``url``; anything but 200 (a redirect to the login too) is an error."""
            with self.client.get(
                url, name=name or url, headers=headers, allow_redirects=False, catch_response=True
            ) as r:
                if r.status_code != 200:
                    r.failure(f"{r.status_code} → {r.headers.get('Location')}")
                    return ""
                return r.text or ""

        def visit(self, url: str, name: str | None = None) -> str:
            """Load a full page; its bell is polled at once (base.html: ``hx-trigger="load, every 30s"``)."""
            text = self.get(url, name)
            self.get("/notifications/bell/", headers=poll)
            return text

        def dwell(self, polls: tuple[tuple[float, str], ...] = ()) -> None:
            """Stay on the page for a think time while the page's polls fire at their intervals."""
            now = time.monotonic()
            until = now + random.uniform(*config["wait"])
            timers = [(30.0, "/notifications/bell/"), *polls]
            due = [now + every for every, _url in timers]
            while not stopping:  # at the end of the run, leave the page at once
                i = min(range(len(due)), key=due.__getitem__)
                if due[i] >= until:
                    nap(until)
                    return
                if not nap(due[i]):
                    return
                url = timers[i][1]
                self.get(url, name=url.replace(f"/{self.incident}/", "/[id]/"), headers=poll)
                due[i] += timers[i][0]

        @task(3)
        def home(self) -> None:
            self.visit("/")
            self.dwell()

        @task(4)
        def board(self) -> None:
            self.visit("/incidents/")
            self.dwell(polls=((5.0, "/incidents/?partial=1"),))  # board.html: every 5s

        @task(2)
        def incident_page(self) -> None:
            self.visit(f"/incidents/{self.incident}/", name="/incidents/[id]/")
            self.dwell()

        @task(2)
        def ledger(self) -> None:
            self.visit("/warnings/")
            self.dwell()

        @task(2)
        def petitions(self) -> None:
            self.visit(random.choice(["/petitions/?view=all", "/petitions/?view=due"]))
            self.dwell()

        @task(2)
        def due(self) -> None:
            self.visit("/deadlines/")
            self.dwell(polls=((30.0, "/deadlines/"),))  # due.html: every 30s

        def write(self, form: str, what: str) -> None:
            """Open the incident, type for a think time, send the form, read the page it leads back to."""
            text = self.visit(f"/incidents/{self.incident}/", name="/incidents/[id]/")
            match = token.search(text)
            if not match:
                return
            self.dwell()
            self.seq += 1
            entry = (
                f"{what} {self.account['run']} {self.account['username']}#{self.seq}："
                "现场秩序平稳，继续疏导。"
            )
            body, content_type = multipart({"csrfmiddlewaretoken": match.group(1), "text": entry})
            with self.client.post(
                f"/incidents/{self.incident}/{form}/",
                data=body,
                headers={"Content-Type": content_type},
                name=f"/incidents/[id]/{form}/",
                allow_redirects=False,
                catch_response=True,
            ) as r:
                if (
                    r.status_code != 302
                    or r.headers.get("Location") != f"/incidents/{self.incident}/"
                ):
                    r.failure(f"{r.status_code} → {r.headers.get('Location')}")
                    return
                written.append(entry)
            self.visit(f"/incidents/{self.incident}/", name="/incidents/[id]/")  # the redirect
            self.dwell()

        @task(3)
        def log_entry(self) -> None:
            self.write("log", "现场记录")

        @task(1)
        def situation(self) -> None:
            self.write("situation", "情况报告")

    Staff.next_account = 0
    # On stop, a user finishes the action it is in (so every POST it sent is answered and counted).
    env = Environment(user_classes=[Staff], host=host, events=events, stop_timeout=30)
    runner = env.create_local_runner()
    started = time.time()
    runner.start(users, spawn_rate=rate)
    gevent.sleep(duration)
    runner.quit()
    finished = time.time()
    Path(config["out"]).write_text(
        json.dumps(
            {"samples": samples, "written": written, "started": started, "finished": finished},
            ensure_ascii=False,
        )
    )


# --------------------------------------------------------------------------- the webhook receiver


class Receiver(BaseHTTPRequestHandler):
    """Accepts the township's webhook: counts each idempotency key."""

    received: Counter[str] = Counter()
    lock = threading.Lock()

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with self.lock:
            self.received[self.headers.get("X-Yingji-Idempotency-Key", "")] += 1
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


# --------------------------------------------------------------------------- the township


def build(var: Path, hook_url: str) -> list[dict]:
    """Set up the township through ``yingji setup`` and the actions; return the load accounts."""
    env = {**os.environ, "YINGJI_VAR_DIR": str(var)}
    env.pop("DATABASE_URL", None)
    started = time.perf_counter()
    subprocess.run([BIN / "yingji", "setup"], env=env, check=True, stdout=subprocess.DEVNULL)
    say(f"yingji setup: {time.perf_counter() - started:.1f} s")

    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from django.db import connection
    from django.utils import timezone

    from yingji.earlywarning.models import Warning
    from yingji.earlywarning.search import index_text
    from yingji.incidents import actions as incidents
    from yingji.incidents.choices import LogKind
    from yingji.incidents.models import LogEntry, TaskForceMember
    from yingji.notify import actions as notify
    from yingji.orgs import actions as orgs
    from yingji.orgs.access import Actor
    from yingji.orgs.choices import Role, UnitKind
    from yingji.orgs.models import Member, Township, Unit
    from yingji.petitions.actions import receive_case

    sh = ZoneInfo("Asia/Shanghai")
    township = Township.objects.get(code="demo")
    system = Actor.system("bench")
    members = {m.name: m for m in Member.objects.filter(township=township)}
    head = Actor.for_member(members["王建国"])
    staff = Actor.for_member(members["刘洋"])

    # The ledger (bulk, as bench/ledger.py: background to browse, no deadlines of its own).
    t = time.perf_counter()
    villages = list(Unit.objects.filter(township=township, kind=UnitKind.VILLAGE))
    summary_texts = [
        "{v}村民反映征地补偿标准不一",
        "{v}企业拖欠工资引发聚集苗头",
        "{v}邻里宅基地纠纷升级",
    ]
    start = datetime(2025, 1, 1, 8, 0, tzinfo=sh)
    statuses = ["resolved"] * 6 + [
        "registered",
        "verified",
        "reported",
        "handling",
        "controlled",
        "dismissed",
    ]
    rows = []
    for i in range(WARNINGS):
        village = villages[i % len(villages)]
        summary = summary_texts[i % 3].format(v=village.name)
        discovered = start + timedelta(hours=4 * i)
        status = statuses[(i * 7) % len(statuses)]
        rows.append(
            Warning(
                township=township,
                number=f"YJ{discovered.year}-{i + 1:06d}",
                plan_version=township.plan_version,
                category=["brewing_unrest", "threatened_bypass", "internal_dispute", "other"][
                    i % 4
                ],
                source="village_reporter",
                status=status,
                discovered_at=discovered,
                village=village,
                address=f"{i % 12 + 1}组",
                summary=summary,
                cause="补偿标准争议",
                headcount=5 + i % 40,
                urgency=["general", "urgent", "very_urgent"][i % 3],
                potential_harm=["minor", "serious", "severe"][(i // 3) % 3],
                risk_level=["low", "medium", "high"][(i // 2) % 3],
                resolved_at=discovered + timedelta(days=3) if status == "resolved" else None,
                search_text=index_text(summary, "补偿标准争议"),
            )
        )
    Warning.objects.bulk_create(rows, batch_size=1000)

    # Petition cases received over the last nine days: their 15-day deadlines run, no reminder is due yet.
    now = timezone.now()
    for i in range(CASES):
        receive_case(
            staff,
            township,
            channel="letter",
            summary=f"信访事项{i + 1}：反映补偿款发放问题",
            received_at=now - timedelta(days=9) + timedelta(minutes=97 * i),
            parties=[{"name": f"信访人{i}", "phone": f"139{i:08d}", "address": "某村"}],
        )
    say(
        f"ledger of {WARNINGS} warnings and {CASES} petition cases: {time.perf_counter() - t:.1f} s"
    )

    # The 50 load accounts, through the forced first-login password change.
    t = time.perf_counter()
    units = {u.kind: u for u in Unit.objects.filter(township=township).order_by("pk")}
    kinds = [
        ("peace_office", UnitKind.PEACE_OFFICE, Role.PEACE_OFFICE_STAFF),
        ("villages", UnitKind.VILLAGE, Role.TASK_FORCE_MEMBER),
        ("police_station", UnitKind.POLICE_STATION, Role.TASK_FORCE_MEMBER),
        ("law_enforcement_brigade", UnitKind.LAW_ENFORCEMENT_BRIGADE, Role.TASK_FORCE_MEMBER),
        ("offices", UnitKind.OFFICE, Role.TASK_FORCE_MEMBER),
    ]
    accounts, crew = [], []
    for n in range(USERS):
        key, kind, role = kinds[n % len(kinds)]
        member = orgs.create_member(
            system,
            township,
            name=f"专班队员{n + 1:02d}",
            title="工作专班成员",
            unit=units[kind],
            role=role,
        )
        username = f"load{n + 1:02d}"
        orgs.create_login(system, member, username)
        member.refresh_from_db()
        password = f"Xq7-{secrets.token_urlsafe(9)}"
        orgs.change_password(Actor.for_member(member), password)
        accounts.append({"username": username, "password": password, "run": RUN_ID})
        crew.append((key, member))
    say(
        f"{USERS} staff logins made and past the first-login password change: {time.perf_counter() - t:.1f} s"
    )

    # Every member takes messages on the township's webhook too.
    notify.configure_channel(system, township, "webhook", url=hook_url, secret="bench-secret")
    for member in Member.objects.filter(township=township):
        notify.set_channels(system, member, ["webhook"])

    # Five incidents on scene.
    t = time.perf_counter()
    report = {
        "time": "9时",
        "place": "镇政府门前",
        "cause": "补偿争议",
        "headcount": "30人",
        "lead_persons": "推选代表",
        "potential_harm": "一般",
        "urgency": "紧急",
        "development": "平稳",
    }
    for i in range(INCIDENTS):
        incident = incidents.receive_incident(
            staff,
            township,
            category=["township", "district", "city_capital"][i % 3],
            source="caller",
            summary=f"第{i + 1}起：群众因补偿争议聚集",
            place=f"地点{i + 1}",
            headcount=30 + i,
        )
        incidents.verify_incident(staff, incident, true=True)
        incidents.send_report(staff, incident, report)
        incidents.activate(head, incident)
        team = crew[i::INCIDENTS]
        incidents.form_task_force(head, incident, members=team)
        for account in accounts[i::INCIDENTS]:
            account["incident"] = incident.pk
        for place in TaskForceMember.objects.filter(task_force__incident=incident):
            incidents.check_in(Actor.for_member(place.member), place, arrived=True)
        LogEntry.objects.bulk_create(
            LogEntry(
                township=township,
                incident=incident,
                at=now - timedelta(seconds=30 * (EARLIER_LOG - k)),
                author=team[k % len(team)][1],
                author_label=team[k % len(team)][1].name,
                kind=LogKind.NOTE,
                text=f"现场记录第{k + 1}条：人员情绪平稳，继续疏导。",
            )
            for k in range(EARLIER_LOG)
        )
    say(
        f"{INCIDENTS} incidents activated, task forces of {USERS // INCIDENTS} on scene: {time.perf_counter() - t:.1f} s"
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    connection.close()
    return accounts


# --------------------------------------------------------------------------- the run


def free_port() -> int:
    """Return a TCP port of 127.0.0.1 free at the moment of asking."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    """Wait until 127.0.0.1:``port`` accepts connections; ``RuntimeError`` if ``proc`` exits or after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not listen in time")


def warm_up(base: str, account: dict) -> None:
    """Log in as ``account`` and load each page once, so that templates and caches are warm.

    A server runs for days; its first requests (templates compiled, URL
    patterns and catalogues loaded) are not what staff meet. Not measured.
    """
    import http.cookiejar
    import urllib.parse
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
    )
    login = opener.open(f"{base}/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login)
    assert token, "no CSRF token on the login page"
    form = {
        "csrfmiddlewaretoken": token.group(1),
        **{k: account[k] for k in ("username", "password")},
    }
    try:
        opener.open(f"{base}/login/", urllib.parse.urlencode(form).encode())
    except urllib.error.HTTPError as exc:  # the 302 to the home page
        assert exc.code == 302 and exc.headers["Location"] == "/", exc.code
    pages = ["/", "/incidents/", "/incidents/?partial=1", f"/incidents/{account['incident']}/"]
    pages += ["/warnings/", "/petitions/?view=all", "/petitions/?view=due", "/deadlines/"]
    for url in [*pages, "/notifications/bell/"]:
        assert opener.open(f"{base}{url}").status == 200, url


def high_water_mb(pid: int) -> float:
    """The process's peak resident set (VmHWM) in MB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def stop(proc: subprocess.Popen | None) -> None:
    """Stop ``proc`` (if running) with SIGTERM, then SIGKILL after 15 s."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def main(argv: list[str]) -> int:
    """Build a township in a temporary directory, serve it, load it, print the figures; return 0.

    The figures and whether the goals (:data:`GOALS`) were met are printed as
    one JSON line at the end; the exit status is 0 whether they were met or not.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=USERS)
    parser.add_argument("--duration", type=float, default=DURATION_S, help="seconds of load")
    parser.add_argument(
        "--spawn-rate", type=float, default=SPAWN_RATE, help="users started per second"
    )
    parser.add_argument(
        "--wait",
        type=float,
        nargs=2,
        default=WAIT_S,
        metavar=("MIN", "MAX"),
        help="seconds a user stays on a page before the next action (uniform; the page's polls go on)",
    )
    parser.add_argument(
        "--threads", type=int, default=None, help="waitress threads (default: yingji serve's)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)

    var = Path(tempfile.mkdtemp(prefix="yingji-bench-load-"))
    os.environ["YINGJI_VAR_DIR"] = str(var)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")
    sys.path.insert(0, str(ROOT))
    server = clients = log = None
    hook = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    try:
        import django

        django.setup()
        accounts = build(var, f"http://127.0.0.1:{hook.server_address[1]}/hook")
        accounts_file = var / "accounts.json"
        accounts_file.write_text(json.dumps(accounts))

        from yingji.incidents.models import LogEntry
        from yingji.notify.models import Notification

        port = free_port()
        log = open(var / "server.log", "w")  # noqa: SIM115 (closed in the finally below)
        command = [str(BIN / "yingji"), "serve", "--port", str(port)]
        if args.threads:
            command += ["--threads", str(args.threads)]
        server = subprocess.Popen(
            command, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT
        )
        wait_for(port, server)
        import psutil

        proc = psutil.Process(server.pid)
        rss: list[float] = [proc.memory_info().rss / 2**20]
        sampling = threading.Event()

        def sample() -> None:
            while not sampling.is_set():
                try:
                    rss.append(proc.memory_info().rss / 2**20)
                except psutil.Error:
                    return
                time.sleep(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        say(f"server: pid {server.pid} on 127.0.0.1:{port}, {rss[0]:.0f} MB resident at start")

        t = time.perf_counter()
        warm_up(f"http://127.0.0.1:{port}", accounts[-1])
        say(f"warm-up (one login, each page once, not measured): {time.perf_counter() - t:.1f} s")
        out = var / "clients.json"
        say(
            f"load: {args.users} users, spawn {args.spawn_rate}/s, {args.wait[0]:g}–{args.wait[1]:g} s "
            f"between actions, {args.duration:.0f} s …"
        )
        config = {
            "host": f"http://127.0.0.1:{port}",
            "accounts": str(accounts_file),
            "out": str(out),
            "users": args.users,
            "duration": args.duration,
            "rate": args.spawn_rate,
            "wait": args.wait,
        }
        # CPU seconds: the server's, the clients', this process's (receiver, sampler) and the
        # whole machine's, to tell how much of the 2 cores others took during the run.
        load_before = os.getloadavg()[0]
        cpu_before, machine_before = proc.cpu_times(), psutil.cpu_times()
        own_before = resource.getrusage(resource.RUSAGE_SELF)
        kids_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        clients = subprocess.Popen([sys.executable, __file__, "--clients", json.dumps(config)])
        clients.wait(timeout=args.duration + 120)
        wall = time.monotonic() - started
        cpu_after, machine_after = proc.cpu_times(), psutil.cpu_times()
        own_after = resource.getrusage(resource.RUSAGE_SELF)
        kids_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        load_after = os.getloadavg()[0]
        if clients.returncode != 0:
            raise RuntimeError(f"the load clients exited with {clients.returncode}")

        def used(before, after) -> float:
            return (after.user + after.system) - (before.user + before.system)

        def used_r(before, after) -> float:
            return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)

        server_cpu_s = used(cpu_before, cpu_after)
        clients_cpu_s = used_r(kids_before, kids_after)
        machine_busy_s = sum(machine_after) - sum(machine_before)
        machine_busy_s -= (machine_after.idle - machine_before.idle) + (
            machine_after.iowait - machine_before.iowait
        )
        others_cpu_s = max(
            0.0, machine_busy_s - server_cpu_s - clients_cpu_s - used_r(own_before, own_after)
        )
        result = json.loads(out.read_text())

        # The outbox drains: every webhook message sent (or given up) while the server still runs.
        drain_started = time.monotonic()
        pending = None
        while time.monotonic() - drain_started < 60:
            pending = Notification.objects.filter(channel="webhook", state="pending").count()
            if pending == 0:
                break
            time.sleep(0.5)
        drain_s = time.monotonic() - drain_started
        peak_hwm = high_water_mb(server.pid)
        sampling.set()
        sampler.join()
        stop(server)

        # Figures.
        samples = result["samples"]
        duration = result["finished"] - result["started"]
        times = sorted(s[1] for s in samples)
        errors = [s for s in samples if not s[2]]
        by_name: dict[str, list[float]] = {}
        for name, ms, _ok, _err in samples:
            by_name.setdefault(name, []).append(ms)
        say(f"{'request':42} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
        for name, values in sorted(by_name.items(), key=lambda kv: -len(kv[1])):
            values.sort()
            say(
                f"{name:42} {len(values):6d} {percentile(values, 50):8.0f} {percentile(values, 95):8.0f} "
                f"{percentile(values, 99):8.0f} {values[-1]:8.0f}"
            )
        for name, count in Counter(f"{s[0]}: {s[3]}" for s in errors).most_common(10):
            say(f"  error ×{count}: {name}")

        written = result["written"]
        stored = set(
            LogEntry.objects.filter(text__contains=f" {RUN_ID} ").values_list("text", flat=True)
        )
        missing = len(set(written) - stored)
        unconfirmed = len(stored - set(written))
        webhook = Notification.objects.filter(channel="webhook")
        states = Counter(webhook.values_list("state", flat=True))
        keys = set(webhook.filter(state="sent").values_list("idempotency_key", flat=True))
        received = dict(Receiver.received)
        lost = len(keys - set(received))
        repeated = sum(1 for k, n in received.items() if n > 1)
        say(
            f"log entries: {len(written)} written by the clients, {len(written) - missing} found in the "
            f"database, {missing} missing; {unconfirmed} stored without a confirmed POST"
        )
        say(
            f"webhook: {sum(states.values())} queued, {states.get('sent', 0)} sent, "
            f"{states.get('pending', 0)} pending, {states.get('dead', 0)} dead; receiver got "
            f"{sum(received.values())} posts ({lost} sent but not received, {repeated} received twice); "
            f"outbox drained {drain_s:.1f} s after the load"
        )
        figures = {
            "users": args.users,
            "duration_s": round(duration, 1),
            "requests": len(samples),
            "throughput_rps": round(len(samples) / duration, 1),
            "p50_ms": round(percentile(times, 50), 1),
            "p95_ms": round(percentile(times, 95), 1),
            "p99_ms": round(percentile(times, 99), 1),
            "max_ms": round(times[-1], 1) if times else None,
            "mean_ms": round(statistics.fmean(times), 1) if times else None,
            "errors": len(errors),
            "server_peak_rss_mb": round(max(rss), 1) if rss else None,
            "server_vmhwm_mb": round(peak_hwm, 1),
            "log_entries_written": len(written),
            "log_entries_missing": missing,
            "webhook_sent": states.get("sent", 0),
            "webhook_not_sent": sum(states.values()) - states.get("sent", 0),
            "webhook_repeats": repeated,
            "server_cpu_s": round(server_cpu_s, 1),
            "server_cpu_ms_per_request": round(server_cpu_s * 1000 / max(1, len(samples)), 1),
            "clients_cpu_cores": round(clients_cpu_s / wall, 2),
            "others_cpu_cores": round(others_cpu_s / wall, 2),
            "cpu_count": os.cpu_count(),
            "loadavg_1min_before": round(load_before, 2),
            "loadavg_1min_after": round(load_after, 2),
        }
        say(
            f"{figures['requests']} requests in {duration:.0f} s: {figures['throughput_rps']} req/s; "
            f"p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, p99 {figures['p99_ms']} ms; "
            f"{figures['errors']} errors; server peak RSS {figures['server_peak_rss_mb']} MB "
            f"(sampled; VmHWM {figures['server_vmhwm_mb']} MB)"
        )
        say(
            f"CPU over the load ({os.cpu_count()} cores): server {server_cpu_s:.1f} s "
            f"({server_cpu_s / wall:.2f} cores, {figures['server_cpu_ms_per_request']} ms per request), "
            f"load clients {figures['clients_cpu_cores']} cores, other processes on the machine "
            f"{figures['others_cpu_cores']} cores; load average {load_before:.1f} before, "
            f"{load_after:.1f} after"
        )
        met = (
            figures["errors"] == 0
            and figures["p95_ms"] <= 300
            and (figures["server_peak_rss_mb"] or 0) <= 500
            and missing == 0
            and figures["webhook_not_sent"] == 0
            and lost == 0
        )
        print(json.dumps({"bench": "load", "figures": figures, "goals": GOALS, "met": met}))
        return 0
    finally:
        stop(clients)
        stop(server)
        if log is not None:
            log.close()
        hook.shutdown()
        hook.server_close()
        if args.keep:
            say(f"kept {var}")
        else:
            shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    if CLIENT_MODE:
        run_clients(json.loads(sys.argv[2]))
    else:
        sys.exit(main(sys.argv[1:]))
