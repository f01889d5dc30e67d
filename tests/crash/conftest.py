"""The crash tests' machinery: a database of their own, real processes, a poller, a webhook receiver.

The database of the processes under test is a copy of the test database
that pytest-django has just migrated (SQLite: the online backup API into a
file; PostgreSQL: ``CREATE DATABASE … TEMPLATE``), so no test pays for the
migrations again. ``prepare.py`` adds the township ``crash`` once per session;
each test gets a fresh copy of that. Processes are started as the product
starts them (``yingji serve``, ``yingji worker``), killed with SIGKILL by
their own pid, and every one still running at the end of a test is killed.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from django.db import connection, connections

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PASSWORD = "Crash-Test-2026!"
# A Fernet key for these throw-away databases only.
PII_KEY = base64.urlsafe_b64encode(b"yingji-crash-test-pii-key-32byte").decode()


def wait_for(what: str, test: Callable[[], Any], timeout: float = 30.0, every: float = 0.01) -> Any:
    """Poll ``test()`` until it returns something true; return it. Fails after ``timeout`` seconds."""
    end = time.monotonic() + timeout
    while True:
        value = test()
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(every)


class Db:
    """Reads the database of the processes under test, from outside them (no Django)."""

    def __init__(self, vendor: str, target: str):
        self.vendor, self.target = vendor, target
        if vendor == "sqlite":
            self.conn: Any = sqlite3.connect(target, timeout=20, isolation_level=None)
        else:
            import psycopg

            self.conn = psycopg.connect(target, autocommit=True)

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        """Run ``sql`` (``%s`` placeholders) and return its rows."""
        if self.vendor == "sqlite":
            sql = sql.replace("%s", "?")
        cursor = self.conn.execute(sql, params)
        return list(cursor.fetchall())

    def one(self, sql: str, *params: Any) -> Any:
        """Return the first column of the first row (None when no row)."""
        rows = self.rows(sql, *params)
        return rows[0][0] if rows else None

    def writing(self, table: str) -> bool:
        """Whether another connection is inside an uncommitted transaction that writes ``table``.

        PostgreSQL: some other backend holds the RowExclusiveLock that an INSERT
        takes on ``table`` until its transaction ends. SQLite has one writer at
        a time and no lock per table: the database's write lock is held (a
        ``BEGIN IMMEDIATE`` that may not wait fails).
        """
        if self.vendor == "postgresql":
            return bool(
                self.one(
                    "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                    "WHERE c.relname = %s AND l.mode = 'RowExclusiveLock' AND l.granted "
                    "AND l.pid <> pg_backend_pid()",
                    table,
                )
            )
        probe = sqlite3.connect(self.target, timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            return "locked" in str(exc)
        else:
            probe.execute("ROLLBACK")
            return False
        finally:
            probe.close()

    def close(self) -> None:
        self.conn.close()


@dataclass
class CrashEnv:
    """One test's database and the environment its processes run with."""

    vendor: str
    var: Path
    env: dict[str, str]
    db: Db
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self, *args: str, log: str) -> subprocess.Popen[bytes]:
        """Start ``yingji ARGS`` as a process of its own; its output goes to ``var/LOG``."""
        out = open(self.var / log, "ab")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            [str(BIN / "yingji"), *args],
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        out.close()
        self.procs.append(proc)
        return proc

    def kill(self, proc: subprocess.Popen[bytes]) -> None:
        """SIGKILL ``proc`` (by its own pid) and reap it."""
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        assert proc.returncode == -signal.SIGKILL

    def stop(self, proc: subprocess.Popen[bytes]) -> None:
        """Stop ``proc`` as an operator would (SIGTERM), then reap it."""
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill(proc)

    def run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        """Run ``yingji ARGS`` to its end; return what it printed."""
        return subprocess.run(
            [str(BIN / "yingji"), *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def log(self, name: str) -> str:
        path = self.var / name
        return path.read_text(errors="replace") if path.exists() else ""


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Web:
    """A logged-in browser of ``yingji serve`` on 127.0.0.1, speaking plain HTTP (httpx)."""

    def __init__(self, crash: CrashEnv, proc: subprocess.Popen[bytes], port: int, log: str):
        self.crash, self.proc, self.port, self.logname = crash, proc, port, log
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30, trust_env=False)

    def ready(self) -> None:
        def answers() -> bool:
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited:\n{self.crash.log(self.logname)}")
            try:
                return self.http.get("/login/").status_code == 200
            except httpx.TransportError:
                return False

        wait_for("the server to answer", answers, timeout=60, every=0.1)

    def token(self, path: str) -> str:
        page = self.http.get(path)
        assert page.status_code == 200, (path, page.status_code)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert match, path
        return match.group(1)

    def login(self, username: str = "crash_peace_staff") -> None:
        response = self.http.post(
            "/login/",
            data={
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.token("/login/"),
            },
        )
        assert response.status_code == 302 and response.headers["location"] == "/", response.text

    def post(self, path: str, data: dict[str, Any], files: Any = None) -> httpx.Response:
        return self.http.post(
            path, data={**data, "csrfmiddlewaretoken": self.token(path)}, files=files
        )


def serve(crash: CrashEnv, log: str) -> Web:
    """Start ``yingji serve`` (worker thread included) on a free port; return it once it answers."""
    port = _free_port()
    proc = crash.start("serve", "--port", str(port), "--threads", "4", "--skip-checks", log=log)
    web = Web(crash, proc, port, log)
    web.ready()
    return web


# --- the database ----------------------------------------------------------------------------


def _pg_url(settings_dict: dict[str, Any], name: str) -> str:
    user = quote(settings_dict.get("USER") or "")
    password = quote(settings_dict.get("PASSWORD") or "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgresql://{user}:{password}@{host}:{port}/{name}"


def _pg_admin(settings_dict: dict[str, Any]) -> Any:
    import psycopg

    return psycopg.connect(_pg_url(settings_dict, "postgres"), autocommit=True)


def _base_env(var: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("YINGJI_", "DJANGO_", "PYTEST", "DATABASE_URL"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "yingji.settings",
            "PYTHONPATH": str(ROOT),
            "YINGJI_VAR_DIR": str(var),
            "YINGJI_SECRET_KEY": "crash-test-secret-key-not-for-use-anywhere-else-0123456789",
            "YINGJI_PII_KEY": PII_KEY,
            "YINGJI_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CRASH_PASSWORD": PASSWORD,
        }
    )
    return env


@dataclass
class Template:
    vendor: str
    settings_dict: dict[str, Any]
    path: Path | None = None  # SQLite file
    name: str = ""  # PostgreSQL database


@pytest.fixture(scope="session")
def crash_template(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Template]:
    """The freshly migrated test database, copied out, with the township ``crash`` added."""
    folder = tmp_path_factory.mktemp("crash-template")
    with django_db_blocker.unblock():
        settings_dict = dict(connection.settings_dict)
        vendor = connection.vendor
        if vendor == "sqlite":
            connection.ensure_connection()
            template = Template(vendor, settings_dict, path=folder / "yingji.sqlite3")
            target = sqlite3.connect(template.path)
            connection.connection.backup(target)
            target.close()
            env = _base_env(folder)
        elif vendor == "postgresql":
            template = Template(vendor, settings_dict, name=f"{settings_dict['NAME']}_crash_tpl")
            connections.close_all()  # CREATE DATABASE … TEMPLATE needs the source unused:
            with _pg_admin(settings_dict) as admin:  # also by idle connections of old threads
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                    (settings_dict["NAME"],),
                )
                admin.execute(f'DROP DATABASE IF EXISTS "{template.name}" WITH (FORCE)')
                admin.execute(
                    f'CREATE DATABASE "{template.name}" TEMPLATE "{settings_dict["NAME"]}"'
                )
            env = _base_env(folder)
            env["DATABASE_URL"] = _pg_url(settings_dict, template.name)
        else:
            pytest.skip(f"no crash tests on {vendor}")
    done = subprocess.run(
        [sys.executable, "-m", "tests.crash.prepare", "township"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    yield template
    if vendor == "postgresql":
        with _pg_admin(settings_dict) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{template.name}" WITH (FORCE)')


@pytest.fixture
def crash(crash_template: Template, tmp_path: Path) -> Iterator[CrashEnv]:
    """A fresh copy of the template database, and the processes started on it (killed at the end)."""
    var = tmp_path / "var"
    var.mkdir()
    env = _base_env(var)
    name = ""
    if crash_template.vendor == "sqlite":
        assert crash_template.path is not None
        shutil.copy(crash_template.path, var / "yingji.sqlite3")
        db = Db("sqlite", str(var / "yingji.sqlite3"))
    else:
        name = f"{crash_template.settings_dict['NAME']}_crash_{os.getpid()}"
        with _pg_admin(crash_template.settings_dict) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{crash_template.name}"')
        env["DATABASE_URL"] = _pg_url(crash_template.settings_dict, name)
        db = Db("postgresql", env["DATABASE_URL"])
    env_obj = CrashEnv(crash_template.vendor, var, env, db)
    try:
        yield env_obj
    finally:
        for proc in env_obj.procs:
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        db.close()
        if name:
            with _pg_admin(crash_template.settings_dict) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- a webhook receiver ----------------------------------------------------------------------


@dataclass
class Receiver:
    """A webhook endpoint on 127.0.0.1 that counts deliveries by idempotency key.

    The first ``answer_first`` deliveries are answered at once; later ones are
    held unanswered (as a slow receiver would) until ``release`` is set.
    """

    url: str = ""
    answer_first: int = 10**9
    deliveries: list[tuple[str, str]] = field(default_factory=list)  # (header key, body key)
    held: list[str] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def keys(self) -> list[str]:
        with self.lock:
            return [k for k, _ in self.deliveries]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    recorder = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the http.server API
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            key = self.headers.get("X-Yingji-Idempotency-Key", "")
            with recorder.lock:
                recorder.deliveries.append((key, json.loads(body)["idempotency_key"]))
                hold = len(recorder.deliveries) > recorder.answer_first
                if hold:
                    recorder.held.append(key)
            if hold:
                recorder.release.wait(30)
            try:
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")
            except OSError:  # the sender died while we held it
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    recorder.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    yield recorder
    recorder.release.set()
    server.shutdown()
    server.server_close()
