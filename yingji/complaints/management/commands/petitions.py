"""``yingji petitions import FILE --township CODE [--source NAME]``: take in a message-board / hotline export."""

from __future__ import annotations

import json
import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from yingji.complaints.actions import import_file
from yingji.orgs.access import Actor
from yingji.orgs.models import Township


class Command(BaseCommand):
    help = (
        "Import historic petitions from a message-board or hotline export (.xlsx): one case per "
        "readable row with its real receipt and reply times; unreadable rows are listed; "
        "importing again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["import"])
        parser.add_argument("file", help="the .xlsx file")
        parser.add_argument("--township", required=True, help="the township's code")
        parser.add_argument("--source", help="the source's name (default: the file's name)")
        parser.add_argument(
            "--map",
            help='column mapping as JSON, e.g. {"number": "留言编号", "subject": "留言主题"} '
            "(default: the mapping saved for the source, else guessed from the headers)",
        )

    def handle(self, *args, verb: str, file: str, township: str, **options):
        translation.activate("zh-hans")
        town = Township.objects.filter(code=township).first()
        if town is None:
            raise CommandError(f"no township with code {township!r}")
        path = Path(file)
        if not path.exists():
            raise CommandError(f"{path}: no such file")
        mapping = json.loads(options["map"]) if options.get("map") else None
        started = time.perf_counter()

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"\r{done}/{total}", ending="")
            self.stdout.flush()

        try:
            job = import_file(
                Actor.system("cli"),
                town,
                source=options.get("source") or path.stem,
                filename=path.name,
                content=path.read_bytes(),
                mapping=mapping,
                progress=progress,
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write("")
        for p in job.problems:
            self.stdout.write(f"{path}: 第{p['row']}行 ({p['number']}): {p['message']}")
        self.stdout.write(
            f"{path}: {job.created} cases imported, {job.unchanged} unchanged, "
            f"{len(job.problems)} unreadable, {time.perf_counter() - started:.1f} s"
        )
