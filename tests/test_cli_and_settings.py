"""The `yingji` command line, the SQLite settings and the translation catalogue."""

import subprocess
import sys
from pathlib import Path

import polib

from yingji.cli import USAGE, main
from yingji.dbconfig import database_settings

ROOT = Path(__file__).resolve().parents[1]


def test_help_names_every_command(capsys):
    main(["--help"])
    out = capsys.readouterr().out
    assert out.strip() == USAGE.strip()
    for command in ("setup", "serve", "worker", "plan check FILE", "demo"):
        assert f"  {command}" in out


def test_yingji_command_is_installed():
    exe = Path(sys.executable).with_name("yingji")
    result = subprocess.run([exe, "serve", "--help"], capture_output=True, text=True, check=True)
    assert "production HTTP server (waitress)" in result.stdout
    assert "--no-worker" in result.stdout


def test_sqlite_uses_wal_busy_timeout_and_immediate_transactions(tmp_path):
    db = database_settings({}, tmp_path)
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == tmp_path / "yingji.sqlite3"
    assert "PRAGMA journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert db["OPTIONS"]["timeout"] == 20
    # Each server thread keeps its connection between requests (not a new one per request).
    assert (db["CONN_MAX_AGE"], db["CONN_HEALTH_CHECKS"]) == (600, True)


def test_database_url_selects_postgresql(tmp_path):
    db = database_settings({"DATABASE_URL": "postgres://u:p@127.0.0.1:5432/yj"}, tmp_path)
    assert (db["ENGINE"], db["NAME"], db["USER"], db["PORT"]) == (
        "django.db.backends.postgresql",
        "yj",
        "u",
        5432,
    )


def test_every_message_is_translated_to_chinese():
    po = polib.pofile(str(ROOT / "yingji/locale/zh_Hans/LC_MESSAGES/django.po"))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    assert len(po.translated_entries()) > 150
