"""Plan pages: import a plan document and review its draft side by side before publishing.

Thin: each view parses the request and calls one action of ``plans.actions``.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yingji import uploads
from yingji.orgs.access import Actor, can, get_in_township, require

from . import actions
from .check import PlanInvalid, check_plan_text
from .importer import Draft
from .models import PlanDraft

CONFIDENCE = {
    "high": gettext_lazy("high confidence"),
    "medium": gettext_lazy("medium confidence"),
    "low": gettext_lazy("low confidence"),
}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Plan document"),
        help_text=gettext_lazy(".txt (UTF-8, GB18030/GBK or UTF-16) or .docx"),
    )


@login_required
def import_document(request: HttpRequest) -> HttpResponse:
    """Upload a plan document; a readable one becomes a draft under review."""
    actor = Actor.from_request(request)
    require(actor, "plans.import")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        assert actor.township is not None
        try:
            data = uploads.read_checked(upload, "plan")
            row = actions.import_plan_document(actor, actor.township, upload.name, data)
        except ValidationError as exc:
            for message in exc.message_dict.get("file", []):
                form.add_error("file", message)
        else:
            return redirect("plans:review", pk=row.pk)
    drafts = PlanDraft.objects.filter(township=actor.township)[:20]
    return render(request, "plans/import.html", {"form": form, "drafts": drafts})


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """Show each item next to its source sentence; save decisions, or publish the draft."""
    actor = Actor.from_request(request)
    require(actor, "plans.import")
    row = get_in_township(actor, PlanDraft, pk)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if "publish" in request.POST:
            # Refuse before saving anything: the decisions and the publication go together.
            require(actor, "plans.publish", row.township)
        try:
            actions.review_items(actor, row, actions.decisions_from_post(request.POST, row))
            if "publish" in request.POST:
                version = actions.publish_draft(actor, row)
                messages.success(
                    request,
                    _("Published %(title)s version %(v)d and put it in force.")
                    % {"title": version.title, "v": version.version},
                )
                return redirect("plans:review", pk=row.pk)
            messages.success(request, _("Decisions saved."))
            return redirect("plans:review", pk=row.pk)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        except PlanInvalid:
            messages.error(request, _("The plan still has problems; see the list below."))
        row.refresh_from_db()
    draft = Draft.from_json(row.result)
    _plan, problems = check_plan_text(draft.yaml())
    children: dict[str, list] = {}
    for item in draft.items:
        if item.parent:
            children.setdefault(item.parent, []).append(item)
    rows = []
    for item in draft.items:
        if item.parent:
            continue
        for one in [item, *children.get(item.id, [])]:
            rows.append(
                {
                    "item": one,
                    "text": _as_text(one.final),
                    "errors": errors.get(one.id, []),
                    "confidence": CONFIDENCE.get(one.confidence, one.confidence),
                }
            )
    return render(
        request,
        "plans/review.html",
        {
            "row": row,
            "draft": draft,
            "rows": rows,
            "problems": problems,
            "errors": errors.get("", []),
            "can_publish": can(actor, "plans.publish"),
        },
    )


def _as_text(value) -> str:
    import yaml

    if isinstance(value, str):
        return value
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=1000).strip()
