"""Template context: the current member and what their role may do."""

from __future__ import annotations

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
    held = {name for name, roles in PERMISSIONS.items() if m is not None and m.role in roles}
    return {"member": m, "perms_yj": held}
