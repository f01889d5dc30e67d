"""Notification pages: the bell, the inbox, one's channels, the township's deliveries and set-up."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingji.orgs.access import Actor, can, get_in_township, require

from . import actions, queries
from .choices import CONFIGURED_CHANNELS, Channel, DeliveryState
from .forms import ChannelChoiceForm, ChannelConfigForm
from .models import ChannelChoice, Notification


def _apply(form: forms.BaseForm, do: Callable[[dict[str, Any]], Any]) -> Any:
    """Run ``do(cleaned_data)`` for a valid form; put an action's ``ValidationError`` on the form."""
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
def bell(request: HttpRequest) -> HttpResponse:
    """Return the bell's unread count as an HTML fragment (polled by htmx from base.html)."""
    actor = Actor.from_request(request)
    assert actor.member is not None
    return render(request, "notify/bell.html", {"unread": queries.unread_count(actor.member)})


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """Show the member's in-app notifications, newest first."""
    actor = Actor.from_request(request)
    require(actor, "notify.own")
    assert actor.member is not None
    return render(
        request,
        "notify/inbox.html",
        {
            "rows": queries.inbox(actor.member)[:200],
            "unread": queries.unread_count(actor.member),
            "see_deliveries": can(actor, "notify.deliveries"),
        },
    )


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    """Mark one (``id``) or all of the member's notifications read."""
    actor = Actor.from_request(request)
    raw = request.POST.get("id")
    actions.mark_read(actor, [int(raw)] if raw and raw.isdigit() else None)
    return redirect("notify:inbox")


@login_required
def channels(request: HttpRequest) -> HttpResponse:
    """Let the member choose the channels they receive on."""
    actor = Actor.from_request(request)
    require(actor, "notify.own")
    member = actor.member
    assert member is not None
    current = ChannelChoice.objects.filter(member=member).first()
    # A POST with every box unticked has an empty body: it still chooses "no other channel".
    form = ChannelChoiceForm(
        request.POST if request.method == "POST" else None,
        initial={"channels": current.channels if current else []},
    )
    if request.method == "POST":
        if _apply(form, lambda d: actions.set_channels(actor, member, d["channels"])):
            messages.success(request, _("Your channels have been saved."))
            return redirect("notify:channels")
    return render(request, "notify/channels.html", {"form": form})


@login_required
def deliveries(request: HttpRequest) -> HttpResponse:
    """Show the township's deliveries, dead letters with their last error first."""
    actor = Actor.from_request(request)
    require(actor, "notify.deliveries")
    assert actor.township is not None
    state = request.GET.get("state") or DeliveryState.DEAD
    if state not in DeliveryState.values:
        raise Http404
    configs = queries.channel_configs(actor.township)
    return render(
        request,
        "notify/deliveries.html",
        {
            "rows": queries.deliveries(actor.township, state)[:200],
            "state": state,
            "states": DeliveryState.choices,
            "counts": queries.delivery_counts(actor.township),
            "channel_rows": [(Channel(c), configs.get(c)) for c in CONFIGURED_CHANNELS],
            "can_configure": can(actor, "notify.configure"),
        },
    )


@login_required
@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a dead letter back in line."""
    actor = Actor.from_request(request)
    notification = get_in_township(actor, Notification, pk)
    try:
        actions.retry(actor, notification)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The message will be sent again."))
    return redirect("notify:deliveries")


@login_required
def configure(request: HttpRequest, channel: str) -> HttpResponse:
    """Set up the township's webhook, group robot or SMS gateway."""
    actor = Actor.from_request(request)
    township = actor.township
    require(actor, "notify.configure", township)
    assert township is not None
    if channel not in CONFIGURED_CHANNELS:
        raise Http404
    config = queries.channel_configs(township).get(channel)
    # The secret is never shown back: the form says whether one is set.
    initial: dict[str, Any] = (
        {"url": config.url, "template": config.template, "active": config.active}
        if config
        else {"active": True}
    )
    form = ChannelConfigForm(
        request.POST or None, initial=initial, has_secret=bool(config and config.has_secret)
    )
    if request.method == "POST":
        if _apply(
            form,
            lambda d: actions.configure_channel(actor, township, channel, **form.action_kwargs()),
        ):
            messages.success(request, _("The channel has been saved."))
            return redirect("notify:deliveries")
    return render(
        request,
        "notify/configure.html",
        {"form": form, "channel": Channel(channel), "object": config},
    )
