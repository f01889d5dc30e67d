"""Read models of deadlines for pages and reports."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import Deadline


def deadlines_of(subject: models.Model) -> models.QuerySet[Deadline]:
    """Return the deadlines of ``subject``, earliest due first (for the per-object deadline strip)."""
    return Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(subject), object_id=str(subject.pk)
    ).order_by("due_at", "id")
