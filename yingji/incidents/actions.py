"""State changes of incidents (plan §六, §七): receive, verify, report, activate, task force, close.

On-scene actions (checklist, log, evidence, demands) are in ``actions_scene.py``.
Every function takes the :class:`Actor` first, checks permission, validates,
and writes in one transaction with its audit event, deadlines and notifications.
All times are aware; "now" is ``timezone.now()`` (tests freeze it).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yingji.audit.log import record
from yingji.deadlines.actions import cancel_all, open_plan_deadlines, satisfy_plan_deadlines
from yingji.notify.outbox import queue
from yingji.numbering import next_number
from yingji.orgs.access import Actor, require
from yingji.orgs.choices import HANDLING_ROLES, Seat
from yingji.orgs.models import LeadingGroupSeat, Member, Township
from yingji.orgs.queries import leading_group
from yingji.plans.schema import Event

from .choices import TRANSITIONS, IncidentSource, IncidentStatus, LogKind
from .models import Incident, IncidentReport, LogEntry, TaskForce, TaskForceMember


def _move(incident: Incident, to: IncidentStatus) -> None:
    """Set ``incident.status`` to ``to``; raises ``ValidationError`` for a move ``TRANSITIONS`` forbids."""
    if to not in TRANSITIONS[incident.status]:
        raise ValidationError(
            _("An incident that is “%(now)s” cannot become “%(to)s”.")
            % {"now": incident.get_status_display(), "to": to.label}
        )
    incident.status = to


def _event(incident: Incident, event: Event, at: datetime) -> None:
    """Satisfy the incident's deadlines ending on ``event`` and open those starting on it."""
    satisfy_plan_deadlines(incident, event=event, at=at)
    open_plan_deadlines(
        incident,
        township=incident.township,
        plan_version=incident.plan_version,
        event=event,
        at=at,
        category=incident.category,
    )


def log(incident: Incident, actor: Actor, kind: LogKind, text: str, at: datetime) -> LogEntry:
    """Write one on-scene log entry (inside the calling action's transaction)."""
    return LogEntry.objects.create(
        township=incident.township,
        incident=incident,
        at=at,
        author=actor.member,
        author_label=actor.label,
        kind=kind,
        text=text,
    )


def link(incident: Incident, name: str = "incidents:detail") -> str:
    """Return the page of ``incident`` (for notifications)."""
    return reverse(name, args=[incident.pk])


def leaders(township: Township) -> list[Member]:
    """Return the leading group's members, head first (the recipients of reports, plan §六(二))."""
    return [seat.member for seat in leading_group(township) if seat.member.active]


def _in_township(actor: Actor, obj: Any, permission: str) -> None:
    require(actor, permission, obj.township)
    if isinstance(obj, Incident):
        obj.refresh_from_db()  # decide on the stored state, not on a stale copy


def _lock(incident: Incident) -> None:
    """Lock the incident's row for this transaction and reload it in place."""
    list(Incident.objects.select_for_update().filter(pk=incident.pk).values_list("pk"))
    incident.refresh_from_db()


def receive_incident(
    actor: Actor,
    township: Township,
    *,
    category: str,
    source: IncidentSource | str,
    summary: str,
    received_at: datetime | None = None,
    source_object: models.Model | None = None,
    **fields: Any,
) -> Incident:
    """Register an incident received now (or at ``received_at``, aware) under the plan in force.

    Opens the plan's deadlines that start on ``incident.received`` (the
    15-minute verified report, plan §六(二)). ``fields`` may set
    ``occurred_at``, ``place``, ``headcount``, ``cause``. Raises
    ``ValidationError`` for a category the plan does not have, and
    ``PermissionDenied`` unless ``actor`` may receive incidents.
    """
    require(actor, "incidents.receive", township)
    version = township.plan_version
    if version is None:
        raise ValidationError(_("No plan is in force for this township."))
    if category not in {c.key for c in version.plan.incident_categories}:
        raise ValidationError(
            {"category": _("The plan has no incident category “%(key)s”.") % {"key": category}}
        )
    at = received_at or timezone.now()
    with transaction.atomic():
        incident = Incident(
            township=township,
            number=next_number(Incident, township, "SJ", at),
            plan_version=version,
            category=category,
            source=source,
            summary=summary,
            received_at=at,
            received_by=actor.member,
            **fields,
        )
        if source_object is not None:
            incident.source_type = ContentType.objects.get_for_model(source_object)
            incident.source_id = str(source_object.pk)
        incident.full_clean()
        incident.save()
        open_plan_deadlines(
            incident,
            township=township,
            plan_version=version,
            event=Event.INCIDENT_RECEIVED,
            at=at,
            category=category,
        )
        log(incident, actor, LogKind.STATUS, _("Incident received: %s") % summary, at)
        record(
            actor,
            "incidents.receive",
            incident,
            after={"number": incident.number, "category": category},
        )
    return incident


def verify_incident(actor: Actor, incident: Incident, *, true: bool, note: str = "") -> Incident:
    """Record the peace office's verification (plan §六(二) 立即核实): true, or not true.

    Not true dismisses the incident and cancels its running deadlines; true
    moves it to ``verified`` (the report is sent by :func:`send_report`).
    Raises ``ValidationError`` unless the incident is ``received``, or when a
    "not true" finding has no note.
    """
    _in_township(actor, incident, "incidents.verify")
    if not true and not note.strip():
        raise ValidationError({"note": _("Say why the report is not true.")})
    now = timezone.now()
    with transaction.atomic():
        _lock(incident)
        _move(incident, IncidentStatus.VERIFIED if true else IncidentStatus.DISMISSED)
        incident.verified_at, incident.verified_by = now, actor.member
        incident.verification_note = note.strip()
        incident.save()
        if true:
            _event(incident, Event.INCIDENT_VERIFIED, now)
        else:
            cancel_all(incident, at=now)
        log(
            incident,
            actor,
            LogKind.STATUS,
            (_("Verified as true.") if true else _("Found not true: %s") % note.strip()),
            now,
        )
        record(actor, "incidents.verify", incident, after={"true": true, "note": note.strip()})
    return incident


def missing_report_contents(incident: Incident, contents: dict[str, str]) -> list[str]:
    """Return the keys of the plan's incident report contents (§六(二)) left empty in ``contents``."""
    keys = incident.plan_version.plan.report_contents.incident.fields
    return [k for k in keys if not str(contents.get(k, "") or "").strip()]


def send_report(actor: Actor, incident: Incident, contents: dict[str, str]) -> IncidentReport:
    """Send the verified report to the head and the leading group (plan §六(二), 15 minutes).

    ``contents`` maps the plan's report-field keys (``time``, ``place``,
    ``cause``, ``headcount``, ``lead_persons``, ``potential_harm``, ``urgency``,
    ``development`` in the default plan) to text. An incomplete report is
    refused with ``ValidationError`` naming every missing content; so is a
    report on an incident not yet verified. Satisfies ``incident.reported``.
    """
    _in_township(actor, incident, "incidents.verify")
    plan = incident.plan_version.plan
    names = {f.key: f.name for f in plan.report_fields}
    missing = missing_report_contents(incident, contents)
    if missing:
        errors: dict[str, Any] = {k: [_("Required by the plan (§六(二)).")] for k in missing}
        errors[NON_FIELD_ERRORS] = [
            _("The report lacks: %(names)s (plan §六(二)).")
            % {"names": "、".join(names[k] for k in missing)}
        ]
        raise ValidationError(errors)
    if incident.status == IncidentStatus.RECEIVED:
        raise ValidationError(_("Verify the incident before sending the report."))
    keys = plan.report_contents.incident.fields
    clean = {k: str(contents[k]).strip() for k in keys}
    now = timezone.now()
    with transaction.atomic():
        _lock(incident)
        _move(incident, IncidentStatus.REPORTED)
        incident.save()
        report = IncidentReport.objects.create(
            township=incident.township,
            incident=incident,
            contents=clean,
            sent_at=now,
            sent_by=actor.member,
        )
        _event(incident, Event.INCIDENT_REPORTED, now)
        body = "\n".join(f"{names[k]}：{clean[k]}" for k in keys)
        queue(
            incident.township,
            leaders(incident.township),
            kind="incident.report",
            subject=_("Verified report %(number)s: %(summary)s")
            % {"number": incident.number, "summary": incident.summary[:80]},
            body=body,
            key=f"incident:{incident.pk}:report",
            link=link(incident),
            about=incident,
        )
        log(incident, actor, LogKind.STATUS, _("Verified report sent to the leading group."), now)
        record(actor, "incidents.report", incident, after=clean)
    return report


def acting_as(member: Member | None) -> str | None:
    """Return "head" or "acting_head" if ``member`` may activate the plan (§六(三)); else None."""
    if member is None:
        return None
    seat = LeadingGroupSeat.objects.filter(township=member.township, member=member).first()
    if seat is None:
        return None
    if seat.seat == Seat.HEAD:
        return "head"
    if seat.seat == Seat.DEPUTY and seat.acting_head:
        return "acting_head"
    return None


def activate(actor: Actor, incident: Incident) -> Incident:
    """Activate the plan for a verified, reported incident (plan §六(三) 由组长启动本应急预案).

    Only the head, or a deputy recorded as acting head, may: anyone else gets
    ``PermissionDenied``. Records who, when and the plan version; opens the
    deadlines starting on ``incident.activated`` (40 minutes to the first
    arrival for the district tier, §六(五)2(1); the configured minutes for the
    township tier, §六(五)1). Raises ``ValidationError`` for an incident not
    verified and reported.
    """
    _in_township(actor, incident, "incidents.activate")
    capacity = acting_as(actor.member)
    if capacity is None:
        raise PermissionDenied(_("Only the head or a deputy recorded as acting head may activate."))
    if incident.status in (IncidentStatus.RECEIVED, IncidentStatus.DISMISSED):
        raise ValidationError(_("Only a verified incident can be activated."))
    if incident.status == IncidentStatus.VERIFIED:
        raise ValidationError(_("Send the verified report before activating."))
    now = timezone.now()
    with transaction.atomic():
        _lock(incident)
        _move(incident, IncidentStatus.ACTIVATED)
        incident.activated_at, incident.activated_by = now, actor.member
        incident.activated_as = capacity
        incident.activated_plan_version = incident.plan_version
        incident.save()
        _event(incident, Event.INCIDENT_ACTIVATED, now)
        queue(
            incident.township,
            leaders(incident.township),
            kind="incident.activated",
            subject=_("Plan activated for %(number)s") % {"number": incident.number},
            key=f"incident:{incident.pk}:activated",
            link=link(incident),
            about=incident,
        )
        log(incident, actor, LogKind.STATUS, _("Plan activated."), now)
        record(
            actor,
            "incidents.activate",
            incident,
            after={
                "as": capacity,
                "plan": incident.plan_version.code,
                "plan_version": incident.plan_version.version,
            },
        )
    return incident


def _check_unit(incident: Incident, unit_key: str, member: Member) -> None:
    units = {u.key: u for u in incident.plan_version.plan.roles.task_force_units}
    if unit_key not in units:
        raise ValidationError({"members": _("The plan has no task-force unit “%s”.") % unit_key})
    if member.township_id != incident.township_id or not member.active:
        raise ValidationError({"members": _("%s is not an active member here.") % member.name})
    if member.role not in HANDLING_ROLES:
        raise ValidationError(
            {"members": _("%s's role takes no part in handling a matter.") % member.name}
        )
    kind = units[unit_key].unit_kind
    ok = (
        (member.unit is None or member.seats.exists())
        if kind is None
        else (member.unit is not None and member.unit.kind == kind.value)
    )
    if not ok:
        raise ValidationError(
            {
                "members": _("%(name)s does not belong to “%(unit)s”.")
                % {"name": member.name, "unit": units[unit_key].name}
            }
        )


def form_task_force(
    actor: Actor,
    incident: Incident,
    *,
    members: Sequence[tuple[str, Member]],
    leader: Member | None = None,
) -> TaskForce:
    """Form the task force (plan §六(四)), or add members to it; notify each new member.

    ``members`` pairs a plan task-force unit key (``leaders``,
    ``peace_office``, ``police_station``, ``law_enforcement_brigade``,
    ``villages``, ``offices``) with a member of a unit of that kind (the
    leaders: members without a unit or with a leading-group seat). Members and
    the leader must hold a role of ``orgs.choices.HANDLING_ROLES`` (plan §四:
    not the auditor nor the system administrator). Raises ``ValidationError``
    for an incident not activated, an empty list, a member outside the unit
    kind or of another role, or a leader of another role or township.
    """
    _in_township(actor, incident, "incidents.form_task_force")
    if incident.status != IncidentStatus.ACTIVATED:
        raise ValidationError(_("A task force is formed after the plan is activated."))
    if not members:
        raise ValidationError({"members": _("Name at least one member.")})
    for unit_key, member in members:
        _check_unit(incident, unit_key, member)
    if leader is not None and (
        leader.township_id != incident.township_id
        or not leader.active
        or leader.role not in HANDLING_ROLES
    ):
        raise ValidationError({"leader": _("%s cannot lead a task force here.") % leader.name})
    now = timezone.now()
    with transaction.atomic():
        task_force, created = TaskForce.objects.get_or_create(
            incident=incident,
            defaults={
                "township": incident.township,
                "formed_at": now,
                "formed_by": actor.member,
                "leader": leader,
            },
        )
        if leader is not None and task_force.leader_id != leader.pk:
            task_force.leader = leader
            task_force.save(update_fields=["leader"])
        have = set(task_force.members.values_list("member_id", flat=True))
        added = []
        for unit_key, member in members:
            if member.pk in have:
                continue
            have.add(member.pk)
            added.append(
                TaskForceMember.objects.create(
                    township=incident.township,
                    task_force=task_force,
                    member=member,
                    unit_key=unit_key,
                )
            )
        if created:
            _event(incident, Event.TASK_FORCE_FORMED, now)
        queue(
            incident.township,
            [m.member for m in added],
            kind="incident.task_force",
            subject=_("You are in the task force for %(number)s: %(place)s")
            % {"number": incident.number, "place": incident.place or incident.summary[:60]},
            body=incident.summary,
            key=f"incident:{incident.pk}:task_force",
            link=link(incident, "incidents:check_in"),
            about=incident,
        )
        names = "、".join(m.member.name for m in added)
        log(incident, actor, LogKind.STATUS, _("Task force members: %s") % names, now)
        record(
            actor,
            "incidents.form_task_force",
            incident,
            after={"added": [[m.unit_key, m.member.name] for m in added]},
        )
    return task_force


def check_in(actor: Actor, place: TaskForceMember, *, arrived: bool) -> TaskForceMember:
    """Record that a task-force member was dispatched (``arrived`` False) or arrived on scene.

    A member checks in for themselves; the task-force leader and those who
    form task forces may record it for others. The first arrival satisfies
    ``task_force.first_arrival`` (the 40-minute / configured arrival deadline,
    plan §六(五)). Raises ``ValidationError`` for a repeated check-in or an
    incident not activated.
    """
    _in_township(actor, place, "incidents.check_in")
    task_force = place.task_force
    incident = task_force.incident
    own = actor.member is not None and actor.member.pk == place.member_id
    is_leader = actor.member is not None and actor.member.pk == task_force.leader_id
    if not (own or is_leader):
        require(actor, "incidents.form_task_force", place.township)
    if incident.status != IncidentStatus.ACTIVATED:
        raise ValidationError(_("Check-in is open while the plan is active on scene."))
    now = timezone.now()
    with transaction.atomic():
        place = TaskForceMember.objects.select_for_update().get(pk=place.pk)
        if arrived:
            if place.arrived_at is not None:
                raise ValidationError(_("Already recorded as arrived."))
            place.arrived_at = now
            place.dispatched_at = place.dispatched_at or now
        else:
            if place.dispatched_at is not None:
                raise ValidationError(_("Already recorded as dispatched."))
            place.dispatched_at = now
        place.save()
        name = place.member.name
        text = (_("%s arrived on scene.") if arrived else _("%s dispatched.")) % name
        if arrived:
            first = TaskForce.objects.filter(pk=task_force.pk, first_arrival_at__isnull=True)
            if first.update(first_arrival_at=now):
                _event(incident, Event.TASK_FORCE_FIRST_ARRIVAL, now)
                text += " " + _("First arrival of the task force.")
        log(incident, actor, LogKind.CHECK_IN, text, now)
        record(
            actor,
            "incidents.check_in",
            place,
            after={"member": name, "arrived": arrived},
            township=place.township,
        )
    return place
