"""Bounded input types of the API: what a number, a time or a date may be, stated in the OpenAPI schema.

Python's ``int`` and ``datetime`` accept values no database column or
deadline sum can hold (an id of 2**64 overflows SQLite's INTEGER; 9999-12-31
plus 15 minutes overflows ``datetime``). Every id, count, page, time and date
the API reads is one of these types, so such a request is refused with 422
and a field message (``yingji.api.errors``) instead of failing inside an
action. Found by the schemathesis run (``tests/api/test_schemathesis.py``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from django.utils.translation import gettext as _
from pydantic import AfterValidator, Field

#: Largest value of a 64-bit signed integer column (ids: ``BigAutoField``).
MAX_ID = 2**63 - 1
#: Largest value of a ``PositiveIntegerField`` (headcounts).
MAX_COUNT = 2**31 - 1
#: The years a time or date given to the API may fall in.
FIRST_YEAR, LAST_YEAR = 1900, 2199

#: The id of a row (positive, within the database's integer).
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
#: A number of people or things.
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
#: A page number of a list.
Page = Annotated[int, Field(ge=1, le=1_000_000)]
#: A span in days (a search window).
Days = Annotated[int, Field(ge=1, le=36_600)]


def _year_in_range(value: date) -> date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(
            _("The year must be between %(first)s and %(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return value


def _time_in_range(value: datetime) -> datetime:
    _year_in_range(value)
    return value


#: A moment (ISO 8601; aware, or naive read as Asia/Shanghai by the action), years 1900–2199.
When = Annotated[datetime, AfterValidator(_time_in_range)]
#: A calendar date (ISO 8601), years 1900–2199.
Day = Annotated[date, AfterValidator(_year_in_range)]
