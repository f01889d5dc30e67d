"""A backup restored into a fresh database holds every table exactly, and its audit chain verifies."""

import shutil
import sqlite3
import uuid

import psycopg
import pytest
from django.db import connection

from yingji.audit.chain import verify_chain
from yingji.backup import BackupError, backup, restore_postgresql, restore_sqlite


def _dsn(settings):
    return {
        "host": settings["HOST"] or "127.0.0.1",
        "port": settings["PORT"] or 5432,
        "user": settings["USER"],
        "password": settings["PASSWORD"],
    }


def _tables(cursor, vendor):
    if vendor == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    else:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname='public' ORDER BY tablename"
        )
    return [r[0] for r in cursor.fetchall()]


def _dump(cursor, vendor):
    out = {}
    for table in _tables(cursor, vendor):
        cursor.execute(f'SELECT * FROM "{table}"')
        out[table] = sorted(map(repr, cursor.fetchall()))
    return out


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip(demo, tmp_path):
    connection.ensure_connection()
    settings = connection.settings_dict
    # Plain driver connections on both sides: no Django type converters.
    if connection.vendor == "sqlite":
        plain = sqlite3.connect(settings["NAME"], uri=True)
        before = _dump(plain.cursor(), "sqlite")
        plain.close()
    else:
        with psycopg.connect(dbname=settings["NAME"], **_dsn(settings)) as plain:
            before = _dump(plain.cursor(), "postgresql")
    assert len(before["audit_auditevent"]) > 50 and len(before["orgs_member"]) == 13
    archive = backup(tmp_path / "yingji.backup")
    with pytest.raises(BackupError):
        backup(archive)  # never overwrites
    if connection.vendor == "sqlite":
        restored = tmp_path / "restored.sqlite3"
        restore_sqlite(archive, restored)
        with sqlite3.connect(restored) as other:
            after = _dump(other.cursor(), "sqlite")
    else:
        if not shutil.which("pg_restore"):
            pytest.skip("pg_restore is not installed")
        name = f"yingji_restore_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(dbname=settings["NAME"], autocommit=True, **_dsn(settings)) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            restore_postgresql(archive, settings, name)
            with psycopg.connect(dbname=name, **_dsn(settings)) as other:
                after = _dump(other.cursor(), "postgresql")
        finally:
            with psycopg.connect(
                dbname=settings["NAME"], autocommit=True, **_dsn(settings)
            ) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    assert after == before
    assert verify_chain()[1] is None
