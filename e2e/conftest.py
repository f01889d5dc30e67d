"""The end-to-end suite's fixtures: the product started as `make run` starts it, and Chromium.

The server is ``yingji setup`` on a fresh temporary ``YINGJI_VAR_DIR`` followed by
``yingji serve --port 8121`` (ports 8120–8129 are this suite's; ``E2E_PORT`` overrides).
The one-time passwords are read from what ``setup`` prints. Chromium is Debian's
(``/usr/bin/chromium``); nothing is downloaded.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from e2e.walker import ARTIFACTS, CHROMIUM, Server

BIN = Path(sys.executable).parent
PORT = int(os.environ.get("E2E_PORT", "8121"))
# "  demo_head         KHl3o3b4h7T2MA  王建国（领导小组组长）"
PASSWORD_LINE = re.compile(r"^\s+(demo_\w+)\s+(\S+)\s+(.+)$")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _wait_for_port(port: int, proc: subprocess.Popen, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"yingji serve exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"yingji serve did not answer on 127.0.0.1:{port} within {seconds} s")


def start_server(port: int, extra_env: dict[str, str] | None = None) -> Iterator[Server]:
    """Run ``yingji setup`` then ``yingji serve`` on a fresh var dir; yield the running server."""
    var = Path(tempfile.mkdtemp(prefix="yingji-e2e-"))
    env = {**os.environ, "YINGJI_VAR_DIR": str(var), **(extra_env or {})}
    env.pop("DATABASE_URL", None)  # always a fresh SQLite database of its own
    setup = subprocess.run(
        [str(BIN / "yingji"), "setup"], env=env, capture_output=True, text=True, check=True
    )
    passwords = {}
    for line in setup.stdout.splitlines():
        m = PASSWORD_LINE.match(line)
        if m:
            passwords[m.group(1)] = m.group(2)
    assert "demo_head" in passwords, f"no one-time passwords in setup's output:\n{setup.stdout}"
    log = open(var / "serve.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [str(BIN / "yingji"), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for_port(port, proc)
        yield Server(url=f"http://127.0.0.1:{port}", passwords=passwords, var=var)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(var / "serve.log", ARTIFACTS / f"serve-{port}.log")
        shutil.rmtree(var, ignore_errors=True)


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    """The product, started as ``make run`` starts it, on its own fresh database."""
    yield from start_server(PORT)


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright (no browser download)."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's Chromium is missing at /usr/bin/chromium (make e2e installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield browser
        browser.close()
