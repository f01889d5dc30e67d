"""Crash safety of imports (issue 8 §6): SIGKILL the server in the middle of a large import.

Each test starts the real server (``yingji serve``, worker thread included)
on a database of its own, uploads a file of a few thousand generated rows
through the pages, as staff do, and kills the server with SIGKILL at a point
found by polling the database, never by a sleep. After a restart no
half-written import exists, the job says it was interrupted (with an audit
event by ``startup``), and ``yingji audit verify`` passes. The complaints
import, which commits in chunks, is then run again on the same job and
writes every row exactly once (the ledger's redo is tested in-process, in
tests/test_jobs.py, to keep this under half a minute).
"""

from __future__ import annotations

import json
import time

import pytest

from tests.crash.conftest import CrashEnv, serve, wait_for
from tests.earlywarning.test_xlsx import good, xlsx
from yingji.complaints.parsing import guess_mapping as complaints_mapping
from yingji.earlywarning.xlsx import guess_mapping as ledger_mapping

# The processes under test use a copy of the migrated test database (conftest.crash_template).
pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def township_id(crash: CrashEnv) -> int:
    return crash.db.one("SELECT id FROM orgs_township WHERE code = %s", "crash")


def audit_verifies(crash: CrashEnv) -> str:
    done = crash.run("audit", "verify", "--skip-checks")
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_ledger_import_killed_mid_write_leaves_no_row_and_is_marked_interrupted(
    crash: CrashEnv,
):
    started = time.monotonic()
    rows = 2000
    content = xlsx([good(i, f"西河村第{i}组村民反映土地流转租金拖欠") for i in range(1, rows + 1)])
    town = township_id(crash)
    web = serve(crash, "serve-1.log")
    web.login()
    upload = web.post("/warnings/import/", {}, files={"file": ("台账.xlsx", content, XLSX)})
    assert upload.status_code == 302, upload.text
    job_url = upload.headers["location"]
    job = crash.db.one("SELECT max(id) FROM earlywarning_ledgerimport")
    assert job_url == f"/warnings/import/{job}/"

    # Check every row (in the server's background thread: more than 1000 rows).
    headers = ["序号", "登记时间", "类别", "地点", "事由", "涉及人数", "危害程度", "紧急程度"]
    headers += ["风险等级", "责任单位", "包案领导", "处置措施", "当前状态", "化解时间"]
    mapping = {k: str(v) for k, v in ledger_mapping(headers).items()}
    assert web.post(job_url, {"action": "check", **mapping}).status_code == 302
    state = "SELECT state FROM earlywarning_ledgerimport WHERE id = %s"
    wait_for("the check", lambda: crash.db.one(state, job) == "checked", timeout=60)
    assert crash.db.one("SELECT problems FROM earlywarning_ledgerimport WHERE id = %s", job) in (
        "[]",
        [],
    )

    # Import; kill the server while its one write transaction is open, rows inserted.
    assert web.post(job_url, {"action": "run"}).status_code == 302
    wait_for("the job to run", lambda: crash.db.one(state, job) == "running", timeout=30)
    wait_for(
        "the import's write transaction",
        lambda: all(crash.db.writing("earlywarning_warning") for _ in range(3)),
        timeout=30,
        every=0.005,
    )
    crash.kill(web.proc)
    assert crash.db.one(state, job) == "running"  # killed before it could finish
    count = "SELECT count(*) FROM earlywarning_warning WHERE township_id = %s"
    assert crash.db.one(count, town) == 0

    # Restart: the job is marked interrupted (audited); still no row of it exists.
    web = serve(crash, "serve-2.log")
    assert crash.db.one(state, job) == "interrupted"
    assert crash.db.one(count, town) == 0
    assert crash.db.rows(
        "SELECT action, actor_label FROM audit_auditevent WHERE object_type = %s "
        "AND object_id = %s AND action LIKE %s",
        "earlywarning.ledgerimport",
        str(job),
        "%interrupted",
    ) == [("earlywarning.import_interrupted", "startup")]
    web.login()
    page = web.http.get(job_url)
    assert "服务器停止时导入被中断，没有写入任何一行" in page.text

    crash.stop(web.proc)
    assert audit_verifies(crash).startswith("审计链完好")
    print(f"ledger crash test: {time.monotonic() - started:.1f} s on {crash.vendor}")


def messages(count: int) -> bytes:
    """A message-board export of ``count`` rows, each with a reply."""
    header = ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "答复意见", "答复时间"]
    rows = [header]
    for i in range(count):
        day, minute = 1 + i % 28, i % 60
        rows.append(
            [
                f"LY{i:06d}",
                f"网友{i}",
                f"西河村第{i}组道路破损",
                f"2025/3/{day} 9:{minute:02d}:00",
                f"西河村第{i}组村道破损严重，雨天积水，请尽快修复。",
                f"网友{i}您好，镇里已安排修复第{i}组村道。",
                f"2025-04-{day:02d} 10:{minute:02d}:00",
            ]
        )
    return xlsx(rows[1:], headers=rows[0])


def test_complaints_import_killed_mid_way_keeps_whole_chunks_and_finishes_once(crash: CrashEnv):
    started = time.monotonic()
    total = 600
    content = messages(total)
    town = township_id(crash)
    web = serve(crash, "serve-1.log")
    web.login()
    upload = web.post(
        "/complaints/import/",
        {"source": "市长信箱"},
        files={"file": ("留言.xlsx", content, XLSX)},
    )
    assert upload.status_code == 302, upload.text
    job_url = upload.headers["location"]
    job = crash.db.one("SELECT max(id) FROM complaints_importjob")
    headers = ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "答复意见", "答复时间"]
    mapping = complaints_mapping(headers)
    mapping.pop("user")  # as the page does: the writer's name only if staff map it
    assert web.post(job_url, mapping).status_code == 302

    # Kill once some chunks (250 rows each, committed with the job's counter) are in.
    progress = "SELECT state, done, created FROM complaints_importjob WHERE id = %s"
    wait_for(
        "a chunk written",
        lambda: crash.db.rows(progress, job)[0][1] >= 250,
        timeout=60,
        every=0.005,
    )
    crash.kill(web.proc)
    state, done, created = crash.db.rows(progress, job)[0]
    assert state == "running" and 250 <= done < total, (state, done)
    cases = "SELECT count(*) FROM petitions_petitioncase WHERE township_id = %s"
    sources = "SELECT count(*) FROM complaints_sourcemessage WHERE township_id = %s"
    # Whole rows only: every case written has its source message, and the counter says so.
    assert crash.db.one(cases, town) == crash.db.one(sources, town) == created == done

    web = serve(crash, "serve-2.log")
    assert crash.db.rows(progress, job)[0] == ("interrupted", done, created)
    [(after,)] = crash.db.rows(
        "SELECT after FROM audit_auditevent WHERE action = %s AND object_id = %s",
        "complaints.import_interrupted",
        str(job),
    )
    after = json.loads(after) if isinstance(after, str) else after  # SQLite: text
    assert after == {"state": "interrupted", "done": done, "total": total, "created": created}
    web.login()
    assert "服务器停止时导入被中断，已完成" in web.http.get(job_url).text

    # Import the same job again: the rest is written, what was written stays unchanged.
    assert web.post(job_url, mapping).status_code == 302
    wait_for("the import", lambda: crash.db.rows(progress, job)[0][0] == "done", timeout=60)
    assert crash.db.rows(
        "SELECT created, unchanged FROM complaints_importjob WHERE id = %s", job
    ) == [(total - created, created)]
    assert crash.db.one(cases, town) == crash.db.one(sources, town) == total
    assert (
        crash.db.one(
            "SELECT count(DISTINCT message_number) FROM complaints_sourcemessage "
            "WHERE township_id = %s",
            town,
        )
        == total
    )
    crash.stop(web.proc)
    assert audit_verifies(crash).startswith("审计链完好")
    print(f"complaints crash test: {time.monotonic() - started:.1f} s on {crash.vendor}")
