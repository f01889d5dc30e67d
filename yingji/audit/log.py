"""Write audit events. Called by actions only, inside their transaction."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from .chain import chain_algorithm, event_hash
from .models import AuditChainHead, AuditEvent, PersonalDataAccess

if TYPE_CHECKING:
    from yingji.orgs.access import Actor


def record(
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    township: Any = None,
) -> AuditEvent:
    """Record that ``actor`` did ``action`` (e.g. ``"orgs.create_unit"``) to ``obj``.

    Must run inside the action's ``transaction.atomic()`` block, so that the
    event and the change commit or roll back together; raises
    ``TransactionManagementError`` when called outside one.
    """
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError(
            "audit.record() must run inside an action's transaction"
        )
    if township is None and obj is not None:
        township = getattr(obj, "township", None)
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    event = AuditEvent(
        seq=head.seq + 1,
        at=timezone.now(),
        prev_hash=head.hash,
        hash_algo=chain_algorithm(),
        actor=actor.user,
        actor_label=actor.label,
        township=township,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        before=before,
        after=after,
        source_ip=actor.source_ip,
    )
    # Round-trip the JSON fields as the database will, so that the hash is of what is stored.
    event.before = json.loads(json.dumps(before, default=str)) if before is not None else None
    event.after = json.loads(json.dumps(after, default=str)) if after is not None else None
    event.hash = event_hash(event)
    event.save()
    head.seq, head.hash = event.seq, event.hash
    head.save(update_fields=["seq", "hash"])
    return event


def record_pii_read(
    actor: Actor,
    obj: models.Model,
    *,
    fields: list[str],
    purpose: str,
    township: Any = None,
    label: str = "",
) -> PersonalDataAccess:
    """Log that ``actor`` read the personal ``fields`` of ``obj`` for ``purpose`` (DESIGN.md §6).

    Runs inside or outside a transaction (reads happen on pages too); the
    row commits on its own when there is none. ``label`` is a human label of
    the record (e.g. the case number), never the personal data itself.
    """
    if township is None:
        township = getattr(obj, "township", None)
    return PersonalDataAccess.objects.create(
        actor=actor.user,
        actor_label=actor.label,
        township=township,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_label=label[:80],
        fields=list(fields),
        purpose=purpose,
        source_ip=actor.source_ip,
    )
