"""Every named page × every role: GET, and POST with valid minimal data; then the same from another township.

The pages are found by walking Django's URL resolver (``yingji/urls.py``,
without the Django admin and the API, which ``test_api`` walks), so a new
page without a line in ``yingji.orgs.matrix.PAGES`` and a call in
``pages.py`` fails the test. A page answers 200 or 302 to a role the matrix
allows (a POST then writes the action's audit event), 403 to any other with
nothing changed, 404 to a member of another township for an object of this
one, and never 500.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from yingji.audit.models import AuditEvent
from yingji.orgs import matrix
from yingji.orgs.choices import Role
from yingji.orgs.matrix import PAGES, Guard

from .conftest import cell
from .expect import (
    AUDIT_TABLES,
    SESSION_TABLES,
    Unchanged,
    allowed,
    member_of_role,
    outsider_roles,
)
from .pages import PAGE_CALLS, Req
from .world import ROLES, World

pytestmark = pytest.mark.django_db

#: URL namespaces walked elsewhere or not Yingji's own: the API (test_api), Django's admin.
SKIPPED_NAMESPACES = {"api", "admin"}


def _walk(patterns: list[Any], namespace: str | None = None) -> list[str]:
    names = []
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            if ns in SKIPPED_NAMESPACES:
                continue
            names += _walk(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            names.append(f"{namespace}:{p.name}" if namespace else p.name)
    return names


def discover_pages() -> list[str]:
    """Return the name of every page of ``yingji/urls.py`` (namespaced)."""
    return sorted(set(_walk(get_resolver().url_patterns)))


def test_every_page_is_in_the_matrix_and_has_a_call():
    found = set(discover_pages())
    assert len(found) >= 80
    assert sorted(found - set(PAGES)) == [], "pages missing from yingji.orgs.matrix.PAGES"
    assert sorted(set(PAGES) - found) == [], "matrix entries naming no page"
    assert sorted(set(PAGES) - set(PAGE_CALLS)) == [], "pages without a call in pages.py"


def variants(entry: matrix.Entry | None, reqs: dict[str, Req]) -> list[tuple[str, Guard, Req]]:
    """Pair each guard of an entry with its request (a single guard takes the "" request)."""
    if entry is None:
        return []
    if isinstance(entry, dict):
        missing = set(entry) - set(reqs)
        assert not missing, f"no request for variants {sorted(missing)}"
        return [(v, g, reqs[v]) for v, g in entry.items()]
    return [("", entry, reqs[""] if "" in reqs else next(iter(reqs.values())))]


def _send(client: Any, method: str, url: str, req: Req) -> tuple[int | None, str]:
    # The cell's rollback undoes the session rows; the client must forget what the
    # response set too (a password change cycles the session key).
    cookies = copy.deepcopy(client.cookies)
    try:
        return _request(client, method, url, req)
    finally:
        client.cookies = cookies


def _request(client: Any, method: str, url: str, req: Req) -> tuple[int | None, str]:
    try:
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, req.data())
    except Exception as exc:  # a 500: the test client raises the view's exception
        return None, repr(exc)
    return response.status_code, ""


def check(world: World, name: str, method: str, guard: Guard, req: Req, role: Role) -> str | None:
    """Request the page as ``role`` of the demo township; return what is wrong, or None."""
    client = world.clients[role]
    url = req.url(name)
    with cell():
        obj = world.obj(req.obj) if req.obj else None
        expect = allowed(guard, role, member_of_role(world, role), obj)
        nobody = guard.permissions[0] == matrix.NOBODY
        before = Unchanged(
            [obj] if obj else [], allow=SESSION_TABLES + (AUDIT_TABLES if nobody else ())
        )
        audits = AuditEvent.objects.count()
        status, error = _send(client, method, url, req)
        if status is None:
            return f"{method} {url}: 500 {error}"
        if expect:
            if status not in (200, 302):
                return f"{method} {url}: expected 200/302, got {status}"
            if method == "POST" and not req.quiet and AuditEvent.objects.count() == audits:
                return f"POST {url}: allowed, {status}, but no action ran (no audit event)"
            return None
        if status != 403:
            return f"{method} {url}: expected 403, got {status}"
        changed = before.differences()
        return f"{method} {url}: refused but changed {changed}" if changed else None


def check_outsider(
    world: World, name: str, method: str, guard: Guard, req: Req, role: Role
) -> str | None:
    """Request a demo object's page as ``role`` of the other township: 404 (403 without the role)."""
    client = world.outsider_clients[role]
    url = req.url(name)
    with cell():
        obj = world.obj(req.obj) if req.obj else None
        nobody = guard.permissions[0] == matrix.NOBODY
        before = Unchanged(
            [obj] if obj else [], allow=SESSION_TABLES + (AUDIT_TABLES if nobody else ())
        )
        status, error = _send(client, method, url, req)
        if status is None:
            return f"{method} {url}: 500 {error}"
        if status != 404:
            return f"{method} {url} from another township: expected 404, got {status}"
        changed = before.differences()
        return f"{method} {url} from another township: changed {changed}" if changed else None


PUBLIC_PAGES = sorted(
    n
    for n, p in PAGES.items()
    if any(g.permissions[0] == matrix.PUBLIC for g in matrix.guards(p.get) + matrix.guards(p.post))
)


@pytest.mark.parametrize("name", sorted(n for n in PAGES if n not in PUBLIC_PAGES))
def test_page(world, name):
    page = PAGES[name]
    reqs = PAGE_CALLS[name](world)
    failures = []
    for method, entry in (("GET", page.get), ("POST", page.post)):
        for _variant, guard, req in variants(entry, reqs):
            for role in ROLES:
                problem = check(world, name, method, guard, req, role)
                if problem:
                    failures.append(f"{role}: {problem}")
            for role in outsider_roles(guard) if req.obj else []:
                problem = check_outsider(world, name, method, guard, req, role)
                if problem:
                    failures.append(f"{role}: {problem}")
    if page.get is None:
        req = next(iter(reqs.values()))
        with cell():
            status, error = _send(world.clients[Role.PEACE_OFFICE_HEAD], "GET", req.url(name), req)
        if status != 405:
            failures.append(f"GET {req.url(name)}: expected 405 (POST only), got {status} {error}")
    assert not failures, "\n".join(failures)


def test_an_empty_post_to_any_page_is_refused_or_shown_again_never_500(world):
    """POST with no data as a role the page lets in: a form with its errors, a redirect, never 500."""
    failures = []
    for name, page in sorted(PAGES.items()):
        reqs = PAGE_CALLS[name](world)
        for variant, guard, req in variants(page.post, reqs):
            role = next((r for r in ROLES if r in guard.roles()), Role.PEACE_OFFICE_HEAD)
            empty = Req(kwargs=req.kwargs, query=req.query)
            with cell():
                status, error = _send(world.clients[role], "POST", empty.url(name), empty)
            if status not in (200, 302, 400, 403, 404):
                failures.append(f"{name} {variant} as {role}: {status} {error}")
    assert not failures, "\n".join(failures)
