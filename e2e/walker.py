"""A user of Yingji in Chromium: logs in as themselves and checks every page on the way.

Every page visited (``User.page_done``) is checked and photographed:

- axe-core (vendored in ``e2e/vendor/``, injected by the test) finds no serious
  or critical violation;
- at 375 px wide the page needs no horizontal scrolling;
- a screenshot at desktop width and one at 375 px go to ``e2e/artifacts/``.

For the whole life of a user's browser context: any request to a host other than
127.0.0.1 is aborted and recorded, any JavaScript error or console error is
recorded; ``User.close`` fails the test on either.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django_otp.oath import totp

HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
AXE = (HERE / "vendor" / "axe-core-4.14.1.min.js").read_text(encoding="utf-8")
# A time shown as 2026-11-29 12:18 instead of 2026年11月29日 20:18.
ISO_TIME = re.compile(r"\b\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}")
_COUNTERS: dict[Path, list[int]] = {}
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
NEW_PASSWORD = "Qiang-an-{login}-2026"


@dataclass
class Server:
    """The running product: base URL, the one-time passwords setup printed, its var dir."""

    url: str
    passwords: dict[str, str]
    var: Path


@dataclass
class Problems:
    """What the guards saw: requests leaving 127.0.0.1, JavaScript errors, axe violations."""

    outside: list[str] = field(default_factory=list)
    js_errors: list[str] = field(default_factory=list)
    axe: list[str] = field(default_factory=list)
    scroll: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)

    def assert_none(self) -> None:
        assert not self.outside, f"requests left 127.0.0.1: {self.outside}"
        assert not self.js_errors, f"JavaScript errors: {self.js_errors}"
        assert not self.axe, "axe serious/critical violations:\n" + "\n".join(self.axe)
        assert not self.scroll, f"pages wider than 375 px: {self.scroll}"
        assert not self.dates, f"times not in Chinese format: {self.dates}"


class User:
    """One person of DESIGN.md §1 in their own browser context, logged in as themselves."""

    def __init__(self, browser, server: Server, login: str, *, phone: bool = False, path: str = ""):
        self.server = server
        self.login_name = login
        self.phone = phone
        self.dir = ARTIFACTS / (path or "walk")
        self.dir.mkdir(parents=True, exist_ok=True)
        self.problems = Problems()
        self.secret: bytes | None = None
        self.password = server.passwords.get(login, "")
        self.context = browser.new_context(
            viewport=PHONE if phone else DESKTOP,
            device_scale_factor=2 if phone else 1,
            is_mobile=phone,
            has_touch=phone,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            bypass_csp=True,  # lets the test inject axe-core; the app's own CSP is unchanged
            accept_downloads=True,
        )
        self.context.route("**/*", self._guard)
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.page.on(
            "pageerror", lambda exc: self.problems.js_errors.append(f"{self.page.url}: {exc}")
        )
        self.page.on(
            "console",
            lambda msg: (
                msg.type == "error"
                # A refused form answers 400 by design; Chromium logs that as a failed resource.
                and "status of 400" not in msg.text
                and self.problems.js_errors.append(f"{self.page.url}: console: {msg.text}")
            ),
        )
        self.shots = _COUNTERS.setdefault(self.dir, [0])

    # -- guards ---------------------------------------------------------------------------
    def _guard(self, route) -> None:
        url = route.request.url
        host = urlsplit(url).hostname
        if url.startswith(("data:", "blob:", "about:")) or host == "127.0.0.1":
            route.continue_()
        else:
            self.problems.outside.append(url)
            route.abort()

    def close(self) -> None:
        """Close the browser context and fail on anything the guards saw."""
        self.context.close()
        self.problems.assert_none()

    # -- pages ----------------------------------------------------------------------------
    def go(self, path: str, name: str | None = None) -> None:
        """Open ``path`` (relative to the server) and check it as ``name``."""
        self.page.goto(self.server.url + path)
        self.page_done(name or path.strip("/").replace("/", "-") or "home")

    def page_done(self, name: str) -> None:
        """Check the page now shown (axe, width at 375 px) and photograph it, desktop and phone."""
        page = self.page
        page.wait_for_load_state("load")
        self.shots[0] += 1
        safe = re.sub(r"[^\w.-]+", "_", name)
        stem = f"{self.shots[0]:03d}-{self.login_name}-{safe}"
        self._axe(name)
        iso = ISO_TIME.findall(page.inner_text("body"))
        if iso:
            self.problems.dates.append(f"{name} ({page.url}): {iso[:3]}")
        if self.phone:
            self._width(name)
            page.screenshot(path=str(self.dir / f"{stem}-phone.png"), full_page=True)
            return
        page.screenshot(path=str(self.dir / f"{stem}-desktop.png"), full_page=True)
        page.set_viewport_size(PHONE)
        self._width(name)
        self._axe(name + " (375 px)")
        page.screenshot(path=str(self.dir / f"{stem}-phone.png"), full_page=True)
        page.set_viewport_size(DESKTOP)

    def _width(self, name: str) -> None:
        width = self.page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide = self.page.evaluate(
                """() => [...document.querySelectorAll('body *')]
                .filter(e => !e.closest('.table-wrap') && (e.getBoundingClientRect().right > 376
                  || (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible')))
                .slice(0, 5).map(e => e.tagName + '.' + e.className)"""
            )
            self.problems.scroll.append(f"{name} ({self.page.url}): {width}px; {wide}")

    def _axe(self, name: str) -> None:
        page = self.page
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(AXE)
        result = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"
        )
        for v in result:
            if v["impact"] in ("serious", "critical"):
                self.problems.axe.append(
                    f"{name} ({page.url}): {v['impact']} {v['id']} — {v['help']} {v['nodes']}"
                )

    def submit(self, button: str, name: str, *, within=None, refused: bool = False) -> list[str]:
        """Click the button named ``button`` (optionally inside ``within``) and check the result.

        Unless ``refused``, the resulting page must show no form error; returns the errors shown.
        """
        scope = within if within is not None else self.page
        with self.page.expect_navigation():
            scope.get_by_role("button", name=button, exact=True).click()
        self.page_done(name)
        shown = [
            t.strip() for t in self.page.locator("main .errors, main .error").all_inner_texts()
        ]
        if not refused:
            assert not shown, f"{name}: the form was refused at {self.page.url}: {shown}"
        return shown

    # -- logging in -----------------------------------------------------------------------
    def code(self) -> str:
        """The current six-digit TOTP code for the secret shown at set-up."""
        assert self.secret is not None
        return f"{totp(self.secret):06d}"

    def log_in(self) -> None:
        """Log in as themselves: one-time password, forced change, second factor where required."""
        page = self.page
        self.go("/login/", "login")
        page.get_by_label("用户名").fill(self.login_name)
        page.get_by_label("密码").fill(self.password)
        self.submit("登录", "after-login")
        if "/password/" in page.url:
            new = NEW_PASSWORD.format(login=self.login_name)
            page.locator("#id_old_password").fill(self.password)
            page.locator("#id_new_password1").fill(new)
            page.locator("#id_new_password2").fill(new)
            self.submit("修改密码", "password-changed")
            self.password = new
        if "/otp/setup/" in page.url:
            key = page.locator("code").first.inner_text().replace(" ", "")
            self.secret = base64.b32decode(key + "=" * (-len(key) % 8))
            page.get_by_label("身份验证器六位验证码").fill(self.code())
            self.submit("确认", "otp-confirmed")
        elif "/otp/verify/" in page.url:
            page.get_by_label("身份验证器六位验证码").fill(self.code())
            self.submit("验证", "otp-verified")
        assert urlsplit(page.url).path == "/", f"{self.login_name} ended at {page.url}"


def labels(page) -> list[str]:
    """The visible labels of the page's form fields, for exploring a page."""
    return page.evaluate(
        "() => [...document.querySelectorAll('main form')].map(f => (f.getAttribute('action')||'') + ': ' +"
        " [...f.querySelectorAll('label')].map(l => l.innerText.trim()).join(' | ') + ' || buttons: ' +"
        " [...f.querySelectorAll('button')].map(b => b.innerText.trim()).join(' | '))"
    )


def field(scope, label: str):
    """The form field labelled ``label`` (the required-mark ``*`` after it allowed)."""
    return scope.get_by_label(re.compile("^" + re.escape(label) + r"\s*\*?$")).first


def fill(scope, values: dict[str, str]) -> None:
    """Fill fields by their (Chinese) labels; for a select, ``value`` is part of the option's text,
    or "" for its first real option."""
    for label, value in values.items():
        loc = field(scope, label)
        if loc.evaluate("e => e.tagName") == "SELECT":
            options = loc.locator("option").all()
            texts = [(o.get_attribute("value") or "", o.inner_text()) for o in options]
            pick = next(v for v, t in texts if v and value in t)
            loc.select_option(pick)
        elif loc.get_attribute("type") in ("checkbox", "radio"):
            loc.check()
        else:
            loc.fill(value)


def form(page, action_end: str):
    """The form on the page whose action ends with ``action_end`` (e.g. "/verify/")."""
    return page.locator(f"main form[action$='{action_end}']")
