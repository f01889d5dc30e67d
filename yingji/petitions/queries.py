"""Read models of petition cases for the staff pages, the API, the home page and the public page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import BigIntegerField, Count, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from yingji.audit.labels import label, recorded_values
from yingji.audit.models import AuditEvent, PersonalDataAccess
from yingji.deadlines.choices import DeadlineState
from yingji.deadlines.models import Deadline
from yingji.orgs.access import Actor
from yingji.orgs.models import Township

from .access import visible_cases
from .models import PetitionCase

#: "Due soon" means a running deadline ends within this many days (or has already passed).
DUE_SOON_DAYS = 3
_RUNNING = [DeadlineState.OPEN, DeadlineState.BREACHED]


def _case_deadlines(township: Township) -> QuerySet[Deadline]:
    return Deadline.objects.filter(
        township=township, content_type=ContentType.objects.get_for_model(PetitionCase)
    )


def _ids(rows: QuerySet[Deadline]) -> QuerySet[Any, Any]:
    """The case ids of ``rows`` as a subquery (``object_id`` is text; cast after the filter)."""
    return rows.annotate(case_id=Cast("object_id", BigIntegerField())).values("case_id")


def due_soon_ids(township: Township, now: datetime | None = None) -> QuerySet[Any, Any]:
    """Return (as a subquery) the ids of cases with a running deadline due within ``DUE_SOON_DAYS`` days."""
    now = now or timezone.now()
    return _ids(
        _case_deadlines(township).filter(
            state__in=_RUNNING, due_at__lte=now + timedelta(days=DUE_SOON_DAYS)
        )
    )


def breached_ids(township: Township, now: datetime | None = None) -> QuerySet[Any, Any]:
    """Return (as a subquery) the ids of cases with a running deadline past its due time."""
    now = now or timezone.now()
    return _ids(
        _case_deadlines(township).filter(
            Q(state=DeadlineState.BREACHED) | Q(state=DeadlineState.OPEN, due_at__lt=now)
        )
    )


def due_count(township: Township, now: datetime | None = None) -> int:
    """Return how many cases of ``township`` have a deadline due soon or passed (home page count)."""
    return PetitionCase.objects.filter(
        township=township, pk__in=due_soon_ids(township, now)
    ).count()


VIEWS = ("all", "mine", "due", "breached")


def cases(
    actor: Actor,
    view: str = "all",
    *,
    unit_id: int | None = None,
    lead_id: int | None = None,
    now: datetime | None = None,
) -> QuerySet[PetitionCase]:
    """Return the visible cases of one list: ``all``, ``mine``, ``due`` (soon), ``breached``.

    ``mine`` are the cases the actor leads, is responsible for, whose unit
    is responsible, or that they received. ``unit_id`` / ``lead_id`` narrow
    to a responsible unit / lead official.
    """
    township = actor.township
    assert township is not None
    qs = visible_cases(actor).select_related("handling_unit", "lead_official")
    member = actor.member
    if view == "mine" and member is not None:
        mine = Q(lead_official=member) | Q(responsible_person=member) | Q(received_by=member)
        if member.unit_id:
            mine |= Q(handling_unit_id=member.unit_id)
        qs = qs.filter(mine)
    elif view == "due":
        qs = qs.filter(pk__in=due_soon_ids(township, now))
    elif view == "breached":
        qs = qs.filter(pk__in=breached_ids(township, now))
    if unit_id:
        qs = qs.filter(handling_unit_id=unit_id)
    if lead_id:
        qs = qs.filter(lead_official_id=lead_id)
    return qs


def by_unit(actor: Actor) -> list[dict[str, Any]]:
    """Return ``[{handling_unit__id, handling_unit__name, n, open}]`` of the visible cases."""
    return [
        dict(row)
        for row in (
            visible_cases(actor)
            .values("handling_unit__id", "handling_unit__name")
            .annotate(n=Count("id"), open=Count("id", filter=~Q(status__in=_CLOSED)))
            .order_by("handling_unit__name")
        )
    ]


def by_lead(actor: Actor) -> list[dict[str, Any]]:
    """Return ``[{lead_official__id, lead_official__name, n, open}]`` of the visible cases."""
    return [
        dict(row)
        for row in (
            visible_cases(actor)
            .values("lead_official__id", "lead_official__name")
            .annotate(n=Count("id"), open=Count("id", filter=~Q(status__in=_CLOSED)))
            .order_by("lead_official__name")
        )
    ]


_CLOSED = ["objected", "transferred", "declined", "replied", "reviewed", "final"]


@dataclass(frozen=True)
class HistoryItem:
    """One line of a case's history: when, who (staff label), what (label and the recorded values)."""

    at: datetime
    who: str
    action: str
    detail: dict | None

    @property
    def label(self) -> str:
        """The action in the user's language (``audit.labels``; an unknown key as it is)."""
        return label(self.action)

    @property
    def detail_text(self) -> str:
        """The recorded values as 「字段：值」 (``audit.labels.recorded_values``, the audit page's
        reading), empty when nothing was recorded; no personal data is ever recorded."""
        return recorded_values(self.detail, PetitionCase) if self.detail else ""


def history(case: PetitionCase) -> list[HistoryItem]:
    """Return the case's audit events, oldest first (the whole history of actions on it)."""
    events = AuditEvent.objects.filter(
        object_type=PetitionCase._meta.label_lower, object_id=str(case.pk)
    ).order_by("at", "id")
    return [HistoryItem(e.at, e.actor_label, e.action, e.after) for e in events]


def access_log(township: Township) -> QuerySet[PersonalDataAccess]:
    """Return the reads of petitioners' details in ``township``, newest first (for the auditor)."""
    return PersonalDataAccess.objects.filter(township=township).order_by("-at", "-id")
