"""``yingji backup FILE`` and ``yingji backup --restore FILE``."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from yingji.audit.chain import verify_chain
from yingji.backup import BackupError, backup, restore_postgresql, restore_sqlite


class Command(BaseCommand):
    help = (
        "Back up the whole database to FILE (SQLite online backup, or pg_dump on PostgreSQL); "
        "with --restore, put FILE back (stop the server first) and verify the audit chain."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup file")
        parser.add_argument("--restore", action="store_true", help="restore FILE into the database")

    def handle(self, *args, file: str, restore: bool, **options):
        path = Path(file)
        try:
            if not restore:
                backup(path)
                self.stdout.write(
                    f"备份完成 / backup written: {path} ({path.stat().st_size} bytes)"
                )
                return
            if not path.exists():
                raise CommandError(f"{path} does not exist")
            db = settings.DATABASES["default"]
            connection.close()
            if connection.vendor == "sqlite":
                restore_sqlite(path, Path(db["NAME"]))
            else:
                restore_postgresql(path, db, db["NAME"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        checked, broken = verify_chain()
        if broken is not None:
            raise CommandError(
                f"restored, but the audit chain is broken at seq {broken.seq}: {broken.reason}"
            )
        self.stdout.write(
            f"恢复完成，审计链完好（{checked} 条）/ restored; audit chain verifies ({checked} events)"
        )
