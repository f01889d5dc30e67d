"""Project-level pages: the role-based home page and the password page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp import match_token

from yingji.deadlines.queries import breached_count
from yingji.earlywarning.queries import open_count as open_warning_count
from yingji.incidents.queries import open_count as incidents_open
from yingji.orgs import actions as org_actions
from yingji.orgs import queries as org_queries
from yingji.orgs import twofactor
from yingji.orgs.access import Actor
from yingji.petitions.queries import due_count as petitions_due_count
from yingji.plans.queries import plan_overview


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Show the member's home: the plan in force, who is on duty, and (later) the counts of open work."""
    actor = Actor.from_request(request)
    township = actor.township
    assert township is not None
    version = township.plan_version
    return render(
        request,
        "home.html",
        {
            "township": township,
            "plan_version": version,
            "plan": version.plan if version else None,
            "overview": plan_overview(version.plan) if version else None,
            "on_duty": org_queries.on_duty(township),
            "seats": org_queries.leading_group(township),
            "incidents_open": incidents_open(township),
            "petitions_due": petitions_due_count(township),
            "deadlines_breached": breached_count(township),
            "open_warnings": open_warning_count(township),
        },
    )


class _PasswordForm(PasswordChangeForm):
    """Django's password form; the new password is validated again by the action."""

    def save(self, commit: bool = True):  # pragma: no cover - the view calls the action instead
        raise NotImplementedError


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    """Let a member change their own password (forced at first login for generated accounts)."""
    actor = Actor.from_request(request)
    form: forms.Form = _PasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org_actions.change_password(actor, form.cleaned_data["new_password1"])
        except ValidationError as exc:
            form.add_error("new_password2", exc)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password has been changed."))
            return redirect("home")
    return render(request, "registration/password_change_form.html", {"form": form})


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=gettext_lazy("Six-digit code from the authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": gettext_lazy("Enter the six digits shown in the app.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Set up the second factor: scan the QR code (or type the key), then confirm with a code.

    GET stores nothing but a new key in the session (the same key on every GET until
    confirmed, so a reload shows the code already scanned); the POST's action creates
    the confirmed device.
    """
    actor = Actor.from_request(request)
    key = twofactor.session_key(request.session)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = org_actions.confirm_second_factor(actor, key, form.cleaned_data["token"])
        except ValidationError as exc:
            form.add_error("token", exc.message_dict.get("token", exc.messages))
        else:
            request.session.pop(twofactor.SESSION_KEY, None)
            otp_login(request, device)
            messages.success(request, _("Your second factor is set up."))
            return redirect("home")
    device = twofactor.unsaved_device(request.user, key)
    return render(
        request,
        "registration/otp_setup.html",
        {"form": form, "qr": twofactor.qr_svg(device), "secret": twofactor.base32_secret(device)},
    )


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Ask for the code of the member's authenticator app after the password."""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"].strip())
        if device is None:
            form.add_error(
                "token", _("The code is wrong or has expired; enter the code shown now.")
            )
        else:
            otp_login(request, device)
            target = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = "/"
            return redirect(target or "/")
    return render(request, "registration/otp_verify.html", {"form": form})
