"""The object-state dimension of the matrix: the same role and action, allowed in one state, refused in another.

Each row is a cell role × action × object state: ``ok`` (the action runs),
``denied`` (``PermissionDenied``) or ``invalid`` (``ValidationError``: the
role may, the state forbids); a refused cell changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django_otp.plugins.otp_totp.models import TOTPDevice

from yingji.deadlines import actions as deadlines
from yingji.earlywarning import actions as warnings
from yingji.incidents import actions as incidents
from yingji.incidents import actions_scene as scene
from yingji.incidents.models import TaskForceMember
from yingji.notify import actions as notify
from yingji.orgs import actions as orgs
from yingji.orgs.access import Actor
from yingji.orgs.choices import Role
from yingji.petitions import actions as petitions
from yingji.petitions.access import get_case, party_details
from yingji.petitions.actions import replies
from yingji.plans import actions as plans

from .conftest import cell
from .expect import AUDIT_TABLES, Unchanged
from .world import REPLY, World

pytestmark = pytest.mark.django_db

R = Role
SYSTEM = None  # the system actor's column
PUBLIC = "public"  # the petitioner's page: no login, no permission


def _acting_deputy(w: World) -> None:
    orgs.set_seat(Actor.system(), w.member("李卫东"), "deputy", acting_head=True, order=1)


def _named_member(w: World) -> None:
    case = w.obj("case_accepted")
    petitions.set_five_ones(
        Actor.system(),
        case,
        handling_unit=w.unit("东岭村"),
        lead_official=w.member("李卫东"),
        responsible_person=w.member("孙志强"),
        measures="走访",
        resolution_plan="答复",
    )


def _other_place(w: World) -> TaskForceMember:
    return TaskForceMember.objects.get(
        task_force__incident_id=w.pk("incident_active"), member=w.member("周伟")
    )


# (name, role, setup, call(actor, world), targets(world), expected)
Row = tuple[
    str,
    Role | str | None,
    Callable[[World], None] | None,
    Callable[[Actor, World], Any],
    Callable[[World], list[Any]],
    str,
]
ROWS: list[Row] = [
    # activation: the head's seat, or a deputy recorded as acting head (plan §六(三))
    (
        "deputy activates without the acting-head record",
        R.DEPUTY,
        None,
        lambda a, w: incidents.activate(a, w.obj("incident_reported")),
        lambda w: [w.obj("incident_reported")],
        "denied",
    ),
    (
        "deputy recorded as acting head activates",
        R.DEPUTY,
        _acting_deputy,
        lambda a, w: incidents.activate(a, w.obj("incident_reported")),
        lambda w: [],
        "ok",
    ),
    (
        "head activates an incident verified but not reported",
        R.HEAD,
        None,
        lambda a, w: incidents.activate(a, w.obj("incident_verified")),
        lambda w: [w.obj("incident_verified")],
        "invalid",
    ),
    (
        "head activates a closed incident",
        R.HEAD,
        None,
        lambda a, w: incidents.activate(a, w.obj("incident_closed")),
        lambda w: [w.obj("incident_closed")],
        "invalid",
    ),
    # on scene: only while the plan is active (or in aftermath for the log)
    (
        "log entry on a closed incident",
        R.PEACE_OFFICE_STAFF,
        None,
        lambda a, w: scene.add_log_entry(a, w.obj("incident_closed"), "补记"),
        lambda w: [w.obj("incident_closed")],
        "invalid",
    ),
    (
        "demand registered in aftermath",
        R.TASK_FORCE_MEMBER,
        None,
        lambda a, w: scene.register_demand(a, w.obj("incident_aftermath"), content="补偿"),
        lambda w: [w.obj("incident_aftermath")],
        "invalid",
    ),
    # check-in: for oneself, by the task force's leader, or by those who form task forces
    (
        "task-force member checks in for someone else",
        R.TASK_FORCE_MEMBER,
        None,
        lambda a, w: incidents.check_in(a, _other_place(w), arrived=False),
        lambda w: [_other_place(w)],
        "denied",
    ),
    (
        "the task force's leader checks someone in",
        R.PEACE_OFFICE_STAFF,
        None,
        lambda a, w: incidents.check_in(a, _other_place(w), arrived=False),
        lambda w: [],
        "ok",
    ),
    (
        "a leading-group member outside the task force checks someone in",
        R.MEMBER,
        None,
        lambda a, w: incidents.check_in(a, _other_place(w), arrived=False),
        lambda w: [_other_place(w)],
        "denied",
    ),
    # warnings: each action from its own states (earlywarning.choices.TRANSITIONS)
    (
        "verify a resolved warning",
        R.PEACE_OFFICE_STAFF,
        None,
        lambda a, w: warnings.verify(a, w.obj("warning_resolved")),
        lambda w: [w.obj("warning_resolved")],
        "invalid",
    ),
    (
        "resolve a warning still registered",
        R.HEAD,
        None,
        lambda a, w: warnings.resolve(a, w.obj("warning_registered"), resolution="化解"),
        lambda w: [w.obj("warning_registered")],
        "invalid",
    ),
    # petition cases: the handlers of the case, and its stage
    (
        "a leading-group member not named in the case starts its resolution",
        R.MEMBER,
        None,
        lambda a, w: petitions.start_resolution(a, w.obj("case_accepted")),
        lambda w: [w.obj("case_accepted")],
        "denied",
    ),
    (
        "the same member, named its responsible person, starts it",
        R.MEMBER,
        _named_member,
        lambda a, w: petitions.start_resolution(a, w.obj("case_accepted")),
        lambda w: [],
        "ok",
    ),
    (
        "the system administrator (petitions.handle, no case) writes a reply",
        R.ADMIN,
        None,
        lambda a, w: petitions.issue_reply(a, w.obj("case_resolution"), **REPLY),
        lambda w: [w.obj("case_resolution")],
        "denied",
    ),
    (
        "a replied (closed) case is replied again",
        R.PEACE_OFFICE_STAFF,
        None,
        lambda a, w: petitions.issue_reply(a, w.obj("case_replied"), **REPLY),
        lambda w: [w.obj("case_replied")],
        "invalid",
    ),
    (
        "a case decided already is accepted",
        R.PEACE_OFFICE_STAFF,
        None,
        lambda a, w: petitions.accept_case(a, w.obj("case_accepted")),
        lambda w: [w.obj("case_accepted")],
        "invalid",
    ),
    (
        "an objection to a case not sent down from above",
        R.PEACE_OFFICE_STAFF,
        None,
        lambda a, w: petitions.object_to_transfer(a, w.obj("case_received"), reason="x"),
        lambda w: [w.obj("case_received")],
        "invalid",
    ),
    (
        "the extension decided when none was asked",
        R.HEAD,
        None,
        lambda a, w: petitions.decide_extension(a, w.obj("case_resolution"), approve=True),
        lambda w: [w.obj("case_resolution")],
        "invalid",
    ),
    # Art. 30: the accused unit neither sees nor handles a report against it
    (
        "a member of the accused unit opens the report case",
        R.TASK_FORCE_MEMBER,
        None,
        lambda a, w: get_case(a, w.pk("case_report")),
        lambda w: [],
        "not_found",
    ),
    (
        "a member of the accused unit reads its petitioners",
        R.TASK_FORCE_MEMBER,
        None,
        lambda a, w: party_details(a, w.obj("case_report"), purpose="matrix"),
        lambda w: [w.obj("case_report")],
        "denied",
    ),
    # the petitioner's rating: the query code, once, after the reply
    (
        "a rating with a wrong query code",
        PUBLIC,
        None,
        lambda a, w: replies.rate_case(
            a, w.obj("case_replied"), query_code="WRONGCODE2", rating="satisfied"
        ),
        lambda w: [w.obj("case_replied")],
        "denied",
    ),
    (
        "a rating before the written reply",
        PUBLIC,
        None,
        lambda a, w: replies.rate_case(
            a,
            w.obj("case_resolution"),
            query_code=w.data["case_resolution_code"],
            rating="satisfied",
        ),
        lambda w: [w.obj("case_resolution")],
        "invalid",
    ),
    # deadlines: the worker's steps are the system's; acknowledging, a breached one
    (
        "the petitioner (the public page) reads the petitioners of their case",
        PUBLIC,
        None,
        lambda a, w: party_details(a, w.obj("case_replied"), purpose="matrix"),
        lambda w: [w.obj("case_replied")],
        "denied",
    ),
    (
        "the system records a breach",
        SYSTEM,
        None,
        lambda a, w: _breach(a, w),
        lambda w: [],
        "ok",
    ),
    (
        "a breach is acknowledged twice",
        R.PEACE_OFFICE_HEAD,
        lambda w: deadlines.acknowledge(Actor.system(), w.obj("deadline_breached")),
        lambda a, w: deadlines.acknowledge(a, w.obj("deadline_breached")),
        lambda w: [w.obj("deadline_breached")],
        "invalid",
    ),
    (
        "a deadline not breached is acknowledged",
        R.PEACE_OFFICE_HEAD,
        None,
        lambda a, w: deadlines.acknowledge(a, w.obj("deadline_open")),
        lambda w: [w.obj("deadline_open")],
        "invalid",
    ),
    (
        "a task-force member the escalation never reached acknowledges",
        R.TASK_FORCE_MEMBER,
        None,
        lambda a, w: deadlines.acknowledge(a, w.obj("deadline_breached")),
        lambda w: [w.obj("deadline_breached")],
        "denied",
    ),
    # one's own things only
    (
        "a member sets another member's channels",
        R.PEACE_OFFICE_HEAD,
        None,
        lambda a, w: notify.set_channels(a, w.member("刘洋"), []),
        lambda w: [w.member("刘洋")],
        "denied",
    ),
    (
        "a member sets up an authenticator with a code that is not six digits",
        R.AUDITOR,
        None,
        lambda a, w: orgs.confirm_second_factor(a, "00" * 20, "12345x"),
        lambda w: list(TOTPDevice.objects.all()),
        "invalid",
    ),
    (
        "the peace office head changes their own role",
        R.PEACE_OFFICE_HEAD,
        None,
        lambda a, w: orgs.update_member(a, a.member, role=Role.ADMIN),
        lambda w: [w.member("陈静")],
        "invalid",
    ),
    (
        "a superuser login made from a page",
        R.ADMIN,
        None,
        lambda a, w: orgs.create_login(a, w.obj("member_no_login"), "x_admin", superuser=True),
        lambda w: [w.obj("member_no_login")],
        "denied",
    ),
    # plans and notifications: state
    (
        "a draft published twice",
        R.PEACE_OFFICE_HEAD,
        lambda w: plans.publish_draft(Actor.system(), w.obj("draft")),
        lambda a, w: plans.publish_draft(a, w.obj("draft")),
        lambda w: [w.obj("draft")],
        "invalid",
    ),
    (
        "a message not dead-lettered is retried",
        R.PEACE_OFFICE_STAFF,
        lambda w: notify.retry(Actor.system(), w.obj("dead_letter")),
        lambda a, w: notify.retry(a, w.obj("dead_letter")),
        lambda w: [w.obj("dead_letter")],
        "invalid",
    ),
]


def _breach(actor: Actor, w: World) -> None:
    from django.db import transaction

    deadline = w.obj("deadline_open")
    with transaction.atomic():
        deadlines.breach(actor, deadline, at=deadline.due_at + timedelta(minutes=1))


EXCEPTIONS = {
    "denied": PermissionDenied,
    "invalid": ValidationError,
    "not_found": Http404,
}


@pytest.mark.parametrize("row", ROWS, ids=[r[0] for r in ROWS])
def test_state_cell(world, row):
    _name, role, setup, call, targets, expected = row
    with cell():
        if setup is not None:
            setup(world)
        if role is None:
            actor = Actor.system("matrix")
        elif role == PUBLIC:
            actor = Actor.public_visitor("信访人（查询页）")
        else:
            actor = _fresh(world.actors[Role(role)])
        before = Unchanged(targets(world), allow=AUDIT_TABLES if expected == "ok" else ())
        if expected == "ok":
            call(actor, world)
            return
        with pytest.raises(EXCEPTIONS[expected]):
            call(actor, world)
        assert before.differences() == []


def _fresh(actor: Actor) -> Actor:
    """The actor with its member read again (a setup may have changed the seat)."""
    assert actor.member is not None
    member = type(actor.member).objects.get(pk=actor.member.pk)
    return Actor.for_member(member)
