"""Historic petition cases taken in from an export (a message board, a hotline): real times, real outcomes.

An imported record already happened: it is written with its real receipt and
reply times, its statutory deadlines are computed from those times and
recorded with their outcome (kept, or breached and by how much), and nothing
is sent or reminded — no notification is queued and no deadline is left for
the worker (``deadlines.actions.record_past``).
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingji.audit.log import record
from yingji.crypto import encrypt
from yingji.deadlines.actions import record_past
from yingji.deadlines.choices import DeadlineUnit
from yingji.numbering import next_number
from yingji.orgs.access import Actor, require
from yingji.orgs.models import Township

from ..choices import CaseStatus, Category, Channel, ComplaintRoute, DocumentKind, PartyRole
from ..models import Document, Party, PetitionCase
from ._common import ACCEPTANCE_RULE, ART22, CONCLUDE_DAYS, CONCLUDE_RULE

#: Summary field length of ``PetitionCase.summary``.
_SUMMARY_MAX = 300


def record_historic_case(
    actor: Actor,
    township: Township,
    *,
    summary: str,
    content: str,
    received_at: datetime,
    replied_at: datetime | None = None,
    reply_text: str = "",
    reply_issuer: str = "",
    petitioner_name: str = "",
    channel: Channel | str = Channel.ONLINE,
    source_label: str = "",
    number: str = "",
) -> PetitionCase:
    """Record a petition that already happened, with its real times; return the case.

    ``received_at`` and ``replied_at`` are aware (stored UTC). Deadlines, from
    the real receipt time (calendar days in Asia/Shanghai, ending 24:00 of
    the last day): the 15-day written answer (《信访工作条例》第二十二条) and
    the 60-day conclusion (第三十四条, counted from receipt because the
    acceptance date of an export is unknown — the earliest it could run),
    both satisfied at ``replied_at`` — kept, or satisfied late with
    ``breached_at`` at the due time — or, without a reply, breached at their
    due time once past. The reply is kept as a ``Document`` (kind reply, in
    the issuer's name) and the case is ``replied``; without a reply the case
    stays ``received``. ``petitioner_name`` (optional) is stored encrypted
    like every petitioner detail. No notification is queued and no reminder
    is opened. ``number`` is a case number a batch importer allocated itself
    (``XF{year}-{seq}``, unique in the township; default: the next free one). Raises ``ValidationError`` (empty summary, reply before
    receipt, times in the future), ``PermissionDenied`` unless ``actor`` may
    import petitions.
    """
    require(actor, "petitions.import", township)
    now = timezone.now()
    summary = " ".join(summary.split())[:_SUMMARY_MAX]
    errors: dict[str, str] = {}
    if not summary:
        errors["summary"] = _("The record has no subject.")
    if received_at.tzinfo is None or received_at > now:
        errors["received_at"] = _("The receipt time must be a past, aware time.")
    if replied_at is not None and (replied_at < received_at or replied_at > now):
        errors["replied_at"] = _("The reply time is before the receipt time or in the future.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = PetitionCase.objects.create(
            township=township,
            number=number or next_number(PetitionCase, township, "XF", received_at),
            channel=channel,
            status=CaseStatus.REPLIED if replied_at else CaseStatus.RECEIVED,
            summary=summary,
            content=content,
            received_at=received_at,
            received_by=actor.member,
            category=Category.COMPLAINT,
            complaint_route=ComplaintRoute.PETITION,
            concluded_at=replied_at,
        )
        if petitioner_name.strip():
            Party.objects.create(
                case=case,
                role=PartyRole.PETITIONER,
                name_enc=encrypt(petitioner_name.strip()),
                phone_enc=encrypt(""),
                address_enc=encrypt(""),
            )
        for rule, label, source, days in (
            (ACCEPTANCE_RULE, "受理告知", ART22, 15),
            (CONCLUDE_RULE, "办结答复", "《信访工作条例》第三十四条", CONCLUDE_DAYS),
        ):
            record_past(
                case,
                township=township,
                rule=rule,
                label=label,
                source=source,
                unit=DeadlineUnit.DAYS,
                amount=days,
                opened_at=received_at,
                satisfied_at=replied_at,
                now=now,
            )
        if replied_at is not None:
            Document.objects.create(
                case=case,
                kind=DocumentKind.REPLY,
                issuer=reply_issuer or f"{township.name}人民政府",
                issued_at=replied_at,
                parts={"historic": True},
                body=reply_text,
            )
        record(
            actor,
            "petitions.import_historic",
            case,
            after={"number": case.number, "source": source_label, "replied": bool(replied_at)},
        )
    return case
