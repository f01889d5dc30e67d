"""The message-board import under random cell values (issue 8 §7): never a crash, each row accounted once.

Exports with the message-board headers are filled with random cells — times
of any year, Excel serial numbers (huge, negative, NaN, infinite), text dates
in every form and broken ones, counts, Chinese and other text, formulas,
strings of 40 000 characters, empty cells — mixed with plausible values.
``import_file`` must finish (never raise); every data row is either a case
(with its one ``SourceMessage``), unchanged, or a problem naming its Excel
row and the reason; the parsers themselves raise only ``ValueError`` with a
message. Each example runs in a transaction rolled back at its end.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.db import transaction
from hypothesis import event, example, given
from hypothesis import strategies as st

from tests.complaints.conftest import NOW
from tests.fuzzcells import FUZZ, assert_only_value_errors, chinese, rows_of, text, workbook
from yingji.complaints.actions import import_file
from yingji.complaints.models import SourceMessage
from yingji.complaints.parsing import parse_count, parse_time
from yingji.petitions.models import PetitionCase

pytestmark = pytest.mark.django_db

HEADERS = [
    "留言编号",
    "留言用户",
    "留言主题",
    "留言时间",
    "留言详情",
    "答复意见",
    "答复时间",
    "点赞数",
    "反对数",
    "一级分类",
]

numbers = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1, 43_000.5, 2_958_465, 2_958_466, 10**9, -1, 1e308]),
)
any_cell = st.one_of(
    st.none(),
    st.just(""),
    numbers,
    st.booleans(),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(9999, 12, 31, 23, 59)),
    st.dates(min_value=date(1900, 1, 1)),
    st.times(),
    text,
    chinese,
    st.sampled_from(["=1/0", "=NOW()", "#VALUE!", "x" * 40_000, "1e400", "-0", "3.0", "NaN"]),
    st.sampled_from(
        ["2019/4/25 9:32:09", "2019年4月25日 9时32分", "2019-02-30 10:00", "0001-01-01 00:00"]
    ),
    st.sampled_from(
        ["9999-12-31 23:59", "2019.4.25 25:61", "2019/4/25", "\t\n2019-04-08 08:37:20"]
    ),
)
PLAUSIBLE = {
    "留言编号": st.one_of(
        st.integers(min_value=1, max_value=10**6), st.from_regex(r"[0-9]{1,8}", fullmatch=True)
    ),
    "留言主题": chinese.filter(bool),
    "留言时间": st.one_of(
        st.datetimes(min_value=datetime(2015, 1, 1), max_value=datetime(2026, 11, 1)),
        st.just("2019/4/25 9:32:09"),
    ),
    "留言详情": chinese,
    "答复意见": st.one_of(st.just(""), chinese),
    "答复时间": st.one_of(st.none(), st.just("2019/5/10 14:56:53")),
    "点赞数": st.one_of(st.none(), st.integers(min_value=0, max_value=999)),
    "反对数": st.one_of(st.none(), st.integers(min_value=0, max_value=99)),
    "一级分类": st.one_of(st.just(""), chinese),
}


#: Values at the edges of what a column can hold, tried more often than chance would.
EDGE_TIMES = (
    st.sampled_from(
        ["0001-01-01 00:00", "1899-12-31 23:59", "2200-01-01 00:00", "9999-12-31 23:59"]
    )
    | numbers
)
EDGE_COUNTS = st.sampled_from([2**31 - 1, 2**31, 2**63 + 5, "1e400", -1, float("nan")])
EDGE = {
    "留言时间": EDGE_TIMES,
    "答复时间": EDGE_TIMES,
    "点赞数": EDGE_COUNTS,
    "反对数": EDGE_COUNTS,
    "留言编号": st.sampled_from(["9" * 65, "1.0", "0", "-1"]),
    "留言主题": st.just("题" * 400),
}


row = rows_of(HEADERS, PLAUSIBLE, EDGE, any_cell)


@FUZZ
@given(st.lists(row, min_size=1, max_size=6))
def test_random_cells_never_crash_and_every_row_is_accounted_for(demo, staff, rows):
    data_rows = {
        i + 2
        for i, cells in enumerate(rows)
        if any(c is not None and str(c).strip() for c in cells)
    }
    with time_machine.travel(NOW, tick=False), transaction.atomic():
        before = PetitionCase.objects.filter(township=demo).count()
        job = import_file(
            staff, demo, source="随机来源", filename="随机.xlsx", content=workbook(HEADERS, rows)
        )
        assert job.state == "done"
        problem_rows = [p["row"] for p in job.problems]
        assert len(problem_rows) == len(set(problem_rows))
        assert set(problem_rows) <= data_rows
        assert all(p["message"].strip() for p in job.problems)
        assert job.created + job.unchanged + len(problem_rows) == len(data_rows) == job.total
        cases = PetitionCase.objects.filter(township=demo)
        assert cases.count() - before == job.created
        messages = SourceMessage.objects.filter(township=demo, source="随机来源")
        assert messages.count() == job.created
        assert set(messages.values_list("case_id", flat=True)) == set(
            cases.order_by("-pk")[: job.created].values_list("pk", flat=True)
        )
        event(f"{job.created} created, {len(problem_rows)} problems")
        transaction.set_rollback(True)


@FUZZ
@given(any_cell | EDGE_TIMES | EDGE_COUNTS)
@example(10**400)  # a hand-made file can hold it; openpyxl cannot write it
def test_the_cell_parsers_raise_only_value_errors(value):
    assert_only_value_errors((parse_time, parse_count), value)
