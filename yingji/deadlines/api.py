"""API of deadlines: what is due, and acknowledging a breach (same actions as the pages)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from yingji.api.types import Id
from yingji.orgs.access import Actor, get_in_township, require

from . import actions, queries
from .models import Deadline

router = Router(tags=["deadlines"])


class DeadlineOut(Schema):
    """One deadline as the API shows it (times in UTC, ISO 8601)."""

    id: int
    rule: str
    label: str
    source: str
    state: str
    phase: str
    subject_type: str
    subject_id: str
    opened_at: datetime
    due_at: datetime
    breached_at: datetime | None
    escalation_step: int
    acknowledged_at: datetime | None
    acknowledged_by: str


def _out(d: Deadline) -> DeadlineOut:
    return DeadlineOut(
        id=d.pk,
        rule=d.rule,
        label=d.label,
        source=d.source,
        state=d.state,
        phase=d.phase,
        subject_type=d.content_type.model,
        subject_id=d.object_id,
        opened_at=d.opened_at,
        due_at=d.due_at,
        breached_at=d.breached_at,
        escalation_step=d.escalation_step,
        acknowledged_at=d.acknowledged_at,
        acknowledged_by=d.acknowledged_by_name,
    )


@router.get(
    "/due", response=list[DeadlineOut], summary="Running deadlines of the caller's township"
)
def due(request: HttpRequest) -> list[DeadlineOut]:
    """Return the running deadlines, breached first (newest breach first), then soonest due."""
    actor = Actor.from_request(request)
    require(actor, "deadlines.view")
    assert actor.township is not None
    return [_out(d) for d in queries.due_in_township(actor.township)]


@router.post("/{pk}/acknowledge", response=DeadlineOut, summary="Acknowledge a breach")
def acknowledge(request: HttpRequest, pk: Id) -> DeadlineOut:
    """Acknowledge the breach of deadline ``pk``: escalation stops. 422 if not breached or already acknowledged."""
    actor = Actor.from_request(request)
    deadline = get_in_township(actor, Deadline, pk)
    try:
        return _out(actions.acknowledge(actor, deadline))
    except ValidationError as exc:
        raise HttpError(422, " ".join(exc.messages)) from exc
