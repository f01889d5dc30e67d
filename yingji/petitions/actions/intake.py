"""Intake and the acceptance decision of petition cases (Art. 17–23)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from yingji.audit.log import record
from yingji.crypto import encrypt
from yingji.deadlines.actions import cancel_all, open_deadline, satisfy
from yingji.deadlines.choices import DeadlineUnit
from yingji.deadlines.models import Deadline
from yingji.numbering import next_number
from yingji.orgs.access import Actor, require
from yingji.orgs.models import Township, Unit

from ..access import hash_query_code, new_query_code, require_handler
from ..choices import (
    FROM_HIGHER_LEVEL,
    MAX_REPRESENTATIVES,
    RUNNING,
    CaseStatus,
    Category,
    Channel,
    ComplaintRoute,
    DocumentKind,
    PartyRole,
)
from ..documents import (
    acceptance_text,
    non_acceptance_text,
    transfer_text,
)
from ..models import Document, Party, PetitionCase
from ._common import (
    ACCEPTANCE_RULE,
    ART22,
    CONCLUDE_DAYS,
    CONCLUDE_RULE,
    OBJECTION_RULE,
    _document,
    _issuer,
    _now,
    _require_status,
)


def _check_parties(parties: Sequence[Mapping[str, str]], is_group: bool) -> None:
    """Art. 20: at most five people are recorded (the group's representatives); each has a name."""
    if len(parties) > MAX_REPRESENTATIVES:
        raise ValidationError(
            {
                "parties": _(
                    "A petition records at most %(n)d people; a group names up to five representatives (Art. 20)."
                )
                % {"n": MAX_REPRESENTATIVES}
            }
        )
    for party in parties:
        if not (party.get("name") or "").strip():
            raise ValidationError({"parties": _("Each petitioner needs a name to reply to.")})


def _check_no_details_in_clear(
    parties: Sequence[Mapping[str, str]], summary: str, content: str
) -> None:
    """Petitioners' details live only in the encrypted party fields, never in the clear-text summary or content."""
    errors = {}
    for field, text in (("summary", summary), ("content", content)):
        for party in parties:
            found = [
                v.strip()
                for v in (party.get("name"), party.get("phone"), party.get("address"))
                if v and len(v.strip()) >= 2 and v.strip() in text
            ]
            if found:
                errors[field] = _(
                    "Do not write the petitioner's name, phone or address here; they are kept encrypted in the petitioner fields."
                )
    if errors:
        raise ValidationError(errors)


def receive_case(
    actor: Actor,
    township: Township,
    *,
    channel: Channel | str,
    summary: str,
    content: str = "",
    received_at: datetime | None = None,
    source_object: models.Model | None = None,
    category: Category | str = Category.COMPLAINT,
    complaint_route: ComplaintRoute | str = "",
    parties: Iterable[Mapping[str, str]] = (),
    is_group: bool = False,
    headcount: int | None = None,
    accused_unit: Unit | None = None,
    same_matter_as: PetitionCase | None = None,
    higher_level_body: str = "",
) -> PetitionCase:
    """Register a petition case received now (or at ``received_at``, aware); return it.

    Opens the 15-day acceptance deadline (《信访工作条例》第二十二条; calendar
    days in Asia/Shanghai, ending 24:00 of the last day) and, for a case
    transferred or assigned by a higher level, the 5-working-day objection
    deadline (第二十三条). ``parties`` are ``{"name", "phone", "address"}``
    dicts (encrypted at rest; at most five, Art. 20); for a group petition
    they are its representatives. ``same_matter_as`` links an earlier case on
    the same matter: the new case is flagged if that one is still within its
    time limits (Art. 19), and refused if that one is final after re-review
    (Art. 36). The random query code is set on the returned object as
    ``case.query_code`` and is never stored in clear: show it once.
    ``source_object`` links the demand or warning it came from. Raises
    ``ValidationError`` for bad fields and ``PermissionDenied`` unless
    ``actor`` may receive cases.
    """
    require(actor, "petitions.receive", township)
    at = _now(received_at)
    people = [dict(p) for p in parties]
    _check_parties(people, is_group)
    _check_no_details_in_clear(people, summary, content)
    if same_matter_as is not None:
        if same_matter_as.township_id != township.pk:
            raise ValidationError({"same_matter_as": _("Unknown case.")})
        if same_matter_as.status == CaseStatus.FINAL:
            raise ValidationError(
                {
                    "same_matter_as": _(
                        "Case %(number)s on the same matter is final after re-review; it is not taken again (Art. 36)."
                    )
                    % {"number": same_matter_as.number}
                }
            )
    if accused_unit is not None and accused_unit.township_id != township.pk:
        raise ValidationError({"accused_unit": _("Unknown unit.")})
    if category == Category.COMPLAINT and not complaint_route:
        complaint_route = ComplaintRoute.PETITION
    plan = township.plan_version.plan if township.plan_version else None
    if plan is not None and headcount is not None and headcount >= plan.group_threshold:
        is_group = True
    code = new_query_code()
    with transaction.atomic():
        case = PetitionCase(
            township=township,
            number=next_number(PetitionCase, township, "XF", at),
            channel=channel,
            summary=summary,
            content=content,
            received_at=at,
            received_by=actor.member,
            category=category,
            complaint_route=complaint_route if category == Category.COMPLAINT else "",
            is_group=is_group,
            headcount=headcount,
            accused_unit=accused_unit if category == Category.REPORT else None,
            same_matter_as=same_matter_as,
            same_matter_flag=bool(same_matter_as and _still_in_time(same_matter_as, at)),
            higher_level_body=higher_level_body,
        )
        if source_object is not None:
            case.source_type = ContentType.objects.get_for_model(source_object)
            case.source_id = str(source_object.pk)
        case.full_clean(exclude=["query_code_hash"])
        case.save()
        case.query_code_hash = hash_query_code(case, code)
        case.save(update_fields=["query_code_hash"])
        role = PartyRole.REPRESENTATIVE if is_group else PartyRole.PETITIONER
        for i, person in enumerate(people):
            Party.objects.create(
                case=case,
                role=role,
                name_enc=encrypt(person["name"].strip()),
                phone_enc=encrypt((person.get("phone") or "").strip()),
                address_enc=encrypt((person.get("address") or "").strip()),
                order=i,
            )
        if same_matter_as is not None:
            case.related.add(same_matter_as)
        open_deadline(
            case,
            township=township,
            rule=ACCEPTANCE_RULE,
            label="受理告知",
            source=ART22,
            unit=DeadlineUnit.DAYS,
            amount=15,
            opened_at=at,
        )
        if channel in FROM_HIGHER_LEVEL:
            open_deadline(
                case,
                township=township,
                rule=OBJECTION_RULE,
                label="职责异议",
                source="《信访工作条例》第二十三条",
                unit=DeadlineUnit.WORKING_DAYS,
                amount=5,
                opened_at=at,
            )
        record(
            actor,
            "petitions.receive",
            case,
            after={
                "number": case.number,
                "channel": str(channel),
                "category": str(category),
                "parties": len(people),
                "same_matter_flag": case.same_matter_flag,
            },
        )
    case.query_code = code  # type: ignore[attr-defined]
    return case


def _still_in_time(case: PetitionCase, at: datetime) -> bool:
    """True if ``case`` is still within its time limits at ``at`` (Art. 19)."""
    if case.status in RUNNING:
        return True
    for window in (case.review_window_ends_at, case.re_review_window_ends_at):
        if window is not None and at <= window:
            return True
    return case.status in (CaseStatus.REPLIED, CaseStatus.REVIEWED) and (
        case.review_window_ends_at is None and case.re_review_window_ends_at is None
    )


def reissue_query_code(actor: Actor, case: PetitionCase) -> str:
    """Replace the case's query code with a new one and return it (shown once; the old one stops working)."""
    require(actor, "petitions.handle", case.township)
    require_handler(actor, case)
    code = new_query_code()
    with transaction.atomic():
        case.query_code_hash = hash_query_code(case, code)
        case.save(update_fields=["query_code_hash"])
        record(actor, "petitions.reissue_query_code", case)
    return code


def _decided(case: PetitionCase, at: datetime) -> None:
    """Close the Art. 22 notice deadline and the Art. 23 objection window."""
    satisfy(case, ACCEPTANCE_RULE, at=at)
    satisfy(case, OBJECTION_RULE, at=at)


def accept_case(actor: Actor, case: PetitionCase, *, at: datetime | None = None) -> Document:
    """Accept ``case`` and issue the written acceptance notice (Art. 22); return the notice.

    Satisfies the 15-day notice deadline and opens the 60-day conclude
    deadline (Art. 31(6), 34) from the day of acceptance. A complaint whose
    route is not the petition procedure cannot be accepted (Art. 31: decline
    it and name the route). Raises ``ValidationError``, ``PermissionDenied``.
    """
    require(actor, "petitions.decide", case.township)
    at = _now(at)
    _require_status(case, CaseStatus.RECEIVED)
    if case.category == Category.COMPLAINT and case.complaint_route != ComplaintRoute.PETITION:
        raise ValidationError(
            {
                "complaint_route": _(
                    "This complaint belongs to another statutory route; decline it and name the route (Art. 31)."
                )
            }
        )
    with transaction.atomic():
        case.status = CaseStatus.ACCEPTED
        case.decided_at = at
        case.save(update_fields=["status", "decided_at"])
        _decided(case, at)
        open_deadline(
            case,
            township=case.township,
            rule=CONCLUDE_RULE,
            label="办结答复",
            source="《信访工作条例》第三十一条第六项、第三十四条",
            unit=DeadlineUnit.DAYS,
            amount=CONCLUDE_DAYS,
            opened_at=at,
        )
        doc = _document(
            case,
            DocumentKind.ACCEPTANCE,
            at,
            acceptance_text(case.number, _issuer(case), at),
        )
        record(actor, "petitions.accept", case, after={"status": case.status})
    return doc


def decline_case(
    actor: Actor, case: PetitionCase, *, reason: str, at: datetime | None = None
) -> Document:
    """Decline ``case`` with ``reason`` and issue the non-acceptance notice (Art. 22, 31); return it.

    For a complaint on another statutory route the notice names the route.
    Raises ``ValidationError`` (``reason`` empty), ``PermissionDenied``.
    """
    require(actor, "petitions.decide", case.township)
    at = _now(at)
    _require_status(case, CaseStatus.RECEIVED)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason the petitioner will be told.")})
    with translation.override("zh-hans"):  # documents are written in Chinese
        route = (
            str(case.get_complaint_route_display())
            if case.category == Category.COMPLAINT
            and case.complaint_route != ComplaintRoute.PETITION
            else ""
        )
    with transaction.atomic():
        case.status = CaseStatus.DECLINED
        case.decided_at = at
        case.decision_reason = reason.strip()
        case.save(update_fields=["status", "decided_at", "decision_reason"])
        _decided(case, at)
        cancel_all(case, at=at)
        doc = _document(
            case,
            DocumentKind.NON_ACCEPTANCE,
            at,
            non_acceptance_text(case.number, _issuer(case), at, reason.strip(), route),
            reason=reason.strip(),
            route=route,
        )
        record(actor, "petitions.decline", case, after={"reason": reason.strip()})
    return doc


def transfer_case(
    actor: Actor, case: PetitionCase, *, to_body: str, at: datetime | None = None
) -> Document:
    """Route ``case`` to ``to_body``, the body responsible, and tell the petitioner (Art. 22); return the notice."""
    require(actor, "petitions.decide", case.township)
    at = _now(at)
    _require_status(case, CaseStatus.RECEIVED)
    if not to_body.strip():
        raise ValidationError({"to_body": _("Name the body the case goes to.")})
    with transaction.atomic():
        case.status = CaseStatus.TRANSFERRED
        case.decided_at = at
        case.transferred_to = to_body.strip()
        case.save(update_fields=["status", "decided_at", "transferred_to"])
        _decided(case, at)
        cancel_all(case, at=at)
        doc = _document(
            case,
            DocumentKind.TRANSFER,
            at,
            transfer_text(case.number, _issuer(case), at, to_body.strip()),
            to_body=to_body.strip(),
        )
        record(actor, "petitions.transfer", case, after={"to": to_body.strip()})
    return doc


def object_to_transfer(
    actor: Actor, case: PetitionCase, *, reason: str, at: datetime | None = None
) -> PetitionCase:
    """Return a case transferred or assigned from above as outside the township's remit (Art. 23).

    Allowed only within 5 working days of receipt (the ``OBJECTION_RULE``
    deadline, official calendar); after that the case must be handled.
    Raises ``ValidationError`` with the reason, ``PermissionDenied``.
    """
    require(actor, "petitions.decide", case.township)
    at = _now(at)
    _require_status(case, CaseStatus.RECEIVED)
    if case.channel not in FROM_HIGHER_LEVEL:
        raise ValidationError(
            _("Only a case transferred or assigned by a higher level can be returned.")
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the objection.")})
    deadline = Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(case),
        object_id=str(case.pk),
        rule=OBJECTION_RULE,
    ).first()
    if deadline is not None and at > deadline.due_at:
        raise ValidationError(
            {
                "reason": _(
                    "The 5 working days for an objection ended on %(due)s (Art. 23); the case must be handled."
                )
                % {"due": timezone.localtime(deadline.due_at).strftime("%Y-%m-%d %H:%M")}
            }
        )
    with transaction.atomic():
        case.status = CaseStatus.OBJECTED
        case.decided_at = at
        case.decision_reason = reason.strip()
        case.save(update_fields=["status", "decided_at", "decision_reason"])
        _decided(case, at)
        cancel_all(case, at=at)
        record(actor, "petitions.object", case, after={"reason": reason.strip()})
    return case


def link_related(actor: Actor, case: PetitionCase, other: PetitionCase) -> None:
    """Link two cases of the same township as related (both directions)."""
    require(actor, "petitions.decide", case.township)
    if other.township_id != case.township_id or other.pk == case.pk:
        raise ValidationError({"other": _("Unknown case.")})
    with transaction.atomic():
        case.related.add(other)
        record(actor, "petitions.link", case, after={"related": other.number})
