"""Gates every logged-in request passes: idle timeout, forced password change, second factor."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext as _

from .backends import HAS_DEVICE
from .models import Member
from .permissions import SECOND_FACTOR_ROLES
from .twofactor import has_confirmed_device

#: Requests carrying this header (the bell's polling) do not count as activity.
POLL_HEADER = "HTTP_X_YINGJI_POLL"
LAST_SEEN = "yingji_last_seen"
LAST_SEEN_RESOLUTION_S = 60


def _unwrapped(user: Any) -> Any:
    """Return the user behind ``request.user``'s lazy wrappers, read now.

    Authentication and django-otp each wrap the user in a ``SimpleLazyObject``;
    every attribute read then passes through both. Every request reads the
    user here anyway (is it logged in, idle?), so from here on the request
    carries the object itself: one attribute access per read on every page.
    """
    while isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    return user


class IdleTimeoutMiddleware:
    """Log a user out after ``YINGJI_IDLE_TIMEOUT_MIN`` minutes without a (non-polling) request.

    Also replaces ``request.user`` by the user itself (:func:`_unwrapped`); it
    comes after django-otp's middleware, whose ``is_verified`` it keeps.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.user = _unwrapped(request.user)
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get(LAST_SEEN)
            if last is not None and now - last > settings.YINGJI_IDLE_TIMEOUT_MIN * 60:
                logout(request)
                messages.info(request, _("You were logged out after a period without activity."))
                return redirect(f"{reverse('login')}?next={request.path}")
            # Record activity at most once a minute: a session write per request costs a
            # database transaction, and logging out up to a minute early is the safe side.
            if POLL_HEADER not in request.META and (
                last is None or now - last >= LAST_SEEN_RESOLUTION_S
            ):
                request.session[LAST_SEEN] = now
        return self.get_response(request)


def load_member(user: Any) -> Member | None:
    """Return ``user.member`` (or None) with its township, kept on the user.

    Every logged-in page needs both (the actor's township, the top bar's
    township name). A user read by ``orgs.backends`` already carries them
    (one query for user, member and township); any other user is read here
    in one query of member and township. Later ``user.member`` reads,
    including a member-less user's, come from the same cache, as Django's own
    reverse one-to-one access would keep them, and ``member.user`` is the very
    same User object (so that a password changed through ``member.user`` is the
    request's user, whose session hash is then updated).
    """
    real = getattr(user, "_wrapped", user)  # the User behind request.user's lazy wrapper
    if real is empty:
        real = user
    if "member" in real._state.fields_cache:  # read with the user (orgs/backends.py)
        return real._state.fields_cache["member"]
    member = Member.objects.select_related("township").filter(user_id=real.pk).first()
    # The two caches Django's reverse one-to-one accessor fills: `user.member`, and
    # `member.user` as the very same User object (so that a password changed through
    # `member.user` is the request's user, whose session hash is then updated).
    if member is not None:
        Member.user.field.set_cached_value(member, real)
    Member.user.field.remote_field.set_cached_value(real, member)
    return member


def _has_device(user: Any) -> bool:
    """Return True if ``user`` has a confirmed TOTP device (read with the user when it could be)."""
    flag = getattr(user, HAS_DEVICE, None)
    return has_confirmed_device(user) if flag is None else bool(flag)


class AccountGateMiddleware:
    """Send a logged-in member to what they must do first.

    1. Pass the second factor, if they have a confirmed device.
    2. Change a generated password.
    3. Set up a second factor, if their role requires one (``SECOND_FACTOR_ROLES``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated or request.path.startswith(
            (settings.STATIC_URL, "/i18n/")
        ):
            return self.get_response(request)
        member = load_member(request.user)
        if member is None:
            return self.get_response(request)
        verified = request.user.is_verified()  # type: ignore[union-attr]
        gates = [
            ("otp_verify", not verified and _has_device(request.user)),
            ("password_change", member.must_change_password),
            ("otp_setup", not verified and member.role in SECOND_FACTOR_ROLES),
        ]
        for url_name, needed in gates:
            if needed:
                target = reverse(url_name)
                if request.path in (target, reverse("logout")):
                    break
                return redirect(target)
        return self.get_response(request)
