"""Template context: the current member and what their role may do."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest
from django.utils.translation import get_language

from .choices import Role
from .permissions import PERMISSIONS


def member(request: HttpRequest) -> dict[str, Any]:
    """Add ``member`` (or None), ``perms_yj`` (the set of permission names held) and ``member_label``.

    ``member_label`` is what the top bar shows of who is logged in: "township ·
    name（role）", the role in the active language; empty without a member.
    One string, built here, because the top bar is on every page.
    """
    m = (
        getattr(request.user, "member", None)
        if getattr(request, "user", None) and request.user.is_authenticated
        else None
    )
    if m is None:
        return {"member": None, "perms_yj": frozenset(), "member_label": ""}
    role = _role_names(get_language()).get(m.role, m.role)
    return {
        "member": m,
        "perms_yj": _held(m.role),
        "member_label": f"{m.township.name} · {m.name}（{role}）",
    }


@cache
def _role_names(language: str | None) -> dict[str, str]:
    """Return ``{role: name}`` in ``language`` (the active one when called)."""
    return {value: str(label) for value, label in Role.choices}


@cache
def _held(role: str) -> frozenset[str]:
    """Return the permission names ``role`` holds (the table does not change while running)."""
    return frozenset(name for name, roles in PERMISSIONS.items() if role in roles)
