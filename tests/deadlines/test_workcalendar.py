"""Working days follow China's official calendar plus the township's table (《信访工作条例》第二十三条)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from yingji.deadlines import workcalendar
from yingji.deadlines.rules import due_after_working_days

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _own_table(settings, tmp_path):
    settings.YINGJI_WORK_CALENDAR = tmp_path / "work_calendar.yaml"
    return settings.YINGJI_WORK_CALENDAR


def test_it_skips_a_plain_weekend():
    # Thursday 2026-03-05 → Fri 6, Mon 9, Tue 10, Wed 11, Thu 12 → due 24:00 of Thu 12.
    due = due_after_working_days(datetime(2026, 3, 5, 10, 0, tzinfo=SH), 5)
    assert due == datetime(2026, 3, 13, 0, 0, tzinfo=SH)


def test_it_follows_the_spring_festival_holiday_and_its_adjusted_saturday():
    # Friday 2026-02-13: Sat 14 is an adjusted working day (1); 15–23 holiday; 24, 25, 26, 27 (2–5).
    assert workcalendar.is_workday(date(2026, 2, 14)) is True
    assert workcalendar.is_workday(date(2026, 2, 16)) is False
    due = due_after_working_days(datetime(2026, 2, 13, 9, 0, tzinfo=SH), 5)
    assert due == datetime(2026, 2, 28, 0, 0, tzinfo=SH)


def test_the_township_table_covers_a_year_the_library_does_not_know(_own_table):
    # Without a table, 2027 falls back to Monday–Friday: Fri 2027-02-05 → Fri 12 → due Sat 13 00:00.
    start = datetime(2027, 2, 5, 9, 0, tzinfo=SH)
    assert due_after_working_days(start, 5) == datetime(2027, 2, 13, 0, 0, tzinfo=SH)
    _own_table.write_text(
        "2027-02-06: workday\n"
        + "".join(f"2027-02-{d:02d}: holiday\n" for d in range(8, 13))
        + "2027-02-15: holiday\n"
    )
    # Sat 6 (1), 8–12 and 15 holidays, 16, 17, 18, 19 (2–5) → due 24:00 of Fri 19.
    assert due_after_working_days(start, 5) == datetime(2027, 2, 20, 0, 0, tzinfo=SH)


def test_the_township_table_wins_over_the_library(_own_table):
    _own_table.write_text("2026-03-06: holiday\n")
    due = due_after_working_days(datetime(2026, 3, 5, 10, 0, tzinfo=SH), 5)
    assert due == datetime(2026, 3, 14, 0, 0, tzinfo=SH)


def test_a_malformed_table_names_the_entry(_own_table):
    _own_table.write_text("2027-02-06: maybe\n")
    with pytest.raises(workcalendar.CalendarTableError, match="2027-02-06"):
        workcalendar.is_workday(date(2027, 2, 6))


def test_known_years_include_the_library_and_the_table(_own_table):
    _own_table.write_text("2030-01-01: holiday\n")
    years = workcalendar.known_years()
    assert 2026 in years and 2030 in years


def test_a_missing_year_is_warned_from_december(_own_table):
    import time_machine

    from yingji.petitions.apps import check_work_calendar

    assert workcalendar.missing_years(date(2026, 11, 29)) == []
    assert workcalendar.missing_years(date(2026, 12, 1)) == [2027]
    with time_machine.travel(datetime(2026, 12, 2, 9, 0, tzinfo=SH), tick=False):
        [warning] = check_work_calendar()
    assert warning.id == "yingji.W602" and "2027" in warning.msg
    _own_table.write_text("2027-01-01: holiday\n")
    assert workcalendar.missing_years(date(2026, 12, 1)) == []
