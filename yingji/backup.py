"""Backup and restore of the whole database (等保2.0 数据备份与恢复).

SQLite uses its online backup API (consistent while the server runs);
PostgreSQL uses ``pg_dump`` / ``pg_restore`` in the custom format. After a
restore the audit hash chain is verified.
"""

from __future__ import annotations

import os
import sqlite3

# bandit B404: pg_dump and pg_restore run with argument lists, never through a shell.
import subprocess  # nosec B404
from pathlib import Path
from typing import Any

from django.db import connection


class BackupError(RuntimeError):
    """Raised when a backup or restore cannot be made; the message says why."""


def _pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "PGHOST": str(settings_dict.get("HOST") or "127.0.0.1"),
            "PGPORT": str(settings_dict.get("PORT") or 5432),
            "PGUSER": str(settings_dict.get("USER") or ""),
            "PGPASSWORD": str(settings_dict.get("PASSWORD") or ""),
        }
    )
    return env


def backup(target: Path) -> Path:
    """Write a consistent copy of the database in use to ``target`` and return it.

    SQLite: a database file (online backup API). PostgreSQL: a ``pg_dump -Fc``
    archive. Raises :class:`BackupError` if ``target`` exists or the dump fails.
    """
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} exists; choose a new file name")
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
    elif connection.vendor == "postgresql":
        name = connection.settings_dict["NAME"]
        # bandit B603/B607: a fixed program found on PATH (PostgreSQL's client), an argument
        # list (no shell); the database name comes from the settings, not from a request.
        result = subprocess.run(  # nosec B603 B607
            ["pg_dump", "-Fc", "--no-owner", "-f", str(target), name],
            env=_pg_env(connection.settings_dict),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    else:
        raise BackupError(f"backup of {connection.vendor} is not supported")
    return target


def restore_sqlite(source: Path, database: Path) -> None:
    """Copy the SQLite backup ``source`` into the database file ``database`` (the server must be stopped)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(database)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def restore_postgresql(source: Path, settings_dict: dict[str, Any], database: str) -> None:
    """Restore the ``pg_dump -Fc`` archive ``source`` into the empty database ``database``."""
    # bandit B603/B607: a fixed program found on PATH, an argument list (no shell); the
    # archive path and database name come from the operator's command line.
    result = subprocess.run(  # nosec B603 B607
        ["pg_restore", "--no-owner", "--exit-on-error", "-d", database, str(source)],
        env=_pg_env(settings_dict),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
