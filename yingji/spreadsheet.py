"""Cells of exported workbooks: text is written as text, never as a formula.

openpyxl writes any string that begins with "=" as a formula. Exports hold
text typed by staff and text imported from public message boards and
hotlines, so a summary such as ``=HYPERLINK("http://…","点击")`` would become
a live formula on the computer of the official who opens the file (CSV /
formula injection, OWASP "CSV Injection"). :func:`row_of` makes every such
string a cell of type string, whose value Excel shows as it was typed; the
formulas the reports write on purpose (their summary sheets) are written
with ``ws.cell`` and are not touched.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.worksheet.worksheet import Worksheet


def row_of(ws: Worksheet, values: Iterable[Any]) -> list[Any]:
    """Return ``values`` ready for ``ws.append``: each string beginning with "=" as a text cell.

    ``ws`` is the sheet the row goes into (normal or write-only); other values
    (numbers, datetimes, None, other text) are returned as they are.
    """
    out: list[Any] = []
    for value in values:
        if isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(ws, value)
            cell.data_type = TYPE_STRING
            out.append(cell)
        else:
            out.append(value)
    return out
