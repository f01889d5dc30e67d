"""States of imports, routing suggestions and hot-issue proposals."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportState(models.TextChoices):
    """Where an import of an export file stands."""

    UPLOADED = "uploaded", _("uploaded")  # file read, columns to be mapped
    RUNNING = "running", _("importing")  # rows being written (progress in done / total)
    DONE = "done", _("imported")  # every readable row written; unreadable rows listed
    FAILED = "failed", _("failed")  # stopped by an error; rows written so far stay (idempotent)
    # its process died while importing (found at the next start); whole rows written so
    # far stay, and importing again finishes it (rows imported before are left unchanged)
    INTERRUPTED = "interrupted", _("interrupted")


class SuggestionState(models.TextChoices):
    """What staff did with a routing suggestion."""

    OPEN = "open", _("suggested")  # shown, not yet decided
    ACCEPTED = "accepted", _("accepted")  # staff took the suggestion as it was
    CORRECTED = "corrected", _("corrected")  # staff gave another category or unit (fed to training)


class HotIssueState(models.TextChoices):
    """Where a proposed hot issue stands (it becomes a warning only by a person's decision)."""

    PROPOSED = "proposed", _("proposed")  # found by the hot-issue pass, above the plan's threshold
    ACCEPTED = "accepted", _("accepted as a warning")  # registered in the ledger by a person
    DISMISSED = "dismissed", _("dismissed")  # a person judged it not a sign, with a reason
