"""Gates every logged-in request passes: idle timeout, forced password change, second factor."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .permissions import SECOND_FACTOR_ROLES
from .twofactor import has_confirmed_device

#: Requests carrying this header (the bell's polling) do not count as activity.
POLL_HEADER = "HTTP_X_YINGJI_POLL"
LAST_SEEN = "yingji_last_seen"


class IdleTimeoutMiddleware:
    """Log a user out after ``YINGJI_IDLE_TIMEOUT_MIN`` minutes without a (non-polling) request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get(LAST_SEEN)
            if last is not None and now - last > settings.YINGJI_IDLE_TIMEOUT_MIN * 60:
                logout(request)
                messages.info(request, _("You were logged out after a period without activity."))
                return redirect(f"{reverse('login')}?next={request.path}")
            if POLL_HEADER not in request.META:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class AccountGateMiddleware:
    """Send a logged-in member to what they must do first.

    1. Pass the second factor, if they have a confirmed device.
    2. Change a generated password.
    3. Set up a second factor, if their role requires one (``SECOND_FACTOR_ROLES``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        member = getattr(request.user, "member", None) if request.user.is_authenticated else None
        if member is None or request.path.startswith((settings.STATIC_URL, "/i18n/")):
            return self.get_response(request)
        verified = request.user.is_verified()  # type: ignore[union-attr]
        gates = [
            ("otp_verify", not verified and has_confirmed_device(request.user)),
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
