"""On-scene actions (plan §六(五)): checklist ticks, the log, situation reports, evidence, demands.

Same rule as ``actions.py``: actor first, permission, validation, one
transaction with the audit event and notifications. Evidence is add-only:
:func:`refuse_evidence_change` is what every edit or delete attempt reaches.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from yingji import uploads
from yingji.audit.log import record
from yingji.crypto import encrypt
from yingji.notify.outbox import queue
from yingji.orgs.access import Actor, require
from yingji.orgs.models import Member
from yingji.petitions.actions import receive_case
from yingji.uploads import Checked

from .access import mentions_party, party_details
from .actions import leaders, link, log
from .choices import DemandStatus, HashSource, IncidentStatus, LogKind, PartyCapacity
from .models import (
    Attachment,
    ChecklistTick,
    CustodyTransfer,
    Demand,
    EvidenceAnnotation,
    EvidenceItem,
    Incident,
    LogEntry,
    Party,
)

SHA256 = re.compile(r"^[0-9a-f]{64}$")
#: 《信访工作条例》第十八条: a group petition chooses at most five representatives
MAX_REPRESENTATIVES = 5
_ON_SCENE = (IncidentStatus.ACTIVATED,)
_AFTER = (IncidentStatus.ACTIVATED, IncidentStatus.AFTERMATH)


def _require_status(incident: Incident, allowed: Sequence[str]) -> None:
    if incident.status not in allowed:
        raise ValidationError(
            _("Not possible while the incident is “%s”.") % incident.get_status_display()
        )


def check_upload(field: str, upload: UploadedFile, purpose: str) -> Checked:
    """Check ``upload`` by its content for ``purpose`` (``yingji.uploads``); return what it is.

    Raises ``ValidationError`` on ``field`` with the reason, before anything is written.
    """
    try:
        return uploads.check(upload, purpose, name=upload.name or "")
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


def store_file(
    incident: Incident, upload: UploadedFile, checked: Checked, at: datetime
) -> Attachment:
    """Store a checked ``upload`` under MEDIA_ROOT with its size and SHA-256; return the ``Attachment``.

    The stored name is random with the extension of the kind found
    (``uploads.stored_name``); the user's file name is kept in ``name``.
    """
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        township=incident.township,
        incident=incident,
        name=(upload.name or "file")[:200],
        size=checked.size,
        sha256=digest.hexdigest(),
        uploaded_at=at,
    )
    attachment.file.save(uploads.stored_name(checked), upload, save=False)
    attachment.save()
    return attachment


def tick_step(actor: Actor, incident: Incident, step_key: str, note: str = "") -> ChecklistTick:
    """Tick a step of the incident's checklist (plan §六(五), from its plan version), once each.

    Writes the tick and a log entry with time and author. Raises
    ``ValidationError`` for a step the category does not have, a step ticked
    already, or an incident not active on scene.
    """
    require(actor, "incidents.on_scene", incident.township)
    _require_status(incident, _ON_SCENE)
    steps = {s.key: s for s in incident.category_def.checklist}
    if step_key not in steps:
        raise ValidationError({"step": _("The checklist has no step “%s”.") % step_key})
    if incident.ticks.filter(step_key=step_key).exists():
        raise ValidationError({"step": _("This step is ticked already.")})
    now = timezone.now()
    with transaction.atomic():
        tick = ChecklistTick.objects.create(
            township=incident.township,
            incident=incident,
            step_key=step_key,
            ticked_at=now,
            ticked_by=actor.member,
            note=note.strip(),
        )
        text = f"✓ {steps[step_key].title}" + (f"：{note.strip()}" if note.strip() else "")
        log(incident, actor, LogKind.TICK, text, now)
        record(actor, "incidents.tick", incident, after={"step": step_key})
    return tick


def add_log_entry(
    actor: Actor, incident: Incident, text: str, files: Sequence[UploadedFile] = ()
) -> LogEntry:
    """Write an on-scene log entry with optional attachments (plan §六(五)1(3) 全程记录).

    Every file is checked by content first (``attachment`` purpose of
    ``yingji.uploads``). Raises ``ValidationError`` for empty text, a refused
    file (field ``files``; nothing is written, not even the other files) or
    an incident not active or in aftermath.
    """
    require(actor, "incidents.on_scene", incident.township)
    _require_status(incident, _AFTER)
    if not text.strip():
        raise ValidationError({"text": _("Write what happened.")})
    checked = [check_upload("files", upload, "attachment") for upload in files]
    now = timezone.now()
    with uploads.removed_on_failure() as stored, transaction.atomic():
        entry = log(incident, actor, LogKind.NOTE, text.strip(), now)
        for upload, found in zip(files, checked, strict=True):
            attachment = store_file(incident, upload, found, now)
            stored.append(attachment.file)
            attachment.log_entry = entry
            attachment.save(update_fields=["log_entry"])
        record(actor, "incidents.log", incident, after={"entry": entry.pk, "files": len(files)})
    return entry


def send_situation_report(actor: Actor, incident: Incident, text: str) -> LogEntry:
    """Send a situation report to the head and leading group (plan §六(五)1(1) 随时向领导小组汇报)."""
    require(actor, "incidents.on_scene", incident.township)
    _require_status(incident, _ON_SCENE)
    if not text.strip():
        raise ValidationError({"text": _("Write the situation.")})
    now = timezone.now()
    with transaction.atomic():
        entry = log(incident, actor, LogKind.SITUATION, text.strip(), now)
        queue(
            incident.township,
            leaders(incident.township),
            kind="incident.situation",
            subject=_("Situation at %(number)s") % {"number": incident.number},
            body=text.strip(),
            key=f"incident:{incident.pk}:situation:{entry.pk}",
            link=link(incident),
            about=incident,
        )
        record(actor, "incidents.situation", incident, after={"entry": entry.pk})
    return entry


def register_evidence(
    actor: Actor,
    incident: Incident,
    *,
    camera_id: str,
    wearer: Member,
    started_at: datetime,
    ended_at: datetime,
    file_name: str,
    storage_place: str,
    sha256: str = "",
    file: UploadedFile | None = None,
) -> EvidenceItem:
    """Register a body-worn camera recording as an evidence item (plan §六(五)1(3)); add-only.

    ``started_at`` / ``ended_at`` are aware. With ``file`` — checked by its
    content for the ``evidence`` purpose of ``yingji.uploads`` (image, MP4
    video, audio or PDF, within the size limit) and stored under a random
    name — the SHA-256 is computed (an entered ``sha256`` must then match);
    without it ``sha256`` is the 64-hex digest from the device's export.
    Raises ``ValidationError`` with field errors; nothing is written then.
    """
    require(actor, "incidents.on_scene", incident.township)
    _require_status(incident, _AFTER)
    errors: dict[str, str] = {}
    entered = sha256.strip().lower()
    if wearer.township_id != incident.township_id:
        errors["wearer"] = _("Choose a member of this township.")
    if ended_at <= started_at:
        errors["ended_at"] = _("The recording must end after it starts.")
    for field, value in (
        ("camera_id", camera_id),
        ("file_name", file_name),
        ("storage_place", storage_place),
    ):
        if not value.strip():
            errors[field] = _("Required.")
    computed = ""
    checked: Checked | None = None
    if file is not None:
        try:
            checked = uploads.check(file, "evidence", name=file.name or file_name)
        except ValidationError as exc:
            errors["file"] = exc.messages[0]
    if file is not None and checked is not None:
        digest = hashlib.sha256()
        for chunk in file.chunks():
            digest.update(chunk)
        file.seek(0)
        computed = digest.hexdigest()
        if entered and entered != computed:
            errors["sha256"] = _("The SHA-256 entered does not match the file (%s).") % computed
    elif file is None and not SHA256.match(entered):
        errors["sha256"] = _("Upload the file or enter its SHA-256 (64 hexadecimal digits).")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with uploads.removed_on_failure() as stored, transaction.atomic():
        last = EvidenceItem.objects.filter(incident=incident).aggregate(n=Max("number"))["n"]
        item = EvidenceItem(
            township=incident.township,
            incident=incident,
            number=(last or 0) + 1,
            camera_id=camera_id.strip(),
            wearer=wearer,
            started_at=started_at,
            ended_at=ended_at,
            file_name=file_name.strip(),
            sha256=computed or entered,
            hash_source=HashSource.COMPUTED if computed else HashSource.ENTERED,
            storage_place=storage_place.strip(),
            registered_at=now,
            registered_by=actor.member,
        )
        if file is not None and checked is not None:
            item.file.save(uploads.stored_name(checked), file, save=False)
            stored.append(item.file)
        item.save()
        log(
            incident,
            actor,
            LogKind.EVIDENCE,
            _("Evidence #%(n)s: %(file)s (camera %(camera)s, %(wearer)s)")
            % {
                "n": item.number,
                "file": item.file_name,
                "camera": item.camera_id,
                "wearer": wearer,
            },
            now,
        )
        record(
            actor,
            "incidents.evidence_add",
            item,
            after={"number": item.number, "sha256": item.sha256, "file_name": item.file_name},
            township=incident.township,
        )
    return item


def hand_over_evidence(
    actor: Actor,
    item: EvidenceItem,
    *,
    from_holder: str,
    to_holder: str,
    place: str,
    note: str = "",
) -> CustodyTransfer:
    """Record a hand-over of an evidence item (the chain of custody); add-only."""
    require(actor, "incidents.on_scene", item.township)
    errors = {
        f: _("Required.")
        for f, v in (("from_holder", from_holder), ("to_holder", to_holder), ("place", place))
        if not v.strip()
    }
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        transfer = CustodyTransfer.objects.create(
            township=item.township,
            item=item,
            at=now,
            from_holder=from_holder.strip(),
            to_holder=to_holder.strip(),
            place=place.strip(),
            note=note.strip(),
            recorded_by=actor.member,
        )
        log(
            item.incident,
            actor,
            LogKind.EVIDENCE,
            _("Evidence #%(n)s handed over: %(a)s → %(b)s, kept at %(p)s")
            % {"n": item.number, "a": from_holder, "b": to_holder, "p": place},
            now,
        )
        record(
            actor,
            "incidents.evidence_custody",
            item,
            after={"from": from_holder, "to": to_holder, "place": place},
            township=item.township,
        )
    return transfer


def annotate_evidence(actor: Actor, item: EvidenceItem, text: str) -> EvidenceAnnotation:
    """Add a note to an evidence item: the only way to correct or complete it."""
    require(actor, "incidents.on_scene", item.township)
    if not text.strip():
        raise ValidationError({"text": _("Write the note.")})
    with transaction.atomic():
        note = EvidenceAnnotation.objects.create(
            township=item.township,
            item=item,
            at=timezone.now(),
            author=actor.member,
            text=text.strip(),
        )
        record(
            actor,
            "incidents.evidence_annotate",
            item,
            after={"text": note.text},
            township=item.township,
        )
    return note


def refuse_evidence_change(
    actor: Actor, item: EvidenceItem, change: str, attempted: dict[str, Any] | None = None
) -> None:
    """Audit an attempt to edit or delete an evidence item, then refuse it with ``PermissionDenied``.

    ``change`` is ``"edit"`` or ``"delete"``. The audit event
    (``incidents.evidence_<change>_refused``) commits although the change is refused.
    """
    with transaction.atomic():
        record(
            actor,
            f"incidents.evidence_{change}_refused",
            item,
            after={"attempted": attempted or {}},
            township=item.township,
        )
    raise PermissionDenied(_("Evidence items cannot be edited or deleted, only annotated."))


def add_party(
    actor: Actor, incident: Incident, *, name: str, contact: str = "", capacity: str = ""
) -> Party:
    """Record a person as a party to the matter, with the minimum details needed to reply.

    ``capacity`` is a ``PartyCapacity`` value; at most five representatives
    (《信访工作条例》第十八条). ``name`` (at most 50 characters) and ``contact``
    (at most 100) are stored encrypted (DESIGN.md §6); read them back through
    ``incidents.access.party_details``. Raises ``ValidationError``.
    """
    require(actor, "incidents.on_scene", incident.township)
    _require_status(incident, [s for s in IncidentStatus if s != IncidentStatus.CLOSED])
    capacity = capacity or PartyCapacity.PETITIONER
    if not name.strip():
        raise ValidationError({"name": _("Required.")})
    if len(name.strip()) > 50:
        raise ValidationError({"name": _("At most 50 characters.")})
    if len(contact.strip()) > 100:
        raise ValidationError({"contact": _("At most 100 characters.")})
    if capacity not in PartyCapacity.values:
        raise ValidationError({"capacity": _("Unknown capacity.")})
    reps = incident.parties.filter(capacity=PartyCapacity.REPRESENTATIVE).count()
    if capacity == PartyCapacity.REPRESENTATIVE and reps >= MAX_REPRESENTATIVES:
        raise ValidationError(
            {"capacity": _("A group chooses at most five representatives (Art. 18).")}
        )
    with transaction.atomic():
        party = Party.objects.create(
            township=incident.township,
            incident=incident,
            name_enc=encrypt(name.strip()),
            contact_enc=encrypt(contact.strip()),
            capacity=capacity,
        )
        record(actor, "incidents.add_party", incident, after={"party": party.pk})
    return party


def register_demand(
    actor: Actor, incident: Incident, *, content: str, parties: Sequence[Party] = ()
) -> Demand:
    """Register a demand the people bring on scene (plan §六(五)2(3) 对诉求进行登记).

    ``parties`` are parties of this incident. The content is stored in clear
    text (and goes into the log and a petition case), so it must not contain a
    party's name or contact (DESIGN.md §6): checked by decrypting the parties
    here, the read logged (purpose ``check_demand_text``). Raises ``ValidationError``.
    """
    require(actor, "incidents.on_scene", incident.township)
    _require_status(incident, _ON_SCENE)
    if not content.strip():
        raise ValidationError({"content": _("Write the demand.")})
    if any(p.incident_id != incident.pk for p in parties):
        raise ValidationError({"parties": _("Parties must be parties of this incident.")})
    if mentions_party(actor, incident, content, purpose="check_demand_text"):
        raise ValidationError(
            {
                "content": _(
                    "Do not write a party's name or contact here: tick the parties below; "
                    "their details are kept encrypted."
                )
            }
        )
    now = timezone.now()
    with transaction.atomic():
        demand = Demand.objects.create(
            township=incident.township,
            incident=incident,
            content=content.strip(),
            registered_at=now,
            registered_by=actor.member,
        )
        demand.parties.set(parties)
        log(incident, actor, LogKind.DEMAND, _("Demand registered: %s") % content.strip(), now)
        record(actor, "incidents.demand", incident, after={"demand": demand.pk})
    return demand


def _settleable(actor: Actor, demand: Demand) -> None:
    require(actor, "incidents.settle_demand", demand.township)
    _require_status(demand.incident, _AFTER)
    if demand.status != DemandStatus.REGISTERED:
        raise ValidationError(_("This demand is settled already."))


def _case_parties(demand: Demand) -> tuple[list[Party], bool]:
    """Return the parties a demand's case replies to, and whether it is a group petition.

    The demand's representatives if it has any (a group, at most five by
    Art. 18); else its parties if they are at most five; else the incident's
    representatives. Raises ``ValidationError`` when more than five people
    stand behind the demand and no representatives are recorded
    (《信访工作条例》第十八条: a group chooses at most five representatives).
    """
    parties = list(demand.parties.all())
    reps = [p for p in parties if p.capacity == PartyCapacity.REPRESENTATIVE]
    if reps:
        return reps, True
    if len(parties) <= MAX_REPRESENTATIVES:
        return parties, False
    reps = list(demand.incident.parties.filter(capacity=PartyCapacity.REPRESENTATIVE))
    if reps:
        return reps, True
    raise ValidationError(
        _(
            "More than five people stand behind this demand: record the group's representatives "
            "(at most five, Art. 18) as parties of the incident first."
        )
    )


def _withhold(text: str, secrets: Sequence[str]) -> str:
    """Return ``text`` with every secret of two characters or more replaced by "(withheld)"."""
    for secret in sorted(
        {s.strip() for s in secrets if len(s.strip()) >= 2}, key=len, reverse=True
    ):
        text = text.replace(secret, _("(withheld)"))
    return text


def demand_to_case(actor: Actor, demand: Demand):
    """Turn a demand into a petition case (plan §七(一)); return the ``PetitionCase``.

    Calls ``petitions.actions.receive_case`` (channel ``incident_demand``), so
    the case's statutory deadlines open; the demand keeps the case. The case
    gets the demand's parties (see :func:`_case_parties`; their representatives
    for a group, Art. 18) with their names and contacts, so that it can reply
    to them: they are decrypted here, and the read is logged
    (``incidents.access.party_details``, purpose ``demand_to_case``). Their
    names and contacts are withheld from the case's clear-text summary and
    content (the case keeps them encrypted). Raises ``ValidationError`` and
    ``PermissionDenied``.
    """
    _settleable(actor, demand)
    chosen, is_group = _case_parties(demand)
    now = timezone.now()
    with transaction.atomic():
        people = party_details(actor, demand.incident, purpose="demand_to_case", parties=chosen)
        secrets = [v for p in people for v in (p.name, p.contact)]
        case = receive_case(
            actor,
            demand.township,
            channel="incident_demand",
            summary=_withhold(f"{demand.incident.number} {demand.content}", secrets)[:300],
            content=_withhold(demand.content, secrets),
            received_at=now,
            source_object=demand,
            parties=[{"name": p.name, "phone": p.contact, "address": ""} for p in people],
            is_group=is_group,
            headcount=demand.incident.headcount if is_group else None,
        )
        Demand.objects.filter(pk=demand.pk).update(
            status=DemandStatus.CASE, case=case, settled_at=now
        )
        log(
            demand.incident,
            actor,
            LogKind.DEMAND,
            _("Demand became petition case %(case)s.") % {"case": case.number},
            now,
        )
        record(actor, "incidents.demand_case", demand.incident, after={"case": case.number})
    demand.refresh_from_db()
    return case


def withdraw_demand(actor: Actor, demand: Demand, note: str) -> Demand:
    """Record a demand as withdrawn by the people, with a note saying how (plan §七(一))."""
    _settleable(actor, demand)
    if not note.strip():
        raise ValidationError({"note": _("Say how the demand was withdrawn.")})
    now = timezone.now()
    with transaction.atomic():
        Demand.objects.filter(pk=demand.pk).update(
            status=DemandStatus.WITHDRAWN, withdrawn_note=note.strip(), settled_at=now
        )
        log(demand.incident, actor, LogKind.DEMAND, _("Demand withdrawn: %s") % note.strip(), now)
        record(actor, "incidents.demand_withdraw", demand.incident, after={"note": note.strip()})
    demand.refresh_from_db()
    return demand
