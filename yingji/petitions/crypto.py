"""Encryption at rest of petitioners' details (DESIGN.md §6), with Fernet from ``cryptography``.

The key is ``settings.YINGJI_PII_KEY`` (from ``YINGJI_PII_KEY`` or generated once
into ``var/pii_key``). Fernet gives authenticated encryption (AES-128-CBC +
HMAC-SHA256) with a random IV, so equal names encrypt differently and the
database file holds no clear text.
"""

from __future__ import annotations

from functools import cache

from cryptography.fernet import Fernet
from django.conf import settings


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
