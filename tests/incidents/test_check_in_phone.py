"""The check-in page works on a phone 375 px wide (Playwright with Debian's Chromium).

Skipped, with the reason, only where /usr/bin/chromium is absent (``apt-get
install -y chromium``; ``.ci/run`` installs it). No browser is downloaded.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.conftest import member_of
from tests.incidents.scenario import activated
from yingji.orgs.choices import Role
from yingji.orgs.models import Member

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's Chromium is not installed at /usr/bin/chromium"
    ),
]


@pytest.fixture
def browser(monkeypatch):
    playwright = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the ORM calls here stay synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield browser
        browser.close()


def test_check_in_at_375px(demo, live_server, browser, tmp_path):
    incident = activated(demo)
    member = member_of(demo, Role.TASK_FORCE_MEMBER)
    Member.objects.filter(pk=member.pk).update(must_change_password=False)
    client = Client()
    client.force_login(member.user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value

    context = browser.new_context(
        viewport={"width": 375, "height": 812},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    context.add_cookies(
        [
            {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url},
            # Debian's headless Chromium ignores the locale emulation: choose Chinese explicitly.
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "zh-hans", "url": live_server.url},
        ]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/incidents/{incident.pk}/check-in/")
    assert page.locator("h1").inner_text().startswith("签到")

    # Nothing wider than the screen, and the buttons fill the width for a thumb.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    button = page.get_by_role("button", name="我已出发")
    box = button.bounding_box()
    assert box is not None and box["width"] >= 300 and box["height"] >= 44
    page.screenshot(path=str(tmp_path / "check-in-375-before.png"), full_page=True)

    button.click()
    page.wait_for_load_state()
    assert "已签到" in page.content()
    page.get_by_role("button", name="我已到达").click()
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot = tmp_path / "check-in-375-after.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 5000
    context.close()

    place = incident.task_force.members.get(member=member)
    assert place.dispatched_at is not None and place.arrived_at is not None
    assert (
        incident.task_force.__class__.objects.get(pk=incident.task_force.pk).first_arrival_at
        == place.arrived_at
    )
