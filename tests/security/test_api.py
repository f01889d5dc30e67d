"""Every operation of the API × every role, then from another township: allowed, 403, or 404.

The operations are read from the OpenAPI schema of the ``NinjaAPI`` object,
so a new endpoint without a line in ``yingji.orgs.matrix.API`` and a call in
``apicalls.py`` fails the test. An allowed call answers 200 or 201 (a write
then leaves the action's audit event), a refused one 403 with nothing
changed, another township's object 404, never 500.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from yingji.api.urls import api
from yingji.audit.models import AuditEvent
from yingji.orgs import matrix
from yingji.orgs.choices import Role
from yingji.orgs.matrix import API, Guard

from .apicalls import API_CALLS, ApiReq
from .conftest import cell
from .expect import (
    AUDIT_TABLES,
    SESSION_TABLES,
    Unchanged,
    allowed,
    member_of_role,
    outsider_roles,
)
from .world import ROLES, World

pytestmark = pytest.mark.django_db


def discover_operations() -> list[str]:
    """Return ``"METHOD /api/path"`` of every operation in the OpenAPI schema."""
    schema = api.get_openapi_schema()
    return sorted(
        f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops
    )


def test_every_operation_is_in_the_matrix_and_has_a_call():
    found = set(discover_operations())
    assert len(found) >= 60
    assert sorted(found - set(API)) == [], "operations missing from yingji.orgs.matrix.API"
    assert sorted(set(API) - found) == [], "matrix entries naming no operation"
    assert sorted(set(API) - set(API_CALLS)) == [], "operations without a call in apicalls.py"


def send(client: Any, key: str, req: ApiReq) -> tuple[int | None, str]:
    """Call the operation; (status, "") or (None, the exception) for a 500."""
    method, path = key.split(" ", 1)
    url = req.url(path)
    try:
        if method == "GET":
            response = client.get(url)
        elif req.multipart is not None:
            response = client.post(url, req.multipart())
        else:
            body = json.dumps(req.body) if req.body is not None else ""
            response = client.generic(method, url, body, content_type="application/json")
    except Exception as exc:  # the test client raises the view's exception
        return None, repr(exc)
    text = "" if response.streaming else response.content.decode(errors="replace")[:300]
    return response.status_code, text


def check(
    world: World, key: str, guard: Guard, req: ApiReq, role: Role, outsider: bool
) -> str | None:
    client = (world.outsider_clients if outsider else world.clients)[role]
    with cell():
        obj = world.obj(req.obj) if req.obj else None
        nobody = guard.permissions[0] == matrix.NOBODY
        before = Unchanged(
            [obj] if obj else [], allow=SESSION_TABLES + (AUDIT_TABLES if nobody else ())
        )
        audits = AuditEvent.objects.count()
        status, text = send(client, key, req)
        where = f"{key} {req.params or ''}"
        if status is None:
            return f"{where}: 500 {text}"
        if outsider:
            if req.obj is None:
                return None  # lists and new records: their own township (test_isolation)
            wanted = {404} if role in guard.roles() else {403, 404}
            if status not in wanted:
                return (
                    f"{where} from another township: expected {sorted(wanted)}, got {status} {text}"
                )
        elif allowed(guard, role, member_of_role(world, role), obj):
            if status not in (200, 201):
                return f"{where}: expected 200/201, got {status} {text}"
            if not key.startswith("GET") and not req.quiet and AuditEvent.objects.count() == audits:
                return f"{where}: allowed, {status}, but no action ran (no audit event)"
            return None
        elif status != 403:
            return f"{where}: expected 403, got {status} {text}"
        changed = before.differences()
        return f"{where}: refused but changed {changed}" if changed else None


@pytest.mark.parametrize("key", sorted(API))
def test_operation(world, key):
    entry = API[key]
    reqs = API_CALLS[key](world)
    pairs = (
        [(v, g, reqs[v]) for v, g in entry.items()]
        if isinstance(entry, dict)
        else [("", entry, reqs[""])]
    )
    failures = []
    for _variant, guard, req in pairs:
        for role in ROLES:
            problem = check(world, key, guard, req, role, outsider=False)
            if problem:
                failures.append(f"{role}: {problem}")
        for role in outsider_roles(guard) if req.obj else []:
            problem = check(world, key, guard, req, role, outsider=True)
            if problem:
                failures.append(f"{role} of another township: {problem}")
    assert not failures, "\n".join(failures)


def test_an_empty_body_to_any_write_is_a_readable_4xx_never_500(world):
    """Every write with an empty JSON object as a role it lets in: 4xx with a body, or 200, never 500."""
    failures = []
    for key, entry in sorted(API.items()):
        if key.startswith("GET "):
            continue
        for req in API_CALLS[key](world).values():
            guard = matrix.guards(entry)[0]
            role = next((r for r in ROLES if r in guard.roles()), Role.PEACE_OFFICE_HEAD)
            empty = ApiReq(params=req.params, body={}, obj=req.obj)
            with cell():
                status, text = send(world.clients[role], key, empty)
            if status is None or status >= 500 or (status >= 400 and not text):
                failures.append(f"{key} {req.params} as {role}: {status} {text}")
    assert not failures, "\n".join(failures)
