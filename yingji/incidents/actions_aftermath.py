"""Aftermath of an incident (plan §七): close the scene, file the summary report, close.

Same rule as ``actions.py``: actor first, permission, validation, one
transaction with the audit event, deadlines and notifications.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingji.audit.log import record
from yingji.notify.outbox import queue
from yingji.orgs.access import Actor
from yingji.plans.schema import Event

from .actions import _event, _in_township, _lock, _move, leaders, link, log
from .choices import DemandStatus, IncidentStatus, LogKind
from .models import Incident, SummaryReport

#: contents of the summary report (plan §七(三) 总结上报): key → display name
SUMMARY_FIELDS: dict[str, str] = {
    "overview": "事件概况",
    "handling": "处置经过",
    "outcome": "处置结果",
    "aftermath": "善后处置（五个一）",
    "lessons": "经验教训",
}


def close_scene(actor: Actor, incident: Incident) -> Incident:
    """Close the scene and move the incident to aftermath (plan §七).

    Refused with ``ValidationError`` while any registered demand is neither a
    petition case nor withdrawn (each is named), or if the plan is not active.
    """
    _in_township(actor, incident, "incidents.close")
    open_demands = list(incident.demands.filter(status=DemandStatus.REGISTERED))
    if open_demands:
        raise ValidationError(
            _("Turn every demand into a petition case or record it withdrawn first: %s")
            % "；".join(d.content[:40] for d in open_demands)
        )
    now = timezone.now()
    with transaction.atomic():
        _lock(incident)
        _move(incident, IncidentStatus.AFTERMATH)
        incident.scene_closed_at, incident.scene_closed_by = now, actor.member
        incident.save()
        _event(incident, Event.SCENE_CLOSED, now)
        log(incident, actor, LogKind.STATUS, _("Scene closed; aftermath begins."), now)
        record(actor, "incidents.close_scene", incident)
    return incident


def file_summary_report(
    actor: Actor, incident: Incident, contents: dict[str, str], attachment: Any = None
) -> SummaryReport:
    """File the written summary report to the leading group (plan §七(三) 总结上报).

    ``contents`` maps every key of ``SUMMARY_FIELDS`` to text; ``attachment``
    is an optional uploaded file (the signed document: PDF, .docx or a scan,
    checked by content, ``summary`` purpose of ``yingji.uploads``). Raises
    ``ValidationError`` naming missing contents, for an incident not in
    aftermath, or when a report exists already.
    """
    from yingji import uploads

    from .actions_scene import check_upload, store_file

    _in_township(actor, incident, "incidents.summary")
    missing = [k for k in SUMMARY_FIELDS if not str(contents.get(k, "") or "").strip()]
    if missing:
        errors: dict[str, Any] = {k: [_("Required.")] for k in missing}
        errors[NON_FIELD_ERRORS] = [
            _("The summary report lacks: %s (plan §七(三)).")
            % "、".join(SUMMARY_FIELDS[k] for k in missing)
        ]
        raise ValidationError(errors)
    if incident.status != IncidentStatus.AFTERMATH:
        raise ValidationError(_("The summary report is filed after the scene is closed."))
    if SummaryReport.objects.filter(incident=incident).exists():
        raise ValidationError(_("The summary report has been filed already."))
    checked = check_upload("attachment", attachment, "summary") if attachment else None
    now = timezone.now()
    clean = {k: str(contents[k]).strip() for k in SUMMARY_FIELDS}
    with uploads.removed_on_failure() as files, transaction.atomic():
        stored = store_file(incident, attachment, checked, now) if checked else None
        if stored is not None:
            files.append(stored.file)
        report = SummaryReport.objects.create(
            township=incident.township,
            incident=incident,
            contents=clean,
            attachment=stored,
            filed_at=now,
            filed_by=actor.member,
        )
        queue(
            incident.township,
            leaders(incident.township),
            kind="incident.summary",
            subject=_("Summary report of %(number)s") % {"number": incident.number},
            body="\n".join(f"{SUMMARY_FIELDS[k]}：{v}" for k, v in clean.items()),
            key=f"incident:{incident.pk}:summary",
            link=link(incident),
            about=incident,
        )
        log(incident, actor, LogKind.STATUS, _("Summary report filed."), now)
        record(actor, "incidents.summary", incident, after=clean)
    return report


def close_incident(actor: Actor, incident: Incident) -> Incident:
    """Close the incident; refused with ``ValidationError`` before the summary report (plan §七(三))."""
    _in_township(actor, incident, "incidents.close")
    required = incident.plan_version.plan.aftermath.summary_report_required
    if required and not SummaryReport.objects.filter(incident=incident).exists():
        raise ValidationError(_("File the summary report before closing the incident."))
    now = timezone.now()
    with transaction.atomic():
        _lock(incident)
        _move(incident, IncidentStatus.CLOSED)
        incident.closed_at, incident.closed_by = now, actor.member
        incident.save()
        _event(incident, Event.INCIDENT_CLOSED, now)
        log(incident, actor, LogKind.STATUS, _("Incident closed."), now)
        record(actor, "incidents.close", incident)
    return incident
