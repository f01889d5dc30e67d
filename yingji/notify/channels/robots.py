"""Group robots: DingTalk (钉钉自定义机器人) and WeCom (企业微信群机器人).

Both take a text message posted as JSON to the robot's webhook address and
@-mention the recipient by mobile number. DingTalk signs: with a secret
(``SEC…``) the request carries ``timestamp`` (ms) and ``sign`` = URL-encoded
base64 HMAC-SHA256 of ``"{timestamp}\\n{secret}"`` keyed with the secret, as
DingTalk's robot documentation specifies. WeCom robots do not sign (the
``key`` in the URL is the credential). Both answer ``{"errcode": 0, ...}``
on success; a rate limit (DingTalk 130101, WeCom 45009) is transient, any
other error code permanent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_plus

from . import PermanentError, TransientError
from .http import json_reply, post

if TYPE_CHECKING:
    from ..models import Notification, TownshipChannel

_RATE_LIMITED = {130101, 45009}


def text_of(n: Notification) -> str:
    """Return the message text: subject, body and link on separate lines."""
    return "\n".join(part for part in (n.subject, n.body, n.link) if part)


def dingtalk_sign(secret: str, timestamp_ms: str) -> str:
    """Return DingTalk's ``sign`` parameter (already URL-encoded) for ``timestamp_ms``."""
    mac = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256)
    return quote_plus(base64.b64encode(mac.digest()).decode())


def dingtalk_payload(n: Notification) -> dict[str, Any]:
    """Return DingTalk's text message for ``n``, @-mentioning the recipient's mobile."""
    return {
        "msgtype": "text",
        "text": {"content": text_of(n)},
        "at": {"atMobiles": [n.address], "isAtAll": False},
    }


def wecom_payload(n: Notification) -> dict[str, Any]:
    """Return WeCom's text message for ``n``, @-mentioning the recipient's mobile."""
    return {
        "msgtype": "text",
        "text": {"content": text_of(n), "mentioned_mobile_list": [n.address]},
    }


def _post(url: str, data: dict[str, Any]) -> None:
    body = json.dumps(data, ensure_ascii=False).encode()
    reply = json_reply(post(url, body, {"Content-Type": "application/json; charset=utf-8"}))
    code = reply.get("errcode", 0)
    if code:
        error = f"errcode {code}: {reply.get('errmsg', '')}"
        raise (TransientError if code in _RATE_LIMITED else PermanentError)(error)


def send_dingtalk(n: Notification, config: TownshipChannel | None) -> None:
    """Post ``n`` to the township's DingTalk robot, signed when it has a secret."""
    if config is None:
        raise PermanentError("no DingTalk robot configured")
    url = config.url
    if config.secret:
        timestamp = str(int(time.time() * 1000))
        sep = "&" if "?" in url else "?"
        url = f"{url}{sep}timestamp={timestamp}&sign={dingtalk_sign(config.secret, timestamp)}"
    _post(url, dingtalk_payload(n))


def send_wecom(n: Notification, config: TownshipChannel | None) -> None:
    """Post ``n`` to the township's WeCom group robot."""
    if config is None:
        raise PermanentError("no WeCom robot configured")
    _post(config.url, wecom_payload(n))
