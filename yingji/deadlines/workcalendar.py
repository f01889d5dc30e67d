"""China's official working-day calendar: holidays and adjusted working weekends (调休).

The State Council's General Office publishes each year's holidays and the
weekends that become working days (国务院办公厅关于某年部分节假日安排的通知).
Yingji reads them from the maintained ``chinesecalendar`` library, and from a
local table the township can correct or extend for years the library does not
know yet:

- ``yingji/deadlines/work_calendar.yaml`` (shipped, may be empty), then
- the file named by ``settings.YINGJI_WORK_CALENDAR`` (default
  ``var/work_calendar.yaml``), which wins over everything.

Each table maps an ISO date to ``workday`` or ``holiday``. A date in no table
and in a year the library does not know falls back to Monday–Friday.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import chinese_calendar
import yaml
from django.conf import settings

log = logging.getLogger(__name__)

SHIPPED_TABLE = Path(__file__).with_name("work_calendar.yaml")
_cache: dict[Path, tuple[float, dict[date, bool]]] = {}


class CalendarTableError(ValueError):
    """A local calendar table is malformed (message names the file and the entry)."""


def _parse(path: Path) -> dict[date, bool]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise CalendarTableError(f"{path}: expected a mapping of date → workday|holiday")
    table: dict[date, bool] = {}
    for key, value in data.items():
        try:
            day = key if isinstance(key, date) else date.fromisoformat(str(key))
        except ValueError:
            raise CalendarTableError(f"{path}: {key!r} is not a date (YYYY-MM-DD)") from None
        if value not in ("workday", "holiday"):
            raise CalendarTableError(f"{path}: {key}: expected workday or holiday, got {value!r}")
        table[day] = value == "workday"
    return table


def load_table(path: Path) -> dict[date, bool]:
    """Return ``{date: is_workday}`` from the YAML table at ``path`` (empty if missing); cached by mtime.

    Raises ``CalendarTableError`` for a malformed file.
    """
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return {}
    cached = _cache.get(path)
    if cached is None or cached[0] != mtime:
        cached = (mtime, _parse(path))
        _cache[path] = cached
    return cached[1]


def local_table() -> dict[date, bool]:
    """Return the merged local corrections: shipped table, then the township's file over it."""
    merged = dict(load_table(SHIPPED_TABLE))
    merged.update(load_table(Path(settings.YINGJI_WORK_CALENDAR)))
    return merged


def is_workday(day: date) -> bool:
    """Return True if ``day`` (a local Asia/Shanghai date) is an official working day in China.

    Order: the local table, then ``chinesecalendar``, then Monday–Friday for a
    year neither knows (logged once per call as a warning so the township
    fills in its table).
    """
    table = local_table()
    if day in table:
        return table[day]
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        log.warning("no official calendar for %s; counting Monday–Friday", day.year)
        return day.weekday() < 5


def known_years() -> list[int]:
    """Return the years the library or the local table covers (for the calendar status page/CLI)."""
    years = {d.year for d in chinese_calendar.constants.holidays}
    years |= {d.year for d in local_table()}
    return sorted(years)


def missing_years(today: date) -> list[int]:
    """Return the years that should be known by ``today`` but are not: this year, and next year from 1 December.

    The State Council usually publishes next year's holidays in November; until
    the library or the local table has it, working days count Monday–Friday.
    """
    wanted = [today.year] + ([today.year + 1] if today.month == 12 else [])
    known = set(known_years())
    return [year for year in wanted if year not in known]
