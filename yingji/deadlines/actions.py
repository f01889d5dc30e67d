"""Open, satisfy and cancel deadlines. Called by other apps' actions, inside their transaction.

These functions do not check permissions: the calling action has done so. They
refuse to run outside a transaction, so that a deadline and the change that
causes it always commit together (DESIGN.md §3, §4).
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from yingji.orgs.models import Township
from yingji.plans.models import PlanVersion
from yingji.plans.schema import Event

from .choices import DeadlineState, DeadlineUnit
from .models import Deadline
from .rules import due_after_days, due_after_minutes, due_after_working_days, remind_time

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
    )
