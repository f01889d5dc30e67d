"""Importing messages-with-replies.xlsx: one case per readable row, real times, deadlines' outcomes, idempotent."""

from __future__ import annotations

import statistics
from datetime import datetime, timedelta

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from openpyxl import load_workbook

from tests.complaints.conftest import DATA, NOW, SH, data
from yingji.complaints.actions import import_file
from yingji.complaints.models import ColumnMapping, SourceMessage
from yingji.complaints.parsing import parse_time
from yingji.complaints.queries import percentile, reply_times
from yingji.crypto import decrypt
from yingji.deadlines.choices import DeadlineState
from yingji.deadlines.models import Deadline
from yingji.deadlines.rules import due_after_days
from yingji.notify.models import Notification
from yingji.petitions.actions import ACCEPTANCE_RULE, CONCLUDE_RULE
from yingji.petitions.models import Party, PetitionCase

FILE = "messages-with-replies.xlsx"


def _from_file() -> list[tuple[str, datetime, datetime]]:
    """(number, receipt, reply) of every readable row, computed straight from the file."""
    ws = load_workbook(DATA / FILE, read_only=True).worksheets[0]
    out = []
    for row in list(ws.iter_rows(values_only=True))[1:]:
        try:
            received, replied = parse_time(row[3]), parse_time(row[6])
        except ValueError:
            continue
        out.append((str(row[0]), received, replied))
    return out


@pytest.fixture
def imported(demo, staff):
    with time_machine.travel(NOW, tick=False):
        job = import_file(staff, demo, source="问政西地省", filename=FILE, content=data(FILE))
    return job


def _case(demo, number: str) -> PetitionCase:
    return SourceMessage.objects.get(township=demo, message_number=number).case


def _one_case_per_readable_row_and_the_unreadable_one_reported(demo, imported):
    assert imported.state == "done"
    assert imported.created == 2815
    assert PetitionCase.objects.filter(township=demo).count() == 2815
    assert imported.problems == [
        {"row": 1141, "number": "27610", "message": "答复时间: “2018/4/24”没有具体时刻。"}
    ]
    assert imported.done == imported.total == 2816


def _receipt_and_reply_times_exactly(demo, imported):
    first = _case(demo, "2549")  # text dates "2019/4/25 9:32:09" / "2019/5/10 14:56:53"
    assert first.received_at == datetime(2019, 4, 25, 9, 32, 9, tzinfo=SH)
    assert first.concluded_at == datetime(2019, 5, 10, 14, 56, 53, tzinfo=SH)
    assert first.status == "replied"
    assert first.summary == "A2区景蓉华苑物业管理有问题"
    assert first.content.startswith("2019年4月以来，位于A市A2区桂花坪街道")  # padding trimmed
    reply = first.documents.get(kind="reply")
    assert reply.issued_at == datetime(2019, 5, 10, 14, 56, 53, tzinfo=SH)
    excel = _case(demo, "2759")  # the one real Excel date cell of 留言时间
    assert excel.received_at == datetime(2019, 4, 8, 8, 37, 20, tzinfo=SH)
    assert excel.documents.get().issued_at == datetime(2019, 5, 9, 10, 2, 8, tzinfo=SH)
    old = _case(demo, "2554")
    assert old.received_at == datetime(2019, 4, 24, 16, 3, 40, tzinfo=SH)
    assert old.concluded_at == datetime(2019, 5, 9, 9, 49, 10, tzinfo=SH)
    assert not SourceMessage.objects.filter(message_number="27610").exists()


def _writer_not_stored_and_reply_text_does_not_name_them(demo, imported):
    assert Party.objects.filter(case__township=demo).count() == 0
    reply = _case(demo, "2554").documents.get()
    assert "A00023583" not in reply.body
    assert reply.body.startswith("网友“网友”：您好！")


def _deadlines_recorded_with_their_outcome_and_nothing_left_for_the_worker(demo, imported):
    case = _case(demo, "2549")  # received 2019-04-25, replied 2019-05-10 14:56
    ct = ContentType.objects.get_for_model(PetitionCase)
    rows = {d.rule: d for d in Deadline.objects.filter(content_type=ct, object_id=str(case.pk))}
    notice, conclude = rows[ACCEPTANCE_RULE], rows[CONCLUDE_RULE]
    assert notice.due_at == datetime(2019, 5, 11, 0, 0, tzinfo=SH)  # 15 days, 24:00 of 05-10
    assert notice.state == DeadlineState.SATISFIED and notice.kept is True
    assert conclude.due_at == datetime(2019, 6, 25, 0, 0, tzinfo=SH)
    assert conclude.kept is True
    slow = _case(demo, "34239")  # 2018/2/3 16:27:45 → replied 2018/4/16 11:33:45
    late = Deadline.objects.get(content_type=ct, object_id=str(slow.pk), rule=CONCLUDE_RULE)
    assert late.due_at == datetime(2018, 4, 5, 0, 0, tzinfo=SH)
    assert late.breached_at == late.due_at
    assert late.satisfied_at == datetime(2018, 4, 16, 11, 33, 45, tzinfo=SH)
    assert late.kept is False
    assert late.satisfied_at - late.due_at == timedelta(days=11, hours=11, minutes=33, seconds=45)
    assert not Deadline.objects.filter(township=demo, next_check_at__isnull=False).exists()
    assert not Deadline.objects.filter(township=demo, state=DeadlineState.OPEN).exists()
    assert Notification.objects.count() == 0
    assert not Deadline.objects.filter(township=demo, historic=False).exists()


def test_import_of_messages_with_replies(demo, staff, imported):
    """One import of the 2,816-row file (about 15 s), every Done-when check on it, then a second import."""
    _one_case_per_readable_row_and_the_unreadable_one_reported(demo, imported)
    _receipt_and_reply_times_exactly(demo, imported)
    _writer_not_stored_and_reply_text_does_not_name_them(demo, imported)
    _deadlines_recorded_with_their_outcome_and_nothing_left_for_the_worker(demo, imported)
    _reply_time_figures_equal_those_computed_from_the_file(demo, imported)
    _second_import_changes_nothing(demo, staff, imported)


def _second_import_changes_nothing(demo, staff, imported):
    before = PetitionCase.objects.count(), Deadline.objects.count()
    with time_machine.travel(NOW, tick=False):
        again = import_file(staff, demo, source="问政西地省", filename=FILE, content=data(FILE))
    assert (again.created, again.unchanged, len(again.problems)) == (0, 2815, 1)
    assert (PetitionCase.objects.count(), Deadline.objects.count()) == before
    saved = ColumnMapping.objects.get(township=demo, source="问政西地省").mapping
    assert saved["number"] == "留言编号" and "user" not in saved


def _reply_time_figures_equal_those_computed_from_the_file(demo, imported):
    rows = _from_file()
    days = [(replied - received).total_seconds() / 86400 for _n, received, replied in rows]
    breached = sum(1 for _n, received, replied in rows if replied > due_after_days(received, 60))
    figures = reply_times(demo)
    assert figures["cases"] == figures["replies"] == len(rows) == 2815
    assert figures["median_days"] == pytest.approx(statistics.median(days), abs=1e-9)
    assert figures["p75_days"] == pytest.approx(percentile(days, 75), abs=1e-9)
    assert figures["over_60_days"] == sum(1 for d in days if d > 60)
    assert figures["conclude_breached"] == breached
    assert figures["conclude_kept"] == len(rows) - breached
    # the figures as the note reports them
    assert round(figures["median_days"], 2) == round(statistics.median(days), 2)
    assert sorted(days)[int(0.75 * (len(days) - 1))] <= figures["p75_days"]


def test_the_user_column_mapped_on_purpose_is_kept_encrypted(demo, staff):
    mapping = {
        "number": "留言编号",
        "user": "留言用户",
        "subject": "留言主题",
        "posted_at": "留言时间",
        "text": "留言详情",
    }
    with time_machine.travel(NOW, tick=False):
        job = import_file(
            staff,
            demo,
            source="labelled",
            filename="l.xlsx",
            content=data("messages-labelled.xlsx"),
            mapping=mapping,
        )
    assert job.created > 400
    party = Party.objects.get(case__source_message__message_number="24")
    assert decrypt(party.name_enc) == "A00074011"  # the 留言用户 of message 24
    assert "A00074011" not in party.name_enc
