"""Read models of deadlines for pages and reports."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Case, F, Value, When

from yingji.orgs.models import Township

from .choices import DeadlineState
from .models import Deadline


def deadlines_of(subject: models.Model) -> models.QuerySet[Deadline]:
    """Return the deadlines of ``subject``, earliest due first (for the per-object deadline strip)."""
    return Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(subject), object_id=str(subject.pk)
    ).order_by("due_at", "id")


def due_in_township(township: Township) -> models.QuerySet[Deadline]:
    """Return the running deadlines of ``township`` for "What is due": breached first, newest
    breach (latest due time) first, then the open ones, soonest due first."""
    return (
        Deadline.objects.filter(
            township=township,
            state__in=[DeadlineState.OPEN, DeadlineState.BREACHED],
            historic=False,  # imported history is for the statistics, not the day's work
        )
        .select_related("content_type")
        .annotate(
            _breached=Case(When(state=DeadlineState.BREACHED, then=Value(0)), default=Value(1)),
            _breach_due=Case(When(state=DeadlineState.BREACHED, then=F("due_at"))),
        )
        .order_by("_breached", F("_breach_due").desc(nulls_last=True), "due_at", "id")
    )


def breached_count(township: Township) -> int:
    """Return how many of the township's deadlines are breached and not yet satisfied (the home page's count)."""
    from .choices import DeadlineState

    return Deadline.objects.filter(
        township=township, state=DeadlineState.BREACHED, historic=False
    ).count()
