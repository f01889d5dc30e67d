"""The generic JSON webhook, signed with HMAC-SHA256.

The request body is :func:`payload` as compact UTF-8 JSON. Headers:
``X-Yingji-Timestamp`` (Unix seconds), ``X-Yingji-Signature``
(``sha256=`` + hex HMAC-SHA256 of ``"{timestamp}.{body}"`` keyed with the
township's secret; absent when no secret is set) and
``X-Yingji-Idempotency-Key`` (the same on every retry of one message, so the
receiver can drop a repeat).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import TYPE_CHECKING, Any

from . import PermanentError
from .http import post

if TYPE_CHECKING:
    from ..models import Notification, TownshipChannel


def payload(n: Notification) -> dict[str, Any]:
    """Return the JSON object sent for ``n`` (field names are part of the contract)."""
    return {
        "id": n.pk,
        "idempotency_key": n.idempotency_key,
        "kind": n.kind,
        "subject": n.subject,
        "body": n.body,
        "link": n.link,
        "township": n.township.code,
        "recipient": {"id": n.recipient_id, "name": n.recipient.name},
        "about": {
            "type": n.content_type.model if n.content_type is not None else None,
            "id": n.object_id or None,
        },
        "created_at": n.created_at.isoformat(),
    }


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Return ``sha256=<hex>``: HMAC-SHA256 of ``timestamp + "." + body`` keyed with ``secret``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def send(n: Notification, config: TownshipChannel | None) -> None:
    """POST ``n`` to the township's webhook; raises ``TransientError`` / ``PermanentError``."""
    if config is None:
        raise PermanentError("no webhook configured")
    body = json.dumps(payload(n), ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "X-Yingji-Timestamp": timestamp,
        "X-Yingji-Idempotency-Key": n.idempotency_key,
    }
    if config.secret:
        headers["X-Yingji-Signature"] = sign(config.secret, timestamp, body)
    post(config.url, body, headers)
