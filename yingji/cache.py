"""The cache that keeps the pages' rendered fixed fragments (``{% cache %}`` in the templates).

Django's ``LocMemCache`` pickles every value it stores and unpickles it on
every read, and checks every key character by character for memcached's
sake. A fragment is a string, which cannot change once made, and its key is
one Django made itself (``template.cache.<name>.<md5>``), so this cache keeps
the strings as they are and skips the check: on the ledger page, with seven
fragments, that is about a tenth of a millisecond of every request (issue 4's
benchmark, ``bench/ledger.py``). Everything else (expiry, the size bound,
culling, the lock) is ``LocMemCache``'s own.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache


class FragmentCache(LocMemCache):
    """A per-process, in-memory cache of strings, kept unpickled (settings ``CACHES["template_fragments"]``).

    Values must be ``str`` (a rendered fragment is a ``SafeString``): a
    mutable value would be shared by every reader, so :meth:`set` and
    :meth:`add` refuse anything else with ``TypeError``. Timeouts are in
    seconds, as everywhere in Django's cache API.
    """

    def validate_key(self, key: str) -> None:
        """Accept the key: the ``{% cache %}`` tag's keys are ASCII and short by construction."""

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        """Return the string kept under ``key``, or ``default`` if there is none or it expired."""
        key = self.make_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                return default
            value = self._cache[key]
            self._cache.move_to_end(key, last=False)
        return value

    def set(
        self,
        key: str,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> None:
        """Keep ``value`` (a ``str``) under ``key`` for ``timeout`` seconds; ``TypeError`` if not a string."""
        self._check(value)
        key = self.make_key(key, version=version)
        with self._lock:
            self._set(key, value, timeout)

    def add(
        self,
        key: str,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> bool:
        """Keep ``value`` under ``key`` unless a live one is there; return whether it was kept."""
        self._check(value)
        key = self.make_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._set(key, value, timeout)
                return True
            return False

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        """Refuse: this cache keeps strings only (``TypeError``)."""
        raise TypeError("FragmentCache keeps rendered fragments (strings), not counters")

    @staticmethod
    def _check(value: Any) -> None:
        if not isinstance(value, str):
            raise TypeError(f"FragmentCache keeps strings only, not {type(value).__name__}")
