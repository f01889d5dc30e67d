"""Template helpers of the incident pages: countdowns of deadlines."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def countdown(due_at, now=None) -> str:
    """Return "还剩 N 分钟" / "已超时 N 分钟" for an aware ``due_at`` (wall minutes)."""
    seconds = (due_at - (now or timezone.now())).total_seconds()
    minutes = int(abs(seconds) // 60)
    if seconds >= 0:
        return _("%(m)s min left") % {"m": minutes}
    return _("%(m)s min overdue") % {"m": minutes}


@register.filter
def overdue(due_at, now=None) -> bool:
    """True once ``due_at`` has passed."""
    return due_at < (now or timezone.now())


@register.filter
def get_item(mapping, key):
    """Return ``mapping[key]`` (None if absent)."""
    return mapping.get(key) if mapping else None
