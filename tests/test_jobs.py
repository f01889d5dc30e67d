"""Job leases and recovery (yingji/jobs.py): a job left running by a dead process is marked interrupted.

The crash tests (tests/crash/) kill real servers; these check the rules in
one process: a lease lives as long as its holder, a live holder's job is
never touched (in this process or another), a dead one's job is marked
interrupted with an audit event, and an interrupted job can be run again.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection

from tests.earlywarning.test_lifecycle import staff_of
from tests.earlywarning.test_xlsx import good, xlsx
from yingji import jobs
from yingji.audit.models import AuditEvent
from yingji.complaints.actions.imports import JOB_KIND as COMPLAINTS
from yingji.complaints.models import ImportJob
from yingji.earlywarning import import_actions
from yingji.earlywarning.import_actions import JOB_KIND as LEDGER
from yingji.earlywarning.import_actions import check_import, run_import, start_import
from yingji.earlywarning.models import LedgerImport, Warning

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _var(settings, tmp_path):
    settings.VAR_DIR = tmp_path  # the SQLite lease files: var/jobs/


def checked_job(demo, rows: int = 3) -> LedgerImport:
    staff = staff_of(demo)
    content = xlsx([good(i, f"第{i}条") for i in range(1, rows + 1)])
    job = start_import(staff, demo, filename="台账.xlsx", content=content)
    return check_import(staff, job)


def left_running(demo) -> LedgerImport:
    job = checked_job(demo)
    LedgerImport.objects.filter(pk=job.pk).update(state="running")
    return job


def other_process_holds(kind: str, pk: int) -> subprocess.Popen[str]:
    """Start a process that holds the lease of ``(kind, pk)`` as a live job runner would."""
    if connection.vendor == "postgresql":
        keys = jobs._pg_keys(kind, pk)
        sd = connection.settings_dict
        params = {
            "dbname": sd["NAME"],
            "user": sd["USER"],
            "password": sd["PASSWORD"],
            "host": sd["HOST"] or "127.0.0.1",
            "port": sd["PORT"] or 5432,
        }
        code = (
            "import psycopg, sys, time\n"
            f"c = psycopg.connect(**{params!r}, autocommit=True)\n"
            f"c.execute('SELECT pg_advisory_lock({keys[0]}, {keys[1]})')\n"
            "print('held', flush=True)\n"
            "time.sleep(60)\n"
        )
    else:
        path = jobs.settings.VAR_DIR / "jobs" / f"{kind}-{pk}.lock"
        path.parent.mkdir(exist_ok=True)
        code = (
            "import fcntl, time\n"
            f"f = open({str(path)!r}, 'w')\n"
            "fcntl.flock(f, fcntl.LOCK_EX)\n"
            "print('held', flush=True)\n"
            "time.sleep(60)\n"
        )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_a_job_left_running_by_a_dead_process_is_marked_interrupted_and_audited(demo):
    job = left_running(demo)
    assert jobs.recover_interrupted() == [(LEDGER, job.pk)]
    job.refresh_from_db()
    assert job.state == "interrupted"
    event = AuditEvent.objects.get(action="earlywarning.import_interrupted")
    assert (event.actor_label, event.object_id, event.before, event.after) == (
        "startup",
        str(job.pk),
        {"state": "running"},
        {"state": "interrupted", "written": 0},
    )
    assert jobs.recover_interrupted() == []  # once only


def test_a_complaints_job_is_marked_with_how_far_it_came(demo):
    job = ImportJob.objects.create(
        township=demo, source="市长信箱", filename="x.xlsx", content=b"", state="running"
    )
    ImportJob.objects.filter(pk=job.pk).update(total=600, done=250, created=240)
    assert jobs.recover_interrupted() == [(COMPLAINTS, job.pk)]
    event = AuditEvent.objects.get(action="complaints.import_interrupted")
    assert event.after == {"state": "interrupted", "done": 250, "total": 600, "created": 240}
    assert ImportJob.objects.get(pk=job.pk).state == "interrupted"


def test_a_job_whose_process_lives_is_left_alone_here_or_elsewhere(demo):
    job = left_running(demo)
    lease = jobs.hold(LEDGER, job.pk)  # this process runs it
    assert jobs.recover_interrupted() == []
    lease.release()
    other = other_process_holds(LEDGER, job.pk)  # another process (or server) runs it
    try:
        assert jobs.recover_interrupted() == []
        with pytest.raises(jobs.JobBusy):
            jobs.hold(LEDGER, job.pk, wait_s=0.1)
    finally:
        other.kill()
        other.wait()
    assert LedgerImport.objects.get(pk=job.pk).state == "running"
    assert jobs.recover_interrupted() == [(LEDGER, job.pk)]  # its holder died


def test_leases_are_shared_within_a_process_and_end_with_the_last_holder(demo):
    first = jobs.hold(LEDGER, 7)
    second = jobs.hold(LEDGER, 7)
    first.release()
    first.release()  # a second release of the same lease does nothing
    assert (LEDGER, 7) in jobs._HELD
    second.release()
    assert (LEDGER, 7) not in jobs._HELD
    other = other_process_holds(LEDGER, 7)  # free: another process could take it
    other.kill()
    other.wait()


def test_the_ledger_writes_while_running_under_its_lease(demo, monkeypatch):
    job = checked_job(demo)
    seen = []
    write = import_actions._write

    def watched(actor, job, skip_bad):
        seen.append((LedgerImport.objects.get(pk=job.pk).state, (LEDGER, job.pk) in jobs._HELD))
        return write(actor, job, skip_bad)

    monkeypatch.setattr(import_actions, "_write", watched)
    run_import(staff_of(demo), job)
    assert seen == [("running", True)]
    assert LedgerImport.objects.get(pk=job.pk).state == "done"
    assert (LEDGER, job.pk) not in jobs._HELD


def test_an_error_while_writing_marks_the_job_failed_and_writes_nothing(demo, monkeypatch):
    job = checked_job(demo)

    def broken(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(import_actions, "_write", broken)
    with pytest.raises(RuntimeError):
        run_import(staff_of(demo), job)
    assert LedgerImport.objects.get(pk=job.pk).state == "failed"
    assert Warning.objects.filter(township=demo).count() == 0
    assert (LEDGER, job.pk) not in jobs._HELD


def test_an_interrupted_ledger_job_is_checked_and_run_again_whole(demo):
    job = left_running(demo)
    jobs.recover_interrupted()
    staff = staff_of(demo)
    job = check_import(staff, LedgerImport.objects.get(pk=job.pk))
    job = run_import(staff, job)
    assert (job.state, job.created) == ("done", 3)
    assert Warning.objects.filter(township=demo).count() == 3


def test_the_worker_and_the_server_recover_at_start(demo, monkeypatch):
    job = left_running(demo)
    call_command("worker", "--once")
    assert LedgerImport.objects.get(pk=job.pk).state == "interrupted"

    from yingji.management.commands import serve

    called = []
    monkeypatch.setattr(jobs, "recover_interrupted", lambda: called.append(True))

    class Stop(Exception):
        pass

    def no_server(*args, **kwargs):
        raise Stop

    monkeypatch.setattr("waitress.server.create_server", no_server)
    with pytest.raises(Stop):
        serve.Command().handle(host="127.0.0.1", port=0, threads=1, no_worker=True)
    assert called == [True]


class InlineThread:
    """``threading.Thread`` whose ``start`` runs the target at once (the background path, in order)."""

    def __init__(self, target, name, daemon):
        self.target = target

    def start(self):
        self.target()


class KeptConnection:
    """The test's database connection, which a job thread's ``connection.close()`` leaves open."""

    def __getattr__(self, name):
        return getattr(connection, name)

    def close(self):
        pass


def test_a_refused_background_run_leaves_a_running_job_running(demo, monkeypatch):
    """Clicking "Import" again on a ledger job another process is writing: refused, nothing changed.

    The background thread's ``ValidationError`` ("already run") used to count as
    a failure, and ``mark_failed`` then marked the job being written ``failed``.
    """
    from django.urls import reverse

    from tests.conftest import client_for, member_of
    from yingji.earlywarning import views_io
    from yingji.orgs.choices import Role

    job = left_running(demo)
    monkeypatch.setattr(views_io, "INLINE_ROWS", 0)
    monkeypatch.setattr(jobs.threading, "Thread", InlineThread)
    monkeypatch.setattr(jobs, "close_old_connections", lambda: None)
    client = client_for(member_of(demo, Role.PEACE_OFFICE_STAFF))
    lease = jobs.hold(LEDGER, job.pk)  # its runner lives
    # The thread closes its own connection at the end: here that is the test's.
    monkeypatch.setattr(jobs, "connection", KeptConnection())
    try:
        mapping = {name: str(index) for name, index in job.mapping.items()}
        for data in ({"action": "run"}, {"action": "check", **mapping}):
            page = client.post(reverse("earlywarning:import_job", args=[job.pk]), data)
            assert page.status_code == 302
            assert LedgerImport.objects.get(pk=job.pk).state == "running", data["action"]
    finally:
        lease.release()


def test_running_a_ledger_job_whose_lease_another_process_holds_is_refused(demo):
    """The lease of a job another process writes answers "already run", not a server error."""
    job = checked_job(demo)
    other = other_process_holds(LEDGER, job.pk)
    try:
        with pytest.raises(ValidationError) as refused:
            run_import(staff_of(demo), job)
    finally:
        other.kill()
        other.wait()
    assert refused.value.messages == ["此次导入已执行。"]
    assert LedgerImport.objects.get(pk=job.pk).state == "checked"


def test_a_lease_connection_that_fails_is_closed(monkeypatch):
    """PostgreSQL: the lease's own connection is closed when taking the lock fails (it leaked)."""

    class Raw:
        autocommit = False
        closed = False

        def cursor(self):
            raise OSError("server closed the connection")

        def close(self):
            self.closed = True

    raw = Raw()
    fake = type(
        "Pg",
        (),
        {
            "vendor": "postgresql",
            "get_connection_params": lambda self: {},
            "get_new_connection": lambda self, params: raw,
        },
    )()
    monkeypatch.setattr(jobs, "connection", fake)
    with pytest.raises(OSError):
        jobs.hold(LEDGER, 12345, wait_s=0)
    assert raw.closed and (LEDGER, 12345) not in jobs._HELD
