"""State changes of the organisation: townships, units, members, seats, duty roster, logins.

Every function here checks the actor's permission, validates, writes in one
transaction together with its audit event, and raises
``django.core.exceptions.ValidationError`` (with field errors where a field is
at fault) or ``PermissionDenied``; on either, nothing is written.
"""

from __future__ import annotations

import secrets
import string
from datetime import datetime
from typing import Any

from axes.utils import reset as axes_reset
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice, key_validator

from yingji.audit.log import record
from yingji.plans.models import PlanVersion

from . import twofactor
from .access import Actor, require
from .choices import Seat
from .models import DutyShift, LeadingGroupSeat, Member, Township, Unit


def _snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """Return ``{field: value}`` of ``obj`` for the audit event, foreign keys by id."""
    out: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, getattr(obj._meta.get_field(name), "attname", name))
        out[name] = value.isoformat() if isinstance(value, datetime) else value
    return out


def _save(obj: models.Model, exclude: list[str] | None = None) -> None:
    """Validate ``obj`` with its model rules, then save it (raises ``ValidationError``)."""
    obj.full_clean(exclude=exclude)
    obj.save()


def _same_township(township: Township, *objs: models.Model | None) -> None:
    for obj in objs:
        if obj is not None and getattr(obj, "township_id", None) != township.pk:
            raise ValidationError(_("%(obj)s belongs to another township.") % {"obj": obj})


def create_township(
    actor: Actor, *, name: str, code: str, county: str = "", plan_version: PlanVersion | None = None
) -> Township:
    """Create a township with ``plan_version`` in force. Only the system (CLI) may do this."""
    if not actor.is_system:
        raise PermissionDenied("townships are created from the command line")
    if Township.objects.filter(code=code).exists():
        raise ValidationError(
            {"code": _("A township with code %(code)s already exists.") % {"code": code}}
        )
    with transaction.atomic():
        township = Township(name=name, code=code, county=county, plan_version=plan_version)
        _save(township)
        record(
            actor,
            "orgs.create_township",
            township,
            after=_snapshot(township, ["name", "code", "county"]),
            township=township,
        )
    return township


UNIT_FIELDS = ["name", "kind", "phone", "active"]


def _check_unit_name(township: Township, name: str, unit: Unit | None = None) -> None:
    """Raise a ``name`` field error if the township already has another unit called ``name``."""
    same = Unit.objects.filter(township=township, name=name)
    if unit is not None:
        same = same.exclude(pk=unit.pk)
    if same.exists():
        raise ValidationError(
            {"name": _("The township already has a unit called %(name)s.") % {"name": name}}
        )


def create_unit(actor: Actor, township: Township, **fields: Any) -> Unit:
    """Create a unit of ``township`` from ``fields`` (``name``, ``kind``, ``phone``, ``active``)."""
    require(actor, "orgs.manage", township)
    _check_unit_name(township, fields.get("name", ""))
    with transaction.atomic():
        unit = Unit(township=township, **fields)
        _save(unit)
        record(actor, "orgs.create_unit", unit, after=_snapshot(unit, UNIT_FIELDS))
    return unit


def update_unit(actor: Actor, unit: Unit, **changes: Any) -> Unit:
    """Change ``unit``'s fields (those of :data:`UNIT_FIELDS`)."""
    require(actor, "orgs.manage", unit.township)
    if "name" in changes:
        _check_unit_name(unit.township, changes["name"], unit)
    with transaction.atomic():
        before = _snapshot(unit, UNIT_FIELDS)
        for name, value in changes.items():
            if name not in UNIT_FIELDS:
                raise ValueError(f"unknown unit field {name}")
            setattr(unit, name, value)
        _save(unit)
        record(actor, "orgs.update_unit", unit, before=before, after=_snapshot(unit, UNIT_FIELDS))
    return unit


MEMBER_FIELDS = ["name", "unit", "title", "phone", "email", "role", "active"]


def create_member(actor: Actor, township: Township, **fields: Any) -> Member:
    """Create a member of ``township`` from ``fields`` (those of :data:`MEMBER_FIELDS`)."""
    require(actor, "orgs.manage", township)
    _same_township(township, fields.get("unit"))
    with transaction.atomic():
        member = Member(township=township, **fields)
        _save(member, exclude=["user"])
        record(actor, "orgs.create_member", member, after=_snapshot(member, MEMBER_FIELDS))
    return member


def update_member(actor: Actor, member: Member, **changes: Any) -> Member:
    """Change ``member``'s fields (those of :data:`MEMBER_FIELDS`)."""
    require(actor, "orgs.manage", member.township)
    _same_township(member.township, changes.get("unit"))
    if (
        actor.member is not None
        and actor.member.pk == member.pk
        and changes.get("role", member.role) != member.role
    ):
        raise ValidationError({"role": _("You cannot change your own role.")})
    with transaction.atomic():
        before = _snapshot(member, MEMBER_FIELDS)
        for name, value in changes.items():
            if name not in MEMBER_FIELDS:
                raise ValueError(f"unknown member field {name}")
            setattr(member, name, value)
        _save(member, exclude=["user"])
        record(
            actor,
            "orgs.update_member",
            member,
            before=before,
            after=_snapshot(member, MEMBER_FIELDS),
        )
    return member


def _one_time_password() -> str:
    """Return a random 14-character password with lower, upper case letters and digits."""
    alphabet = string.ascii_letters + string.digits
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(14))
        if (
            any(c.islower() for c in password)
            and any(c.isupper() for c in password)
            and any(c.isdigit() for c in password)
        ):
            return password


def create_login(actor: Actor, member: Member, username: str, *, superuser: bool = False) -> str:
    """Give ``member`` a login ``username`` and return its one-time password.

    The password is shown once and must be changed at first login.
    ``superuser`` (Django admin access) is granted by the system actor only.
    Raises ``ValidationError`` if the member already has a login or the name is taken.
    """
    require(actor, "orgs.manage_accounts", member.township)
    if superuser and not actor.is_system:
        raise PermissionDenied("superusers are made from the command line")
    user_model = get_user_model()
    if member.user_id is not None:
        raise ValidationError(_("%(name)s already has a login.") % {"name": member.name})
    if user_model._default_manager.filter(username=username).exists():
        raise ValidationError({"username": _("This login name is taken.")})
    password = _one_time_password()
    with transaction.atomic():
        user = user_model(
            username=username, email=member.email, is_staff=superuser, is_superuser=superuser
        )
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        member.user = user
        member.must_change_password = True
        member.save(update_fields=["user", "must_change_password"])
        record(
            actor, "orgs.create_login", member, after={"username": username, "superuser": superuser}
        )
    return password


def change_password(actor: Actor, new_password: str) -> None:
    """Set the acting member's own password (validated by Django's password rules).

    Clears the must-change flag. Raises ``ValidationError`` with the rules the
    password breaks; the audit event records the change, never the password.
    """
    if actor.member is None or actor.user is None:
        raise PermissionDenied("only a member changes their own password")
    validate_password(new_password, actor.user)
    with transaction.atomic():
        actor.user.set_password(new_password)
        actor.user.save(update_fields=["password"])
        actor.member.must_change_password = False
        actor.member.save(update_fields=["must_change_password"])
        record(actor, "orgs.change_password", actor.member)


def confirm_second_factor(actor: Actor, key: str, token: str) -> TOTPDevice:
    """Create the acting member's confirmed TOTP device with hex ``key`` once ``token`` matches it.

    ``key`` is the 40-hex-digit key the set-up page showed (kept in the session,
    ``orgs.twofactor.SESSION_KEY``); ``token`` the six digits the app shows now
    (one 30-second step either side accepted). Nothing is stored before this
    call, so opening the set-up page changes no state. Other devices of the
    member are removed, so exactly one confirmed device remains; the step used
    is recorded, so the same code cannot pass the login check again. Raises
    ``ValidationError`` on ``token`` for a wrong or expired code.
    """
    if actor.member is None or actor.user is None:
        raise PermissionDenied("only a member sets up their own second factor")
    key_validator(key)  # ValidationError for anything but 40 hex digits
    device = twofactor.unsaved_device(actor.user, key)
    step = twofactor.matching_step(device, token)
    if step is None:
        raise ValidationError(
            {"token": _("The code is wrong or has expired; enter the code shown now.")}
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=actor.user).delete()
        device.confirmed = True
        device.last_t = step
        device.save()
        record(actor, "orgs.confirm_second_factor", actor.member)
    return device


def reset_second_factor(actor: Actor, member: Member) -> None:
    """Remove ``member``'s TOTP devices (a lost phone); they set up a new one at next login."""
    require(actor, "orgs.manage_accounts", member.township)
    with transaction.atomic():
        count, _ = TOTPDevice.objects.filter(user=member.user).delete()
        record(actor, "orgs.reset_second_factor", member, before={"devices": count})


def unlock_login(actor: Actor, member: Member) -> None:
    """Lift a lockout after repeated failed logins (django-axes) of ``member``'s login."""
    require(actor, "orgs.manage_accounts", member.township)
    if member.user is None:
        raise ValidationError(_("%(name)s has no login.") % {"name": member.name})
    with transaction.atomic():
        removed = axes_reset(username=member.user.username)
        record(actor, "orgs.unlock_login", member, before={"failed_attempt_records": removed})


SEAT_FIELDS = ["member", "seat", "acting_head", "order"]


def set_seat(
    actor: Actor, member: Member, seat: str, *, acting_head: bool = False, order: int = 0
) -> LeadingGroupSeat:
    """Seat ``member`` in the leading group as ``seat`` (head / deputy / member), plan §四.

    Re-seating a member moves them. Raises ``ValidationError`` if the township
    already has another head, or ``acting_head`` is given to a non-deputy.
    """
    require(actor, "orgs.manage", member.township)
    township = member.township
    if seat == Seat.HEAD:
        other = (
            LeadingGroupSeat.objects.filter(township=township, seat=Seat.HEAD)
            .exclude(member=member)
            .first()
        )
        if other is not None:
            raise ValidationError(
                {
                    "seat": _("The leading group already has a head: %(name)s.")
                    % {"name": other.member.name}
                }
            )
    if acting_head and seat != Seat.DEPUTY:
        raise ValidationError({"acting_head": _("Only a deputy head can act as head.")})
    with transaction.atomic():
        row = LeadingGroupSeat.objects.filter(township=township, member=member).first()
        before = _snapshot(row, SEAT_FIELDS) if row else None
        if row is None:
            row = LeadingGroupSeat(township=township, member=member)
        row.seat, row.acting_head, row.order = seat, acting_head, order
        _save(row)
        record(actor, "orgs.set_seat", row, before=before, after=_snapshot(row, SEAT_FIELDS))
    return row


def remove_seat(actor: Actor, seat: LeadingGroupSeat) -> None:
    """Remove a member's seat from the leading group."""
    require(actor, "orgs.manage", seat.township)
    with transaction.atomic():
        record(actor, "orgs.remove_seat", seat, before=_snapshot(seat, SEAT_FIELDS))
        seat.delete()


SHIFT_FIELDS = ["member", "starts_at", "ends_at", "note"]


def add_duty_shift(
    actor: Actor, member: Member, starts_at: datetime, ends_at: datetime, note: str = ""
) -> DutyShift:
    """Put ``member`` on duty from ``starts_at`` to ``ends_at`` (aware datetimes).

    Raises ``ValidationError`` if the shift does not end after it starts.
    """
    require(actor, "orgs.manage", member.township)
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The shift must end after it starts.")})
    with transaction.atomic():
        shift = DutyShift(
            township=member.township, member=member, starts_at=starts_at, ends_at=ends_at, note=note
        )
        _save(shift)
        record(actor, "orgs.add_duty_shift", shift, after=_snapshot(shift, SHIFT_FIELDS))
    return shift


def remove_duty_shift(actor: Actor, shift: DutyShift) -> None:
    """Remove a shift from the duty roster."""
    require(actor, "orgs.manage", shift.township)
    with transaction.atomic():
        record(actor, "orgs.remove_duty_shift", shift, before=_snapshot(shift, SHIFT_FIELDS))
        shift.delete()
