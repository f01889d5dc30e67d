"""The rows of the petition case list as HTML, written in Python once per page.

The list shows up to 500 cases; through the template language each row cost
a URL reversal, a date filter, two choice labels and two related names,
which made the rows most of the page's time under load (``bench/load.py``).
The markup is the one ``petitions/list.html`` wrote (a test renders the old
template loop and compares); every value is HTML-escaped.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .choices import CaseStatus, Category
from .models import PetitionCase


def _e(value: object) -> str:
    return escape(str(value))


def case_rows_html(cases: Iterable[PetitionCase]) -> SafeString:
    """Return the ``<tr>`` rows for ``cases`` (with ``handling_unit`` and ``lead_official`` read).

    Cells: the number (a link to the case, with the "same matter" tag of
    Art. 19), received (``Y年n月j日 H:i`` in the current time zone), summary,
    category, status, responsible unit and lead official ("—" when none).
    """
    categories = {value: str(label) for value, label in Category.choices}
    statuses = {value: str(label) for value, label in CaseStatus.choices}
    same = f' <span class="tag">{_e(_("same matter"))}</span>'
    detail = reverse("petitions:detail", args=[0])[: -len("0/")]
    out = []
    for c in cases:
        at = timezone.localtime(c.received_at)
        unit = c.handling_unit.name if c.handling_unit_id else ""
        lead = c.lead_official.name if c.lead_official_id else ""
        out.append(
            f'<tr>\n<td><a href="{detail}{c.pk}/">{_e(c.number)}</a>{same if c.same_matter_flag else ""}</td>\n'
            f"<td>{at.year}年{at.month}月{at.day}日 {at.hour:02d}:{at.minute:02d}</td>"
            f"<td>{_e(c.summary)}</td>"
            f"<td>{_e(categories.get(c.category, c.category))}</td>"
            f"<td>{_e(statuses.get(c.status, c.status))}</td>\n"
            f"<td>{_e(unit or '—')}</td><td>{_e(lead or '—')}</td>\n</tr>"
        )
    return mark_safe("".join(out))  # noqa: S308 — every value above is escaped
