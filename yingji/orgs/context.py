"""Template context: the current member and what their role may do."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest

from .permissions import PERMISSIONS


def member(request: HttpRequest) -> dict[str, Any]:
    """Add ``member`` (or None) and ``perms_yj`` (the set of permission names held)."""
    m = (
        getattr(request.user, "member", None)
        if getattr(request, "user", None) and request.user.is_authenticated
        else None
    )
    return {"member": m, "perms_yj": _held(m.role) if m is not None else frozenset()}


@cache
def _held(role: str) -> frozenset[str]:
    """Return the permission names ``role`` holds (the table does not change while running)."""
    return frozenset(name for name, roles in PERMISSIONS.items() if role in roles)
