"""``yingji worker``: run the deadline worker loop until stopped (Ctrl-C or SIGTERM)."""

from __future__ import annotations

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand

from yingji.deadlines.worker import run_forever, run_once
from yingji.jobs import recover_interrupted


class Command(BaseCommand):
    help = "Run the background worker: reminders, breaches and escalation of deadlines, and notifications."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="do one pass and exit")

    def handle(self, *args, once: bool = False, **options):
        """Recover interrupted jobs, then run one pass (``once``) or passes until SIGTERM / Ctrl-C.

        Passes are ``YINGJI_WORKER_INTERVAL_S`` seconds apart.
        """
        # Jobs a dead process left running (a crash, a kill) are marked interrupted first.
        recover_interrupted()
        if once:
            self.stdout.write(f"handled {run_once()}")
            return
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            run_forever(stop, settings.YINGJI_WORKER_INTERVAL_S)
        except KeyboardInterrupt:
            stop.set()
