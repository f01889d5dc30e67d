"""Who may see a petition case and its petitioners' details (DESIGN.md §6, 《信访工作条例》 Art. 30, 45).

A case is visible to the township's staff except, for a report or accusation
case (Art. 30), the members of the unit it accuses. Petitioners' details are
shown only to those handling the case, and every read is logged
(``audit.log.record_pii_read``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from yingji.audit.log import record_pii_read
from yingji.crypto import decrypt
from yingji.orgs.access import Actor, can, get_in_township
from yingji.orgs.choices import Role

from .choices import Category
from .models import PetitionCase

#: Roles that handle every case of their township: they receive, decide and keep the ledger.
OFFICE_ROLES = frozenset({Role.PEACE_OFFICE_STAFF, Role.PEACE_OFFICE_HEAD, Role.HEAD, Role.DEPUTY})

#: Query codes avoid letters and digits that read alike (0/O, 1/I/L).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10


def visible_cases(actor: Actor) -> QuerySet[PetitionCase]:
    """Return the cases of the actor's township the actor may see (report cases hidden from the accused unit)."""
    qs = PetitionCase.objects.filter(township=actor.township)
    if actor.member is not None and actor.member.unit_id is not None:
        qs = qs.exclude(Q(category=Category.REPORT) & Q(accused_unit_id=actor.member.unit_id))
    return qs


def get_case(actor: Actor, pk: object) -> PetitionCase:
    """Return case ``pk`` if the actor may see it; raises ``Http404`` otherwise (also for another township)."""
    case = get_in_township(actor, PetitionCase, pk)
    if is_accused(actor, case):
        raise Http404
    return case


def is_accused(actor: Actor, case: PetitionCase) -> bool:
    """True if ``actor`` belongs to the unit a report or accusation case accuses (Art. 30)."""
    return (
        case.category == Category.REPORT
        and case.accused_unit_id is not None
        and actor.member is not None
        and actor.member.unit_id == case.accused_unit_id
    )


def is_handler(actor: Actor, case: PetitionCase) -> bool:
    """True if ``actor`` handles ``case``: the office roles, the five-ones people, the responsible unit.

    Never a member of the accused unit of a report case. The system handles every case.
    """
    if actor.is_system:
        return True
    member = actor.member
    if member is None:  # the public: no one's details
        return False
    if member.township_id != case.township_id or is_accused(actor, case):
        return False
    if not can(actor, "petitions.handle"):
        return False
    return (
        member.role in OFFICE_ROLES
        or member.pk in (case.lead_official_id, case.responsible_person_id, case.received_by_id)
        or (member.unit_id is not None and member.unit_id == case.handling_unit_id)
    )


def require_handler(actor: Actor, case: PetitionCase) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` handles ``case``."""
    if not is_handler(actor, case):
        raise PermissionDenied("not handling this case")


@dataclass(frozen=True)
class PartyDetails:
    """A party's details in clear text, for a handler's eyes only."""

    role: str
    role_label: str
    name: str
    phone: str
    address: str


def party_details(actor: Actor, case: PetitionCase, *, purpose: str) -> list[PartyDetails]:
    """Decrypt the parties of ``case`` for ``actor`` and log the read (fields name, phone, address).

    ``purpose`` says where they are shown (``case_page``, ``api`` …). Raises
    ``PermissionDenied`` unless ``actor`` handles the case; writes nothing then.
    """
    require_handler(actor, case)
    parties = list(case.parties.all())
    if parties:
        record_pii_read(
            actor,
            case,
            fields=["name", "phone", "address"],
            purpose=purpose,
            label=case.number,
        )
    return [
        PartyDetails(
            role=p.role,
            role_label=str(p.get_role_display()),
            name=decrypt(p.name_enc),
            phone=decrypt(p.phone_enc),
            address=decrypt(p.address_enc),
        )
        for p in parties
    ]


def new_query_code() -> str:
    """Return a fresh random query code (10 characters, ~49 bits)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    """Return ``code`` upper-cased without spaces or dashes (as petitioners type it)."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def hash_query_code(case: PetitionCase, code: str) -> str:
    """Return the keyed hash (HMAC-SHA256, hex) of ``code`` for ``case`` (tied to its township and number)."""
    message = f"{case.township_id}:{case.number}:{normalise_code(code)}".encode()
    return hmac.new(settings.YINGJI_PII_KEY.encode(), message, hashlib.sha256).hexdigest()


def code_matches(case: PetitionCase, code: str) -> bool:
    """True if ``code`` is the case's query code (constant-time comparison)."""
    if not case.query_code_hash or not code:
        return False
    return hmac.compare_digest(case.query_code_hash, hash_query_code(case, code))
