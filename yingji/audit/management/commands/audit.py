"""``yingji audit verify``: recompute the audit hash chain and name the first broken event."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from yingji.audit.chain import verify_chain


class Command(BaseCommand):
    help = "Verify the audit log: recompute every event's hash in order and name the first broken event."

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["verify"], help="verify: recompute the hash chain")

    def handle(self, *args, verb: str, **options):
        checked, broken = verify_chain()
        if broken is not None:
            raise CommandError(
                f"审计链在第 {broken.seq} 号事件（id {broken.event_id}）处断开：{broken.reason}；"
                f"此前 {checked} 条完好。 / audit chain broken at event seq {broken.seq} "
                f"(id {broken.event_id}): {broken.reason}; {checked} events before it verify."
            )
        self.stdout.write(
            f"审计链完好，共 {checked} 条。 / audit chain verifies: {checked} events."
        )
