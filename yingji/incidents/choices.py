"""Status and kind values of incidents (plan §六), with the allowed transitions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IncidentSource(models.TextChoices):
    """Where an incident was received from (plan §六(二))."""

    CALLER = "caller", _("caller")  # a person calling in
    UNIT = "unit", _("unit")  # a township unit or village
    HIGHER_LEVEL = "higher_level", _("higher-level notice")  # district / city notice
    WARNING = "warning", _("escalated warning")  # from the early-warning ledger


class IncidentStatus(models.TextChoices):
    """Where an incident stands (DESIGN.md §3); ``TRANSITIONS`` lists the allowed moves."""

    RECEIVED = "received", _("received")  # the 15-minute report deadline runs
    VERIFIED = "verified", _("verified")  # found true by the peace office, report not yet sent
    DISMISSED = "dismissed", _("not true")  # found untrue on verification: ends here
    REPORTED = "reported", _("reported")  # verified report sent to the leading group (§六(二))
    ACTIVATED = "activated", _("plan activated")  # head activated the plan (§六(三)); on scene
    AFTERMATH = "aftermath", _("aftermath")  # scene closed, demands are petition cases (§七)
    CLOSED = "closed", _("closed")  # summary report filed (§七(三))


#: status → the statuses an action may move it to
TRANSITIONS: dict[str, set[str]] = {
    IncidentStatus.RECEIVED: {IncidentStatus.VERIFIED, IncidentStatus.DISMISSED},
    IncidentStatus.VERIFIED: {IncidentStatus.REPORTED},
    IncidentStatus.REPORTED: {IncidentStatus.ACTIVATED},
    IncidentStatus.ACTIVATED: {IncidentStatus.AFTERMATH},
    IncidentStatus.AFTERMATH: {IncidentStatus.CLOSED},
    IncidentStatus.DISMISSED: set(),
    IncidentStatus.CLOSED: set(),
}

#: statuses shown on the live board
OPEN_STATUSES = [
    IncidentStatus.RECEIVED,
    IncidentStatus.VERIFIED,
    IncidentStatus.REPORTED,
    IncidentStatus.ACTIVATED,
    IncidentStatus.AFTERMATH,
]


class PartyCapacity(models.TextChoices):
    """In what capacity a person is a party to the matter (no ranking of anyone)."""

    PETITIONER = "petitioner", _("petitioner")  # brings the demand
    REPRESENTATIVE = (
        "representative",
        _("representative chosen by the group"),
    )  # 《信访工作条例》第十八条: a group chooses at most 5 representatives


class LogKind(models.TextChoices):
    """Kinds of on-scene log entry (plan §六(五)1(3) 全程记录)."""

    NOTE = "note", _("note")  # free text by a task-force member
    TICK = "tick", _("checklist step done")  # a step of the tier's checklist was ticked
    CHECK_IN = "check_in", _("check-in")  # a member dispatched / arrived
    SITUATION = "situation", _("situation report")  # periodic report to the head (§六(五)1(1))
    EVIDENCE = "evidence", _("evidence")  # an evidence item registered or handed over
    DEMAND = "demand", _("demand")  # a demand registered (§六(五)2(3))
    STATUS = "status", _("status change")  # received, reported, activated, closed …


class DemandStatus(models.TextChoices):
    """Where a registered demand stands; the scene closes only when none is ``registered``."""

    REGISTERED = "registered", _("registered")  # taken in on scene, not yet a case
    CASE = "case", _("petition case")  # turned into a petition case (§七(一))
    WITHDRAWN = "withdrawn", _("withdrawn")  # the people withdrew it, recorded with a note


class HashSource(models.TextChoices):
    """Where an evidence item's SHA-256 came from."""

    COMPUTED = "computed", _("computed on upload")  # Yingji hashed the uploaded file
    ENTERED = "entered", _("entered from the device export")  # typed from the camera's export
