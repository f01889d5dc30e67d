"""``yingji demo``: create a demo township with its units, leading group, roster and logins."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from yingji.orgs.demo import create_demo_township

from ._output import print_logins


class Command(BaseCommand):
    help = (
        "Create a demo township (default 示例镇, code demo) with units, a leading group, "
        "a two-week duty roster and one login per role; prints the one-time passwords once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", default="示例镇", help="township name (default 示例镇)")
        parser.add_argument(
            "--code", default="demo", help="township code, also the login prefix (default demo)"
        )

    def handle(self, *args, name: str, code: str, **options):
        try:
            logins = create_demo_township(name, code)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        print_logins(self.stdout, logins)
