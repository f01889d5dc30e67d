"""Passwords: rules beyond Django's own (等保2.0 口令复杂度) and the Argon2id hasher.

The hasher is ``PASSWORD_HASHERS[0]`` in settings.
"""

from __future__ import annotations

import os
import string
import threading

from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def hashing_at_once(cpus: int | None) -> int:
    """Return how many Argon2 computations may run at once on ``cpus`` cores: half, at least one."""
    return max(1, (cpus or 1) // 2)


#: At most this many Argon2 computations run at once in a process.
HASHING_AT_ONCE = hashing_at_once(os.cpu_count())
_hashing = threading.BoundedSemaphore(HASHING_AT_ONCE)


class Argon2Hasher(Argon2PasswordHasher):
    """Argon2id with 19 MiB, 2 passes, 1 lane; at most ``HASHING_AT_ONCE`` hashes at a time.

    The parameters are the OWASP Password Storage Cheat Sheet's first Argon2id
    configuration (m=19456 KiB, t=2, p=1). Django's default (100 MiB, 8 lanes)
    took about 0.5 s of both cores and 100 MiB per login on the township's
    2-core server, so 50 staff logging in at the start of a shift held the
    server above 900 MB and every page waited seconds (``bench/load.py``);
    here a hash is ~40 ms and 19 MiB. The semaphore bounds what a burst of
    logins (or of guessed passwords, which are hashed too) costs whatever the
    number of server threads: memory to ``HASHING_AT_ONCE`` × 19 MiB, CPU to
    half the cores, leaving the rest to the pages of people already at work.

    The algorithm name stays ``argon2``: hashes made with other parameters
    still verify, and Django re-hashes them with these at the next login
    (``must_update``).
    """

    time_cost = 2
    memory_cost = 19456  # KiB
    parallelism = 1

    def encode(self, password: str, salt: str) -> str:
        """Hash ``password`` with ``salt`` (waits for a free hashing slot)."""
        with _hashing:
            return super().encode(password, salt)

    def verify(self, password: str, encoded: str) -> bool:
        """Return whether ``password`` matches ``encoded`` (waits for a free hashing slot)."""
        with _hashing:
            return super().verify(password, encoded)


class CharacterClassValidator:
    """Require ``min_classes`` of: lower-case letters, upper-case letters, digits, other characters."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password: str, user: object = None) -> None:
        """Raise ``ValidationError`` (code ``password_too_simple``) naming the rule if too few classes are used."""
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() or c in string.punctuation for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        """Return the rule as shown under the password field and in the refusal."""
        return _(
            "Use at least %(n)d of these: lower-case letters, upper-case letters, digits, other characters."
        ) % {"n": self.min_classes}
