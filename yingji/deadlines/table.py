"""The rows of "What is due" as HTML, written in Python once per page instead of by the template.

"What is due" lists every running deadline of the township (with a few
hundred petition cases open, a few hundred rows) and is re-read every 30
seconds by each open page. Through the template language each row cost a
dozen variable lookups, filters and translation tags, most of the page's
time under load (``bench/load.py``). The markup is the one
``deadlines/due.html`` wrote (a test renders the old template loop and
compares); every value is HTML-escaped.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _

from yingji.numbering import SHANGHAI

from .models import Deadline


def _e(value: object) -> str:
    return escape(str(value))


def _local(at, fmt_date: bool) -> str:
    local = timezone.localtime(at, SHANGHAI)
    hm = f"{local.hour:02d}:{local.minute:02d}"
    if fmt_date:
        return f"{local.year}年{local.month}月{local.day}日 {hm}"
    return f"{local.month}月{local.day}日 {hm}"


def due_rows_html(deadlines: Iterable[Deadline], *, can_ack: bool, csrf_token: str) -> SafeString:
    """Return the ``<tr>`` rows of "What is due" for ``deadlines`` (subjects prefetched).

    Cells: the label; the matter (its kind and name, or its id); the due time
    (Asia/Shanghai, ``Y年n月j日 H:i``); the time left or overdue; the
    escalation (acknowledged by whom and when, or the step reached with an
    "Acknowledge" button when ``can_ack``, or "—"); the source. ``csrf_token``
    goes into each button's form.
    """
    from django.urls import reverse

    out = []
    for d in deadlines:
        phase = d.phase
        subject = d.subject
        matter = f"{_e(d.content_type.name)} {_e(subject if subject else d.object_id)}"
        if phase in ("breached", "acknowledged"):
            left = '<span class="tag">' + _("%(t)s overdue") % {"t": _e(timesince(d.due_at))}
            left += "</span>"
        else:
            left = _("%(t)s left") % {"t": _e(timeuntil(d.due_at))}
        if d.acknowledged_at:
            escalation = _("acknowledged by %(who)s at %(when)s") % {
                "who": _e(d.acknowledged_by_name),
                "when": _local(d.acknowledged_at, fmt_date=False),
            }
            escalation += "\n        "
        elif d.breached_at:
            escalation = _("step %(n)s of %(total)s") % {
                "n": d.escalation_step,
                "total": len(d.escalation_chain),
            }
            escalation += "\n          "
            if can_ack:
                url = reverse("deadlines:acknowledge", args=[d.pk])
                escalation += (
                    f'<form method="post" action="{_e(url)}" class="inline">'
                    f'<input type="hidden" name="csrfmiddlewaretoken" value="{_e(csrf_token)}">'
                    f'<button type="submit" class="primary">{_e(_("Acknowledge"))}</button></form>'
                )
            escalation += "\n        "
        else:
            escalation = '<span class="muted">—</span>'
        out.append(
            f'\n      <tr class="dl-{phase}" id="deadline-{d.pk}">\n'
            f"        <td><strong>{_e(d.label)}</strong></td>\n"
            f"        <td>{matter}</td>\n"
            f"        <td>{_local(d.due_at, fmt_date=True)}</td>\n"
            f"        <td>{left}</td>\n"
            f"        <td>{escalation}</td>\n"
            f'        <td class="muted">{_e(d.source)}</td>\n'
            f"      </tr>\n    "
        )
    return mark_safe("".join(out))  # noqa: S308 — every value above is escaped
