"""Second path (issue 9): the 15-minute deadline passes.

The peace office registers an incident and does not report it. The deadline worker
inside ``yingji serve`` then sends the reminder (after two thirds of the 15 minutes),
records the breach and escalates it along the plan's chain (duty officer at once,
peace office head 10 minutes after the deadline). Each shows in the members' bell and
arrives by e-mail in the test's own SMTP inbox (aiosmtpd on 127.0.0.1).

The server is a real process, so the test cannot freeze its clock: "time passes" by
moving the open deadlines' own times back (``time_passes``), exactly as if they had
been opened that many minutes earlier; the worker does the rest by itself.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from e2e.conftest import start_server
from e2e.walker import Server, User, fill

SMTP_PORT = 8123
WEB_PORT = 8122
TIMES = ("opened_at", "due_at", "remind_at", "reminded_at", "breached_at", "next_check_at")


class Inbox:
    """aiosmtpd handler keeping every message received: (recipients, subject, body)."""

    def __init__(self) -> None:
        self.mails: list[tuple[list[str], str, str]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's API
        msg = message_from_bytes(envelope.content, policy=policy.default)
        body = msg.get_body(("plain", "html"))
        text = body.get_content() if body is not None else ""
        self.mails.append((list(envelope.rcpt_tos), str(msg["subject"]), text))
        return "250 OK"

    def wait_for(self, address_part: str, subject_part: str, seconds: float = 30) -> str:
        """Wait for a mail to ``address_part`` whose subject has ``subject_part``; its subject."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            for rcpts, subject, _body in self.mails:
                if any(address_part in r for r in rcpts) and subject_part in subject:
                    return subject
            time.sleep(0.3)
        got = [(r, s) for r, s, _ in self.mails]
        raise AssertionError(f"no mail to {address_part} about {subject_part!r}; got {got}")


@pytest.fixture(scope="module")
def inbox() -> Iterator[Inbox]:
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=SMTP_PORT)
    controller.start()
    yield handler
    controller.stop()


@pytest.fixture(scope="module")
def mail_server(inbox) -> Iterator[Server]:
    """The product with its e-mail channel pointed at the test's SMTP inbox."""
    yield from start_server(
        WEB_PORT,
        {
            "YINGJI_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "YINGJI_EMAIL_HOST": "127.0.0.1",
            "YINGJI_EMAIL_PORT": str(SMTP_PORT),
            "YINGJI_BASE_URL": f"http://127.0.0.1:{WEB_PORT}",
            "YINGJI_WORKER_INTERVAL_S": "0.5",
        },
    )


def on_duty_throughout(server: Server, username: str) -> None:
    """Give every duty shift to ``username``, whatever the hour the test runs at.

    The demo roster puts the peace office staff on the day shift of its first
    day and others on the nights (08:30–17:30 local, then 17:30–08:30): the
    reminder and the breach go to whoever is on duty, and this test follows
    ``username``'s inbox and mail.
    """
    db = sqlite3.connect(server.var / "yingji.sqlite3", timeout=30)
    with db:
        (member_id,) = db.execute(
            "SELECT m.id FROM orgs_member m JOIN auth_user u ON u.id = m.user_id"
            " WHERE u.username = ?",
            [username],
        ).fetchone()
        db.execute("UPDATE orgs_dutyshift SET member_id = ?", [member_id])
    db.close()


def time_passes(server: Server, minutes: int) -> None:
    """Move every open or breached deadline's times ``minutes`` back, as if time had passed."""
    db = sqlite3.connect(server.var / "yingji.sqlite3", timeout=30)
    with db:
        rows = db.execute(
            f"SELECT id, {', '.join(TIMES)} FROM deadlines_deadline"
            " WHERE state IN ('open', 'breached')"
        ).fetchall()
        for row in rows:
            moved = [
                None
                if v is None
                else (datetime.fromisoformat(v) - timedelta(minutes=minutes)).isoformat(" ")
                for v in row[1:]
            ]
            db.execute(
                f"UPDATE deadlines_deadline SET {', '.join(f'{t} = ?' for t in TIMES)}"
                " WHERE id = ?",
                [*moved, row[0]],
            )
    db.close()


def wait_in_inbox(user: User, text: str, name: str, seconds: float = 30) -> None:
    """Reload the user's notifications until one has ``text``; check the bell shows a count."""
    end = time.monotonic() + seconds
    while True:
        user.page.goto(user.server.url + "/notifications/")
        if text in user.page.inner_text("main"):
            break
        assert time.monotonic() < end, f"{user.login_name}: no notification with {text!r}"
        time.sleep(0.5)
    user.page.locator(".bell .badge").wait_for()
    user.page_done(name)


def test_deadline_passes(mail_server, inbox, browser):
    server = mail_server
    staff = User(browser, server, "demo_peace_staff", path="deadline-path")
    chief = User(browser, server, "demo_peace_head", path="deadline-path")
    for user in (staff, chief):
        user.log_in()
        user.go("/notifications/channels/", "channels")
        user.page.get_by_role("checkbox", name="电子邮箱").check()
        user.submit("保存", "channels-saved")

    on_duty_throughout(server, "demo_peace_staff")
    # The peace office registers an incident and lets the 15 minutes run.
    page = staff.page
    staff.go("/incidents/new/", "incident-new")
    fill(page, {"类别": "本镇", "信息来源": "", "概要": "村民二十余人在镇政府门口聚集反映拖欠工资"})
    staff.submit("保存", "incident-received")

    time_passes(server, 11)  # two thirds of 15 minutes: the reminder
    wait_in_inbox(staff, "提醒", "bell-reminder")
    inbox.wait_for("peace_staff", "提醒")

    time_passes(server, 5)  # past the 15 minutes: the breach, to the duty officer at once
    wait_in_inbox(staff, "超时", "bell-breach")
    inbox.wait_for("peace_staff", "超时")

    time_passes(server, 10)  # 10 minutes after: escalated to the peace office head
    wait_in_inbox(chief, "超时", "bell-escalated")
    inbox.wait_for("peace_head", "超时")
    chief.go("/deadlines/", "what-is-due")
    assert "超时" in chief.page.inner_text("main")
    staff.close()
    chief.close()
