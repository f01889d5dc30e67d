"""Human case numbers: ``{prefix}{year}-{seq:04d}`` per township and year (e.g. ``SJ2026-0007``)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import models

SHANGHAI = ZoneInfo("Asia/Shanghai")


def next_number(
    model: type[models.Model], township: models.Model, prefix: str, at: datetime
) -> str:
    """Return the next free number of ``model`` in ``township`` for the Shanghai year of ``at``.

    Call inside the creating transaction; the model's unique (township, number)
    constraint guards against a concurrent writer taking the same number.
    """
    stem = f"{prefix}{at.astimezone(SHANGHAI).year}-"
    last = (
        model._default_manager.filter(township=township, number__startswith=stem)  # type: ignore[misc]
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{stem}{seq:04d}"
