"""The ledger's API (django-ninja), mounted at ``/api/warnings``: the same actions and permissions.

Times are ISO 8601 (aware; naive ones are read as Asia/Shanghai). Refusals
answer 422 with field errors, missing permissions 403, another township's
warning 404.
"""

from __future__ import annotations

import io
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from yingji import uploads
from yingji.api.types import Count, Day, Id, Page, When
from yingji.deadlines.queries import deadlines_of
from yingji.orgs.access import Actor, get_in_township, require
from yingji.orgs.models import Member, Unit

from . import actions, import_actions, queries
from .models import Warning
from .xlsx import write_workbook

router = Router(tags=["warnings"])


class WarningIn(Schema):
    category: str
    source: str
    summary: str
    discovered_at: When | None = None
    expected_at: When | None = None
    village_id: Id | None = None
    address: str = ""
    cause: str = ""
    parties: str = ""
    headcount: Count | None = None
    potential_harm: str = ""
    urgency: str = ""
    development: str = ""
    measures: str = ""


class ReportIn(Schema):
    expected_at: When | None = None
    village_id: Id | None = None
    address: str | None = None
    cause: str | None = None
    headcount: Count | None = None
    potential_harm: str | None = None
    urgency: str | None = None
    development: str | None = None
    measures: str | None = None


class NoteIn(Schema):
    note: str = ""


class DismissIn(Schema):
    reason: str


class AssessIn(Schema):
    urgency: str
    potential_harm: str


class HandlingIn(Schema):
    lead_official_id: Id
    unit_ids: list[Id]
    measures: str = ""


class ProgressIn(Schema):
    text: str


class ResolveIn(Schema):
    resolution: str


class EscalateIn(Schema):
    category: str


class ConvertIn(Schema):
    content: str = ""


def _actor(request: HttpRequest) -> Actor:
    return Actor.from_request(request)


def _unit(actor: Actor, pk: int | None) -> Unit | None:
    if pk is None:
        return None
    unit = Unit.objects.filter(pk=pk, township=actor.township).first()
    if unit is None:
        raise ValidationError({"village": _("No such village (community) in your township.")})
    return unit


def out(w: Warning, *, full: bool = False) -> dict[str, Any]:
    """Return the warning as JSON-ready data (``full`` adds report, history and deadlines)."""
    data: dict[str, Any] = {
        "id": w.pk,
        "number": w.number,
        "status": w.status,
        "category": w.category,
        "source": w.source,
        "summary": w.summary,
        "cause": w.cause,
        "village": w.village.name if w.village_id and w.village else None,
        "address": w.address,
        "headcount": w.headcount,
        "potential_harm": w.potential_harm,
        "urgency": w.urgency,
        "risk_level": w.risk_level,
        "development": w.development,
        "measures": w.measures,
        "parties": w.parties,
        "expected_at": w.expected_at,
        "discovered_at": w.discovered_at,
        "verified_at": w.verified_at,
        "reported_at": w.reported_at,
        "assessed_at": w.assessed_at,
        "handling_started_at": w.handling_started_at,
        "controlled_at": w.controlled_at,
        "resolved_at": w.resolved_at,
        "closed_at": w.closed_at,
        "durations_minutes": {
            k: (v.total_seconds() / 60 if v is not None else None) for k, v in w.durations().items()
        },
        "lead_official": w.lead_official.name if w.lead_official_id and w.lead_official else None,
        "units": [u.name for u in w.units.all()],
        "outcome": (
            {
                "type": w.outcome_type.model_class()._meta.label_lower,
                "id": w.outcome_id,
                "number": str(w.outcome),
            }
            if w.outcome_type_id and w.outcome_type and w.outcome_type.model_class()
            else None
        ),
    }
    if full:
        report = getattr(w, "report", None) if w.reported_at else None
        data["report"] = (
            {
                "reported_at": report.reported_at,
                "recipient": report.recipient.name if report.recipient else None,
                "contents": report.contents,
            }
            if report
            else None
        )
        data["history"] = queries.history(w)
        data["deadlines"] = [
            {
                "rule": d.rule,
                "label": d.label,
                "due_at": d.due_at,
                "state": d.state,
                "satisfied_at": d.satisfied_at,
            }
            for d in deadlines_of(w)
        ]
    return data


@router.get("", summary="The ledger, filtered and searched, one page at a time")
def ledger(
    request: HttpRequest,
    q: str = "",
    status: str = "",
    category: str = "",
    village: Id | None = None,
    risk_level: str = "",
    date_from: Day | None = None,
    date_to: Day | None = None,
    page: Page = 1,
    page_size: int = 50,
) -> dict[str, Any]:
    """Return ``{count, page, results}``; dates are local (Asia/Shanghai) registration dates."""
    actor = _actor(request)
    require(actor, "earlywarning.view")
    f = queries.LedgerFilter(status, category, village, risk_level, date_from, date_to, q)
    qs = queries.ledger(actor.township, f)  # type: ignore[arg-type]
    size = max(1, min(page_size, 200))
    start = (max(page, 1) - 1) * size
    return {
        "count": qs.count(),
        "page": page,
        "results": [out(w) for w in qs.prefetch_related("units")[start : start + size]],
    }


@router.post("", summary="Register a warning")
def register(request: HttpRequest, body: WarningIn) -> dict[str, Any]:
    actor = _actor(request)
    data = body.dict()
    data["village"] = _unit(actor, data.pop("village_id"))
    warning = actions.register(actor, actor.township, **data)  # type: ignore[arg-type]
    return out(warning, full=True)


@router.get("/export.xlsx", summary="The ledger as .xlsx (same filters as the list)")
def export(
    request: HttpRequest,
    q: str = "",
    status: str = "",
    category: str = "",
    village: Id | None = None,
    risk_level: str = "",
    date_from: Day | None = None,
    date_to: Day | None = None,
) -> FileResponse:
    actor = _actor(request)
    require(actor, "earlywarning.view")
    buf = io.BytesIO()
    f = queries.LedgerFilter(status, category, village, risk_level, date_from, date_to, q)
    write_workbook(
        queries.ledger(actor.township, f).prefetch_related("units").iterator(chunk_size=2000), buf
    )  # type: ignore[arg-type]
    buf.seek(0)
    return FileResponse(buf, as_attachment=True, filename="ledger.xlsx")


@router.post("/import", summary="Import a ledger .xlsx; refused whole on bad rows unless skip_bad")
def import_ledger(
    request: HttpRequest,
    file: UploadedFile = File(...),  # noqa: B008 - ninja's way of declaring an upload
    mapping: str = Form(""),  # noqa: B008
    skip_bad: bool = Form(False),  # noqa: B008
) -> Any:
    """``mapping`` is JSON ``{field: column index}`` (default: guessed from the headers)."""
    actor = _actor(request)
    require(actor, "earlywarning.import")
    try:
        parsed = {k: int(v) for k, v in json.loads(mapping).items()} if mapping else None
    # A value that is no number (a list, null: TypeError; 1e400: OverflowError) was a 500.
    except (ValueError, AttributeError, TypeError, OverflowError) as exc:
        raise ValidationError(
            {"mapping": _("Give a JSON object of field → column number.")}
        ) from exc
    job = import_actions.import_file(
        actor,
        actor.township,
        filename=file.name or "ledger.xlsx",
        content=uploads.read_checked(file, "ledger"),
        mapping=parsed,
        skip_bad=skip_bad,  # type: ignore[arg-type]
    )
    result = {
        "id": job.pk,
        "state": job.state,
        "rows": job.total,
        "created": job.created,
        "duplicates": job.duplicates,
        "skipped_rows": job.skipped_rows,
        "problems": job.problems,
    }
    if job.state != "done":
        return JsonResponse({"detail": result}, status=422)
    return result


@router.get("/{pk}", summary="One warning with its report, history and deadlines")
def detail(request: HttpRequest, pk: Id) -> dict[str, Any]:
    actor = _actor(request)
    require(actor, "earlywarning.view")
    return out(get_in_township(actor, Warning, pk), full=True)


def _do(request: HttpRequest, pk: int, call: Any) -> dict[str, Any]:
    actor = _actor(request)
    warning = get_in_township(actor, Warning, pk)
    result = call(actor, warning)
    warning.refresh_from_db()
    data = out(warning, full=True)
    if result is not None and not isinstance(result, Warning):
        data["created"] = {"type": result._meta.label_lower, "id": result.pk, "number": str(result)}
    return data


@router.post("/{pk}/verify")
def verify(request: HttpRequest, pk: Id, body: NoteIn) -> dict[str, Any]:
    return _do(request, pk, lambda a, w: actions.verify(a, w, note=body.note))


@router.post("/{pk}/dismiss")
def dismiss(request: HttpRequest, pk: Id, body: DismissIn) -> dict[str, Any]:
    return _do(request, pk, lambda a, w: actions.dismiss(a, w, reason=body.reason))


@router.post("/{pk}/report", summary="Report to the head; missing contents are named (422)")
def report(request: HttpRequest, pk: Id, body: ReportIn) -> dict[str, Any]:
    def call(a: Actor, w: Warning) -> Any:
        data = {k: v for k, v in body.dict().items() if v is not None}
        if "village_id" in data:
            data["village"] = _unit(a, data.pop("village_id"))
        return actions.report(a, w, **data)

    return _do(request, pk, call)


@router.post("/{pk}/assess")
def assess(request: HttpRequest, pk: Id, body: AssessIn) -> dict[str, Any]:
    return _do(
        request,
        pk,
        lambda a, w: actions.assess(a, w, urgency=body.urgency, potential_harm=body.potential_harm),
    )


@router.post("/{pk}/handling", summary="Form the task force (lead official and units)")
def handling(request: HttpRequest, pk: Id, body: HandlingIn) -> dict[str, Any]:
    def call(a: Actor, w: Warning) -> Any:
        lead = Member.objects.filter(pk=body.lead_official_id, township=a.township).first()
        units = list(Unit.objects.filter(pk__in=body.unit_ids, township=a.township))
        if lead is None or len(units) != len(set(body.unit_ids)):
            raise ValidationError({"lead_official": _("No such member or unit in your township.")})
        return actions.start_handling(a, w, lead_official=lead, units=units, measures=body.measures)

    return _do(request, pk, call)


@router.post("/{pk}/progress")
def progress(request: HttpRequest, pk: Id, body: ProgressIn) -> dict[str, Any]:
    return _do(request, pk, lambda a, w: actions.add_progress(a, w, text=body.text) and None)


@router.post("/{pk}/controlled")
def controlled(request: HttpRequest, pk: Id, body: NoteIn) -> dict[str, Any]:
    return _do(request, pk, lambda a, w: actions.mark_controlled(a, w, note=body.note))


@router.post("/{pk}/resolve")
def resolve(request: HttpRequest, pk: Id, body: ResolveIn) -> dict[str, Any]:
    return _do(request, pk, lambda a, w: actions.resolve(a, w, resolution=body.resolution))


@router.post("/{pk}/escalate", summary="Escalate to an incident")
def escalate(request: HttpRequest, pk: Id, body: EscalateIn) -> dict[str, Any]:
    return _do(request, pk, lambda a, w: actions.escalate(a, w, category=body.category))


@router.post("/{pk}/convert", summary="Convert to a petition case")
def convert(request: HttpRequest, pk: Id, body: ConvertIn) -> dict[str, Any]:
    return _do(request, pk, lambda a, w: actions.convert(a, w, content=body.content))
