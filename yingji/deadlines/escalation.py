"""Who hears about a deadline, what they read, and the signed acknowledgement link.

The escalation chain comes from the plan (``Plan.escalation``, DESIGN.md §4:
duty officer → peace office head → leading-group head); the duty roster
decides who is the duty officer now (``orgs.queries.on_duty``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yingji.notify.outbox import RouteCache
from yingji.orgs.choices import Role, Seat
from yingji.orgs.models import LeadingGroupSeat, Member, Township
from yingji.orgs.queries import on_duty
from yingji.plans.models import PlanVersion
from yingji.plans.schema import EscalationRole

from .models import Deadline

_ACK_SALT = "yingji.deadlines.ack"

#: The chain used when a deadline has no plan to take one from (DESIGN.md §4).
DEFAULT_CHAIN: list[dict[str, Any]] = [
    {"role": EscalationRole.DUTY_OFFICER.value, "after_minutes": 0},
    {"role": EscalationRole.PEACE_OFFICE_HEAD.value, "after_minutes": 10},
    {"role": EscalationRole.HEAD.value, "after_minutes": 20},
]


class Cache:
    """What one worker pass looks up once: plan versions, recipients, channels, subjects' names."""

    def __init__(self, at: datetime) -> None:
        self.at = at
        self.plans: dict[int, PlanVersion] = {}
        self.people: dict[tuple[int, str], list[Member]] = {}
        self.routes = RouteCache()
        self.names: dict[tuple[int, str], str] = {}


def chain_for(deadline: Deadline, cache: Cache | None = None) -> list[dict[str, Any]]:
    """Return the escalation chain for ``deadline``: its plan version's, else the township's plan in force.

    Each step is ``{"role": EscalationRole value, "after_minutes": int}``,
    minutes after ``due_at`` (plan ``escalation``).
    """
    version_id = deadline.plan_version_id or deadline.township.plan_version_id
    if version_id is None:
        return [dict(s) for s in DEFAULT_CHAIN]
    version = cache.plans.get(version_id) if cache else None
    if version is None:
        version = PlanVersion.objects.get(pk=version_id)
        if cache is not None:
            cache.plans[version_id] = version
    return [
        {"role": s.role.value, "after_minutes": s.after_minutes} for s in version.plan.escalation
    ]


def step_due_at(deadline: Deadline, step: int) -> datetime | None:
    """Return when step ``step`` (0-based) of the copied chain falls due, or None past its end."""
    if step >= len(deadline.escalation_chain):
        return None
    return deadline.due_at + timedelta(
        minutes=int(deadline.escalation_chain[step]["after_minutes"])
    )


def _role_members(township: Township, role: str, at: datetime) -> list[Member]:
    if role == EscalationRole.DUTY_OFFICER:
        return [s.member for s in on_duty(township, at) if s.member.active]
    if role == EscalationRole.PEACE_OFFICE_HEAD:
        return list(
            Member.objects.filter(township=township, role=Role.PEACE_OFFICE_HEAD, active=True)
        )
    seats = LeadingGroupSeat.objects.filter(township=township, member__active=True).filter(
        seat=Seat.HEAD
    ) | LeadingGroupSeat.objects.filter(township=township, member__active=True, acting_head=True)
    return [s.member for s in seats.select_related("member").order_by("order", "id")]


def recipients(township: Township, role: str, cache: Cache | None = None) -> list[Member]:
    """Return the active members who hold escalation ``role`` in ``township`` now.

    Nobody must go unwarned: when nobody holds the role the next role up the
    chain is told (nobody on duty → the peace office head → the leading-group
    head), and when nobody above does either, the roles below it.
    """
    at = cache.at if cache else timezone.now()
    key = (township.pk, role)
    if cache is not None and key in cache.people:
        return cache.people[key]
    order = [r.value for r in EscalationRole]
    at_role = order.index(role) if role in order else 0
    # Up the chain first (nobody on duty → the peace office head), then back down it.
    found: list[Member] = []
    for fallback in order[at_role:] + order[:at_role][::-1]:
        found = _role_members(township, fallback, at)
        if found:
            break
    if cache is not None:
        cache.people[key] = found
    return found


def role_label(role: str) -> str:
    """Return the role's name in the active language."""
    return {
        EscalationRole.DUTY_OFFICER: _("duty officer"),
        EscalationRole.PEACE_OFFICE_HEAD: _("peace office head"),
        EscalationRole.HEAD: _("leading-group head"),
    }.get(EscalationRole(role), role)


def ack_token(deadline: Deadline, member: Member) -> str:
    """Return a signed token that lets ``member`` acknowledge ``deadline`` (valid ``YINGJI_ACK_LINK_MAX_AGE_S``).

    ``<deadline id>.<member id>`` signed with a timestamp (Django's
    ``TimestampSigner`` keyed by ``SECRET_KEY``, salted for this use).
    """
    return signing.TimestampSigner(salt=_ACK_SALT).sign(f"{deadline.pk}.{member.pk}")


def read_ack_token(token: str) -> tuple[int, int]:
    """Return ``(deadline_id, member_id)`` of a token; raises ``signing.BadSignature`` (or its subclass ``SignatureExpired``)."""
    value = signing.TimestampSigner(salt=_ACK_SALT).unsign(
        token, max_age=settings.YINGJI_ACK_LINK_MAX_AGE_S
    )
    try:
        deadline_id, member_id = value.split(".")
        return int(deadline_id), int(member_id)
    except ValueError:
        raise signing.BadSignature(token) from None


_PATHS: dict[str, str] = {}


def _path(name: str, *args: str) -> str:
    # Resolve each URL pattern once: the worker builds a link for every message it sends.
    if name not in _PATHS:
        _PATHS[name] = reverse(name, args=["__arg__"] * len(args))
    path = _PATHS[name]
    for arg in args:
        path = path.replace("__arg__", arg, 1)
    return path


def absolute(path: str) -> str:
    """Return ``path`` on ``YINGJI_BASE_URL``."""
    return settings.YINGJI_BASE_URL + path


def ack_link(deadline: Deadline, member: Member) -> str:
    """Return the absolute signed acknowledgement link for ``member``."""
    return absolute(_path("deadlines:ack_link", ack_token(deadline, member)))


def page_link(deadline: Deadline) -> str:
    """Return the absolute link to the deadline on the "What is due" page."""
    return absolute(_path("deadlines:due") + f"#deadline-{deadline.pk}")
