"""Who is acting, and the checks every action and page makes.

An :class:`Actor` is a logged-in member or the system (CLI, worker). Every
action calls :func:`require` first; pages fetch objects only through the
``get_*`` helpers here, which confine every lookup to the actor's township.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from .permissions import roles_with

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

    from .models import Member, Township

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Actor:
    """Who performs an action: a ``member`` with a login, the system (``member`` None), or the public.

    ``source_ip`` is the client address for web and API requests. A ``public``
    actor (the petitioner on the status page, no login) holds no permission at
    all: the actions it may call check its own credential (the query code).
    """

    user: User | None
    member: Member | None
    label: str
    source_ip: str | None = None
    public: bool = False

    @property
    def is_system(self) -> bool:
        """True for the command line and the worker, which act for the installation."""
        return self.member is None and not self.public

    @property
    def township(self) -> Township | None:
        """The actor's township; None for the system."""
        return self.member.township if self.member is not None else None

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        """Return the system actor (used by the CLI and the worker only, never by a page)."""
        return cls(user=None, member=None, label=label)

    @classmethod
    def public_visitor(cls, label: str, source_ip: str | None = None) -> Actor:
        """Return the actor of a page without login (the petitioner's status page): no permission."""
        return cls(user=None, member=None, label=label, source_ip=source_ip, public=True)

    @classmethod
    def for_member(cls, member: Member, source_ip: str | None = None) -> Actor:
        """Return the actor for ``member`` (who must have a login)."""
        return cls(user=member.user, member=member, label=member.name, source_ip=source_ip)

    @classmethod
    def from_request(cls, request: HttpRequest) -> Actor:
        """Return the actor of a logged-in request; raises ``PermissionDenied`` for a user with no active member."""
        member = getattr(request.user, "member", None) if request.user.is_authenticated else None
        if member is None or not member.active:
            raise PermissionDenied("no township member for this user")
        return cls.for_member(member, request.META.get("REMOTE_ADDR"))


def can(actor: Actor, permission: str) -> bool:
    """Return True if ``actor`` holds ``permission`` (the system holds every one, the public none)."""
    if actor.public:
        return False
    if actor.is_system:
        return True
    assert actor.member is not None
    return actor.member.role in roles_with(permission)


def require(actor: Actor, permission: str, township: Township | None = None) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` holds ``permission`` in ``township``.

    A member acts only in their own township; ``township`` None checks the role alone.
    """
    if not can(actor, permission):
        raise PermissionDenied(permission)
    if township is not None and not actor.is_system and actor.township != township:
        raise PermissionDenied("other township")


def get_in_township(actor: Actor, model: type[M], pk: Any) -> M:
    """Return the ``model`` row ``pk`` of the actor's township; raises ``Http404`` for any other.

    Another township's row answers exactly like a missing one, so that its
    existence is not disclosed.
    """
    try:
        return model._default_manager.get(pk=pk, township=actor.township)  # type: ignore[misc]
    except (model.DoesNotExist, ValueError, TypeError):  # type: ignore[attr-defined]
        raise Http404 from None
