"""Web protections: strict Content-Security-Policy with no inline script or style, framing refused."""

import re
from pathlib import Path

import pytest
from django.test import Client

from tests.conftest import client_for, member_of
from yingji.orgs.choices import Role

ROOT = Path(__file__).resolve().parents[1] / "yingji"
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler (on…=)"),
    (re.compile(r"\sstyle\s*=", re.I), "inline style attribute"),
    (re.compile(r"<style", re.I), "<style> element"),
    (re.compile(r"\shx-on", re.I), "hx-on (needs eval)"),
]


def test_templates_have_no_inline_script_or_style():
    found = []
    for path in ROOT.rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert found == []


@pytest.mark.django_db
def test_every_page_carries_the_policy(demo):
    client = client_for(member_of(demo, Role.PEACE_OFFICE_HEAD))
    for url in ("/", "/orgs/", "/login/"):
        response = client.get(url) if url != "/login/" else Client().get(url)
        assert response.headers["Content-Security-Policy"].startswith(
            "default-src 'self'; script-src 'self'"
        )
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_forms_need_the_csrf_token(demo):
    member = member_of(demo, Role.PEACE_OFFICE_HEAD)
    client = client_for(member)
    client.handler.enforce_csrf_checks = True
    assert client.post("/orgs/units/new/", {"name": "x", "kind": "village"}).status_code == 403
