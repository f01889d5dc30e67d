"""State changes of incidents (plan §六). ``receive_incident`` is the entry point other apps call."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingji.audit.log import record
from yingji.deadlines.actions import open_plan_deadlines
from yingji.numbering import next_number
from yingji.orgs.access import Actor, require
from yingji.orgs.models import Township
from yingji.plans.schema import Event

from .choices import IncidentSource
from .models import Incident


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
        record(
            actor,
            "incidents.receive",
            incident,
            after={"number": incident.number, "category": category},
        )
    return incident
