"""States and units of deadlines."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DeadlineUnit(models.TextChoices):
    """How a deadline's ``amount`` counts."""

    MINUTES = "minutes", _("minutes")  # wall time (plan deadlines)
    DAYS = "days", _("days")  # calendar days in Asia/Shanghai, ending 24:00 of the last day
    WORKING_DAYS = (
        "workdays",
        _("working days"),
    )  # Monday–Friday in Asia/Shanghai (Art. 23 objection)


class DeadlineState(models.TextChoices):
    """Where a deadline stands. open → satisfied | breached → (breached) satisfied late; any → cancelled."""

    OPEN = "open", _("open")  # running, not yet due
    BREACHED = (
        "breached",
        _("breached"),
    )  # due time passed unsatisfied (may still be satisfied late)
    SATISFIED = (
        "satisfied",
        _("satisfied"),
    )  # the ending event happened (see satisfied_at vs due_at)
    CANCELLED = "cancelled", _("cancelled")  # the matter ended another way (dismissed, withdrawn)
