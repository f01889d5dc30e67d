"""Without a login: every page sends to the login page and every operation answers 401; the public pages work.

The public pages are the login and logout, the language switch, the
petitioner's status page (number + query code) and the signed link of an
escalation message. Each is used anonymously, with its credential right
and wrong.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache

from yingji.audit.models import AuditEvent
from yingji.deadlines.escalation import ack_token
from yingji.orgs import matrix
from yingji.orgs.matrix import API, PAGES

from .apicalls import API_CALLS
from .conftest import cell
from .expect import SESSION_TABLES, Unchanged
from .pages import PAGE_CALLS
from .test_api import send
from .test_pages import variants
from .world import World

pytestmark = pytest.mark.django_db

AXES_TABLES = ("axes_accessattempt", "axes_accesslog", "axes_accessfailurelog")


def _public(entry: matrix.Entry | None) -> bool:
    return any(g.permissions[0] == matrix.PUBLIC for g in matrix.guards(entry))


def test_every_page_but_the_public_ones_sends_the_anonymous_to_the_login(world: World):
    failures = []
    for name, page in sorted(PAGES.items()):
        reqs = PAGE_CALLS[name](world)
        for method, entry in (("GET", page.get), ("POST", page.post)):
            if entry is None or _public(entry):
                continue
            for _variant, _guard, req in variants(entry, reqs):
                url = req.url(name)
                with cell():
                    before = Unchanged(
                        [world.obj(req.obj)] if req.obj else [], allow=SESSION_TABLES
                    )
                    response = (
                        world.anonymous.get(url)
                        if method == "GET"
                        else world.anonymous.post(url, req.data())
                    )
                    where = response.get("Location", "")
                    if response.status_code != 302 or not where.startswith("/login/"):
                        failures.append(f"{method} {url}: {response.status_code} {where}")
                    if before.differences():
                        failures.append(f"{method} {url}: changed {before.differences()}")
    assert not failures, "\n".join(failures)


def test_every_operation_answers_401_without_a_login(world: World):
    failures = []
    for key in sorted(API):
        reqs = API_CALLS[key](world)
        for req in reqs.values():
            with cell():
                before = Unchanged([world.obj(req.obj)] if req.obj else [], allow=SESSION_TABLES)
                status, text = send(world.anonymous, key, req)
                if status != 401:
                    failures.append(f"{key} {req.params}: {status} {text}")
                if before.differences():
                    failures.append(f"{key}: changed {before.differences()}")
    assert not failures, "\n".join(failures)


def test_login_logout_and_language_work_without_a_login(world: World):
    with cell():
        assert world.anonymous.get("/login/").status_code == 200
        before = Unchanged([], allow=SESSION_TABLES + AXES_TABLES)
        wrong = world.anonymous.post("/login/", {"username": "demo_head", "password": "wrong"})
        assert wrong.status_code == 200 and not wrong.wsgi_request.user.is_authenticated
        assert before.differences() == []
    with cell():
        assert world.anonymous.post("/logout/").status_code == 302
        assert world.anonymous.post("/i18n/setlang/", {"language": "zh-hans"}).status_code == 302
    assert world.anonymous.get("/logout/").status_code == 405


def test_the_status_page_needs_the_query_code_and_takes_one_rating(world: World):
    cache.clear()
    case = world.obj("case_replied")
    with cell():
        assert world.anonymous.get("/q/").status_code == 200
        before = Unchanged([case])
        wrong = world.anonymous.post(
            "/q/", {"number": case.number, "code": "ABCDEFGHJK", "rating": "satisfied"}
        )
        assert wrong.status_code == 200 and wrong.context["case"] is None
        assert before.differences() == []
        audits = AuditEvent.objects.count()
        code = world.data["case_replied_code"]
        rated = world.anonymous.post(
            "/q/", {"number": case.number, "code": code, "rating": "satisfied"}
        )
        assert rated.status_code == 200 and rated.context["case"].satisfaction == "satisfied"
        event = AuditEvent.objects.order_by("seq").last()
        assert AuditEvent.objects.count() == audits + 1
        assert (event.action, event.actor_id, event.actor_label) == (
            "petitions.rate",
            None,
            "信访人（查询页）",
        )
    cache.clear()


def test_the_signed_link_acknowledges_for_whom_the_escalation_reached(world: World):
    deadline = world.obj("deadline_breached")
    reached = world.member("孙志强")  # a leading-group member the escalation reached
    never = world.member("冯晓")  # the auditor: never escalated to
    with cell():
        link = f"/deadlines/ack/{ack_token(deadline, reached)}/"
        before = Unchanged([deadline])
        assert world.anonymous.get(link).status_code == 200
        assert before.differences() == []  # a link preview acknowledges nothing
        assert world.anonymous.post(link).status_code == 200
        deadline.refresh_from_db()
        assert deadline.acknowledged_by_name == reached.name
    with cell():
        before = Unchanged([deadline])
        refused = world.anonymous.post(f"/deadlines/ack/{ack_token(deadline, never)}/")
        assert refused.status_code == 403
        assert before.differences() == []
        assert world.anonymous.post("/deadlines/ack/forged.token/").status_code == 404
