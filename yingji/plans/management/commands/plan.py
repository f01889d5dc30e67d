"""``yingji plan check|publish|import FILE``: validate or publish a plan (YAML), or draft one from a document."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from yingji.orgs.access import Actor
from yingji.orgs.models import Township
from yingji.plans.actions import adopt_plan, publish_plan
from yingji.plans.check import check_plan_text
from yingji.plans.importer import ImportRefused, import_document


def language_from_environment() -> str:
    """Return ``en`` when LC_ALL / LC_MESSAGES / LANG / LANGUAGE asks for English, else ``zh-hans``."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(name, "")
        if value and value not in ("C", "POSIX", "C.UTF-8"):
            return "en" if value.lower().startswith("en") else "zh-hans"
    return "zh-hans"


class Command(BaseCommand):
    help = "Check a plan file (prints each problem with its line and field) or publish it as a new version."

    def add_arguments(self, parser):
        parser.add_argument(
            "verb",
            choices=["check", "publish", "import"],
            help="check: validate only; publish: validate and publish; "
            "import: draft a plan YAML from a plan document (.txt or .docx)",
        )
        parser.add_argument("file", help="the plan, a YAML file (import: a .txt or .docx document)")
        parser.add_argument(
            "--out",
            help="import: where to write the draft YAML (default: FILE with .draft.yaml)",
        )
        parser.add_argument(
            "--lang",
            choices=["zh-hans", "en"],
            help="language of the messages (default: from the locale)",
        )
        parser.add_argument(
            "--township",
            help="publish: put the new version in force for the township with this code",
        )

    def handle(
        self,
        *args,
        verb: str,
        file: str,
        lang: str | None,
        township: str | None,
        out: str | None = None,
        **options,
    ):
        with translation.override(lang or language_from_environment()):
            path = Path(file)
            if verb == "import":
                self.import_document(path, Path(out) if out else None)
                return
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(
                    _("cannot read %(file)s: %(error)s") % {"file": file, "error": exc}
                ) from None
            plan, problems = check_plan_text(text)
            if plan is None:
                for problem in problems:
                    self.stderr.write(f"{file}:{problem}")
                raise CommandError(
                    _("%(file)s: %(n)d problem(s); the plan was not loaded.")
                    % {"file": file, "n": len(problems)}
                )
            if verb == "check":
                self.stdout.write(
                    _(
                        "%(file)s: the plan is valid: %(title)s; %(c)d incident categories, %(d)d deadlines."
                    )
                    % {
                        "file": file,
                        "title": plan.title,
                        "c": len(plan.incident_categories),
                        "d": len(plan.deadlines),
                    }
                )
                return
            actor = Actor.system("plan publish")
            target = None
            if township:
                target = Township.objects.filter(code=township).first()
                if target is None:
                    raise CommandError(_("no township with code %(code)s") % {"code": township})
            version = publish_plan(actor, text, township=target)
            if target is not None:
                adopt_plan(actor, target, version)
            self.stdout.write(
                _("published %(title)s version %(v)d")
                % {"title": version.title, "v": version.version}
            )

    def import_document(self, path: Path, out: Path | None) -> None:
        """Draft a plan from the document at ``path`` and write it as YAML; print what was found."""
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("cannot read %(file)s: %(error)s") % {"file": path, "error": exc}
            ) from None
        try:
            draft = import_document(data, path.name)
        except ImportRefused as exc:
            raise CommandError(f"{path}: {exc}") from None
        target = out or path.with_name(path.stem + ".draft.yaml")
        text = draft.yaml()
        target.write_text(text, encoding="utf-8")
        counts = ", ".join(f"{level}: {n}" for level, n in draft.level_counts.items())
        self.stdout.write(
            _("%(file)s: %(kind)s, %(encoding)s; headings per level %(counts)s")
            % {"file": path, "kind": draft.kind, "encoding": draft.encoding, "counts": counts}
        )
        for limit in draft.time_limits:
            self.stdout.write(f"  §{limit['section']} {limit['display']}: {limit['sentence']}")
        for unplaced in draft.unplaced:
            where = f"§{unplaced.section} " if unplaced.section else ""
            self.stdout.write(
                _("  not placed: %(where)s%(text)s (%(reason)s)")
                % {"where": where, "text": unplaced.text[:60], "reason": unplaced.reason}
            )
        for item in draft.items:
            if item.origin == "default" or item.borrowed:
                fields = ", ".join(item.borrowed) if item.origin != "default" else item.slot
                self.stdout.write(
                    _("  not in the document, taken from the default plan: %(slot)s %(fields)s")
                    % {"slot": item.slot if item.origin != "default" else "", "fields": fields}
                )
        _plan, problems = check_plan_text(text)
        for problem in problems:
            self.stderr.write(f"{target}:{problem}")
        self.stdout.write(
            _(
                "wrote the draft %(target)s: %(items)d items, %(n)d problem(s); review it before publishing."
            )
            % {"target": target, "items": len(draft.items), "n": len(problems)}
        )
