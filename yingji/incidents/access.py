"""Who may read the details of an incident's parties (DESIGN.md §6).

The parties' names and contacts are encrypted at rest (``Party.name_enc``,
``Party.contact_enc``). They are decrypted only for those handling the
incident: the peace office (staff and head), the leading group (head,
deputies, members; by role or by seat), and the members of the incident's
own task force (plan §六(四)). Not the auditor, not the system administrator,
not a task-force member of another incident. Every read is logged with
``audit.log.record_pii_read`` (who, which incident, which fields, why).
Everyone else sees the parties' capacities only, the names withheld.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from yingji.audit.log import record_pii_read
from yingji.crypto import decrypt
from yingji.orgs.access import Actor, can
from yingji.orgs.choices import Role
from yingji.orgs.models import LeadingGroupSeat

from .models import Incident, Party, TaskForceMember

#: Roles that handle every incident of their township: the peace office and the leading group (plan §四).
HANDLER_ROLES = frozenset(
    {Role.PEACE_OFFICE_STAFF, Role.PEACE_OFFICE_HEAD, Role.HEAD, Role.DEPUTY, Role.MEMBER}
)
#: The personal fields of an incident party, as logged.
FIELDS = ["name", "contact"]


def is_handler(actor: Actor, incident: Incident) -> bool:
    """True if ``actor`` handles ``incident`` and may read its parties' details.

    The system (CLI, worker, an action's own internal read) handles every
    incident. A member must be of the incident's township, hold
    ``incidents.on_scene`` (so never the auditor or the administrator), and be
    of a handler role, hold a leading-group seat, or lead or belong to the
    incident's task force (plan §六(四)).
    """
    if actor.is_system:
        return True
    member = actor.member
    if member is None:  # the public: no one's details
        return False
    if member.township_id != incident.township_id or not can(actor, "incidents.on_scene"):
        return False
    if member.role in HANDLER_ROLES:
        return True
    if LeadingGroupSeat.objects.filter(township_id=incident.township_id, member=member).exists():
        return True
    task_force = getattr(incident, "task_force", None)
    if task_force is None:
        return False
    return (
        task_force.leader_id == member.pk
        or TaskForceMember.objects.filter(task_force=task_force, member=member).exists()
    )


def require_handler(actor: Actor, incident: Incident) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` handles ``incident``."""
    if not is_handler(actor, incident):
        raise PermissionDenied("not handling this incident")


@dataclass(frozen=True)
class PartyDetails:
    """A party's details in clear text, for a handler's eyes only (``pk`` is the ``Party`` id)."""

    pk: int
    capacity: str
    capacity_label: str
    name: str
    contact: str


def party_details(
    actor: Actor,
    incident: Incident,
    *,
    purpose: str,
    parties: Iterable[Party] | None = None,
) -> list[PartyDetails]:
    """Decrypt the parties of ``incident`` for ``actor`` and log the read (fields name, contact).

    ``purpose`` says why (``incident_page``, ``api``, ``report_form``,
    ``demand_to_case`` …); it is logged with the actor, the incident and its
    number. ``parties`` restricts the read to those parties of the incident
    (default: all of them, in order). One log row per call that reads at
    least one party. Raises ``PermissionDenied`` unless ``actor`` handles the
    incident (:func:`is_handler`); nothing is logged then.
    """
    require_handler(actor, incident)
    return _decrypt(actor, incident, parties, purpose)


def _decrypt(
    actor: Actor, incident: Incident, parties: Iterable[Party] | None, purpose: str
) -> list[PartyDetails]:
    """Decrypt ``parties`` (default: all of the incident's) and log the read; no permission check."""
    rows = list(incident.parties.all()) if parties is None else list(parties)
    if any(p.incident_id != incident.pk for p in rows):
        raise PermissionDenied("not a party of this incident")
    if rows:
        record_pii_read(actor, incident, fields=FIELDS, purpose=purpose, label=incident.number)
    return [
        PartyDetails(
            pk=p.pk,
            capacity=p.capacity,
            capacity_label=str(p.get_capacity_display()),
            name=decrypt(p.name_enc),
            contact=decrypt(p.contact_enc),
        )
        for p in rows
    ]


def mentions_party(actor: Actor, incident: Incident, text: str, *, purpose: str) -> bool:
    """True if ``text`` contains a name or contact (two characters or more) of a party of ``incident``.

    For actions that store clear text (a demand's content): the parties are
    decrypted inside the action and nothing is shown to ``actor``, so there is
    no handler check; the read is still logged with ``actor`` (who caused it)
    and ``purpose``. No party, no read, no log.
    """
    if not text or not incident.parties.exists():
        return False
    for party in _decrypt(actor, incident, None, purpose):
        for value in (party.name.strip(), party.contact.strip()):
            if len(value) >= 2 and value in text:
                return True
    return False


@dataclass(frozen=True)
class PartyView:
    """A party as a page or the API shows it: ``name``/``contact`` are None when withheld."""

    pk: int
    capacity: str
    capacity_label: str
    name: str | None
    contact: str | None

    @property
    def label(self) -> str:
        """The name with the capacity, or the capacity with "(withheld)" (for lists and checkboxes)."""
        if self.name is None:
            return f"{self.capacity_label}{_('(withheld)')}"
        return f"{self.name}（{self.capacity_label}）"


def party_views(actor: Actor, incident: Incident, *, purpose: str) -> list[PartyView]:
    """Return the incident's parties as ``actor`` may see them, logging the read if any name is shown.

    A handler gets the names and contacts (through :func:`party_details`,
    logged with ``purpose``); anyone else gets the capacities only, the names
    and contacts None, and nothing is logged.
    """
    if is_handler(actor, incident):
        return [
            PartyView(d.pk, d.capacity, d.capacity_label, d.name, d.contact)
            for d in party_details(actor, incident, purpose=purpose)
        ]
    return [
        PartyView(p.pk, p.capacity, str(p.get_capacity_display()), None, None)
        for p in incident.parties.all()
    ]
