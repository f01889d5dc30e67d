"""The audit hash chain: how an event's hash is computed and how the chain is verified."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .models import AuditEvent

GENESIS = "0" * 64


def chain_algorithm() -> str:
    """Return ``"sm3"`` (GB/T 32905-2016) if the platform's OpenSSL offers it, else ``"sha256"``."""
    return "sm3" if "sm3" in hashlib.algorithms_available else "sha256"


def _canonical(event: AuditEvent) -> bytes:
    fields: dict[str, Any] = {
        "seq": event.seq,
        "at": event.at.isoformat(timespec="microseconds"),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "township": event.township_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "before": event.before,
        "after": event.after,
        "result": event.result,
        "source_ip": event.source_ip,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(
        fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    ).encode()


def event_hash(event: AuditEvent, algorithm: str | None = None) -> str:
    """Return the hex hash of ``event``'s fields and ``prev_hash`` with ``algorithm`` (default: its own)."""
    return hashlib.new(algorithm or event.hash_algo, _canonical(event)).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    """The first event where the chain does not hold, and why."""

    seq: int
    event_id: int
    reason: str


def _events() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("seq").iterator(chunk_size=2000)


def verify_chain() -> tuple[int, ChainBreak | None]:
    """Recompute the whole chain in ``seq`` order; return ``(events checked, first break or None)``.

    The first remaining event is the anchor (older events may have been
    deleted after the retention period); after it every event must follow
    its predecessor by ``seq`` and ``prev_hash`` and match its own ``hash``.
    """
    checked = 0
    previous: AuditEvent | None = None
    for event in _events():
        if previous is not None:
            if event.seq != previous.seq + 1:
                return checked, ChainBreak(
                    event.seq, event.pk, f"missing events {previous.seq + 1}–{event.seq - 1}"
                )
            if event.prev_hash != previous.hash:
                return checked, ChainBreak(
                    event.seq, event.pk, "prev_hash does not match the previous event"
                )
        if event_hash(event) != event.hash:
            return checked, ChainBreak(
                event.seq, event.pk, "hash does not match the event's content"
            )
        checked += 1
        previous = event
    return checked, None
