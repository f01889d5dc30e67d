"""Pages: import an export with a column mapping and watch its progress; hot issues to accept or dismiss.

Importing a large file runs in a background thread; the job's ``done``
counter is committed per chunk, and the page polls it (htmx).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yingji import jobs, uploads
from yingji.jobs import run_job
from yingji.orgs.access import Actor, get_in_township, require
from yingji.orgs.models import Unit
from yingji.petitions.access import get_case

from . import actions, queries
from .actions.imports import JOB_KIND, STARTABLE, mapping_for
from .choices import HotIssueState, ImportState
from .models import HotIssue, ImportJob
from .parsing import FIELDS, REQUIRED, read_sheet

#: Files with more rows than this are imported in the background.
INLINE_ROWS = 500


class UploadForm(forms.Form):
    """The export file and the name of its source (the column mapping is saved per source)."""

    source = forms.CharField(label=gettext_lazy("source"), max_length=100)
    file = forms.FileField(label=gettext_lazy("file (.xlsx)"))


class MappingForm(forms.Form):
    """Which column of the file holds each field (pre-filled from the saved mapping or the headers)."""

    def __init__(self, *args: Any, headers: list[str], initial_map: dict[str, str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        columns = [("", "—")] + [(h, h) for h in headers if h]
        for name, (label, _synonyms) in FIELDS.items():
            self.fields[name] = forms.ChoiceField(
                label=label, choices=columns, required=name in REQUIRED
            )
            self.initial[name] = initial_map.get(name, "")

    def mapping(self) -> dict[str, str]:
        """Return ``{field: header}`` of the mapped fields."""
        return {k: v for k, v in self.cleaned_data.items() if v}


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    """Upload an export (.xlsx) and name its source; then map its columns."""
    actor = Actor.from_request(request)
    require(actor, "petitions.import")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        try:
            job = actions.start_import(
                actor,
                actor.township,
                source=form.cleaned_data["source"],
                filename=f.name,
                content=uploads.read_checked(f, "complaints"),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return redirect("complaints:import_map", pk=job.pk)
    return render(
        request,
        "complaints/import_upload.html",
        {"form": form, "jobs": queries.imports(actor.township)[:20]},
    )


def _start(actor: Actor, job: ImportJob, mapping: dict[str, str]) -> None:
    """Import now for a small file, else in a background thread (progress in the job row).

    The job's lease is taken and the job claimed (``actions.mark_running``)
    before anything is imported, and the lease released when the import has
    ended (``yingji.jobs``), so that a restart can tell a job whose process
    died from one still running. Raises ``ValidationError`` when another
    request (in this process or another) has started the job already, or for
    a mapping the import refuses (the job is then as it was).
    """
    before = job.state
    try:
        lease = jobs.hold(JOB_KIND, job.pk)
    except jobs.JobBusy:
        raise ValidationError(_("This import has already run.")) from None
    try:
        if not actions.mark_running(job):
            raise ValidationError(_("This import has already run."))
    except BaseException:
        lease.release()
        raise

    def work() -> None:
        try:
            actions.run_import(actor, job, mapping=mapping)
        except ValidationError:  # refused before any row was written: the job is as it was
            actions.unmark_running(job, before)
            raise

    try:
        run_job(
            f"complaints-import-{job.pk}",
            job.total,
            INLINE_ROWS,
            work,
            lambda: actions.mark_failed(job),
            lease=lease,
        )
    except ValidationError:
        raise
    except BaseException:  # inline: an unexpected error (a thread's is on_failure's)
        actions.mark_failed(job)
        raise


@login_required
def import_map(request: HttpRequest, pk: int) -> HttpResponse:
    """Map the columns (saved for the source) and import; then show the counts and unreadable rows."""
    actor = Actor.from_request(request)
    require(actor, "petitions.import")
    job = get_in_township(actor, ImportJob, pk)
    headers, _rows = read_sheet(bytes(job.content))
    form = MappingForm(
        request.POST or None,
        headers=headers,
        initial_map=mapping_for(job.township, job.source, headers),
    )
    if request.method == "POST" and job.state in STARTABLE and form.is_valid():
        try:
            _start(actor, job, form.mapping())
            return redirect("complaints:import_map", pk=pk)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.error(request, " ".join(exc.messages))
    job.refresh_from_db()
    return render(request, "complaints/import_job.html", {"job": job, "form": form})


@login_required
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar of a running import (htmx); tells the page to reload when done."""
    actor = Actor.from_request(request)
    require(actor, "petitions.import")
    job = get_in_township(actor, ImportJob, pk)
    running = job.state == ImportState.RUNNING
    response = render(request, "complaints/_progress.html", {"job": job, "running": running})
    if not running:
        response["HX-Refresh"] = "true"
    return response


@login_required
def hot_list(request: HttpRequest) -> HttpResponse:
    """The proposed hot issues, best first; a button runs the pass again."""
    actor = Actor.from_request(request)
    require(actor, "complaints.hot_issues")
    if request.method == "POST":
        found = actions.propose_hot_issues(actor, actor.township)
        messages.success(request, _("%(n)d hot issues proposed.") % {"n": len(found)})
        return redirect("complaints:hot")
    return render(
        request,
        "complaints/hot_list.html",
        {
            "issues": queries.hot_issues(actor.township)[:200],
            "threshold": actions.hotissues.threshold_of(actor.township),
        },
    )


@login_required
def hot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A hot issue with its messages, place and time span; accept (warning category) or dismiss (reason)."""
    actor = Actor.from_request(request)
    require(actor, "complaints.hot_issues")
    issue = get_in_township(actor, HotIssue, pk)
    plan = actor.township.plan_version.plan if actor.township.plan_version else None
    if request.method == "POST" and issue.state == HotIssueState.PROPOSED:
        try:
            if request.POST.get("action") == "accept":
                actions.accept_hot_issue(actor, issue, category=request.POST.get("category", ""))
            else:
                actions.dismiss_hot_issue(actor, issue, reason=request.POST.get("reason", ""))
            return redirect("complaints:hot_detail", pk=pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return render(
        request,
        "complaints/hot_detail.html",
        {
            "issue": issue,
            "cases": issue.cases.order_by("received_at")[:500],
            "categories": plan.warning_categories if plan else [],
        },
    )


@login_required
def case_routing(request: HttpRequest, pk: int) -> HttpResponse:
    """A case's routing suggestion: ask for one, then accept it or correct category and unit."""
    actor = Actor.from_request(request)
    require(actor, "complaints.route")
    case = get_case(actor, pk)
    latest = case.routing_suggestions.select_related("unit", "final_unit").first()
    units = Unit.objects.filter(township=case.township, active=True).order_by("name")
    if request.method == "POST":
        try:
            action = request.POST.get("action")
            if action == "suggest":
                actions.suggest(actor, case)
            elif latest is not None:
                unit_id = request.POST.get("unit") or ""
                unit = units.filter(pk=unit_id).first() if unit_id.isdigit() else None
                actions.decide_suggestion(
                    actor,
                    latest,
                    category=request.POST.get("category") if action == "correct" else None,
                    unit=unit if action == "correct" else None,
                )
            return redirect("complaints:case_routing", pk=pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return render(
        request,
        "complaints/case_routing.html",
        {"case": case, "suggestion": latest, "units": units},
    )
