"""Encryption at rest (DESIGN.md §6) with Fernet from ``cryptography``.

Used for petitioners' and incident parties' details and for the notification
channels' secrets (``notify.TownshipChannel.secret_enc``).

The key is ``settings.YINGJI_PII_KEY`` (from ``YINGJI_PII_KEY`` or generated once
into ``var/pii_key``). Fernet gives authenticated encryption (AES-128-CBC +
HMAC-SHA256) with a random IV, so equal names encrypt differently and the
database file holds no clear text.
"""

from __future__ import annotations

from functools import cache

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import Error


@cache
def _fernet(key: str) -> Fernet:
    return Fernet(key.encode())


def encrypt(text: str) -> str:
    """Return the Fernet token (ASCII) of ``text``; the empty string stays empty."""
    if not text:
        return ""
    return _fernet(settings.YINGJI_PII_KEY).encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    """Return the clear text of ``token``; raises ``cryptography.fernet.InvalidToken`` for a wrong key."""
    if not token:
        return ""
    return _fernet(settings.YINGJI_PII_KEY).decrypt(token.encode()).decode()


def check_key(app_configs: object = None, **kwargs: object) -> list[Error]:
    """System check: ``YINGJI_PII_KEY`` must be a Fernet key (urlsafe base64 of 32 bytes)."""
    try:
        _fernet(settings.YINGJI_PII_KEY)
    except (ValueError, TypeError, AttributeError):
        return [
            Error(
                "YINGJI_PII_KEY is not a valid Fernet key",
                hint="Generate one with: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'",
                id="yingji.E601",
            )
        ]
    return []
