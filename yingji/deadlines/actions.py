"""Open, satisfy and cancel deadlines. Called by other apps' actions, inside their transaction.

These functions do not check permissions: the calling action has done so. They
refuse to run outside a transaction, so that a deadline and the change that
causes it always commit together (DESIGN.md §3, §4).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _

from yingji.audit.log import record
from yingji.notify.models import Notification
from yingji.notify.outbox import queue
from yingji.orgs.access import Actor, can, require
from yingji.orgs.models import Township
from yingji.plans.models import PlanVersion
from yingji.plans.schema import EscalationRole, Event

from .choices import DeadlineState, DeadlineUnit
from .escalation import Cache, ack_link, chain_for, page_link, recipients, role_label, step_due_at
from .models import Deadline
from .rules import (
    SHANGHAI,
    due_after_days,
    due_after_minutes,
    due_after_working_days,
    remind_time,
)

_DUE = {
    DeadlineUnit.MINUTES: due_after_minutes,
    DeadlineUnit.DAYS: due_after_days,
    DeadlineUnit.WORKING_DAYS: due_after_working_days,
}


def _in_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError(
            "deadlines change only inside an action's transaction"
        )


def _subject_filter(subject: models.Model) -> dict[str, object]:
    return {
        "content_type": ContentType.objects.get_for_model(subject),
        "object_id": str(subject.pk),
    }


def open_deadline(
    subject: models.Model,
    *,
    township: Township,
    rule: str,
    label: str,
    source: str,
    unit: DeadlineUnit,
    amount: int,
    opened_at: datetime,
    plan_version: PlanVersion | None = None,
    ends_on: str = "",
) -> Deadline:
    """Open the deadline ``rule`` on ``subject``: due ``amount`` ``unit`` after ``opened_at`` (aware).

    The reminder falls after two thirds of the time. Raises
    ``TransactionManagementError`` outside a transaction.
    """
    _in_transaction()
    due_at = _DUE[DeadlineUnit(unit)](opened_at, amount)
    remind_at = remind_time(opened_at, due_at)
    return Deadline.objects.create(
        township=township,
        **_subject_filter(subject),
        rule=rule,
        label=label,
        source=source,
        plan_version=plan_version,
        ends_on=ends_on,
        unit=unit,
        amount=amount,
        opened_at=opened_at,
        due_at=due_at,
        remind_at=remind_at,
        next_check_at=remind_at,
    )


def open_plan_deadlines(
    subject: models.Model,
    *,
    township: Township,
    plan_version: PlanVersion,
    event: Event,
    at: datetime,
    category: str | None = None,
) -> list[Deadline]:
    """Open every deadline of ``plan_version`` that starts on ``event`` and applies to ``category``.

    ``at`` is when the event happened (aware). Example: receiving an incident
    of category ``district`` opens ``incident_report`` (15 minutes, plan §六(二)).
    """
    plan = plan_version.plan
    rules = (
        plan.deadlines_for(category)
        if category
        else [d for d in plan.deadlines if not d.applies_to]
    )
    return [
        open_deadline(
            subject,
            township=township,
            rule=d.name,
            label=d.label,
            source=f"{plan.title} 第{plan_version.version}版"
            + (f" §{d.section}" if d.section else ""),
            unit=DeadlineUnit.MINUTES,
            amount=d.minutes,
            opened_at=at,
            plan_version=plan_version,
            ends_on=d.ends_on.value,
        )
        for d in rules
        if d.starts_on == event
    ]


def _close(rows: models.QuerySet[Deadline], at: datetime) -> list[Deadline]:
    closed = []
    for deadline in rows.select_for_update():
        deadline.state = DeadlineState.SATISFIED
        deadline.satisfied_at = at
        deadline.next_check_at = None
        deadline.save(update_fields=["state", "satisfied_at", "next_check_at"])
        closed.append(deadline)
    return closed


_RUNNING = [DeadlineState.OPEN, DeadlineState.BREACHED]


def satisfy_plan_deadlines(subject: models.Model, *, event: Event, at: datetime) -> list[Deadline]:
    """Satisfy the running deadlines of ``subject`` that end on ``event``; return them.

    A breached deadline satisfied late keeps its ``breached_at``; ``Deadline.kept`` tells.
    """
    _in_transaction()
    rows = Deadline.objects.filter(
        **_subject_filter(subject), ends_on=event.value, state__in=_RUNNING
    )
    return _close(rows, at)


def satisfy(subject: models.Model, rule: str, *, at: datetime) -> list[Deadline]:
    """Satisfy the running deadline(s) ``rule`` of ``subject`` (statute rules); return them."""
    _in_transaction()
    return _close(
        Deadline.objects.filter(**_subject_filter(subject), rule=rule, state__in=_RUNNING), at
    )


def cancel_all(subject: models.Model, *, at: datetime) -> int:
    """Cancel every running deadline of ``subject`` (the matter ended another way); return how many."""
    _in_transaction()
    return Deadline.objects.filter(**_subject_filter(subject), state__in=_RUNNING).update(
        state=DeadlineState.CANCELLED, cancelled_at=at, next_check_at=None
    )


# --- the worker's steps and the acknowledgement (DESIGN.md §4) ---


def _when(at: datetime) -> str:
    return dateformat.format(timezone.localtime(at, SHANGHAI), "Y年n月j日 H:i")


def _about(deadline: Deadline, cache: Cache | None) -> str:
    key = (deadline.content_type_id, deadline.object_id)
    if cache is not None and key in cache.names:
        return cache.names[key]
    subject = deadline.subject
    name = str(subject) if subject is not None else f"{deadline.content_type} {deadline.object_id}"
    if cache is not None:
        cache.names[key] = name
    return name


def _save(deadline: Deadline, *fields: str) -> None:
    # One UPDATE of the named fields (the worker runs this for every step it takes).
    names = {*fields, "next_check_at"}
    Deadline.objects.filter(pk=deadline.pk).update(**{f: getattr(deadline, f) for f in names})


def remind(actor: Actor, deadline: Deadline, *, at: datetime, cache: Cache | None = None) -> None:
    """Send the reminder of ``deadline`` (due at two thirds of its time) to the duty officer.

    Precondition: open, not yet reminded, ``remind_at`` ≤ ``at`` (aware). The
    next check is the due time. Sent late, after a worker's downtime, it still
    goes out, once (idempotency key ``deadline:<id>:reminder``). Rule: DESIGN.md §4.
    """
    require(actor, "deadlines.run", deadline.township)
    with transaction.atomic(savepoint=False), translation.override(settings.LANGUAGE_CODE):
        deadline.reminded_at = at
        deadline.next_check_at = deadline.due_at
        _save(deadline, "reminded_at")
        people = recipients(deadline.township, EscalationRole.DUTY_OFFICER, cache)
        queue(
            deadline.township,
            people,
            kind="deadline.reminder",
            subject=_("Reminder: %(label)s is due at %(due)s (%(about)s)")
            % {
                "label": deadline.label,
                "due": _when(deadline.due_at),
                "about": _about(deadline, cache),
            },
            body=_("Source: %(source)s") % {"source": deadline.source},
            key=f"deadline:{deadline.pk}:reminder",
            link=page_link(deadline),
            about=deadline,
            at=at,
            routes_cache=cache.routes if cache else None,
        )


def breach(actor: Actor, deadline: Deadline, *, at: datetime, cache: Cache | None = None) -> int:
    """Record that ``deadline`` passed unsatisfied, copy the escalation chain onto it; return steps taken.

    Precondition: open and ``due_at`` ≤ ``at`` (aware; ``breached_at`` is
    when the breach is recorded). The chain is copied from the plan now, so a
    later plan edit does not change this escalation (DESIGN.md §9, Grafana
    OnCall); its first step falls ``after_minutes`` after ``due_at`` and, when
    that is already past (0 minutes in the default plan), is sent at once:
    then 2 is returned (the breach and step 0), else 1. Audited as
    ``deadlines.breach``.
    """
    require(actor, "deadlines.run", deadline.township)
    with transaction.atomic(savepoint=False):
        deadline.state = DeadlineState.BREACHED
        deadline.breached_at = at
        deadline.escalation_chain = chain_for(deadline, cache)
        deadline.escalation_step = 0
        deadline.next_check_at = step_due_at(deadline, 0)
        taken = 1
        if deadline.next_check_at is not None and deadline.next_check_at <= at:
            _send_step(deadline, at, cache)
            taken = 2
        _save(deadline, "state", "breached_at", "escalation_chain", "escalation_step")
        record(
            actor,
            "deadlines.breach",
            deadline,
            after={"rule": deadline.rule, "due_at": deadline.due_at.isoformat()},
            township=deadline.township,
        )
    return taken


def escalate(actor: Actor, deadline: Deadline, *, at: datetime, cache: Cache | None = None) -> None:
    """Send the next escalation step of a breached, unacknowledged ``deadline``.

    Each recipient gets a signed link to acknowledge (``ack_link``). The next
    step falls ``after_minutes`` after ``due_at``; after the last one nothing
    is pending. Key ``deadline:<id>:escalation:<step>``: sent once.
    """
    require(actor, "deadlines.run", deadline.township)
    with transaction.atomic(savepoint=False):
        _send_step(deadline, at, cache)
        _save(deadline, "escalation_step")


def _send_step(deadline: Deadline, at: datetime, cache: Cache | None) -> None:
    """Queue step ``escalation_step`` of the copied chain and move the row on (not saved here)."""
    step = deadline.escalation_step
    role = str(deadline.escalation_chain[step]["role"])
    deadline.escalation_step = step + 1
    deadline.next_check_at = step_due_at(deadline, step + 1)
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "label": deadline.label,
            "due": _when(deadline.due_at),
            "about": _about(deadline, cache),
            "role": role_label(role),
        }
        subject = _("Overdue: %(label)s was due at %(due)s (%(about)s)") % values
        for member in recipients(deadline.township, role, cache):
            body = "\n".join(
                [
                    _("Escalated to you as %(role)s.") % values,
                    _("Source: %(source)s") % {"source": deadline.source},
                    _("Acknowledge (stops the escalation): %(link)s")
                    % {"link": ack_link(deadline, member)},
                ]
            )
            queue(
                deadline.township,
                [member],
                kind="deadline.escalation",
                subject=subject,
                body=body,
                key=f"deadline:{deadline.pk}:escalation:{step}",
                link=page_link(deadline),
                about=deadline,
                at=at,
                routes_cache=cache.routes if cache else None,
            )


def _may_acknowledge(actor: Actor, deadline: Deadline) -> None:
    """Let through whoever may acknowledge in the township, and whoever the escalation reached."""
    if can(actor, "deadlines.acknowledge"):
        require(actor, "deadlines.acknowledge", deadline.township)
        return
    reached = (
        actor.member is not None
        and actor.member.township_id == deadline.township_id
        and Notification.objects.filter(
            kind="deadline.escalation",
            recipient=actor.member,
            **_subject_filter(deadline),
        ).exists()
    )
    if not reached:
        raise PermissionDenied("deadlines.acknowledge")


def acknowledge(actor: Actor, deadline: Deadline, *, at: datetime | None = None) -> Deadline:
    """Acknowledge the breach of ``deadline`` for ``actor``: no further escalation step is sent.

    Raises ``PermissionDenied`` unless ``actor`` may acknowledge in the
    deadline's township or received one of its escalation messages (whatever
    their role), ``ValidationError`` unless it is breached and not yet
    acknowledged. Audited as ``deadlines.acknowledge``. Rule: DESIGN.md §4.
    """
    _may_acknowledge(actor, deadline)
    at = at or timezone.now()
    with transaction.atomic():
        deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
        if deadline.breached_at is None or deadline.state == DeadlineState.CANCELLED:
            raise ValidationError(_("Only a breached deadline can be acknowledged."))
        if deadline.acknowledged_at is not None:
            raise ValidationError(_("This breach has already been acknowledged."))
        deadline.acknowledged_at = at
        deadline.acknowledged_by = actor.user
        deadline.acknowledged_by_name = actor.label[:150]
        deadline.next_check_at = None
        _save(deadline, "acknowledged_at", "acknowledged_by", "acknowledged_by_name")
        record(
            actor,
            "deadlines.acknowledge",
            deadline,
            after={"rule": deadline.rule, "escalation_step": deadline.escalation_step},
            township=deadline.township,
        )
    return deadline


def record_past(
    subject: models.Model,
    *,
    township: Township,
    rule: str,
    label: str,
    source: str,
    unit: DeadlineUnit,
    amount: int,
    opened_at: datetime,
    satisfied_at: datetime | None,
    now: datetime,
) -> Deadline:
    """Record a deadline of a historic matter (an imported record) with its real outcome; return it.

    Due ``amount`` ``unit`` after ``opened_at`` (aware, UTC stored), computed
    as for a live deadline. The outcome is set from the real times and nothing
    is left for the worker: no reminder, ``next_check_at`` None, so no
    notification is ever sent for it. ``satisfied_at`` (aware) is when the
    ending event really happened: by ``due_at`` → satisfied and kept; after →
    satisfied late with ``breached_at = due_at`` (``Deadline.kept`` is False).
    With no ending event: breached at ``due_at`` when that is before ``now``,
    else left open *without* reminders. Raises ``TransactionManagementError``
    outside a transaction (DESIGN.md §4).
    """
    _in_transaction()
    due_at = _DUE[DeadlineUnit(unit)](opened_at, amount)
    state = DeadlineState.OPEN
    breached_at = None
    if satisfied_at is not None:
        state = DeadlineState.SATISFIED
        breached_at = due_at if satisfied_at > due_at else None
    elif due_at <= now:
        state = DeadlineState.BREACHED
        breached_at = due_at
    return Deadline.objects.create(
        township=township,
        **_subject_filter(subject),
        rule=rule,
        label=label,
        source=source,
        unit=unit,
        amount=amount,
        state=state,
        opened_at=opened_at,
        due_at=due_at,
        remind_at=None,
        satisfied_at=satisfied_at,
        breached_at=breached_at,
        next_check_at=None,
        historic=True,
    )
