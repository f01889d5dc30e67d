"""Status and kind values of incidents (plan §六). Extended by the incidents issue."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IncidentSource(models.TextChoices):
    """Where an incident was received from (plan §六(二))."""

    CALLER = "caller", _("caller")  # a person calling in
    UNIT = "unit", _("unit")  # a township unit or village
    HIGHER_LEVEL = "higher_level", _("higher-level notice")  # district / city notice
    WARNING = "warning", _("escalated warning")  # from the early-warning ledger


class IncidentStatus(models.TextChoices):
    """Where an incident stands; the incidents issue adds the later states and their transitions."""

    RECEIVED = "received", _("received")  # the 15-minute report deadline runs
