"""Run long work (large imports) now or in a background thread, with progress shown by the page."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection

log = logging.getLogger("yingji.jobs")


def run_job(
    name: str, rows: int, inline_rows: int, work: Callable[[], Any], on_failure: Callable[[], None]
) -> None:
    """Run ``work`` now when ``rows`` ≤ ``inline_rows`` (or ``YINGJI_JOBS_INLINE``), else in a daemon thread.

    In the thread an unexpected error is logged and ``on_failure`` (an action
    recording the job as failed) is called; ``work`` runs its own transaction,
    so nothing half-written stays. One server process is assumed: progress
    that a job keeps in memory is not seen by other processes.
    """
    if rows <= inline_rows or getattr(settings, "YINGJI_JOBS_INLINE", False):
        work()
        return

    def target() -> None:
        close_old_connections()
        try:
            work()
        except Exception:  # the page shows the job failed; the log has why
            log.exception("%s failed", name)
            on_failure()
        finally:
            connection.close()

    threading.Thread(target=target, name=name, daemon=True).start()
