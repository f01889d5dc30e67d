"""Read models of incidents for pages, the board, the API and the benchmark."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from yingji.deadlines.choices import DeadlineState
from yingji.deadlines.models import Deadline
from yingji.orgs.models import Township

from .choices import OPEN_STATUSES
from .models import Incident, LogEntry, TaskForceMember

#: log entries shown per incident on the board
BOARD_LOG_ENTRIES = 3


@dataclass
class BoardRow:
    """One open incident on the board: running deadlines, arrivals, last log entries."""

    incident: Incident
    deadlines: list[Deadline] = field(default_factory=list)
    members: int = 0
    dispatched: int = 0
    arrived: int = 0
    log: list[LogEntry] = field(default_factory=list)

    @property
    def category_name(self) -> str:
        """The plan's short name of the incident's category."""
        return self.incident.category_def.short_name


def open_incidents(township: Township) -> QuerySet[Incident]:
    """Return the township's incidents not yet closed or dismissed, newest first."""
    return Incident.objects.filter(township=township, status__in=OPEN_STATUSES).select_related(
        "plan_version"
    )


def board(township: Township, now: datetime | None = None) -> list[BoardRow]:
    """Return the live board of ``township``: one :class:`BoardRow` per open incident.

    Four queries whatever the number of incidents: incidents, their running
    deadlines, task-force counts, and the last ``BOARD_LOG_ENTRIES`` log
    entries of each (a window function).
    """
    rows = {i.pk: BoardRow(i) for i in open_incidents(township)}
    if not rows:
        return []
    ids = list(rows)
    ct = ContentType.objects.get_for_model(Incident)
    for d in Deadline.objects.filter(
        township=township,
        content_type=ct,
        state__in=[DeadlineState.OPEN, DeadlineState.BREACHED],
        object_id__in=[str(i) for i in ids],
    ).order_by("due_at"):
        rows[int(d.object_id)].deadlines.append(d)
    counts = (
        TaskForceMember.objects.filter(task_force__incident_id__in=ids)
        .values("task_force__incident_id")
        .annotate(
            n=Count("id"),
            dispatched=Count("id", filter=Q(dispatched_at__isnull=False)),
            arrived=Count("id", filter=Q(arrived_at__isnull=False)),
        )
    )
    for c in counts:
        row = rows[c["task_force__incident_id"]]
        row.members, row.dispatched, row.arrived = c["n"], c["dispatched"], c["arrived"]
    latest = (
        LogEntry.objects.filter(incident_id__in=ids)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("incident_id")],
                order_by=[F("at").desc(), F("id").desc()],
            )
        )
        .filter(rank__lte=BOARD_LOG_ENTRIES)
        .order_by("incident_id", "rank")
    )
    for entry in latest:
        rows[entry.incident_id].log.append(entry)
    return list(rows.values())


def minutes_left(deadline: Deadline, now: datetime | None = None) -> int:
    """Return whole minutes until ``deadline`` is due (negative once overdue)."""
    seconds = (deadline.due_at - (now or timezone.now())).total_seconds()
    return int(seconds // 60)


def open_count(township: Township) -> int:
    """Return how many incidents of ``township`` are in response (for the home page)."""
    return open_incidents(township).count()


def incident_detail(incident: Incident) -> dict[str, Any]:
    """Return what the incident page shows: deadlines, report, task force, ticks, log, evidence, demands."""
    from yingji.deadlines.queries import deadlines_of

    from .actions import SUMMARY_FIELDS

    category = incident.category_def
    ticks = {t.step_key: t for t in incident.ticks.select_related("ticked_by")}
    task_force = getattr(incident, "task_force", None)
    return {
        "category": category,
        "deadlines": list(deadlines_of(incident)),
        "report": getattr(incident, "report", None),
        "task_force": task_force,
        "task_force_members": list(task_force.members.select_related("member", "member__unit"))
        if task_force
        else [],
        "steps": [{"step": s, "tick": ticks.get(s.key)} for s in category.checklist],
        "log": list(incident.log.prefetch_related("attachments")),
        "evidence": list(incident.evidence.select_related("wearer")),
        "parties": list(incident.parties.all()),
        "demands": list(incident.demands.prefetch_related("parties").select_related("case")),
        "summary": getattr(incident, "summary_report", None),
        "report_names": {f.key: f.name for f in incident.plan_version.plan.report_fields},
        "summary_names": SUMMARY_FIELDS,
    }
