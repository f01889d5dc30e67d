"""The ledger import under random cell values (issue 8 §7): never a crash, bad rows named, all or nothing.

Workbooks with the full export layout are filled with random cells — times
of any year, dates, times of day, numbers (huge, negative, NaN, infinite),
booleans, Chinese and other text, formulas, strings of 40 000 characters,
empty cells — mixed with plausible values so that some rows are good.
``import_file`` must return a job (never raise); a refused import lists
every fault by Excel row and column and writes nothing; a finished one
wrote exactly its good rows, each with its units. Each example runs in a
transaction rolled back at its end.
"""

from __future__ import annotations

from datetime import date, datetime
from unittest import mock

import pytest
from django.db import transaction
from hypothesis import event, example, given
from hypothesis import strategies as st

from tests.conftest import member_of
from tests.fuzzcells import FUZZ, assert_only_value_errors, chinese, rows_of, text, workbook
from yingji.earlywarning import import_actions
from yingji.earlywarning.import_actions import import_file
from yingji.earlywarning.models import Warning
from yingji.earlywarning.xlsx import (
    COLUMNS,
    HEADERS,
    TIME_FIELDS,
    column_name,
    parse_headcount,
    parse_time,
)
from yingji.orgs.access import Actor
from yingji.orgs.choices import Role

pytestmark = pytest.mark.django_db

FIELDS = [name for name, _h in COLUMNS]
HEADER_ROW = [header for _name, header in COLUMNS]

any_cell = st.one_of(
    st.none(),
    st.just(""),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    # openpyxl writes times as Excel serial numbers, from 1900 (its epoch) on.
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(9999, 12, 31, 23, 59)),
    st.dates(min_value=date(1900, 1, 1)),
    st.times(),
    text,
    chinese,
    st.sampled_from(["=1/0", "=SUM(A1:B2)", '=HYPERLINK("x")', "#N/A", "x" * 40_000, "  ", "\n"]),
    st.sampled_from(["2026-13-45", "2026/2/30 9:00", "0001-01-01 00:00", "9999-12-31 23:59"]),
    st.sampled_from(["12人", "-3", "1e400", "NaN", "十来人", "3.5"]),
)
#: Values a township's ledger would hold, per field (the default plan's and the demo's names).
PLAUSIBLE = {
    "discovered_at": st.one_of(
        st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2026, 11, 1)),
        st.just("2026-10-08 14:30"),
        st.just("2026年10月8日 14时30分"),
    ),
    "category": st.sampled_from(["internal_dispute", "brewing_unrest", "五(一)2", "other", "4"]),
    "summary": chinese.filter(bool),
    "address": chinese,
    "headcount": st.one_of(st.integers(min_value=0, max_value=500), st.just("15人")),
    "potential_harm": st.sampled_from(["", "较大", "minor"]),
    "urgency": st.sampled_from(["", "紧急", "general"]),
    "units": st.sampled_from(["", "西河村", "西河村、镇平安办"]),
    "lead_official": st.sampled_from(["", "李卫东"]),
    "status": st.sampled_from(["", "已登记", "已化解"]),
    "resolved_at": st.one_of(st.none(), st.just("2026-10-20 10:00")),
    "village": st.sampled_from(["", "西河村"]),
    "source": st.sampled_from(["", "hotline", "热线电话"]),
}


#: Values at the edges of what a column can hold, tried more often than chance would.
EDGE_TIMES = st.sampled_from(
    ["0001-01-01 00:00", "1899-12-31 23:59", "2200-01-01 00:00", "9999-12-31 23:59"]
) | st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(9999, 12, 31, 23, 59))
EDGE_NUMBERS = st.sampled_from(
    [2**31 - 1, 2**31, 2**63 - 1, 2**63 + 5, -1, 1e300, float("nan"), float("inf")]
)
EDGE = {name: EDGE_TIMES for name in TIME_FIELDS} | {
    "headcount": EDGE_NUMBERS,
    "number": st.sampled_from(["Y" * 41, "YJ2026-0001", "1"]),
    "address": st.just("址" * 201),
}


row = rows_of(FIELDS, PLAUSIBLE, EDGE, any_cell)


@pytest.fixture
def staff(demo) -> Actor:
    return Actor.for_member(member_of(demo, Role.PEACE_OFFICE_STAFF))


@FUZZ
@given(rows=st.lists(row, min_size=1, max_size=6), skip_bad=st.booleans())
def test_random_cells_never_crash_and_write_all_good_rows_or_nothing(demo, staff, rows, skip_bad):
    content = workbook(HEADER_ROW, rows)
    with transaction.atomic():
        before = Warning.objects.filter(township=demo).count()
        job = import_file(staff, demo, filename="随机.xlsx", content=content, skip_bad=skip_bad)
        written = Warning.objects.filter(township=demo).count() - before
        data_rows = {i + 2 for i, cells in enumerate(rows) if any(_non_empty(c) for c in cells)}
        columns = {column_name(i, h) for i, h in enumerate(HEADER_ROW)} | set(HEADERS.values())
        for problem in job.problems:
            assert problem["row"] in data_rows
            assert problem["column"] in columns
            assert problem["field"] in HEADERS
            assert problem["message"].strip()
        bad = {p["row"] for p in job.problems}
        event(f"{job.state}, {'some' if job.created else 'no'} rows written")
        if job.problems and not skip_bad:
            assert (job.state, written) == ("checked", 0)
        else:
            assert job.state == "done"
            assert written == job.created
            assert job.skipped_rows == sorted(bad)
            assert job.created <= len(data_rows - bad)
            imported = Warning.objects.filter(township=demo).order_by("-pk")[: job.created]
            assert all(w.number and w.discovered_at for w in imported)
        transaction.set_rollback(True)


@FUZZ
@given(any_cell | EDGE_TIMES | EDGE_NUMBERS)
@example(10**400)  # a hand-made file can hold it; openpyxl cannot write it
def test_the_cell_parsers_raise_only_value_errors(value):
    assert_only_value_errors((parse_time, parse_headcount), value)


def _non_empty(value) -> bool:
    return value is not None and str(value).strip() != ""


def test_a_failure_while_writing_leaves_nothing_behind(demo, staff):
    """Nothing half-written: an error on the third row's audit event rolls back the two before it."""
    good = {name: None for name in FIELDS}
    rows = []
    for n in range(5):
        good.update(discovered_at=f"2026-10-0{n + 1} 09:00", category="other", summary=f"第{n}件")
        rows.append([good[name] for name in FIELDS])
    real_record = import_actions.record
    calls = []

    def failing(actor, action, *args, **kwargs):
        if action == "earlywarning.import_row":
            calls.append(action)
            if len(calls) == 3:
                raise RuntimeError("disk full")
        return real_record(actor, action, *args, **kwargs)

    with mock.patch.object(import_actions, "record", failing), pytest.raises(RuntimeError):
        import_file(staff, demo, filename="五行.xlsx", content=workbook(HEADER_ROW, rows))
    assert Warning.objects.filter(township=demo).count() == 0
    assert len(calls) == 3
