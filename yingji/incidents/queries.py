"""Read models of incidents for pages, the board, the API and the benchmark."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from yingji.deadlines.choices import DeadlineState
from yingji.deadlines.models import Deadline
from yingji.numbering import SHANGHAI
from yingji.orgs.models import Township
from yingji.plans.models import PlanVersion

from .choices import OPEN_STATUSES, IncidentStatus
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

    Five queries whatever the number of incidents: incidents, their plan
    versions, running deadlines, task-force counts, and the last
    ``BOARD_LOG_ENTRIES`` log entries of each (a window function).
    """
    incidents = list(
        Incident.objects.filter(township=township, status__in=OPEN_STATUSES).select_related(
            "activated_by"
        )
    )
    if not incidents:
        return []
    # One PlanVersion object per version, so each plan is parsed once, not once per incident.
    versions = PlanVersion.objects.in_bulk({i.plan_version_id for i in incidents})
    for incident in incidents:
        incident.plan_version = versions[incident.plan_version_id]
    rows = {i.pk: BoardRow(i) for i in incidents}
    ids = list(rows)
    ct = ContentType.objects.get_for_model(Incident)
    for d in (
        Deadline.objects.filter(
            township=township,
            content_type=ct,
            state__in=[DeadlineState.OPEN, DeadlineState.BREACHED],
            object_id__in=[str(i) for i in ids],
        )
        .only("object_id", "rule", "label", "state", "due_at")
        .order_by("due_at")
    ):
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
        .only("incident_id", "at", "text")
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


def incident_detail(incident: Incident, *, with_log: bool = True) -> dict[str, Any]:
    """Return what the incident page shows: deadlines, report, task force, ticks, log, evidence, demands.

    ``with_log=False`` leaves ``log`` empty: the page writes the log with
    :func:`log_html` instead. Not the parties' names or contacts: those are
    read, and the read logged, through ``incidents.access.party_views`` /
    ``party_details`` only.
    """
    from yingji.deadlines.queries import deadlines_of

    from .actions_aftermath import SUMMARY_FIELDS

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
        "log": list(incident.log.prefetch_related("attachments")) if with_log else [],
        "evidence": list(incident.evidence.select_related("wearer")),
        "demands": list(incident.demands.prefetch_related("parties").select_related("case")),
        "summary": getattr(incident, "summary_report", None),
        "report_names": {f.key: f.name for f in incident.plan_version.plan.report_fields},
        "summary_names": SUMMARY_FIELDS,
    }


def _local(at: datetime, with_date: bool = False) -> str:
    """Format an aware time in Asia/Shanghai: ``H:i`` or ``n月j日 H:i`` (no locale machinery: the board is hot)."""
    local = at.astimezone(SHANGHAI)
    hm = f"{local.hour:02d}:{local.minute:02d}"
    return f"{local.month}月{local.day}日 {hm}" if with_date else hm


def board_display(rows: list[BoardRow], now: datetime | None = None) -> list[dict[str, Any]]:
    """Return the board rows as ready-to-print strings (one dict per incident).

    The board is refreshed every few seconds by everyone on duty, so the work
    is done here in plain Python, once, instead of in template filters.
    Countdowns are whole wall minutes from ``now`` (default: now).
    """
    from django.urls import reverse

    now = now or timezone.now()
    left, overdue = _("%(m)s min left"), _("%(m)s min overdue")
    statuses = {value: str(label) for value, label in IncidentStatus.choices}
    arrivals = _("%(a)s of %(n)s arrived, %(d)s dispatched")
    out = []
    for row in rows:
        incident = row.incident
        deadlines = []
        for d in row.deadlines:
            seconds = (d.due_at - now).total_seconds()
            minutes = int(abs(seconds) // 60)
            deadlines.append(
                {
                    "label": d.label,
                    "left": (left if seconds >= 0 else overdue) % {"m": minutes},
                    "due": _local(d.due_at),
                    "late": seconds < 0,
                }
            )
        summary = incident.summary
        out.append(
            {
                "url": reverse("incidents:detail", args=[incident.pk]),
                "number": incident.number,
                "category": row.category_name,
                "status": incident.status,
                "status_label": statuses.get(incident.status, incident.status),
                "place": incident.place,
                "received": _local(incident.received_at, with_date=True),
                "summary": summary if len(summary) <= 120 else summary[:119] + "…",
                "deadlines": deadlines,
                "task_force": arrivals % {"a": row.arrived, "n": row.members, "d": row.dispatched}
                if row.members
                else "",
                "log": [
                    {"at": _local(e.at), "text": e.text if len(e.text) <= 60 else e.text[:59] + "…"}
                    for e in row.log
                ],
            }
        )
    return out


def log_html(incident: Incident, *, links: bool = True) -> SafeString:
    """Return the incident's on-scene log as ``<li>`` elements, oldest first, with their attachments.

    The log is the longest list of the incident page and grows all through
    the response (everyone on scene writes to it, and everyone reloads the
    page), so it is read as plain columns and written here in Python, once,
    instead of through the template language per entry; the markup is what
    ``incidents/detail.html`` wrote: time as ``n月j日 H:i:s`` in the current
    time zone, author · kind, the text HTML-escaped with line breaks as
    ``<br>``, each attachment as a link with its size and the start of its
    SHA-256. With ``links=False`` (a reader who does not handle the incident
    and may not download its files) an attachment's name is plain text.
    """
    from django.template.defaultfilters import filesizeformat, linebreaksbr, truncatechars
    from django.urls import reverse

    from .choices import LogKind
    from .models import Attachment

    kinds = {value: str(label) for value, label in LogKind.choices}
    files: dict[int, list[str]] = {}
    for entry_id, pk, name, size, sha256 in Attachment.objects.filter(
        incident=incident, log_entry__isnull=False
    ).values_list("log_entry_id", "pk", "name", "size", "sha256"):
        url = reverse("incidents:file", args=["attachment", pk])
        shown = f'<a href="{escape(url)}">{escape(name)}</a>' if links else escape(name)
        files.setdefault(entry_id, []).append(
            f'<div>{shown} <small class="muted">'
            f"{escape(filesizeformat(size))} · SHA-256 {escape(truncatechars(sha256, 17))}</small></div>"
        )
    out = []
    for pk, at, author, kind, text in incident.log.order_by("at", "id").values_list(
        "pk", "at", "author_label", "kind", "text"
    ):
        local = timezone.localtime(at)
        when = f"{local.month}月{local.day}日 {local:%H:%M:%S}"
        out.append(
            f'<li class="log-{escape(kind)}"><time>{when}</time> <span class="muted">'
            f"{escape(author)} · {escape(kinds.get(kind, kind))}</span>"
            f"<div>{linebreaksbr(text, autoescape=True)}</div>\n    {''.join(files.get(pk, []))}</li>"
        )
    return mark_safe("\n  ".join(out))  # noqa: S308 — every value above is escaped
