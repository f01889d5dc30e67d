"""The ledger table's rows as HTML, written in Python once per page instead of by the template.

A page of the ledger is 50 rows × 11 cells; through the template language
each printed value costs a variable lookup, a filter chain and an escape
call, which made the rows most of the page's time (issue 4's benchmark asks
the page to answer within 3× of its SQL). Here each row of
:class:`~yingji.earlywarning.queries.LedgerRows` goes to its ``<tr>`` in one
pass, read by position: no dict per row. Every value is escaped with
:func:`html.escape` (what ``django.utils.html.escape`` calls) and the row
layout is the one ``earlywarning/ledger.html`` used to write.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape
from typing import Any

from django.db import connection
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .queries import (
    LIST_FIELDS,
    SHANGHAI,
    LedgerRows,
    Plans,
    RawRow,
    _short,
    _status_names,
    category_name,
    duration_text,
    level_name,
)

DASH = "—"
_special = re.compile("[&<>\"']").search


def _e(text: str) -> str:
    """Return ``text`` HTML-escaped (:func:`html.escape`); most ledger text has nothing to escape."""
    return escape(text) if _special(text) else text


# Where each value is in a raw row.
_ID, _NUMBER, _VERSION, _CATEGORY, _STATUS, _DISCOVERED, _ADDRESS = map(
    LIST_FIELDS.index,
    ("id", "number", "plan_version_id", "category", "status", "discovered_at", "address"),
)
_SUMMARY, _HEADCOUNT, _RISK, _REPORTED, _RESOLVED, _VILLAGE, _LEAD = map(
    LIST_FIELDS.index,
    ("summary", "headcount", "risk_level", "reported_at", "resolved_at", "village__name")
    + ("lead_official__name",),
)


def rows_html(rows: Iterable[RawRow], detail_url: str = "/warnings/") -> SafeString:
    """Return the ``<tr>`` elements of a page of the ledger (raw rows of ``queries.LedgerRows``).

    ``detail_url`` is the detail page's URL without the id ("/warnings/"; the
    row links to ``detail_url`` + id + "/"). Cells, in the order of the
    table's head:

    - number (the link), registered (Asia/Shanghai, ``Y年n月j日 H:i``);
    - category (the plan's name, shortened to 14 characters), place (village
      and address, the village once when the address starts with it),
      summary (shortened to 40);
    - headcount, risk level (the plan's name), lead official with the
      responsible units below ("、"-joined), status (its name in the active
      language);
    - the durations discovered → reported and discovered → resolved
      (「X天X小时X分」, plan §五(二)'s moments).

    "—" where a value is missing. Every text typed by someone or taken from
    the plan is HTML-escaped; the url, time, headcount and durations are
    digits and Chinese units written here. Plans come from the per-process
    cache of :class:`~yingji.earlywarning.queries.Plans`. The values are read
    by position, as the driver gave them (durations between two of them are
    right whether the driver gives them naive in UTC or aware).
    """
    plans = Plans()
    statuses = _status_names(get_language())
    aware, tz = LedgerRows.aware, connection.timezone  # read once a page, not once a row
    named: dict[Any, str] = {}  # plan and status names repeat down a page: escaped once each
    days: dict[Any, str] = {}  # and so do the days: "2026年3月31日 "
    out = []
    for r, units in rows:
        version = r[_VERSION]
        key: Any = (version, "category", r[_CATEGORY])
        category = named.get(key)
        if category is None:
            name = category_name(plans.of_version(version), r[_CATEGORY])
            category = named[key] = escape(_short(name, 14))
        risk = DASH
        if r[_RISK]:
            key = (version, "risk", r[_RISK])
            risk = named.get(key) or named.setdefault(
                key, escape(level_name(plans.of_version(version), "risk", r[_RISK])) or DASH
            )
        status = named.get(r[_STATUS]) or named.setdefault(
            r[_STATUS], escape(statuses.get(r[_STATUS], r[_STATUS]))
        )
        village = r[_VILLAGE] or ""
        address = r[_ADDRESS]
        place = address if village and address.startswith(village) else village + address
        discovered, reported, resolved = r[_DISCOVERED], r[_REPORTED], r[_RESOLVED]
        registered = ""
        if discovered is not None:  # queries.local(), with the day's text kept for the next rows
            d = aware(discovered, tz).astimezone(SHANGHAI)
            day = days.get(d.date()) or days.setdefault(
                d.date(), f"{d.year}年{d.month}月{d.day}日 "
            )
            registered = f"{day}{d.hour:02d}:{d.minute:02d}"
        lead = _e(r[_LEAD] or DASH)
        if units:
            lead += f'<br><small class="muted">{_e("、".join(units))}</small>'
        headcount = r[_HEADCOUNT]
        out.append(
            f'<tr><td><a href="{detail_url}{r[_ID]}/">{_e(r[_NUMBER])}</a></td>'
            f"<td>{registered}</td>"
            f"<td>{category}</td>"
            f"<td>{_e(place)}</td>"
            f"<td>{_e(_short(r[_SUMMARY], 40))}</td>"
            f"<td>{DASH if headcount is None else headcount}</td>"
            f"<td>{risk}</td>"
            f"<td>{lead}</td>"
            f"<td>{status}</td>"
            f"<td>{duration_text(reported - discovered) if reported and discovered else DASH}</td>"
            f"<td>{duration_text(resolved - discovered) if resolved and discovered else DASH}</td>"
            "</tr>"
        )
    # Not an XSS (bandit B308, B703): text is escaped; the rest is digits and units written here.
    return mark_safe("\n".join(out))  # noqa: S308  # nosec
