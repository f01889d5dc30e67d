"""Real servers for the channels: an SMTP server (aiosmtpd) and an HTTP server, both on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from aiosmtpd.controller import Controller


@dataclass
class Received:
    """One request the HTTP server received."""

    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class HTTPRecorder:
    """A local HTTP server that records requests and answers ``status``/``reply`` after ``delay`` s."""

    url: str = ""
    requests: list[Received] = field(default_factory=list)
    status: int = 200
    reply: dict[str, Any] = field(default_factory=lambda: {"errcode": 0, "errmsg": "ok"})
    delay: float = 0.0


@pytest.fixture
def http_server():
    recorder = HTTPRecorder()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the http.server API
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            parts = urlsplit(self.path)
            recorder.requests.append(
                Received(parts.path, parse_qs(parts.query), dict(self.headers.items()), body)
            )
            if recorder.delay:
                time.sleep(recorder.delay)
            data = json.dumps(recorder.reply).encode()
            try:
                self.send_response(recorder.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up (timeout test)
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    recorder.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield recorder
    server.shutdown()
    server.server_close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Mailbox:
    port: int
    envelopes: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on 127.0.0.1, with Django's SMTP backend pointed at it."""
    box = Mailbox(free_port())

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's API
            message = message_from_bytes(envelope.content, policy=policy.default)
            box.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos), message))
            return "250 Message accepted for delivery"

    controller = Controller(Handler(), hostname="127.0.0.1", port=box.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = box.port
    settings.DEFAULT_FROM_EMAIL = "yingji@demo.example"
    yield box
    controller.stop()
