"""``yingji hotissues propose --township CODE``: find hot issues and propose them as early-warning signs."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from yingji.complaints.actions import propose_hot_issues
from yingji.orgs.access import Actor
from yingji.orgs.models import Township


class Command(BaseCommand):
    help = (
        "Group the township's cases by matter and place, and propose each group at or above the "
        "plan's threshold for the peace office to accept as a warning or dismiss."
    )

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["propose"])
        parser.add_argument("--township", required=True, help="the township's code")
        parser.add_argument("--window-days", type=int, default=90)
        parser.add_argument("--since-days", type=int, help="only cases received in these days")

    def handle(self, *args, verb: str, township: str, window_days: int, since_days, **options):
        translation.activate("zh-hans")
        town = Township.objects.filter(code=township).first()
        if town is None:
            raise CommandError(f"no township with code {township!r}")
        issues = propose_hot_issues(
            Actor.system("cli"), town, window_days=window_days, since_days=since_days
        )
        for i in issues:
            span = (
                f"{timezone.localtime(i.first_at):%Y-%m-%d}–"
                f"{timezone.localtime(i.last_at):%Y-%m-%d}"
            )
            self.stdout.write(f"#{i.pk} {i.size:>3} 条 赞{i.votes:>4} {span} {i.place} {i.title}")
        self.stdout.write(f"{len(issues)} hot issues proposed")
