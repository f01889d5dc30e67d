"""State changes of the early-warning ledger (plan §五). Views, API and importers call these.

Every action takes the :class:`~yingji.orgs.access.Actor` first, checks its
permission, validates (``ValidationError`` with field errors), then in one
transaction changes the warning, writes the audit event, opens / satisfies
the plan's warning deadlines (``warning_verify``, ``warning_report``: configured
minutes of wall time, plan §五(三) "立即核实，并向领导小组组长报告") and queues
notifications. Times are aware; ``at`` defaults to now.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yingji.audit.log import record
from yingji.deadlines.actions import cancel_all, open_plan_deadlines, satisfy_plan_deadlines
from yingji.notify.outbox import queue
from yingji.numbering import next_number
from yingji.orgs.access import Actor, require
from yingji.orgs.choices import Seat
from yingji.orgs.models import LeadingGroupSeat, Member, Township, Unit
from yingji.plans.schema import Event

from .choices import TRANSITIONS, WarningStatus
from .contents import CONTENT_FIELDS, missing_report_contents, report_contents, validate_contents
from .models import Warning, WarningProgress, WarningReport
from .search import warning_search_text

# A registration time this far ahead of the clock is a typing error, not a clock skew.
_FUTURE_SLACK = timedelta(minutes=5)


def _plan_of(township: Township) -> Any:
    version = township.plan_version
    if version is None:
        raise ValidationError(_("No plan is in force for this township."))
    return version


def _lock(warning: Warning) -> Warning:
    return Warning.objects.select_for_update().get(pk=warning.pk)


def _allowed(warning: Warning, action: str) -> None:
    if warning.status not in TRANSITIONS[action]:
        raise ValidationError(
            _("This cannot be done while the warning is “%(status)s”.")
            % {"status": warning.get_status_display()}
        )


def _at(warning: Warning, at: datetime | None) -> datetime:
    moment = at or timezone.now()
    if moment < warning.discovered_at:
        raise ValidationError(_("The time cannot be before the warning was registered."))
    return moment


def _moment(warning: Warning, event: Event, at: datetime) -> None:
    """Satisfy the deadlines ending on ``event`` and open those starting on it."""
    satisfy_plan_deadlines(warning, event=event, at=at)
    open_plan_deadlines(
        warning, township=warning.township, plan_version=warning.plan_version, event=event, at=at
    )


def _link(warning: Warning) -> str:
    return reverse("earlywarning:detail", args=[warning.pk])


def register(
    actor: Actor,
    township: Township,
    *,
    category: str,
    source: str,
    summary: str,
    discovered_at: datetime | None = None,
    at: datetime | None = None,
    **contents: Any,
) -> Warning:
    """Register a warning in the ledger under the plan in force (plan §五(二)).

    ``discovered_at`` (aware; default ``at``) is the 早发现 moment; ``at`` (default
    now) is when the peace office registers it, from which the plan's warning
    deadlines run (``warning_verify``, ``warning_report``). ``contents`` may set
    the other fields of :data:`CONTENT_FIELDS`. Raises ``ValidationError`` with
    field errors, ``PermissionDenied`` unless the actor may register.
    """
    require(actor, "earlywarning.register", township)
    version = _plan_of(township)
    now = at or timezone.now()
    discovered = discovered_at or now
    unknown = set(contents) - set(CONTENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown warning fields: {sorted(unknown)}")
    data = {"category": category, "source": source, "summary": summary, **contents}
    errors = validate_contents(version.plan, township, data)
    if discovered > now + _FUTURE_SLACK:
        errors["discovered_at"] = _("The registration time cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        warning = Warning(
            township=township,
            number=next_number(Warning, township, "YJ", discovered),
            plan_version=version,
            discovered_at=discovered,
            registered_by=actor.member,
            **data,
        )
        warning.search_text = warning_search_text(warning)
        warning.full_clean()
        warning.save()
        open_plan_deadlines(
            warning, township=township, plan_version=version, event=Event.WARNING_REGISTERED, at=now
        )
        record(
            actor,
            "earlywarning.register",
            warning,
            after={"number": warning.number, "category": category, "status": warning.status},
        )
    return warning


def update(actor: Actor, warning: Warning, **contents: Any) -> Warning:
    """Change the §五(三) contents of an open warning (``CONTENT_FIELDS`` only).

    Raises ``ValidationError`` for a closed warning or bad values.
    """
    require(actor, "earlywarning.register", warning.township)
    with transaction.atomic():
        warning = _lock(warning)
        _apply_contents(actor, warning, contents)
    return warning


def _apply_contents(actor: Actor, warning: Warning, contents: dict[str, Any]) -> None:
    if not contents:
        return
    if not warning.is_open:
        raise ValidationError(_("A closed warning cannot be changed."))
    unknown = set(contents) - set(CONTENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown warning fields: {sorted(unknown)}")
    errors = validate_contents(warning.plan_version.plan, warning.township, contents)
    if errors:
        raise ValidationError(errors)
    before = {k: _plain(getattr(warning, k)) for k in contents}
    for key, value in contents.items():
        setattr(warning, key, value)
    warning.search_text = warning_search_text(warning)
    warning.full_clean()
    warning.save()
    after = {k: _plain(getattr(warning, k)) for k in contents}
    if before != after:
        record(actor, "earlywarning.update", warning, before=before, after=after)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value)
    return value


def _transition(
    actor: Actor,
    warning: Warning,
    action: str,
    status: str,
    *,
    after: dict[str, Any] | None = None,
    before: dict[str, Any] | None = None,
) -> None:
    was = warning.status
    warning.status = status
    warning.save()
    record(
        actor,
        f"earlywarning.{action}",
        warning,
        before={"status": was, **(before or {})},
        after={"status": status, **(after or {})},
    )


def verify(
    actor: Actor, warning: Warning, *, note: str = "", at: datetime | None = None
) -> Warning:
    """Record that the peace office verified the warning as true (plan §五(三) 立即核实).

    Satisfies ``warning_verify``. Raises ``ValidationError`` unless registered.
    """
    require(actor, "earlywarning.verify", warning.township)
    with transaction.atomic():
        warning = _lock(warning)
        _allowed(warning, "verify")
        moment = _at(warning, at)
        warning.verified_at = moment
        warning.verification = note
        _transition(actor, warning, "verify", WarningStatus.VERIFIED)
        _moment(warning, Event.WARNING_VERIFIED, moment)
    return warning


def dismiss(actor: Actor, warning: Warning, *, reason: str, at: datetime | None = None) -> Warning:
    """Close the warning as unfounded, with ``reason`` (required); cancels its deadlines."""
    require(actor, "earlywarning.verify", warning.township)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the dismissal.")})
    with transaction.atomic():
        warning = _lock(warning)
        _allowed(warning, "dismiss")
        moment = _at(warning, at)
        warning.dismiss_reason = reason.strip()
        warning.closed_at = moment
        _transition(actor, warning, "dismiss", WarningStatus.DISMISSED, after={"reason": reason})
        cancel_all(warning, at=moment)
    return warning


def head_of(township: Township) -> list[Member]:
    """Return the leading-group head and any acting head (plan §四, §五(三) recipients)."""
    seats = LeadingGroupSeat.objects.filter(township=township).select_related("member")
    return [s.member for s in seats if (s.seat == Seat.HEAD or s.acting_head) and s.member.active]


def report(
    actor: Actor, warning: Warning, *, at: datetime | None = None, **contents: Any
) -> Warning:
    """Report the verified warning to the leading-group head (plan §五(三)): the 早报告 moment.

    ``contents`` may first complete the report's fields. The report must hold
    every content of the plan's ``report_contents.warning``; otherwise raises
    ``ValidationError`` naming each missing field (by the plan's name). Keeps
    the report as a :class:`WarningReport`, satisfies ``warning_report`` and
    notifies the head.
    """
    require(actor, "earlywarning.report", warning.township)
    with transaction.atomic():
        warning = _lock(warning)
        _allowed(warning, "report")
        _apply_contents(actor, warning, contents)
        missing = missing_report_contents(warning)
        if missing:
            raise ValidationError(
                {
                    field: _("The report must state: %(name)s.") % {"name": name}
                    for field, name in missing.items()
                }
            )
        moment = _at(warning, at)
        heads = head_of(warning.township)
        warning.reported_at = moment
        WarningReport.objects.create(
            warning=warning,
            recipient=heads[0] if heads else None,
            reported_at=moment,
            reported_by=actor.member,
            contents=report_contents(warning),
        )
        _transition(actor, warning, "report", WarningStatus.REPORTED)
        _moment(warning, Event.WARNING_REPORTED, moment)
        queue(
            warning.township,
            heads,
            kind="warning.reported",
            subject=_("Early warning %(number)s: %(summary)s")
            % {"number": warning.number, "summary": warning.summary[:80]},
            body="\n".join(f"{c['name']}：{c['value']}" for c in report_contents(warning)),
            key=f"warning:{warning.pk}:reported",
            link=_link(warning),
            about=warning,
        )
    return warning


def assess(
    actor: Actor, warning: Warning, *, urgency: str, potential_harm: str, at: datetime | None = None
) -> Warning:
    """Grade urgency × potential harm; the risk level comes from the plan's matrix (plan §五(四)).

    May be repeated before handling starts. Raises ``ValidationError`` for a
    level the plan does not have.
    """
    require(actor, "earlywarning.assess", warning.township)
    plan = warning.plan_version.plan
    errors = validate_contents(
        plan, warning.township, {"urgency": urgency, "potential_harm": potential_harm}
    )
    for field, value in (("urgency", urgency), ("potential_harm", potential_harm)):
        if not value:
            errors[field] = _("This field is required.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        warning = _lock(warning)
        _allowed(warning, "assess")
        moment = _at(warning, at)
        warning.urgency = urgency
        warning.potential_harm = potential_harm
        warning.risk_level = plan.risk_assessment.risk_for(urgency, potential_harm)
        warning.assessed_at = moment
        _transition(
            actor,
            warning,
            "assess",
            WarningStatus.ASSESSED,
            after={
                "urgency": urgency,
                "potential_harm": potential_harm,
                "risk_level": warning.risk_level,
            },
        )
    return warning


def start_handling(
    actor: Actor,
    warning: Warning,
    *,
    lead_official: Member,
    units: Iterable[Unit],
    measures: str = "",
    at: datetime | None = None,
) -> Warning:
    """Form the task force for early handling (前期处置, plan §五(四)): lead official and units.

    ``measures`` (if given and different) replace the reported measures; the
    audit event records the old and the new text. Raises ``ValidationError``
    if the lead official or a unit is not of the township, or no unit is
    named. Notifies the lead official.
    """
    require(actor, "earlywarning.handle", warning.township)
    units = list(units)
    errors: dict[str, str] = {}
    if lead_official.township_id != warning.township_id or not lead_official.active:
        errors["lead_official"] = _("Choose an active member of this township.")
    if not units:
        errors["units"] = _("Name at least one responsible unit.")
    elif any(u.township_id != warning.township_id for u in units):
        errors["units"] = _("Choose units of this township.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        warning = _lock(warning)
        _allowed(warning, "start_handling")
        moment = _at(warning, at)
        warning.lead_official = lead_official
        warning.handling_started_at = moment
        # The task force's measures replace the reported ones (§五(三) 应采取的措施); the
        # event keeps both, so the report's text is not lost from the record.
        changed = {}
        if measures.strip() and measures.strip() != warning.measures:
            changed = {"measures": warning.measures}
            warning.measures = measures.strip()
        warning.units.set(units)
        _transition(
            actor,
            warning,
            "start_handling",
            WarningStatus.HANDLING,
            after={
                "lead_official": lead_official.name,
                "units": [u.name for u in units],
                **({"measures": warning.measures} if changed else {}),
            },
            before=changed,
        )
        queue(
            warning.township,
            [lead_official],
            kind="warning.handling",
            subject=_("You lead the early handling of warning %(number)s")
            % {"number": warning.number},
            body=warning.summary,
            key=f"warning:{warning.pk}:handling",
            link=_link(warning),
            about=warning,
        )
    return warning


def add_progress(
    actor: Actor, warning: Warning, *, text: str, at: datetime | None = None
) -> WarningProgress:
    """Add a progress entry to the early handling. Raises ``ValidationError`` for empty text."""
    require(actor, "earlywarning.progress", warning.township)
    if not text.strip():
        raise ValidationError({"text": _("This field is required.")})
    with transaction.atomic():
        warning = _lock(warning)
        _allowed(warning, "add_progress")
        entry = WarningProgress.objects.create(
            warning=warning,
            at=_at(warning, at),
            author=actor.member,
            author_label=actor.label,
            text=text.strip(),
        )
        record(actor, "earlywarning.progress", warning, after={"text": entry.text})
    return entry


def mark_controlled(
    actor: Actor, warning: Warning, *, note: str = "", at: datetime | None = None
) -> Warning:
    """Record that the matter is under control: the 早控制 moment (plan §五(二))."""
    require(actor, "earlywarning.handle", warning.township)
    with transaction.atomic():
        warning = _lock(warning)
        _allowed(warning, "mark_controlled")
        moment = _at(warning, at)
        warning.controlled_at = moment
        if note.strip():
            WarningProgress.objects.create(
                warning=warning,
                at=moment,
                author=actor.member,
                author_label=actor.label,
                text=note.strip(),
            )
        _transition(actor, warning, "mark_controlled", WarningStatus.CONTROLLED)
        _moment(warning, Event.WARNING_CONTROLLED, moment)
    return warning


def resolve(
    actor: Actor, warning: Warning, *, resolution: str, at: datetime | None = None
) -> Warning:
    """Record the warning resolved (the 早解决 moment) with how; closes it and its deadlines.

    A warning resolved without a separate control moment gets ``controlled_at``
    = ``resolved_at``. Raises ``ValidationError`` for an empty ``resolution``.
    """
    require(actor, "earlywarning.handle", warning.township)
    if not resolution.strip():
        raise ValidationError({"resolution": _("Say how the matter was resolved.")})
    with transaction.atomic():
        warning = _lock(warning)
        _allowed(warning, "resolve")
        moment = _at(warning, at)
        if warning.controlled_at is None:
            warning.controlled_at = moment
            satisfy_plan_deadlines(warning, event=Event.WARNING_CONTROLLED, at=moment)
        warning.resolved_at = moment
        warning.closed_at = moment
        warning.resolution = resolution.strip()
        _transition(actor, warning, "resolve", WarningStatus.RESOLVED)
        satisfy_plan_deadlines(warning, event=Event.WARNING_RESOLVED, at=moment)
        cancel_all(warning, at=moment)
    return warning


def _close_into(
    actor: Actor, warning: Warning, action: str, status: str, target: Any, moment: datetime
) -> None:
    warning.outcome_type = ContentType.objects.get_for_model(target)
    warning.outcome_id = str(target.pk)
    warning.closed_at = moment
    _transition(
        actor,
        warning,
        action,
        status,
        after={"outcome": f"{target._meta.label_lower}:{target.pk}", "outcome_number": str(target)},
    )
    cancel_all(warning, at=moment)


def escalate(actor: Actor, warning: Warning, *, category: str, at: datetime | None = None) -> Any:
    """Escalate the warning to an incident of ``category`` (plan §六(一)); return the incident.

    Calls ``incidents.actions.receive_incident`` (which checks its own permission
    and opens the 15-minute report deadline) and links both ways.
    """
    from yingji.incidents.actions import receive_incident

    require(actor, "earlywarning.escalate", warning.township)
    with transaction.atomic():
        warning = _lock(warning)
        _allowed(warning, "escalate")
        moment = _at(warning, at)
        incident = receive_incident(
            actor,
            warning.township,
            category=category,
            source="warning",
            summary=warning.summary,
            received_at=moment,
            source_object=warning,
            place=warning.place[:200],
            headcount=warning.headcount,
            cause=warning.cause,
            occurred_at=warning.expected_at,
        )
        _close_into(actor, warning, "escalate", WarningStatus.ESCALATED, incident, moment)
    return incident


def convert(
    actor: Actor, warning: Warning, *, content: str = "", at: datetime | None = None
) -> Any:
    """Convert the warning to a petition case (its demand is a petition); return the case.

    Calls ``petitions.actions.receive_case`` (channel ``warning``; the 15-day
    acceptance deadline of 《信访工作条例》第二十二条 starts) and links both ways.
    """
    from yingji.petitions.actions import receive_case

    require(actor, "earlywarning.escalate", warning.township)
    with transaction.atomic():
        warning = _lock(warning)
        _allowed(warning, "convert")
        moment = _at(warning, at)
        case = receive_case(
            actor,
            warning.township,
            channel="warning",
            summary=warning.summary,
            content=content or warning.cause,
            received_at=moment,
            source_object=warning,
        )
        _close_into(actor, warning, "convert", WarningStatus.CONVERTED, case, moment)
    return case
