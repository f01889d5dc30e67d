"""Excel pages: export the (filtered) ledger, import a township's ledger with a column mapping.

Checking and writing a large file run in a background thread while the page
shows the progress (htmx polls :func:`import_progress`); small files are
handled within the request.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from yingji import uploads
from yingji.jobs import run_job
from yingji.orgs.access import Actor, can, get_in_township, require

from . import import_actions, queries
from .forms import FilterForm, UploadForm
from .models import LedgerImport
from .views import _township_plan, ledger_filter
from .xlsx import HEADERS, IMPORT_FIELDS, REQUIRED, column_name, write_workbook

#: Files with more rows than this are checked and written in the background.
INLINE_ROWS = 1000


@login_required
def export(request: HttpRequest) -> FileResponse:
    """Download the ledger, narrowed by the same filters as the list, as .xlsx."""
    actor = Actor.from_request(request)
    require(actor, "earlywarning.view")
    township, plan = _township_plan(actor)
    form = FilterForm(request.GET or None, township=township, plan=plan)
    out = io.BytesIO()
    write_workbook(
        queries.ledger(township, ledger_filter(form))
        .prefetch_related("units")
        .iterator(chunk_size=2000),
        out,
    )
    out.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(out, as_attachment=True, filename=f"预警台账-{township.name}-{stamp}.xlsx")


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    """Upload a ledger .xlsx; then map its columns."""
    actor = Actor.from_request(request)
    require(actor, "earlywarning.import")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        try:
            job = import_actions.start_import(
                actor,
                actor.township,
                filename=f.name,
                content=uploads.read_checked(f, "ledger"),
            )
        except ValidationError as exc:
            form.add_error("file", exc.message_dict.get("file", exc.messages))
        else:
            return redirect("earlywarning:import_job", pk=job.pk)
    return render(request, "earlywarning/import_upload.html", {"form": form})


class MappingForm(forms.Form):
    """Which column of the file holds each field (pre-filled by the headers)."""

    def __init__(self, *args: Any, job: LedgerImport, **kwargs: Any):
        super().__init__(*args, **kwargs)
        columns = [("", "—")] + [(str(i), column_name(i, h)) for i, h in enumerate(job.headers)]
        for name in IMPORT_FIELDS:
            self.fields[name] = forms.ChoiceField(
                label=HEADERS[name], choices=columns, required=name in REQUIRED
            )
            if name in job.mapping:
                self.initial[name] = str(job.mapping[name])

    def mapping(self) -> dict[str, int]:
        """Return ``{field: column index}`` of the mapped fields."""
        return {k: int(v) for k, v in self.cleaned_data.items() if v not in ("", None)}


def _run(job: LedgerImport, work: Callable[[], Any]) -> None:
    """Run ``work`` now for a small file, else in a background thread (progress via PROGRESS)."""
    if job.total > INLINE_ROWS:
        import_actions.PROGRESS[job.pk] = (0, job.total)

    def tracked() -> None:
        try:
            work()
        finally:
            import_actions.PROGRESS.pop(job.pk, None)

    run_job(
        f"ledger-import-{job.pk}",
        job.total,
        INLINE_ROWS,
        tracked,
        lambda: import_actions.mark_failed(job),
    )


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """Map columns and check (``action=check``), then import (``action=run``, optional ``skip_bad``)."""
    actor = Actor.from_request(request)
    require(actor, "earlywarning.import")
    job = get_in_township(actor, LedgerImport, pk)
    running = pk in import_actions.PROGRESS
    form = MappingForm(
        request.POST or None if request.POST.get("action") == "check" else None, job=job
    )
    if request.method == "POST" and not running:
        try:
            if request.POST.get("action") == "check" and form.is_valid():
                mapping = form.mapping()
                _run(job, lambda: import_actions.check_import(actor, job, mapping=mapping))
                return redirect("earlywarning:import_job", pk=pk)
            if request.POST.get("action") == "run":
                skip = request.POST.get("skip_bad") == "1"
                if job.problems and not skip:
                    raise ValidationError(
                        _(
                            "Some rows have errors: correct the file, or choose to skip the bad rows."
                        )
                    )
                _run(job, lambda: import_actions.run_import(actor, job, skip_bad=skip))
                return redirect("earlywarning:import_job", pk=pk)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.error(request, " ".join(exc.messages))
    job.refresh_from_db()
    return render(
        request,
        "earlywarning/import_job.html",
        {
            "job": job,
            "form": form,
            "running": pk in import_actions.PROGRESS,
            "progress": import_actions.progress_of(job),
            "bad_rows": sorted({p["row"] for p in job.problems}),
            "problems": job.problems[:500],
            "can_import": can(actor, "earlywarning.import"),
        },
    )


@login_required
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Return the progress bar of a running import (htmx); tell the page to reload when done."""
    actor = Actor.from_request(request)
    require(actor, "earlywarning.import")
    job = get_in_township(actor, LedgerImport, pk)
    running = pk in import_actions.PROGRESS
    done, total = import_actions.progress_of(job)
    response = render(
        request,
        "earlywarning/_progress.html",
        {"job": job, "running": running, "done": done, "total": total},
    )
    if not running:
        response["HX-Refresh"] = "true"
    return response
