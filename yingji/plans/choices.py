"""Status values of plan drafts (DESIGN.md §2: a document is imported, reviewed, then published)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DraftStatus(models.TextChoices):
    # Imported from a document; items are being accepted, edited or dropped.
    REVIEWING = "reviewing", _("under review")
    # Published through publish_plan as a PlanVersion; the draft is kept, read-only.
    PUBLISHED = "published", _("published")
