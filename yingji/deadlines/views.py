"""Deadline pages: "What is due" and acknowledging a breach (logged in, or by a signed link)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingji.orgs.access import Actor, can, get_in_township, require
from yingji.orgs.models import Member

from . import actions, queries
from .escalation import read_ack_token
from .models import Deadline
from .table import due_rows_html


@login_required
def due(request: HttpRequest) -> HttpResponse:
    """Show every running deadline of the township: time left, colour by state, newest breach first."""
    actor = Actor.from_request(request)
    require(actor, "deadlines.view")
    assert actor.township is not None
    # Each row names its matter: the subjects are read per content type, not per row.
    deadlines = list(queries.due_in_township(actor.township).prefetch_related("subject"))
    return render(
        request,
        "deadlines/due.html",
        {
            "deadlines": deadlines,
            "rows": due_rows_html(
                deadlines,
                can_ack=can(actor, "deadlines.acknowledge"),
                csrf_token=get_token(request),
            ),
        },
    )


@login_required
@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    """Acknowledge a breach from the "What is due" page."""
    actor = Actor.from_request(request)
    deadline = get_in_township(actor, Deadline, pk)
    try:
        actions.acknowledge(actor, deadline)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Acknowledged: the escalation has stopped."))
    return redirect("deadlines:due")


def ack_link(request: HttpRequest, token: str) -> HttpResponse:
    """Acknowledge by the signed link in an escalation message: GET asks, POST acknowledges.

    No login is needed: the signature names the deadline and the member it was
    sent to. GET never acknowledges, so that a chat app's link preview cannot.
    """
    try:
        deadline_id, member_id = read_ack_token(token)
        deadline = Deadline.objects.select_related("township").get(pk=deadline_id)
        member = Member.objects.get(pk=member_id, township=deadline.township, active=True)
    except (signing.BadSignature, Deadline.DoesNotExist, Member.DoesNotExist):
        raise Http404 from None
    done = False
    if request.method == "POST":
        actor = Actor(
            user=member.user,
            member=member,
            label=member.name,
            source_ip=request.META.get("REMOTE_ADDR"),
        )
        try:
            deadline = actions.acknowledge(actor, deadline)
            done = True
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return render(
        request,
        "deadlines/ack_link.html",
        {"deadline": deadline, "ack_member": member, "done": done},
    )
