"""State changes of petition cases. ``receive_case`` is the entry point other apps call."""

from __future__ import annotations

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from yingji.audit.log import record
from yingji.deadlines.actions import open_deadline
from yingji.deadlines.choices import DeadlineUnit
from yingji.numbering import next_number
from yingji.orgs.access import Actor, require
from yingji.orgs.models import Township

from .choices import Channel
from .models import PetitionCase

#: Art. 22: decide (accept / route) and tell the petitioner in writing within 15 days of receipt.
ACCEPTANCE_RULE = "petition.art22_acceptance"


def receive_case(
    actor: Actor,
    township: Township,
    *,
    channel: Channel | str,
    summary: str,
    content: str = "",
    received_at: datetime | None = None,
    source_object: models.Model | None = None,
) -> PetitionCase:
    """Register a petition case received now (or at ``received_at``, aware).

    Opens the 15-day acceptance deadline (《信访工作条例》第二十二条; calendar
    days in Asia/Shanghai, ending 24:00 of the last day). ``source_object``
    links the demand or warning it came from. Raises ``ValidationError`` for
    bad fields and ``PermissionDenied`` unless ``actor`` may receive cases.
    """
    require(actor, "petitions.receive", township)
    at = received_at or timezone.now()
    with transaction.atomic():
        case = PetitionCase(
            township=township,
            number=next_number(PetitionCase, township, "XF", at),
            channel=channel,
            summary=summary,
            content=content,
            received_at=at,
            received_by=actor.member,
        )
        if source_object is not None:
            case.source_type = ContentType.objects.get_for_model(source_object)
            case.source_id = str(source_object.pk)
        case.full_clean()
        case.save()
        open_deadline(
            case,
            township=township,
            rule=ACCEPTANCE_RULE,
            label="受理告知",
            source="《信访工作条例》第二十二条",
            unit=DeadlineUnit.DAYS,
            amount=15,
            opened_at=at,
        )
        record(
            actor, "petitions.receive", case, after={"number": case.number, "channel": str(channel)}
        )
    return case
