"""``{% pager page query %}``: the pager under a paginated list, written once for every list page."""

from __future__ import annotations

from html import escape

from django import template
from django.core.paginator import Page
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def pager(page: Page, query: str = "", extra_class: str = "") -> SafeString:
    """Return the ``<nav class="pager">`` of ``page``: previous, "第 n 页，共 m 页", next.

    ``page`` is a ``django.core.paginator.Page``; ``query`` the list's other
    GET parameters, urlencoded without ``page`` (kept in the previous and
    next links); ``extra_class`` more classes of the ``<nav>`` (``no-print``
    on printable lists). Empty when the list fits on one page. Written in
    Python, not in each template: the ledger shows it on every filter change
    (issue 4's benchmark) and three lists had the same copy.
    """
    total = page.paginator.num_pages
    if total <= 1:
        return mark_safe("")  # noqa: S308  # nosec: nothing
    # Each text translated outside the f-strings: xgettext does not look inside them.
    previous, following, pages = gettext("Previous"), gettext("Next"), gettext("Pages")
    text = gettext("Page %(n)s of %(total)s") % {"n": page.number, "total": total}
    base = f"?{escape(query)}&amp;page=" if query else "?page="
    links = []
    if page.has_previous():
        links.append(f'<a href="{base}{page.previous_page_number()}">{escape(previous)}</a>')
    links.append(f"<span>{escape(text)}</span>")
    if page.has_next():
        links.append(f'<a href="{base}{page.next_page_number()}">{escape(following)}</a>')
    classes = f"pager {extra_class}".strip()
    nav = f'<nav class="{escape(classes)}" aria-label="{escape(pages)}">'
    # Not an XSS (bandit B308, B703): the query and every text are escaped; the rest are digits.
    return mark_safe(nav + "\n  ".join(["", *links]) + "\n</nav>")  # noqa: S308  # nosec
