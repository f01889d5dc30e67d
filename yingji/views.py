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
from django.utils.translation import gettext as _

from yingji.earlywarning.queries import open_count as open_warning_count
from yingji.orgs import actions as org_actions
from yingji.orgs import queries as org_queries
from yingji.orgs.access import Actor
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
