"""Organisation pages for the peace office head: units, members, leading group, duty roster.

Thin: each view parses a form and calls one action; a rejected form is shown
again with what was typed and the errors next to their fields.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import actions, queries
from .access import Actor, can, get_in_township, require
from .forms import DutyShiftForm, LoginNameForm, MemberForm, SeatForm, UnitForm
from .models import DutyShift, LeadingGroupSeat, Member, Unit


def _apply(form: forms.BaseForm, do: Callable[[dict[str, Any]], Any]) -> Any:
    """Run ``do(cleaned_data)`` for a valid form; on ``ValidationError`` put the errors on the form.

    Returns the action's result, or None when the form or the action refused.
    """
    if not form.is_valid():
        return None
    try:
        return do(form.cleaned_data)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return None


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Show the township's units, members, leading group and upcoming duty roster."""
    actor = Actor.from_request(request)
    require(actor, "orgs.view")
    township = actor.township
    assert township is not None
    return render(
        request,
        "orgs/overview.html",
        {
            "township": township,
            "units": queries.units(township),
            "members": queries.members(township),
            "seats": queries.leading_group(township),
            "shifts": queries.upcoming_shifts(township)[:60],
            "on_duty": queries.on_duty(township),
            "manage": can(actor, "orgs.manage"),
            "manage_accounts": can(actor, "orgs.manage_accounts"),
            "locked": queries.locked_usernames(township),
            "second_factor": queries.second_factor_users(township),
        },
    )


@login_required
def unit_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create (``pk`` None) or edit a unit."""
    actor = Actor.from_request(request)
    require(actor, "orgs.manage")
    unit = get_in_township(actor, Unit, pk) if pk else None
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST":

        def do(data: dict[str, Any]) -> Unit:
            if pk is None:
                return actions.create_unit(actor, actor.township, **data)
            return actions.update_unit(actor, get_in_township(actor, Unit, pk), **data)

        if _apply(form, do) is not None:
            messages.success(request, _("Saved."))
            return redirect("orgs:overview")
    return render(request, "orgs/form.html", {"form": form, "title": _("Unit"), "object": unit})


@login_required
def member_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create (``pk`` None) or edit a member."""
    actor = Actor.from_request(request)
    require(actor, "orgs.manage")
    member = get_in_township(actor, Member, pk) if pk else None
    form = MemberForm(request.POST or None, instance=member, township=actor.township)
    if request.method == "POST":

        def do(data: dict[str, Any]) -> Member:
            if pk is None:
                return actions.create_member(actor, actor.township, **data)
            return actions.update_member(actor, get_in_township(actor, Member, pk), **data)

        if _apply(form, do) is not None:
            messages.success(request, _("Saved."))
            return redirect("orgs:overview")
    return render(request, "orgs/form.html", {"form": form, "title": _("Member"), "object": member})


@login_required
def member_login(request: HttpRequest, pk: int) -> HttpResponse:
    """Give a member a login; the one-time password is shown on this page once."""
    actor = Actor.from_request(request)
    require(actor, "orgs.manage_accounts")
    member = get_in_township(actor, Member, pk)
    form = LoginNameForm(request.POST or None)
    if request.method == "POST":
        password = _apply(form, lambda d: actions.create_login(actor, member, d["username"]))
        if password is not None:
            return render(
                request,
                "orgs/one_time_password.html",
                {
                    "target": member,
                    "username": form.cleaned_data["username"],
                    "password": password,
                },
            )
    return render(
        request,
        "orgs/form.html",
        {
            "form": form,
            "title": _("Login for %(name)s") % {"name": member.name},
            "object": member,
        },
    )


@login_required
def seat_set(request: HttpRequest) -> HttpResponse:
    """Seat a member in the leading group (or move their seat)."""
    actor = Actor.from_request(request)
    require(actor, "orgs.manage")
    form = SeatForm(request.POST or None, township=actor.township)
    if request.method == "POST":

        def do(data: dict[str, Any]) -> LeadingGroupSeat:
            return actions.set_seat(
                actor,
                data["member"],
                data["seat"],
                acting_head=data["acting_head"],
                order=data["order"],
            )

        if _apply(form, do) is not None:
            messages.success(request, _("Saved."))
            return redirect("orgs:overview")
    return render(request, "orgs/form.html", {"form": form, "title": _("Leading-group seat")})


@login_required
@require_POST
def seat_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a seat from the leading group."""
    actor = Actor.from_request(request)
    actions.remove_seat(actor, get_in_township(actor, LeadingGroupSeat, pk))
    messages.success(request, _("Removed."))
    return redirect("orgs:overview")


@login_required
def shift_add(request: HttpRequest) -> HttpResponse:
    """Add a shift to the duty roster (times entered in Asia/Shanghai)."""
    actor = Actor.from_request(request)
    require(actor, "orgs.manage")
    form = DutyShiftForm(request.POST or None, township=actor.township)
    if request.method == "POST":

        def do(data: dict[str, Any]) -> DutyShift:
            return actions.add_duty_shift(
                actor, data["member"], data["starts_at"], data["ends_at"], data["note"]
            )

        if _apply(form, do) is not None:
            messages.success(request, _("Saved."))
            return redirect("orgs:overview")
    return render(request, "orgs/form.html", {"form": form, "title": _("Duty shift")})


@login_required
@require_POST
def shift_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a shift from the duty roster."""
    actor = Actor.from_request(request)
    actions.remove_duty_shift(actor, get_in_township(actor, DutyShift, pk))
    messages.success(request, _("Removed."))
    return redirect("orgs:overview")


@login_required
@require_POST
def member_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    """Lift a login lockout after repeated failed attempts."""
    actor = Actor.from_request(request)
    actions.unlock_login(actor, get_in_township(actor, Member, pk))
    messages.success(request, _("The login is unlocked."))
    return redirect("orgs:overview")


@login_required
@require_POST
def member_reset_second_factor(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a member's second factor (a lost phone); they set up a new one at next login."""
    actor = Actor.from_request(request)
    actions.reset_second_factor(actor, get_in_township(actor, Member, pk))
    messages.success(request, _("The second factor is reset."))
    return redirect("orgs:overview")
