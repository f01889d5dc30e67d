"""Template filters of the petition pages."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def due_time(value: datetime | None) -> str:
    """Show a due time in Asia/Shanghai; midnight reads as 24:00 of the day before (the last day counted).

    Day limits end at 24:00 of their last day (《民法典》第二百零一条), so a due
    time of 2026-03-18 00:00 is shown as ``2026年3月17日 24:00``.
    """
    if value is None:
        return ""
    local = timezone.localtime(value)
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        day = local - timedelta(days=1)
        return f"{day.year}年{day.month}月{day.day}日 24:00"
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
