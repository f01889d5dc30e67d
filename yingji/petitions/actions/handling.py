"""Five-ones and the extension of petition cases (plan §七(一), Art. 34)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from yingji.audit.log import record
from yingji.deadlines.actions import open_deadline, satisfy
from yingji.deadlines.choices import DeadlineUnit
from yingji.notify.outbox import queue
from yingji.orgs.access import Actor, require
from yingji.orgs.choices import Role
from yingji.orgs.models import Member, Unit

from ..access import require_handler
from ..choices import (
    CaseStatus,
    DocumentKind,
    ExtensionState,
)
from ..documents import (
    extension_text,
)
from ..models import Document, PetitionCase
from ._common import (
    CONCLUDE_DAYS,
    CONCLUDE_RULE,
    EXTENDED_RULE,
    FIVE_ONES_FIELDS,
    MAX_EXTENSION_DAYS,
    _document,
    _issuer,
    _now,
    _require_status,
)


def set_five_ones(
    actor: Actor,
    case: PetitionCase,
    *,
    handling_unit: Unit | None,
    lead_official: Member | None,
    responsible_person: Member | None,
    measures: str,
    resolution_plan: str,
) -> PetitionCase:
    """Name the five-ones of ``case`` (plan §七(一)); any may still be empty until resolution starts.

    The responsible unit may not be the unit a report case accuses (Art. 30).
    Notifies the lead official and the responsible person. Raises
    ``ValidationError``, ``PermissionDenied``.
    """
    require(actor, "petitions.assign", case.township)
    _require_status(case, CaseStatus.RECEIVED, CaseStatus.ACCEPTED, CaseStatus.IN_RESOLUTION)
    errors: dict[str, str] = {}
    if handling_unit is not None and handling_unit.township_id != case.township_id:
        errors["handling_unit"] = _("Unknown unit.")
    if handling_unit is not None and handling_unit.pk == case.accused_unit_id:
        errors["handling_unit"] = _("The accused unit cannot handle a report against itself.")
    for name, member in (
        ("lead_official", lead_official),
        ("responsible_person", responsible_person),
    ):
        if member is not None and member.township_id != case.township_id:
            errors[name] = _("Unknown member.")
        elif member is not None and case.accused_unit_id and member.unit_id == case.accused_unit_id:
            errors[name] = _("A member of the accused unit cannot handle a report against it.")
    if errors:
        raise ValidationError(errors)
    before = {f: str(getattr(case, f) or "") for f in FIVE_ONES_FIELDS.values()}
    with transaction.atomic():
        case.handling_unit = handling_unit
        case.lead_official = lead_official
        case.responsible_person = responsible_person
        case.measures = measures.strip()
        case.resolution_plan = resolution_plan.strip()
        case.save(update_fields=list(FIVE_ONES_FIELDS.values()))
        after = {f: str(getattr(case, f) or "") for f in FIVE_ONES_FIELDS.values()}
        record(actor, "petitions.five_ones", case, before=before, after=after)
        people = [m for m in (lead_official, responsible_person) if m is not None]
        queue(
            case.township,
            people,
            kind="petition.assigned",
            subject=_("Petition case %(number)s: you are named in its five-ones")
            % {"number": case.number},
            body=case.summary,
            key=f"petition:{case.pk}:five_ones:{lead_official and lead_official.pk}:{responsible_person and responsible_person.pk}",
            link=f"/petitions/{case.pk}/",
            about=case,
        )
    return case


def missing_five_ones(case: PetitionCase) -> list[tuple[str, str]]:
    """Return ``[(field, plan name)]`` of the five-ones still empty, in the plan's order (plan §七(一))."""
    plan = case.township.plan_version.plan if case.township.plan_version else None
    names = {f.key: f.name for f in plan.aftermath.five_ones} if plan else {}
    missing = []
    for key, field in FIVE_ONES_FIELDS.items():
        value = getattr(case, field)
        if value is None or (isinstance(value, str) and not value.strip()):
            missing.append((field, names.get(key, key)))
    return missing


def start_resolution(
    actor: Actor, case: PetitionCase, *, at: datetime | None = None
) -> PetitionCase:
    """Start the resolution of an accepted case; all five-ones must be named (plan §七(一)).

    Raises ``ValidationError`` with one field error per empty five-ones field
    (named as in the plan), ``PermissionDenied`` unless the actor handles the case.
    """
    require(actor, "petitions.handle", case.township)
    require_handler(actor, case)
    at = _now(at)
    _require_status(case, CaseStatus.ACCEPTED)
    missing = missing_five_ones(case)
    if missing:
        raise ValidationError(
            {
                field: _("%(name)s must be named before resolution starts (five-ones).")
                % {"name": name}
                for field, name in missing
            }
        )
    with transaction.atomic():
        case.status = CaseStatus.IN_RESOLUTION
        case.resolution_started_at = at
        case.save(update_fields=["status", "resolution_started_at"])
        record(actor, "petitions.start_resolution", case, after={"status": case.status})
    return case


def request_extension(
    actor: Actor, case: PetitionCase, *, days: int, reason: str, at: datetime | None = None
) -> PetitionCase:
    """Ask the head of the handling body for the one extension of ≤30 days (Art. 34).

    Only once per case, before the 60 days end. Notifies the head and deputies.
    Raises ``ValidationError`` (days, reason), ``PermissionDenied``.
    """
    require(actor, "petitions.handle", case.township)
    require_handler(actor, case)
    at = _now(at)
    _require_status(case, CaseStatus.ACCEPTED, CaseStatus.IN_RESOLUTION)
    if case.extension_state:
        raise ValidationError(_("A case may be extended only once (Art. 34)."))
    errors = {}
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        errors["days"] = _("An extension is 1 to 30 days (Art. 34).")
    if not reason.strip():
        errors["reason"] = _("Give the reason the petitioner will be told.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case.extension_state = ExtensionState.REQUESTED
        case.extension_days = days
        case.extension_reason = reason.strip()
        case.save(update_fields=["extension_state", "extension_days", "extension_reason"])
        record(actor, "petitions.request_extension", case, after={"days": days})
        approvers = Member.objects.filter(
            township=case.township, role__in=[Role.HEAD, Role.DEPUTY], active=True
        )
        queue(
            case.township,
            approvers,
            kind="petition.extension_requested",
            subject=_("Extension of %(days)d days asked for case %(number)s")
            % {"days": days, "number": case.number},
            body=reason.strip(),
            key=f"petition:{case.pk}:extension_request",
            link=f"/petitions/{case.pk}/",
            about=case,
        )
    return case


def decide_extension(
    actor: Actor, case: PetitionCase, *, approve: bool, note: str = "", at: datetime | None = None
) -> Document | None:
    """Approve or refuse the requested extension (Art. 34: the head of the handling body decides).

    Approval satisfies the 60-day deadline, opens the extended one (60 +
    days from acceptance) and issues the extension notice telling the
    petitioner the reason; it is returned. Refusal leaves the 60 days
    standing and returns None. Raises ``ValidationError``, ``PermissionDenied``.
    """
    require(actor, "petitions.approve_extension", case.township)
    at = _now(at)
    if case.extension_state != ExtensionState.REQUESTED:
        raise ValidationError(_("No extension is waiting for a decision."))
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say why the extension is refused.")})
    days = case.extension_days or 0
    with transaction.atomic():
        case.extension_state = ExtensionState.APPROVED if approve else ExtensionState.REFUSED
        case.extension_decided_at = at
        case.extension_decided_by = actor.member
        case.save(update_fields=["extension_state", "extension_decided_at", "extension_decided_by"])
        doc = None
        if approve:
            assert case.decided_at is not None
            satisfy(case, CONCLUDE_RULE, at=at)
            open_deadline(
                case,
                township=case.township,
                rule=EXTENDED_RULE,
                label="延期办结答复",
                source="《信访工作条例》第三十四条",
                unit=DeadlineUnit.DAYS,
                amount=CONCLUDE_DAYS + days,
                opened_at=case.decided_at,
            )
            doc = _document(
                case,
                DocumentKind.EXTENSION,
                at,
                extension_text(case.number, _issuer(case), at, days, case.extension_reason),
                days=days,
                reason=case.extension_reason,
            )
        record(
            actor,
            "petitions.decide_extension",
            case,
            after={"approved": approve, "days": days, "note": note.strip()},
        )
    return doc
