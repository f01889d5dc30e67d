"""Run long work (large imports) now or in a background thread; find the jobs a dead process left.

A job that runs holds a **lease** on ``(kind, pk)`` (:func:`hold`) from before
its row says ``running`` until after its row says how it ended. The lease
lives exactly as long as the process holding it:

- on PostgreSQL it is a session advisory lock (``pg_try_advisory_lock``) on a
  connection of its own, which the server drops when the process dies;
- on SQLite (one machine) it is an ``flock`` on ``var/jobs/<kind>-<pk>.lock``,
  which the kernel drops when the process dies.

Inside one process leases are counted, so the request that marks a job
running and the thread that runs it share one. At the start of ``yingji
serve`` and ``yingji worker``, :func:`recover_interrupted` looks at every job
left ``running``: one whose lease nobody holds belongs to a process that died
(a crash, a kill, a power cut) and is marked ``interrupted`` by its app's
action, with an audit event, so a page never shows an import running
forever. A job whose process is alive, here or on another server, is left
alone.
"""

from __future__ import annotations

import logging
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection
from django.utils.module_loading import import_string

log = logging.getLogger("yingji.jobs")

#: The jobs a dead process can leave ``running``: kind → (model label, the action that
#: marks one interrupted, called as ``action(actor, job)``).
RECOVERABLE: dict[str, tuple[str, str]] = {
    "earlywarning.import": (
        "earlywarning.LedgerImport",
        "yingji.earlywarning.import_actions.mark_interrupted",
    ),
    "complaints.import": (
        "complaints.ImportJob",
        "yingji.complaints.actions.imports.mark_interrupted",
    ),
}
#: How long :func:`hold` waits for a lease another process holds (seconds) before giving up.
WAIT_S = 2.0


class JobBusy(RuntimeError):
    """Another process holds the lease of this job."""


@dataclass
class _Held:
    release: Callable[[], None]
    count: int = 0


_HELD: dict[tuple[str, int], _Held] = {}
_LOCK = threading.Lock()


def _pg_keys(kind: str, pk: int) -> tuple[int, int]:
    """The two int4 keys of the advisory lock: a hash of ``kind`` and the row id."""
    return zlib.crc32(kind.encode()) & 0x7FFFFFFF, pk & 0x7FFFFFFF


def _try_take(kind: str, pk: int) -> Callable[[], None] | None:
    """Take the lease of ``(kind, pk)`` at the database or file level; return its release, or None."""
    if connection.vendor == "postgresql":
        raw = connection.get_new_connection(connection.get_connection_params())
        try:
            raw.autocommit = True
            with raw.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", _pg_keys(kind, pk))
                row = cursor.fetchone()
        except BaseException:
            raw.close()  # the connection is the lease's alone: never left open
            raise
        if not (row and row[0]):
            raw.close()
            return None
        return raw.close  # closing the session releases its advisory locks
    import fcntl

    folder = settings.VAR_DIR / "jobs"
    folder.mkdir(exist_ok=True)
    handle = open(folder / f"{kind}-{pk}.lock", "w")  # noqa: SIM115 - held while the job runs
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle.close  # closing the file releases the flock


@dataclass
class Lease:
    """A held lease on ``(kind, pk)``; :meth:`release` once (further calls do nothing)."""

    kind: str
    pk: int
    released: bool = field(default=False)

    def release(self) -> None:
        """Give the lease back (the underlying lock goes when this process's last holder releases)."""
        if self.released:
            return
        self.released = True
        key = (self.kind, self.pk)
        with _LOCK:
            held = _HELD[key]
            held.count -= 1
            if held.count > 0:
                return
            del _HELD[key]
        held.release()


def hold(kind: str, pk: int, wait_s: float = WAIT_S) -> Lease:
    """Take (or share, within this process) the lease of job ``pk`` of ``kind``; return it.

    Waits up to ``wait_s`` seconds while another process holds it, then
    raises :class:`JobBusy`. Release it with ``Lease.release()`` after the
    job's row records how it ended.
    """
    key = (kind, pk)
    deadline = time.monotonic() + wait_s
    while True:
        with _LOCK:
            held = _HELD.get(key)
            if held is None:
                release = _try_take(kind, pk)
                if release is not None:
                    held = _HELD[key] = _Held(release)
            if held is not None:
                held.count += 1
                return Lease(kind, pk)
        if time.monotonic() >= deadline:
            raise JobBusy(f"{kind} {pk} is held by another process")
        time.sleep(0.05)


@contextmanager
def holding(kind: str, pk: int) -> Iterator[Lease]:
    """Hold the lease of job ``pk`` of ``kind`` for the ``with`` block (see :func:`hold`)."""
    lease = hold(kind, pk)
    try:
        yield lease
    finally:
        lease.release()


def recover_interrupted(actor: Any = None) -> list[tuple[str, int]]:
    """Mark every job left ``running`` by a dead process ``interrupted``; return ``(kind, pk)`` of each.

    For each kind of :data:`RECOVERABLE`, each row in state ``running`` whose
    lease can be taken (so no live process holds it) is handed, with the
    lease held, to its app's ``mark_interrupted(actor, job)`` action, which
    changes the state and writes the audit event in one transaction.
    ``actor`` defaults to the system actor ``startup``. Called at the start of
    ``yingji serve`` and ``yingji worker``; safe to call at any time.
    """
    from yingji.orgs.access import Actor

    actor = actor or Actor.system("startup")
    done: list[tuple[str, int]] = []
    for kind, (label, action_path) in RECOVERABLE.items():
        model = apps.get_model(label)
        action = import_string(action_path)
        for job in model.objects.filter(state="running").order_by("pk"):
            try:
                lease = hold(kind, job.pk, wait_s=0)
            except JobBusy:
                continue  # a live process runs it
            try:
                with _LOCK:
                    shared = _HELD[(kind, job.pk)].count > 1
                if shared:
                    continue  # this very process runs it
                action(actor, job)
                done.append((kind, job.pk))
                log.warning(
                    "%s %s was left running by a process that died; marked interrupted",
                    kind,
                    job.pk,
                )
            finally:
                lease.release()
    return done


def run_job(
    name: str,
    rows: int,
    inline_rows: int,
    work: Callable[[], Any],
    on_failure: Callable[[], None],
    lease: Lease | None = None,
) -> None:
    """Run ``work`` now when ``rows`` ≤ ``inline_rows`` (or ``YINGJI_JOBS_INLINE``), else in a daemon thread.

    In the thread an unexpected error is logged and ``on_failure`` (an action
    recording the job as failed) is called; a ``ValidationError`` (the action
    refused, e.g. a job another request runs already, and changed nothing)
    is only logged, so that a job another thread or process writes is not
    marked failed; ``work`` runs its own transaction,
    so nothing half-written stays. ``lease`` (from :func:`hold`, taken before
    the job was marked running) is released when the work has ended, inline or
    in the thread. Progress that a job keeps in memory is seen only in this
    process; its state in the database is seen by all.
    """
    if rows <= inline_rows or getattr(settings, "YINGJI_JOBS_INLINE", False):
        try:
            work()
        finally:
            if lease is not None:
                lease.release()
        return

    def target() -> None:
        close_old_connections()
        try:
            work()
        except ValidationError as exc:  # a refusal changed nothing: not a failure of the job
            log.warning("%s refused: %s", name, "; ".join(exc.messages))
        except Exception:  # the page shows the job failed; the log has why
            log.exception("%s failed", name)
            on_failure()
        finally:
            connection.close()
            if lease is not None:
                lease.release()

    threading.Thread(target=target, name=name, daemon=True).start()
