"""The HTTP post shared by the webhook, robot and SMS channels (httpx, with a timeout)."""

from __future__ import annotations

import threading
from typing import Any

import httpx
from django.conf import settings

from . import PermanentError, TransientError

_client: httpx.Client | None = None
_lock = threading.Lock()


def client() -> httpx.Client:
    """Return the process's one HTTP client: its connections and TLS set-up are reused by every send.

    (A client per request costs tens of milliseconds and megabytes to load the CA bundle.)
    """
    global _client
    with _lock:
        if _client is None:
            _client = httpx.Client(follow_redirects=False)
        return _client


def post(url: str, content: bytes, headers: dict[str, str]) -> httpx.Response:
    """POST ``content`` to ``url``; return the 2xx response.

    Raises ``TransientError`` on a refused connection, a timeout
    (``YINGJI_NOTIFY_TIMEOUT_S`` seconds), 429 or 5xx; ``PermanentError`` on
    any other non-2xx status.
    """
    try:
        response = client().post(
            url, content=content, headers=headers, timeout=settings.YINGJI_NOTIFY_TIMEOUT_S
        )
    except httpx.TimeoutException as exc:
        raise TransientError(f"timeout: {type(exc).__name__}") from exc
    except httpx.HTTPError as exc:
        raise TransientError(f"connection failed: {exc}") from exc
    if response.status_code == 429 or response.status_code >= 500:
        raise TransientError(f"HTTP {response.status_code}: {response.text[:200]}")
    if not 200 <= response.status_code < 300:
        raise PermanentError(f"HTTP {response.status_code}: {response.text[:200]}")
    return response


def json_reply(response: httpx.Response) -> dict[str, Any]:
    """Return the JSON object of ``response``; raises ``PermanentError`` if it is not one."""
    try:
        data = response.json()
    except ValueError as exc:
        raise PermanentError(f"not JSON: {response.text[:200]}") from exc
    if not isinstance(data, dict):
        raise PermanentError(f"not a JSON object: {response.text[:200]}")
    return data
