"""How due times are computed from a start time (DESIGN.md §4, §8).

Minute deadlines count wall time. Day deadlines count calendar days in
Asia/Shanghai: the day of the starting event is not counted and the period
ends at 24:00 of its last day (《民法典》第二百零一条 on counting periods, as
applied to the day limits of 《信访工作条例》 Art. 22, 23, 34, 35, 36).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def due_after_minutes(start: datetime, minutes: int) -> datetime:
    """Return ``start`` plus ``minutes`` of wall time (aware in, aware out)."""
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    return start + timedelta(minutes=minutes)


def due_after_days(start: datetime, days: int) -> datetime:
    """Return 24:00 (Asia/Shanghai) of the ``days``-th calendar day after ``start``'s local date.

    Example: received 2026-01-31 23:50 in Shanghai, 15 days → due
    2026-02-16 00:00 Shanghai (= 2026-02-15 16:00 UTC). Raises ``ValueError``
    for a naive ``start``.
    """
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    last_day = start.astimezone(SHANGHAI).date() + timedelta(days=days)
    return datetime.combine(last_day + timedelta(days=1), time(0, 0), SHANGHAI)


def due_after_working_days(start: datetime, days: int) -> datetime:
    """Return 24:00 (Asia/Shanghai) of the ``days``-th official working day after ``start``'s local date.

    Working days follow China's official calendar: public holidays are
    skipped and adjusted working weekends (调休) count, from the
    ``chinesecalendar`` library and the township's local table
    (``deadlines.workcalendar``). Example: an assignment received Friday
    2026-02-13, 5 working days → Saturday 02-14 (adjusted working day), then
    the Spring Festival holiday 02-15…02-23 is skipped, 02-24…02-27 → due
    2026-02-28 00:00 Shanghai. Used for the 5-working-day objection of
    《信访工作条例》第二十三条. Raises ``ValueError`` for a naive ``start``.
    """
    from .workcalendar import is_workday

    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    day = start.astimezone(SHANGHAI).date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_workday(day):
            counted += 1
    return datetime.combine(day + timedelta(days=1), time(0, 0), SHANGHAI)


def remind_time(opened_at: datetime, due_at: datetime, fraction: float = 2 / 3) -> datetime:
    """Return when the reminder goes out: after ``fraction`` of the time (default two thirds)."""
    return opened_at + (due_at - opened_at) * fraction
