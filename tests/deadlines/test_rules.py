"""Due times: minutes of wall time; calendar days in Asia/Shanghai ending at 24:00 of the last day."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from yingji.deadlines.rules import (
    due_after_days,
    due_after_minutes,
    due_after_working_days,
    remind_time,
)

SH = ZoneInfo("Asia/Shanghai")
UTC = ZoneInfo("UTC")


def test_minutes_are_wall_time():
    start = datetime(2026, 11, 29, 23, 55, tzinfo=SH)
    assert due_after_minutes(start, 15) == datetime(2026, 11, 30, 0, 10, tzinfo=SH)


def test_days_end_at_midnight_of_the_last_day_across_a_month_end():
    # Received 31 January 23:50 Shanghai; 15 days → the whole of 15 February counts.
    assert due_after_days(datetime(2026, 1, 31, 23, 50, tzinfo=SH), 15) == datetime(
        2026, 2, 16, 0, 0, tzinfo=SH
    )


def test_days_count_the_shanghai_date_not_the_utc_date():
    # 16:30 UTC on 31 March is already 1 April in Shanghai.
    start = datetime(2026, 3, 31, 16, 30, tzinfo=UTC)
    assert due_after_days(start, 60) == datetime(2026, 6, 1, 0, 0, tzinfo=SH)
    assert due_after_days(start, 60).astimezone(UTC) == datetime(2026, 5, 31, 16, 0, tzinfo=UTC)


def test_working_days_skip_weekends():
    # Friday 4 December 2026 → five working days: 7–11 December, due at 24:00 on Friday 11 December.
    assert due_after_working_days(datetime(2026, 12, 4, 10, 0, tzinfo=SH), 5) == datetime(
        2026, 12, 12, 0, 0, tzinfo=SH
    )


def test_reminder_at_two_thirds():
    start = datetime(2026, 11, 29, 10, 0, tzinfo=SH)
    assert remind_time(start, due_after_minutes(start, 15)) == datetime(
        2026, 11, 29, 10, 10, tzinfo=SH
    )


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        due_after_days(datetime(2026, 1, 1), 15)
