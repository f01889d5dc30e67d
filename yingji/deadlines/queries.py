"""Read models of deadlines for pages and reports."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F

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
    breach first, then the open ones, soonest due first."""
    return (
        Deadline.objects.filter(
            township=township, state__in=[DeadlineState.OPEN, DeadlineState.BREACHED]
        )
        .select_related("content_type")
        .order_by(F("breached_at").desc(nulls_last=True), "due_at", "id")
    )
