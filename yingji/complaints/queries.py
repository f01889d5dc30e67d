"""Read-only figures and lists of the complaints app; the statistics board (issue 7) calls these.

No state changes here. Times are aware, UTC; figures in days are 24-hour
days of elapsed time (not calendar days).
"""

from __future__ import annotations

import statistics
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from yingji.deadlines.choices import DeadlineState
from yingji.deadlines.models import Deadline
from yingji.orgs.models import Township
from yingji.petitions.actions import CONCLUDE_RULE
from yingji.petitions.choices import DocumentKind
from yingji.petitions.models import Document, PetitionCase

from .models import HotIssue, ImportJob, SourceMessage

DAY = 86400.0


def percentile(values: list[float], q: float) -> float | None:
    """The ``q``-th percentile (0–100) with linear interpolation between ranks (numpy's default); None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def imported_cases(township: Township, *, source: str | None = None) -> QuerySet[PetitionCase]:
    """The township's cases that came from an import (optionally from one ``source``)."""
    rows = PetitionCase.objects.filter(township=township, source_message__isnull=False)
    return rows.filter(source_message__source=source) if source else rows


def reply_times(
    township: Township,
    *,
    source: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[str, Any]:
    """Reply-time figures of the township's imported history (received in [``since``, ``until``)).

    Returns ``{"cases": n, "replies": n, "median_days": float | None,
    "p75_days": float | None, "over_60_days": n, "conclude_kept": n,
    "conclude_breached": n, "max_late_days": float | None}``: latency is
    the first written reply's time minus the receipt time, in days of 24
    hours; ``over_60_days`` counts replies later than 60×24 hours after
    receipt; ``conclude_*`` count the 60-day conclude deadlines (《信访工作条例》
    第三十四条, calendar days ending 24:00 Asia/Shanghai) kept or breached, and
    ``max_late_days`` is the largest breach (reply time minus due time).
    """
    cases = imported_cases(township, source=source)
    if since is not None:
        cases = cases.filter(received_at__gte=since)
    if until is not None:
        cases = cases.filter(received_at__lt=until)
    received = dict(cases.values_list("id", "received_at"))
    first_reply: dict[int, datetime] = {}
    for case_id, issued in (
        Document.objects.filter(case_id__in=cases.values("id"), kind=DocumentKind.REPLY)
        .order_by("issued_at")
        .values_list("case_id", "issued_at")
    ):
        first_reply.setdefault(case_id, issued)
    latencies = [(at - received[pk]).total_seconds() / DAY for pk, at in first_reply.items()]
    deadlines = Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(PetitionCase),
        object_id__in=[str(pk) for pk in received],
        rule=CONCLUDE_RULE,
        state=DeadlineState.SATISFIED,
    ).values_list("due_at", "satisfied_at", "breached_at")
    kept = breached = 0
    late: list[float] = []
    for due, satisfied, breached_at in deadlines:
        if breached_at is None:
            kept += 1
        else:
            breached += 1
            late.append((satisfied - due).total_seconds() / DAY)
    return {
        "cases": len(received),
        "replies": len(latencies),
        "median_days": statistics.median(latencies) if latencies else None,
        "p75_days": percentile(latencies, 75),
        "over_60_days": sum(1 for d in latencies if d > 60),
        "conclude_kept": kept,
        "conclude_breached": breached,
        "max_late_days": max(late) if late else None,
    }


def imports(township: Township) -> QuerySet[ImportJob]:
    """The township's imports, newest first (``content`` deferred)."""
    return ImportJob.objects.filter(township=township).defer("content").order_by("-id")


def hot_issues(township: Township, *, state: str | None = None) -> QuerySet[HotIssue]:
    """The township's hot issues, best score first, optionally in one ``state``."""
    rows = HotIssue.objects.filter(township=township)
    return rows.filter(state=state) if state else rows


def labelled_count(township: Township) -> int:
    """How many imported messages carry a category label (routing training examples)."""
    return SourceMessage.objects.filter(township=township).exclude(label="").count()
