"""The suite's own guards catch what they must: a request leaving 127.0.0.1, a JavaScript
error, an axe violation (so a green walk means something)."""

from __future__ import annotations

import pytest

from e2e.walker import User


def test_guards_catch_outside_requests_js_errors_and_axe(server, browser):
    user = User(browser, server, "nobody", path="guards")
    user.go("/q/", "public-page")
    page = user.page
    page.evaluate("fetch('https://example.com/tracker.js').catch(() => null)")
    page.evaluate("setTimeout(() => { throw new Error('boom') }, 0)")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/static/favicon.svg\">')"
    )
    page.wait_for_timeout(300)
    user.page_done("public-page-broken")
    with pytest.raises(AssertionError, match="left 127.0.0.1"):
        user.problems.assert_none()
    assert any("example.com" in url for url in user.problems.outside)
    assert any("boom" in e for e in user.problems.js_errors)
    assert any("image-alt" in v for v in user.problems.axe)
    user.context.close()
