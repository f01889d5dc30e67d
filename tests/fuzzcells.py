"""What the import fuzz tests share: random cells, rows of them, a workbook, hypothesis settings.

Used by ``tests/complaints/test_import_fuzz.py`` and
``tests/earlywarning/test_import_fuzz.py`` (issue 8 §7); each names its own
columns, plausible values and edge values.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

#: Examples per run; YINGJI_FUZZ_EXAMPLES raises it for a longer local hunt.
EXAMPLES = int(os.environ.get("YINGJI_FUZZ_EXAMPLES", "40"))

#: Any text a cell can hold (openpyxl refuses the control characters it calls illegal).
text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40).map(
    lambda s: ILLEGAL_CHARACTERS_RE.sub("", s)
)
#: Chinese text (CJK ideographs), possibly empty.
chinese = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), max_size=30)

#: Settings of the fuzz tests: no deadline (a workbook is slow to write), no example database,
#: function-scoped fixtures allowed (each example rolls its own transaction back).
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def rows_of(
    columns: Sequence[str],
    plausible: Mapping[str, st.SearchStrategy[Any]],
    edge: Mapping[str, st.SearchStrategy[Any]],
    any_cell: st.SearchStrategy[Any],
) -> st.SearchStrategy[list[Any]]:
    """Return a strategy of one row: a cell per name of ``columns``, in that order.

    Each cell is plausible (``plausible[name]``, or empty for a column without
    one), except in up to three columns chosen at random, which hold anything
    (``any_cell``, or ``edge[name]`` — values at the edges of what the column
    can hold — tried as often as all the rest).
    """

    @st.composite
    def row(draw: Callable[..., Any]) -> list[Any]:
        chaos = set(draw(st.lists(st.sampled_from(list(columns)), max_size=3)))
        return [
            draw(edge[name] | any_cell if name in edge else any_cell)
            if name in chaos
            else draw(plausible[name])
            if name in plausible
            else None
            for name in columns
        ]

    return row()


def workbook(header_row: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """Return the bytes of an .xlsx whose first sheet holds ``header_row`` and then ``rows``."""
    wb = Workbook()
    ws = wb.active
    ws.append(list(header_row))
    for cells in rows:
        ws.append(list(cells))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def assert_only_value_errors(parsers: Sequence[Callable[[Any], Any]], value: Any) -> None:
    """Fail unless each parser returns for ``value`` or raises ``ValueError`` with a message."""
    for parse in parsers:
        try:
            parse(value)
        except ValueError as exc:
            assert str(exc).strip(), f"{parse.__name__}({value!r}): a ValueError without message"
