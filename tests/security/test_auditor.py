"""The auditor reads the records and the log of reads of petitioners' details, and changes nothing.

Issue 8 §3, DESIGN.md §1. The matrix tests run every action, every POST of a
page and every write of the API as the auditor and see each refused with
nothing changed; this test pins the matrix itself, so that no entry can
quietly let the auditor write: apart from their own account and inbox, no
guard of a write passes the auditor.
"""

from __future__ import annotations

import pytest

from yingji.orgs import matrix
from yingji.orgs.choices import Role
from yingji.orgs.matrix import ACTIONS, API, PAGES
from yingji.petitions.access import party_details

from .conftest import cell
from .world import World

pytestmark = pytest.mark.django_db

#: What the auditor may change: their own password, second factor, channels and read marks.
OWN_ACCOUNT = {
    "orgs.actions.change_password",
    "orgs.actions.confirm_second_factor",
    "notify.actions.mark_read",
    "notify.actions.set_channels",
    "petitions.actions.replies.rate_case",  # the petitioner's (public page)
    "POST password_change",
    "POST otp_setup",
    "POST otp_verify",
    "POST notify:mark_read",
    "POST notify:channels",
    "POST login",
    "POST logout",
    "POST set_language",
    "POST petition_lookup",
    "POST deadlines:ack_link",
}


def writes() -> dict[str, list[matrix.Guard]]:
    """Every way to change something: actions, POSTs of pages, operations other than GET."""
    out: dict[str, list[matrix.Guard]] = {key: [guard] for key, guard in ACTIONS.items()}
    for name, page in PAGES.items():
        if page.post is not None:
            out[f"POST {name}"] = matrix.guards(page.post)
    for key, entry in API.items():
        if not key.startswith("GET "):
            out[key] = matrix.guards(entry)
    return out


def test_no_write_passes_the_auditor_but_their_own_account():
    passing = {
        key for key, guards in writes().items() if any(Role.AUDITOR in g.roles() for g in guards)
    }
    assert passing == OWN_ACCOUNT
    assert len(writes()) >= 200  # 94 actions, 57 pages that take a POST, 49 writes of the API


def test_the_auditor_reads_the_records_and_the_log_of_reads(world: World):
    auditor = world.clients[Role.AUDITOR]
    case = world.obj("case_resolution")
    with cell():
        party_details(world.actors[Role.PEACE_OFFICE_STAFF], case, purpose="case_page")
        log = auditor.get("/petitions/access-log/")
        assert log.status_code == 200
        rows = list(log.context["rows"])
        assert [(r.object_label, r.purpose) for r in rows[:1]] == [(case.number, "case_page")]
        assert rows[0].actor_label == world.member("刘洋").name
        for url in (f"/petitions/{case.pk}/", "/warnings/", "/incidents/", "/reports/", "/orgs/"):
            assert auditor.get(url).status_code == 200, url
    # Nobody else but the administrator reads the log.
    for role in Role:
        status = world.clients[role].get("/petitions/access-log/").status_code
        assert status == (200 if role in (Role.AUDITOR, Role.ADMIN) else 403), role
