"""``yingji routing train|evaluate|suggest``: the routing model learned from a township's labelled history."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from yingji.complaints import routing as ml
from yingji.complaints.actions import suggest, train
from yingji.complaints.parsing import Row, guess_mapping, parse_rows, read_sheet
from yingji.orgs.access import Actor
from yingji.orgs.models import Township
from yingji.petitions.models import PetitionCase


def _print_report(out, report: dict) -> None:
    out.write(
        f"macro-F1 {report['macro_f1']:.3f}  accuracy {report['accuracy']:.3f}  "
        f"(train {report['train']}, held out {report['test']})"
    )
    for label, v in sorted(report["per_class"].items()):
        out.write(
            f"  {label:<10} P {v['precision']:.3f}  R {v['recall']:.3f}  "
            f"F1 {v['f1']:.3f}  n={v['support']}"
        )


class Command(BaseCommand):
    help = (
        "train: train the township's routing model on its labelled history and staff corrections; "
        "evaluate FILE: macro-F1 and per-class figures on a held-out fifth of a labelled .xlsx; "
        "suggest NUMBER: suggest a category and unit for a case."
    )

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["train", "evaluate", "suggest"])
        parser.add_argument("arg", nargs="?", help="evaluate: the .xlsx; suggest: the case number")
        parser.add_argument("--township", help="the township's code (train, suggest)")

    def handle(self, *args, verb: str, arg: str | None, township: str | None, **options):
        translation.activate("zh-hans")
        if verb == "evaluate":
            if not arg or not Path(arg).exists():
                raise CommandError("evaluate needs a labelled .xlsx file")
            headers, rows = read_sheet(Path(arg).read_bytes())
            parsed = [
                r
                for r in parse_rows(headers, rows, guess_mapping(headers))
                if isinstance(r, Row) and r.label
            ]
            _print_report(
                self.stdout,
                ml.evaluate([f"{r.subject}\n{r.text}" for r in parsed], [r.label for r in parsed]),
            )
            return
        town = Township.objects.filter(code=township or "").first()
        if town is None:
            raise CommandError(f"no township with code {township!r}")
        actor = Actor.system("cli")
        try:
            if verb == "train":
                model = train(actor, town)
                self.stdout.write(f"trained on {model.samples} labelled cases")
                if model.report:
                    _print_report(self.stdout, model.report)
                return
            case = PetitionCase.objects.filter(township=town, number=arg or "").first()
            if case is None:
                raise CommandError(f"no case {arg!r}")
            s = suggest(actor, case)
            unit = f", {s.unit.name} ({s.unit_confidence:.2f})" if s.unit else ""
            self.stdout.write(f"{case.number}: {s.category} ({s.category_confidence:.2f}){unit}")
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
