"""``yingji ledger export FILE`` / ``yingji ledger import FILE``: the warning ledger as .xlsx."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from yingji.earlywarning.import_actions import import_file
from yingji.earlywarning.queries import ledger
from yingji.earlywarning.xlsx import write_workbook
from yingji.orgs.access import Actor
from yingji.orgs.models import Township


class Command(BaseCommand):
    help = (
        "Export a township's warning ledger to .xlsx, or import one (every row checked first; "
        "nothing written on errors unless --skip-bad; re-importing the same file adds nothing)."
    )

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["export", "import"])
        parser.add_argument("file", help="the .xlsx file to write or read")
        parser.add_argument("--township", required=True, help="the township's code")
        parser.add_argument("--skip-bad", action="store_true", help="import: skip rows with errors")

    def handle(self, *args, verb: str, file: str, township: str, skip_bad: bool, **options):
        translation.activate("zh-hans")
        town = Township.objects.filter(code=township).first()
        if town is None:
            raise CommandError(f"no township with code {township!r}")
        path = Path(file)
        if verb == "export":
            with path.open("wb") as out:
                write_workbook(
                    ledger(town).prefetch_related("units").iterator(chunk_size=2000), out
                )
            n = ledger(town).count()
            self.stdout.write(f"{path}: {n} {'warning' if n == 1 else 'warnings'}")
            return
        if not path.exists():
            raise CommandError(f"{path}: no such file")
        job = import_file(
            Actor.system("cli"),
            town,
            filename=path.name,
            content=path.read_bytes(),
            skip_bad=skip_bad,
        )
        for p in job.problems:
            self.stdout.write(f"{path}: 第{p['row']}行 {p['column']}: {p['message']}")
        if job.state != "done":
            raise CommandError(f"{path}: {len(job.problems)} problem(s); nothing imported")
        self.stdout.write(
            f"{path}: {job.created} imported, {job.duplicates} already in the ledger"
            + (f", rows skipped: {job.skipped_rows}" if job.skipped_rows else "")
        )
