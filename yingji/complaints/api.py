"""The complaints API (django-ninja) at ``/api/complaints/``: imports, reply-time figures, routing, hot issues.

Endpoints call the same actions as the pages and the command line.
``ValidationError`` answers 422 and ``PermissionDenied`` 403 (``yingji.api.errors``);
another township's rows answer 404.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from yingji import uploads
from yingji.api.types import Days, Id
from yingji.orgs.access import Actor, get_in_township, require
from yingji.orgs.models import Unit
from yingji.petitions.access import get_case

from . import actions, queries
from .models import HotIssue, ImportJob, RoutingSuggestion

router = Router(tags=["complaints"])


def _job(job: ImportJob) -> dict[str, Any]:
    return {
        "id": job.pk,
        "source": job.source,
        "filename": job.filename,
        "state": job.state,
        "total": job.total,
        "done": job.done,
        "created": job.created,
        "unchanged": job.unchanged,
        "problems": job.problems,
    }


@router.post("/imports", response={201: dict}, summary="Import a message-board / hotline export")
def import_export(
    request: HttpRequest, source: Form[str], file: File[UploadedFile], mapping: Form[str] = ""
) -> Any:
    """Import the .xlsx in one request; ``mapping`` is optional JSON ``{field: header}``."""
    actor = Actor.from_request(request)
    require(actor, "petitions.import")
    assert actor.township is not None
    try:
        chosen = json.loads(mapping) if mapping else None
    except json.JSONDecodeError as exc:
        raise ValidationError({"mapping": _("Unknown field.")}) from exc
    # {field: header} of texts only: a list or a number here was a 500 in the import.
    if chosen is not None and not (
        isinstance(chosen, dict) and all(isinstance(v, str) for v in chosen.values())
    ):
        raise ValidationError({"mapping": _("Give a JSON object of field → column header.")})
    job = actions.import_file(
        actor,
        actor.township,
        source=source,
        filename=file.name or "upload.xlsx",
        content=uploads.read_checked(file, "complaints"),
        mapping=chosen,
    )
    return Status(201, _job(job))


@router.get("/imports/{pk}", response=dict, summary="An import's progress and unreadable rows")
def import_status(request: HttpRequest, pk: Id) -> Any:
    """The job's state, ``done``/``total`` rows, counts and problems."""
    actor = Actor.from_request(request)
    require(actor, "petitions.import")
    return _job(get_in_township(actor, ImportJob, pk))


@router.get("/reply-times", response=dict, summary="Reply-time figures of the imported history")
def reply_time_figures(request: HttpRequest, source: str = "") -> Any:
    """``queries.reply_times`` for the caller's township (days of 24 hours)."""
    actor = Actor.from_request(request)
    require(actor, "petitions.view")
    assert actor.township is not None
    return queries.reply_times(actor.township, source=source or None)


@router.post("/routing/train", response=dict, summary="Train the routing model")
def routing_train(request: HttpRequest) -> Any:
    """Train on the labelled history and staff decisions; returns the held-out figures."""
    actor = Actor.from_request(request)
    assert actor.township is not None
    model = actions.train(actor, actor.township)
    return {"id": model.pk, "samples": model.samples, "report": model.report}


def _suggestion(s: RoutingSuggestion) -> dict[str, Any]:
    return {
        "id": s.pk,
        "case": s.case_id,
        "category": s.category,
        "category_confidence": round(s.category_confidence, 4),
        "unit": s.unit_id,
        "unit_confidence": round(s.unit_confidence, 4) if s.unit_confidence is not None else None,
        "state": s.state,
        "final_category": s.final_category,
        "final_unit": s.final_unit_id,
    }


@router.post("/cases/{pk}/suggestion", response=dict, summary="Suggest category and unit")
def routing_suggest(request: HttpRequest, pk: Id) -> Any:
    """A new suggestion for case ``pk`` with confidences in [0, 1]."""
    actor = Actor.from_request(request)
    return _suggestion(actions.suggest(actor, get_case(actor, pk)))


class DecisionIn(Schema):
    """Accept (both empty) or correct a suggestion."""

    category: str = ""
    unit_id: Id | None = None


@router.post("/suggestions/{pk}/decide", response=dict, summary="Accept or correct a suggestion")
def routing_decide(request: HttpRequest, pk: Id, data: DecisionIn) -> Any:
    """Record staff's decision; corrections feed the next training."""
    actor = Actor.from_request(request)
    suggestion = RoutingSuggestion.objects.filter(pk=pk, case__township=actor.township).first()
    if suggestion is None:
        raise Http404
    unit = (
        Unit.objects.filter(pk=data.unit_id, township=actor.township).first()
        if data.unit_id
        else None
    )
    if data.unit_id and unit is None:
        raise ValidationError({"unit_id": _("Unknown unit.")})
    return _suggestion(
        actions.decide_suggestion(actor, suggestion, category=data.category or None, unit=unit)
    )


def _issue(i: HotIssue, with_cases: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": i.pk,
        "title": i.title,
        "place": i.place,
        "size": i.size,
        "votes": i.votes,
        "score": i.score,
        "first_at": i.first_at,
        "last_at": i.last_at,
        "state": i.state,
        "warning": i.warning.number if i.warning else None,
    }
    if with_cases:
        out["cases"] = [
            {"id": c.pk, "number": c.number, "received_at": c.received_at, "summary": c.summary}
            for c in i.cases.order_by("received_at")
        ]
    return out


@router.post("/hot-issues/propose", response=dict, summary="Find hot issues and propose them")
def hot_propose(request: HttpRequest, window_days: Days = 90) -> Any:
    """Run the pass; groups at or above the plan's threshold are proposed (no warning is created)."""
    actor = Actor.from_request(request)
    assert actor.township is not None
    found = actions.propose_hot_issues(actor, actor.township, window_days=window_days)
    return {"proposed": [_issue(i) for i in found]}


@router.get("/hot-issues", response=dict, summary="Hot issues, best first")
def hot_list(request: HttpRequest, state: str = "") -> Any:
    """The township's hot issues, optionally in one state."""
    actor = Actor.from_request(request)
    require(actor, "complaints.hot_issues")
    assert actor.township is not None
    return {"items": [_issue(i) for i in queries.hot_issues(actor.township, state=state or None)]}


@router.get("/hot-issues/{pk}", response=dict, summary="A hot issue with its messages")
def hot_detail(request: HttpRequest, pk: Id) -> Any:
    """The group with its cases, place and time span."""
    actor = Actor.from_request(request)
    require(actor, "complaints.hot_issues")
    return _issue(get_in_township(actor, HotIssue, pk), with_cases=True)


class AcceptIn(Schema):
    """The plan's warning category (plan §五(一)) and an optional summary."""

    category: str
    summary: str = ""


@router.post("/hot-issues/{pk}/accept", response=dict, summary="Accept as an early-warning sign")
def hot_accept(request: HttpRequest, pk: Id, data: AcceptIn) -> Any:
    """Register the warning in the ledger (by the calling person)."""
    actor = Actor.from_request(request)
    issue = get_in_township(actor, HotIssue, pk)
    return _issue(
        actions.accept_hot_issue(actor, issue, category=data.category, summary=data.summary)
    )


class DismissIn(Schema):
    """Why the group is not a sign."""

    reason: str


@router.post("/hot-issues/{pk}/dismiss", response=dict, summary="Dismiss a proposed hot issue")
def hot_dismiss(request: HttpRequest, pk: Id, data: DismissIn) -> Any:
    """Dismiss with a reason; nothing enters the ledger."""
    actor = Actor.from_request(request)
    issue = get_in_township(actor, HotIssue, pk)
    return _issue(actions.dismiss_hot_issue(actor, issue, reason=data.reason))
