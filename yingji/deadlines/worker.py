"""The background worker loop (DESIGN.md §4).

One pass (:func:`run_once`) handles what has fallen due; :func:`run_forever`
repeats it until stopped. ``yingji worker`` runs the loop alone, ``yingji
serve`` runs it in a thread beside the web server. The deadline rules arrive
with the Deadline model; until then a pass does nothing.
"""

from __future__ import annotations

import logging
import threading

from django.db import close_old_connections

logger = logging.getLogger("yingji.worker")


def run_once() -> int:
    """Handle everything due now; return how many items were handled."""
    return 0


def run_forever(stop: threading.Event, interval_s: float = 1.0) -> None:
    """Call :func:`run_once` every ``interval_s`` seconds until ``stop`` is set.

    An error in one pass is logged and the loop goes on: a worker that stops
    would let deadlines pass silently.
    """
    logger.info("worker started (every %.1f s)", interval_s)
    while not stop.is_set():
        try:
            close_old_connections()
            run_once()
        except Exception:  # noqa: BLE001 - the loop must survive any one bad pass
            logger.exception("worker pass failed; retrying")
        stop.wait(interval_s)
    close_old_connections()
    logger.info("worker stopped")
