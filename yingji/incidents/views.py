"""Incident pages (plan §六): board, receipt, report, activation, task force, scene, aftermath.

Thin: each view parses a form and calls one action. A rejected form is shown
again with what was typed and the errors next to their fields. Objects are
fetched only with ``get_in_township`` (404 for another township's rows).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingji import uploads
from yingji.audit.log import record_pii_read
from yingji.orgs.access import Actor, can, get_in_township, require

from . import actions, actions_aftermath, actions_scene, queries
from .access import is_handler, party_views, require_handler
from .choices import IncidentStatus
from .forms import (
    CustodyForm,
    DemandForm,
    EvidenceForm,
    LogForm,
    PartyForm,
    ReceiveForm,
    TaskForceForm,
    TextForm,
    VerifyForm,
    WithdrawForm,
    report_form,
    summary_form,
)
from .models import Attachment, Demand, EvidenceItem, Incident, TaskForceMember


def _apply(form: forms.BaseForm, do: Callable[[dict[str, Any]], Any]) -> Any:
    """Run ``do(cleaned_data)`` for a valid form; put a ``ValidationError`` on the form.

    Returns the action's result, or None when the form or the action refused.
    """
    if not form.is_valid():
        return None
    try:
        result = do(form.cleaned_data)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return None
    return True if result is None else result


def _actor(request: HttpRequest, permission: str = "incidents.view") -> Actor:
    actor = Actor.from_request(request)
    require(actor, permission)
    return actor


def _incident(actor: Actor, pk: int) -> Incident:
    return get_in_township(actor, Incident, pk)


@login_required
def board(request: HttpRequest) -> HttpResponse:
    """Show the live board of open incidents (refreshed by htmx every few seconds)."""
    actor = _actor(request)
    assert actor.township is not None
    now = timezone.now()
    context = {"rows": queries.board_display(queries.board(actor.township), now), "now": now}
    if request.headers.get("HX-Request") or request.GET.get("partial"):
        return render(request, "incidents/_board.html", context)
    return render(request, "incidents/board.html", context)


@login_required
def closed(request: HttpRequest) -> HttpResponse:
    """List the township's closed and dismissed incidents."""
    actor = _actor(request)
    rows = Incident.objects.filter(township=actor.township).exclude(
        status__in=[
            s for s in IncidentStatus if s not in (IncidentStatus.CLOSED, IncidentStatus.DISMISSED)
        ]
    )[:200]
    return render(request, "incidents/closed.html", {"incidents": rows})


@login_required
def new(request: HttpRequest) -> HttpResponse:
    """Receive an incident (plan §六(二)): opens the 15-minute report deadline."""
    actor = _actor(request, "incidents.receive")
    assert actor.township is not None
    form = ReceiveForm(request.POST or None, township=actor.township)
    if request.method == "POST":
        incident = _apply(
            form,
            lambda d: actions.receive_incident(
                actor,
                actor.township,
                category=d["category"],
                source=d["source"],
                summary=d["summary"],
                occurred_at=d["occurred_at"],
                place=d["place"],
                headcount=d["headcount"],
                cause=d["cause"],
            ),
        )
        if incident:
            messages.success(request, _("Incident %s received.") % incident.number)
            return redirect("incidents:detail", incident.pk)
    return render(request, "incidents/form.html", {"form": form, "title": _("Receive an incident")})


#: The ids of the situation report form's fields on the incident page (``situation_text``).
SITUATION_ID = "situation_%s"


def _detail(request: HttpRequest, actor: Actor, incident: Incident, **bound: Any) -> HttpResponse:
    township = incident.township
    may_download = is_handler(actor, incident)  # files show people: see download()
    detail = queries.incident_detail(incident, with_log=False)
    # Names and contacts only for those handling the incident, and the read is logged (DESIGN.md §6).
    parties = party_views(actor, incident, purpose="incident_page")
    by_pk = {p.pk: p for p in parties}
    for demand in detail["demands"]:
        demand.party_views = [by_pk[p.pk] for p in demand.parties.all() if p.pk in by_pk]
    demand_form = bound.get("demand_form") or DemandForm(incident=incident)
    demand_form.set_labels({p.pk: p.label for p in parties})
    context = {
        "incident": incident,
        "can": {
            p: can(actor, p)
            for p in (
                "incidents.verify",
                "incidents.activate",
                "incidents.form_task_force",
                "incidents.on_scene",
                "incidents.settle_demand",
                "incidents.close",
                "incidents.summary",
            )
        },
        "may_activate": actions.acting_as(actor.member) is not None,
        "log_form": bound.get("log_form") or LogForm(),
        # Its own ids: the log form beside it also has a "text" field (one id_text per page).
        "situation_form": bound.get("situation_form") or TextForm(auto_id=SITUATION_ID),
        "party_form": bound.get("party_form") or PartyForm(),
        "demand_form": demand_form,
        "withdraw_form": WithdrawForm(),
        "now": timezone.now(),
        "township": township,
        **detail,
        "parties": parties,
        "parties_shown": bool(parties) and parties[0].name is not None,
        "log_html": queries.log_html(incident, links=may_download),
        "may_download": may_download,
    }
    if bound:
        # The refused form may be far down a long page (on a phone, screens below): say so at the top.
        messages.warning(request, _("Not saved: correct what is marked below."))
    status = 400 if bound else 200
    return render(request, "incidents/detail.html", context, status=status)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one incident: deadlines, report, task force, checklist, log, evidence, demands."""
    actor = _actor(request)
    return _detail(request, actor, _incident(actor, pk))


@login_required
def verify(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the verification (true / not true)."""
    actor = _actor(request, "incidents.verify")
    incident = _incident(actor, pk)
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and _apply(
        form, lambda d: actions.verify_incident(actor, incident, true=d["true"], note=d["note"])
    ):
        return redirect("incidents:report" if form.cleaned_data["true"] else "incidents:detail", pk)
    return render(
        request, "incidents/form.html", {"form": form, "title": _("Verify"), "incident": incident}
    )


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the verified report; each content the plan requires is a field (§六(二))."""
    actor = _actor(request, "incidents.verify")
    incident = _incident(actor, pk)
    form = report_form(incident, request.POST or None)
    if request.method == "POST" and _apply(form, lambda d: actions.send_report(actor, incident, d)):
        messages.success(request, _("The report was sent to the leading group."))
        return redirect("incidents:detail", pk)
    return render(
        request,
        "incidents/form.html",
        {"form": form, "title": _("Verified report to the leading group"), "incident": incident},
    )


def _post_action(
    request: HttpRequest, pk: int, permission: str, do: Callable[[Actor, Incident], Any], done: str
) -> HttpResponse:
    actor = _actor(request, permission)
    incident = _incident(actor, pk)
    try:
        do(actor, incident)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("incidents:detail", pk)


@login_required
@require_POST
def activate(request: HttpRequest, pk: int) -> HttpResponse:
    """Activate the plan (head or acting head only)."""
    return _post_action(request, pk, "incidents.activate", actions.activate, _("Plan activated."))


@login_required
@require_POST
def close_scene(request: HttpRequest, pk: int) -> HttpResponse:
    """Close the scene (every demand settled)."""
    return _post_action(
        request, pk, "incidents.close", actions_aftermath.close_scene, _("Scene closed.")
    )


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close the incident (summary report filed)."""
    return _post_action(
        request, pk, "incidents.close", actions_aftermath.close_incident, _("Incident closed.")
    )


@login_required
@require_POST
def tick(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Tick a checklist step."""
    note = request.POST.get("note", "")
    return _post_action(
        request,
        pk,
        "incidents.on_scene",
        lambda a, i: actions_scene.tick_step(a, i, step, note),
        _("Step ticked."),
    )


@login_required
def task_force(request: HttpRequest, pk: int) -> HttpResponse:
    """Form the task force or add members, by the plan's unit kinds (§六(四))."""
    actor = _actor(request, "incidents.form_task_force")
    incident = _incident(actor, pk)
    form = TaskForceForm(request.POST or None, incident=incident)
    if request.method == "POST" and _apply(
        form,
        lambda d: actions.form_task_force(
            actor, incident, members=form.pairs(), leader=d["leader"]
        ),
    ):
        messages.success(request, _("Task force saved; each member was notified."))
        return redirect("incidents:detail", pk)
    return render(
        request,
        "incidents/form.html",
        {"form": form, "title": _("Task force"), "incident": incident},
    )


@login_required
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    """The phone page: check in as dispatched or arrived (POST ``place``, ``state``)."""
    actor = _actor(request, "incidents.check_in")
    incident = _incident(actor, pk)
    if request.method == "POST":
        place = get_in_township(actor, TaskForceMember, request.POST.get("place"))
        if place.task_force.incident_id != incident.pk:
            raise Http404
        try:
            actions.check_in(actor, place, arrived=request.POST.get("state") == "arrived")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Checked in."))
        return redirect("incidents:check_in", pk)
    task_force_row = getattr(incident, "task_force", None)
    places = (
        list(task_force_row.members.select_related("member", "member__unit"))
        if task_force_row
        else []
    )
    others = can(actor, "incidents.form_task_force") or (
        task_force_row is not None
        and actor.member is not None
        and task_force_row.leader_id == actor.member.pk
    )
    mine = [p for p in places if actor.member and p.member_id == actor.member.pk]
    return render(
        request,
        "incidents/check_in.html",
        {
            "incident": incident,
            "mine": mine,
            "places": places,
            "others": others,
            "deadlines": [
                d
                for d in queries.incident_detail(incident)["deadlines"]
                if d.state in ("open", "breached")
            ],
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def add_log(request: HttpRequest, pk: int) -> HttpResponse:
    """Write a log entry with attachments."""
    actor = _actor(request, "incidents.on_scene")
    incident = _incident(actor, pk)
    form = LogForm(request.POST, request.FILES)
    if _apply(form, lambda d: actions_scene.add_log_entry(actor, incident, d["text"], d["files"])):
        return redirect("incidents:detail", pk)
    return _detail(request, actor, incident, log_form=form)


@login_required
@require_POST
def situation(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a situation report to the head."""
    actor = _actor(request, "incidents.on_scene")
    incident = _incident(actor, pk)
    form = TextForm(request.POST, auto_id=SITUATION_ID)
    if _apply(form, lambda d: actions_scene.send_situation_report(actor, incident, d["text"])):
        messages.success(request, _("Situation report sent."))
        return redirect("incidents:detail", pk)
    return _detail(request, actor, incident, situation_form=form)


@login_required
@require_POST
def add_party(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a party to the matter."""
    actor = _actor(request, "incidents.on_scene")
    incident = _incident(actor, pk)
    form = PartyForm(request.POST)
    if _apply(form, lambda d: actions_scene.add_party(actor, incident, **d)):
        return redirect("incidents:detail", pk)
    return _detail(request, actor, incident, party_form=form)


@login_required
@require_POST
def add_demand(request: HttpRequest, pk: int) -> HttpResponse:
    """Register a demand."""
    actor = _actor(request, "incidents.on_scene")
    incident = _incident(actor, pk)
    form = DemandForm(request.POST, incident=incident)
    if _apply(
        form,
        lambda d: actions_scene.register_demand(
            actor, incident, content=d["content"], parties=list(d["parties"])
        ),
    ):
        return redirect("incidents:detail", pk)
    return _detail(request, actor, incident, demand_form=form)


@login_required
@require_POST
def demand_case(request: HttpRequest, pk: int) -> HttpResponse:
    """Turn a demand into a petition case."""
    actor = _actor(request, "incidents.settle_demand")
    demand = get_in_township(actor, Demand, pk)
    try:
        case = actions_scene.demand_to_case(actor, demand)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Petition case %s registered.") % case.number)
    return redirect("incidents:detail", demand.incident_id)


@login_required
@require_POST
def demand_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a demand as withdrawn."""
    actor = _actor(request, "incidents.settle_demand")
    demand = get_in_township(actor, Demand, pk)
    try:
        actions_scene.withdraw_demand(actor, demand, request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("incidents:detail", demand.incident_id)


@login_required
def evidence_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Register a body-worn camera recording."""
    actor = _actor(request, "incidents.on_scene")
    incident = _incident(actor, pk)
    form = EvidenceForm(request.POST or None, request.FILES or None, township=incident.township)
    if request.method == "POST":

        def do(d: dict[str, Any]) -> EvidenceItem:
            upload = d["file"]
            return actions_scene.register_evidence(
                actor,
                incident,
                camera_id=d["camera_id"],
                wearer=d["wearer"],
                started_at=d["started_at"],
                ended_at=d["ended_at"],
                file_name=d["file_name"] or (upload.name if upload else ""),
                storage_place=d["storage_place"],
                sha256=d["sha256"],
                file=upload,
            )

        item = _apply(form, do)
        if item:
            return redirect("incidents:evidence", item.pk)
    return render(
        request,
        "incidents/form.html",
        {"form": form, "title": _("Evidence item"), "incident": incident, "multipart": True},
    )


@login_required
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """Show an evidence item with its chain of custody and notes; POST adds a hand-over or a note."""
    actor = _actor(request)
    item = get_in_township(actor, EvidenceItem, pk)
    custody_form = CustodyForm(request.POST if request.POST.get("form") == "custody" else None)
    note_form = TextForm(request.POST if request.POST.get("form") == "note" else None)
    if request.method == "POST":
        if request.POST.get("form") == "custody" and _apply(
            custody_form, lambda d: actions_scene.hand_over_evidence(actor, item, **d)
        ):
            return redirect("incidents:evidence", pk)
        if request.POST.get("form") == "note" and _apply(
            note_form, lambda d: actions_scene.annotate_evidence(actor, item, d["text"])
        ):
            return redirect("incidents:evidence", pk)
    return render(
        request,
        "incidents/evidence.html",
        {
            "item": item,
            "incident": item.incident,
            "custody": item.custody.all(),
            "notes": item.annotations.select_related("author"),
            "custody_form": custody_form,
            "note_form": note_form,
            "may_download": is_handler(actor, item.incident),
            "can_add": can(actor, "incidents.on_scene"),
        },
    )


@login_required
@require_POST
def evidence_change(request: HttpRequest, pk: int, change: str) -> HttpResponse:
    """Any edit or delete of an evidence item: audited, then refused (403)."""
    actor = _actor(request)
    item = get_in_township(actor, EvidenceItem, pk)
    attempted = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    actions_scene.refuse_evidence_change(
        actor, item, "delete" if change == "delete" else "edit", attempted
    )
    raise PermissionDenied  # pragma: no cover - refuse_evidence_change always raises


@login_required
def summary(request: HttpRequest, pk: int) -> HttpResponse:
    """File the summary report (plan §七(三))."""
    actor = _actor(request, "incidents.summary")
    incident = _incident(actor, pk)
    form = summary_form(request.POST or None, request.FILES or None)
    if request.method == "POST" and _apply(
        form,
        lambda d: actions_aftermath.file_summary_report(actor, incident, d, d.get("attachment")),
    ):
        messages.success(request, _("Summary report filed."))
        return redirect("incidents:detail", pk)
    return render(
        request,
        "incidents/form.html",
        {"form": form, "title": _("Summary report"), "incident": incident, "multipart": True},
    )


@login_required
def download(request: HttpRequest, kind: str, pk: int) -> FileResponse:
    """Hand out an uploaded file of an incident to those handling it, and log the read.

    The only way out for files under ``MEDIA_ROOT``: 404 for another
    township's row (``get_in_township``), the login page for nobody, 403 for a
    member of the township who does not handle the incident
    (``incidents.access.is_handler``: body-camera footage and scene photos
    show people, so they are personal data, DESIGN.md §6). Each download is
    written to the personal-data read log (fields ``["file"]``, purpose
    ``evidence_download`` / ``attachment_download``, labelled with the
    incident's and the item's numbers, never the file's name). Always a
    download (``Content-Disposition: attachment``), typed by the kind found
    when it was checked (``yingji.uploads``), never by the user's file name.
    """
    actor = _actor(request)
    if kind == "attachment":
        row: Any = get_in_township(actor, Attachment, pk)
        name = row.name
        label = f"{row.incident.number} #{row.pk}"
    elif kind == "evidence":
        row = get_in_township(actor, EvidenceItem, pk)
        name = row.file_name
        label = f"{row.incident.number} {row.number}"
    else:
        raise Http404
    if not row.file:
        raise Http404
    require_handler(actor, row.incident)
    record_pii_read(actor, row, fields=["file"], purpose=f"{kind}_download", label=label)
    return FileResponse(
        row.file.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=uploads.mime_of_stored(row.file.name),
    )
