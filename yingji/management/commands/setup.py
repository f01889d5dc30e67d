"""``yingji setup``: migrate, load the default plan, create the demo township on an empty database."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand

from yingji.i18n import compile_messages
from yingji.orgs.access import Actor
from yingji.orgs.demo import create_demo_township
from yingji.orgs.models import Township
from yingji.plans.actions import ensure_default_plan

from ._output import print_logins


class Command(BaseCommand):
    help = (
        "Prepare the database: apply migrations, load the default plan, and when no township "
        "exists yet create the demo township 示例镇 and print its one-time passwords once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-demo", action="store_true", help="do not create the demo township"
        )

    def handle(self, *args, no_demo: bool = False, **options):
        compile_messages()
        call_command("migrate", interactive=False, verbosity=0)
        version = ensure_default_plan(Actor.system("setup"))
        self.stdout.write(f"预案 / plan: {version.title} v{version.version}")
        if no_demo or Township.objects.exists():
            self.stdout.write("数据已保留 / existing data kept.")
            return
        print_logins(self.stdout, create_demo_township())
