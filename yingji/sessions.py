"""Django's database sessions, with the read every request makes written as SQL once per process.

``SESSION_ENGINE = "yingji.sessions"``. Sessions stay in the database
(``django_session``), so logging out ends a session for every server process
at once (GB/T 22239-2019 level 3 asks that a session can be ended on the
server). Only :meth:`SessionStore.load` differs from Django's: the ORM
rebuilt and compiled the same statement on every request (see
:mod:`yingji.fastread`). Writing, creating and deleting are Django's own.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone


@cache
def _statement() -> str:
    """Return the SQL of :meth:`SessionStore.load` (built once, from the model's names).

    Parameters: the session key, and "now" adapted as the database stores
    datetimes (``expire_date > now``: an expired session is no session, as in
    Django's own ``_get_session_from_db``).
    """
    qn = connection.ops.quote_name
    meta = Session._meta
    return (
        f"SELECT {qn(meta.get_field('session_data').column)} FROM {qn(meta.db_table)}"
        f" WHERE {qn(meta.get_field('session_key').column)} = %s"
        f" AND {qn(meta.get_field('expire_date').column)} > %s"
    )


class SessionStore(DatabaseSessionStore):
    """Django's database session store whose ``load`` is one prepared SQL statement."""

    def load(self) -> dict[str, Any]:
        """Return the session's data, or ``{}`` (and forget the key) if it is unknown or expired."""
        if self.session_key is None:
            return {}
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(_statement(), [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return {}
        return self.decode(row[0])
