"""An SMS gateway over HTTP, with a configurable URL and request template.

The township's ``template`` is the request body with the placeholders
``{phone}``, ``{text}`` and ``{key}`` (the idempotency key), each replaced by
its JSON-encoded value (quotes included), so any JSON gateway fits, e.g.
``{"mobile": {phone}, "content": {text}, "requestId": {key}}``. With a
secret, ``X-Yingji-Signature`` carries ``sha256=`` + hex HMAC-SHA256 of
``"{timestamp}.{body}"`` as for the webhook. Texts longer than
``MAX_TEXT`` characters are cut.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING

from . import PermanentError
from .http import post
from .webhook import sign

if TYPE_CHECKING:
    from ..models import Notification, TownshipChannel

DEFAULT_TEMPLATE = '{"phone": {phone}, "text": {text}, "id": {key}}'
MAX_TEXT = 300


def render(template: str, *, phone: str, text: str, key: str) -> str:
    """Return ``template`` with ``{phone}``, ``{text}``, ``{key}`` replaced by JSON strings."""
    out = template or DEFAULT_TEMPLATE
    for name, value in (("phone", phone), ("text", text), ("key", key)):
        out = out.replace("{" + name + "}", json.dumps(value, ensure_ascii=False))
    return out


def text_of(n: Notification) -> str:
    """Return the SMS text: ``【township】subject link``, cut to ``MAX_TEXT`` characters."""
    text = f"【{n.township.name}】{n.subject}"
    if n.link:
        text += f" {n.link}"
    return text[:MAX_TEXT]


def send(n: Notification, config: TownshipChannel | None) -> None:
    """Send ``n`` as an SMS to the recipient's mobile through the township's gateway."""
    if config is None:
        raise PermanentError("no SMS gateway configured")
    body = render(config.template, phone=n.address, text=text_of(n), key=n.idempotency_key)
    data = body.encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "X-Yingji-Timestamp": timestamp,
        "X-Yingji-Idempotency-Key": n.idempotency_key,
    }
    if config.secret:
        headers["X-Yingji-Signature"] = sign(config.secret, timestamp, data)
    post(config.url, data, headers)
