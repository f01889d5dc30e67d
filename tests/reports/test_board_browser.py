"""The board renders its charts in Debian's Chromium with no request leaving the host.

Every request to anything but the live server is blocked and recorded; the
test fails on any. Skipped only where /usr/bin/chromium is absent.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client

from tests.conftest import member_of
from tests.incidents.test_check_in_phone import ARGS, CHROMIUM
from tests.reports import month
from yingji.orgs.choices import Role
from yingji.orgs.models import Member

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's Chromium is not installed at /usr/bin/chromium"
    ),
]


@pytest.fixture
def browser(monkeypatch):
    playwright = pytest.importorskip("playwright.sync_api")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield browser
        browser.close()


def test_board_draws_every_chart_offline_and_drills_down(demo, live_server, browser, tmp_path):
    month.build(demo)
    member = member_of(demo, Role.PEACE_OFFICE_STAFF)  # no second factor
    Member.objects.filter(pk=member.pk).update(must_change_password=False)
    client = Client()
    client.force_login(member.user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [
            {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url},
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "zh-hans", "url": live_server.url},
        ]
    )
    leaving: list[str] = []

    def guard(route):
        host = urlsplit(route.request.url).hostname
        if host in ("localhost", "127.0.0.1", "::1") or route.request.url.startswith(
            ("data:", "blob:")
        ):
            route.continue_()
        else:
            leaving.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))

    page.goto(f"{live_server.url}/reports/?from=2026-10&to=2026-11")
    page.wait_for_selector("body[data-charts]", state="attached")
    bars = page.locator(".chart-card").count()
    assert page.locator("body").get_attribute("data-charts") == str(bars + 1)
    # ECharts drew SVG into every chart box.
    assert page.locator(".chart svg").count() == bars + 1
    # A chart with nothing in these months says so; one with figures does not.
    for card in page.locator(".chart-card").all():
        values = [li.split("：")[-1] for li in card.locator(".chart-list li").all_inner_texts()]
        empty = all(v == "0" for v in values)
        assert ("暂无数据" in card.locator(".chart svg").inner_html()) == empty, values
    assert "15分钟报告按时率" in page.locator("#rates").inner_text()
    assert "分母" in page.locator("#rates").inner_text()
    page.screenshot(path=str(tmp_path / "board.png"), full_page=True)
    if shot := os.environ.get("YINGJI_BOARD_SCREENSHOT"):
        page.screenshot(path=shot, full_page=True)

    # Drill down: the list behind the November bar of the cases-by-month chart.
    page.locator(".chart-card", has_text="信访事项（按月）").get_by_role(
        "link", name="2026-11"
    ).click()
    page.wait_for_url("**/reports/list/**")
    assert page.locator("#drill tbody tr").count() == 5

    # Months with nothing in them: every chart says so over its empty axes.
    page.goto(f"{live_server.url}/reports/?from=2025-01&to=2025-02")
    page.wait_for_selector("body[data-charts]", state="attached")
    assert page.locator(".chart svg").count() == bars + 1
    assert page.locator(".chart svg", has_text="暂无数据").count() == bars + 1
    page.goto(f"{live_server.url}/reports/?from=2026-10&to=2026-11")

    # Printing hides the navigation.
    page.go_back()
    page.emulate_media(media="print")
    assert page.locator(".topbar").is_hidden()

    assert leaving == []
    assert problems == []
    context.close()
