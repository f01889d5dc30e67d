"""Display names of plan vocabulary (events, unit kinds, escalation roles) for pages and reports."""

from django.utils.translation import gettext_lazy as _

from .schema import EscalationRole, Event

EVENT_LABELS = {
    Event.WARNING_REGISTERED: _("warning registered"),
    Event.WARNING_VERIFIED: _("warning verified"),
    Event.WARNING_REPORTED: _("warning reported to the head"),
    Event.WARNING_CONTROLLED: _("warning controlled"),
    Event.WARNING_RESOLVED: _("warning resolved"),
    Event.INCIDENT_RECEIVED: _("incident received"),
    Event.INCIDENT_VERIFIED: _("incident verified"),
    Event.INCIDENT_REPORTED: _("verified report sent to the leading group"),
    Event.INCIDENT_ACTIVATED: _("plan activated"),
    Event.TASK_FORCE_FORMED: _("task force formed"),
    Event.TASK_FORCE_FIRST_ARRIVAL: _("first task-force member on scene"),
    Event.SCENE_CLOSED: _("scene closed"),
    Event.INCIDENT_CLOSED: _("incident closed"),
}

ESCALATION_LABELS = {
    EscalationRole.DUTY_OFFICER: _("duty officer"),
    EscalationRole.PEACE_OFFICE_HEAD: _("peace office head"),
    EscalationRole.HEAD: _("leading-group head"),
}
