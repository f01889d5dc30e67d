"""The database settings, from ``DATABASE_URL`` or the embedded SQLite file."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dj_database_url


def database_settings(environ: Mapping[str, str], var_dir: Path) -> dict[str, Any]:
    """Return Django's ``DATABASES["default"]`` for ``environ``.

    With ``DATABASE_URL`` (PostgreSQL) that URL; otherwise SQLite in
    ``var_dir/yingji.sqlite3`` in WAL mode with a 20-second busy timeout and
    IMMEDIATE transactions.
    """
    if environ.get("DATABASE_URL"):
        return dict(dj_database_url.parse(environ["DATABASE_URL"], conn_max_age=60))
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": var_dir / "yingji.sqlite3",
        # Keep each thread's connection between requests: a new SQLite connection
        # per request opens the file, runs the PRAGMAs, registers Django's SQL
        # functions and re-reads the schema with a cold page cache.
        "CONN_MAX_AGE": 600,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            # WAL lets pages read while the worker writes; IMMEDIATE takes the
            # write lock at BEGIN so two writers queue instead of failing with
            # "database is locked" halfway through a transaction.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }
