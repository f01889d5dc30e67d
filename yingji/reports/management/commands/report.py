"""``yingji report incident ID`` / ``yingji report month YYYY-MM``: write the files, print their paths."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from yingji.incidents.models import Incident
from yingji.orgs.models import Township
from yingji.petitions.models import PetitionCase
from yingji.reports import documents, pdf, xlsx


class Command(BaseCommand):
    help = (
        "Write an incident's summary report and verified report (.docx, and .pdf where LibreOffice "
        "is installed), or a month's statistics workbook (.xlsx); print the paths written."
    )

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["incident", "month"])
        parser.add_argument("key", help="incident: its id or number; month: YYYY-MM")
        parser.add_argument(
            "--township", help="the township's code (needed when there are several)"
        )
        parser.add_argument("--out", help="the folder to write to (default var/reports/)")

    def handle(self, *args, what: str, key: str, township: str | None, out: str | None, **options):
        translation.activate("zh-hans")
        folder = Path(out) if out else Path(settings.VAR_DIR) / "reports"
        folder.mkdir(parents=True, exist_ok=True)
        town = self._township(township)
        files: list[tuple[str, bytes]] = []
        if what == "incident":
            incident = self._incident(key, town)
            files.append(documents.incident_summary(incident))
            if getattr(incident, "report", None) is not None:
                files.append(documents.fifteen_minute_report(incident))
        else:
            if town is None:
                raise CommandError("more than one township: name one with --township CODE")
            try:
                data = xlsx.month_workbook(
                    town, PetitionCase.objects.filter(township=town), key, timezone.now()
                )
            except ValueError:
                raise CommandError(f"{key!r} is not a month written YYYY-MM") from None
            files.append((f"{town.code}-{key}-统计.xlsx", data))
        for name, data in files:
            path = folder / name
            path.write_bytes(data)
            self.stdout.write(str(path))
            if what == "incident" and pdf.available():
                converted = pdf.to_pdf(name, data)
                if converted:
                    pdf_path = folder / converted[0]
                    pdf_path.write_bytes(converted[1])
                    self.stdout.write(str(pdf_path))

    def _township(self, code: str | None) -> Township | None:
        if code:
            town = Township.objects.filter(code=code).first()
            if town is None:
                raise CommandError(f"no township with code {code!r}")
            return town
        towns = list(Township.objects.all()[:2])
        return towns[0] if len(towns) == 1 else None

    def _incident(self, key: str, town: Township | None) -> Incident:
        qs = Incident.objects.select_related("township", "plan_version")
        if town is not None:
            qs = qs.filter(township=town)
        found = list(qs.filter(number=key)[:2])
        if not found and key.isdigit():
            found = list(qs.filter(pk=int(key)))
        if len(found) != 1:
            raise CommandError(
                f"no incident {key!r}"
                if not found
                else f"{key!r} is ambiguous: add --township CODE"
            )
        return found[0]
