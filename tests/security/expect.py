"""What the matrix expects of one cell: may this role do this, on this object, in this state?

The rules of ``yingji.orgs.matrix`` are restated here from the facts of the
world (who holds which seat, who is named in a case's five-ones, who is in a
task force), not by calling the product's own checks, so that a check that
drifts from its rule is caught.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models

from yingji.audit.models import AuditChainHead, AuditEvent
from yingji.incidents.models import Incident, TaskForceMember
from yingji.notify.models import Notification
from yingji.orgs import matrix
from yingji.orgs.choices import Role
from yingji.orgs.matrix import Guard
from yingji.orgs.models import LeadingGroupSeat, Member
from yingji.orgs.permissions import PERMISSIONS
from yingji.petitions.models import Document, PetitionCase

from .world import World, row_counts, state_of

#: Roles that handle every petition case of their township (the peace office and the heads).
CASE_OFFICE = {Role.PEACE_OFFICE_STAFF, Role.PEACE_OFFICE_HEAD, Role.HEAD, Role.DEPUTY}
#: Roles that handle every incident (the peace office and the leading group).
INCIDENT_OFFICE = CASE_OFFICE | {Role.MEMBER}
#: Tables a refused call may still write: the audit chain (an attempt on evidence is audited).
AUDIT_TABLES = (AuditEvent._meta.db_table, AuditChainHead._meta.db_table)
#: Tables a request writes whatever it does (the session's last activity).
SESSION_TABLES = ("django_session",)


def _case_of(obj: Any) -> PetitionCase | None:
    if isinstance(obj, PetitionCase):
        return obj
    if isinstance(obj, Document):
        return obj.case
    return None


def handles_case(member: Member, case: PetitionCase) -> bool:
    """The rule ``matrix.HANDLER``: office roles, the five-ones people, the receiver, the unit."""
    if (
        case.category == "report"
        and case.accused_unit_id
        and member.unit_id == case.accused_unit_id
    ):
        return False
    return (
        member.role in CASE_OFFICE
        or member.pk in (case.lead_official_id, case.responsible_person_id, case.received_by_id)
        or (member.unit_id is not None and member.unit_id == case.handling_unit_id)
    )


def handles_incident(member: Member, incident: Incident) -> bool:
    """The rule ``matrix.INCIDENT_HANDLER``: a peace-office or leading-group role or seat, or its task force."""
    if member.role in INCIDENT_OFFICE:
        return True
    if LeadingGroupSeat.objects.filter(member=member).exists():
        return True
    return TaskForceMember.objects.filter(
        task_force__incident=incident, member=member
    ).exists() or (hasattr(incident, "task_force") and incident.task_force.leader_id == member.pk)


def reached(member: Member, deadline: Any) -> bool:
    """The rule ``matrix.ESCALATED_TO``: an escalation message of ``deadline`` went to ``member``."""
    return Notification.objects.filter(
        kind="deadline.escalation",
        recipient=member,
        content_type=ContentType.objects.get_for_model(deadline),
        object_id=str(deadline.pk),
    ).exists()


def allowed(guard: Guard, role: Role | None, member: Member | None, obj: Any = None) -> bool:
    """True if ``member`` (of ``role``; None for no login) passes ``guard`` on ``obj``."""
    first = guard.permissions[0]
    if first in (matrix.SYSTEM, matrix.NOBODY):
        return False
    if first == matrix.PUBLIC:
        return True
    if member is None or role is None:
        return False
    base = role in guard.roles()
    rule = guard.also
    if rule == "":
        return base
    if rule == matrix.ESCALATED_TO:
        return base or reached(member, obj)
    if rule in (matrix.SELF, matrix.QUERY_CODE):
        return base
    if rule == matrix.HEAD_SEAT:
        seat = LeadingGroupSeat.objects.filter(member=member).first()
        return base and seat is not None and (seat.seat == "head" or seat.acting_head)
    if rule == matrix.HANDLER:
        case = _case_of(obj)
        assert case is not None, f"HANDLER needs a case, not {obj!r}"
        return base and handles_case(member, case)
    if rule == matrix.INCIDENT_HANDLER:  # the incident, or a file or item of it
        return base and handles_incident(member, getattr(obj, "incident", obj))
    if rule == matrix.OWN_PLACE:
        assert isinstance(obj, TaskForceMember)
        own = member.pk in (obj.member_id, obj.task_force.leader_id)
        return base and (own or role in PERMISSIONS["incidents.form_task_force"])
    raise AssertionError(f"unknown rule {rule}")


class Unchanged:
    """Remember the row counts of every table and the stored state of ``targets``; compare later."""

    def __init__(self, targets: list[models.Model], *, allow: tuple[str, ...] = ()):
        self.targets = [t for t in targets if t is not None and t.pk is not None]
        self.allow = allow
        self.counts = row_counts(exclude=allow)
        self.states = state_of(self.targets)

    def differences(self) -> list[str]:
        """Return what changed since: ``table: before → after`` and changed targets."""
        out = []
        after = row_counts(exclude=self.allow)
        for table, n in self.counts.items():
            if after[table] != n:
                out.append(f"{table}: {n} → {after[table]}")
        for obj, before, now in zip(self.targets, self.states, state_of(self.targets), strict=True):
            if before != now:
                changed = sorted(k for k in before if before.get(k) != now.get(k))
                out.append(f"{obj._meta.label} {obj.pk}: {changed}")
        return out


def refusal(exc: BaseException | None) -> bool:
    """True for the refusal of an action: ``PermissionDenied``."""
    return isinstance(exc, PermissionDenied)


def member_of_role(w: World, role: Role, outsider: bool = False) -> Member:
    actor = (w.outsiders if outsider else w.actors)[role]
    assert actor.member is not None
    return actor.member


def outsider_roles(guard: Guard) -> list[Role]:
    """The role whose member of another township is tried: the first holding the guard's permissions.

    For them only the township check stands between the request and the
    object; a role without the permission is refused by the role already,
    as its cell in the township shows. A guard no role passes tries the peace office head.
    """
    roles = [r for r in Role if r in guard.roles()]
    return roles[:1] or [Role.PEACE_OFFICE_HEAD]
