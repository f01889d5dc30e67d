"""The incidents API (django-ninja), mounted at ``/api/incidents``: the same actions as the pages.

Errors: 422 with field errors (``{"detail": [{"loc": [...], "msg": ...}]}``)
for a ``ValidationError``, 403 for a refused permission, 404 for another
township's or a missing object. Times are ISO 8601, UTC.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, UploadedFile
from ninja.errors import ValidationError as NinjaValidationError

from yingji.api.types import Count, Id, When
from yingji.orgs.access import Actor, get_in_township, require
from yingji.orgs.models import Member

from . import actions, actions_aftermath, actions_scene, queries
from .access import party_details
from .models import Demand, EvidenceItem, Incident, Party, TaskForceMember

router = Router(tags=["incidents"])
T = TypeVar("T")


def _run(fn: Callable[[], T]) -> T:
    """Call an action; map ``ValidationError`` to 422 (``PermissionDenied`` is 403 by ``api.errors``)."""
    try:
        return fn()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            errors = [
                {"loc": ["body", name], "msg": " ".join(e.messages), "type": "value_error"}
                for name, items in exc.error_dict.items()
                for e in items
            ]
        else:
            errors = [{"loc": ["body"], "msg": m, "type": "value_error"} for m in exc.messages]
        raise NinjaValidationError(errors) from None


def _actor(request: HttpRequest, permission: str = "incidents.view") -> Actor:
    actor = Actor.from_request(request)
    _run(lambda: require(actor, permission))
    return actor


def _member(actor: Actor, pk: int | None) -> Member | None:
    return get_in_township(actor, Member, pk) if pk is not None else None


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at else None


def incident_out(incident: Incident, full: bool = False) -> dict[str, Any]:
    """Return ``incident`` as JSON; ``full`` adds the detail (deadlines, task force, log …)."""
    out: dict[str, Any] = {
        "id": incident.pk,
        "number": incident.number,
        "category": incident.category,
        "status": incident.status,
        "summary": incident.summary,
        "place": incident.place,
        "headcount": incident.headcount,
        "received_at": _iso(incident.received_at),
        "verified_at": _iso(incident.verified_at),
        "activated_at": _iso(incident.activated_at),
        "activated_by": incident.activated_by.name if incident.activated_by else None,
        "activated_as": incident.activated_as or None,
        "plan": {"code": incident.plan_version.code, "version": incident.plan_version.version},
        "scene_closed_at": _iso(incident.scene_closed_at),
        "closed_at": _iso(incident.closed_at),
    }
    if not full:
        return out
    d = queries.incident_detail(incident)
    out.update(
        deadlines=[
            {
                "rule": x.rule,
                "state": x.state,
                "due_at": _iso(x.due_at),
                "satisfied_at": _iso(x.satisfied_at),
            }
            for x in d["deadlines"]
        ],
        report=d["report"].contents if d["report"] else None,
        task_force=[
            {
                "id": p.pk,
                "member": p.member.name,
                "unit": p.unit_key,
                "dispatched_at": _iso(p.dispatched_at),
                "arrived_at": _iso(p.arrived_at),
            }
            for p in d["task_force_members"]
        ],
        checklist=[
            {
                "step": r["step"].key,
                "title": r["step"].title,
                "ticked_at": _iso(r["tick"].ticked_at) if r["tick"] else None,
            }
            for r in d["steps"]
        ],
        log=[
            {"at": _iso(e.at), "kind": e.kind, "author": e.author_label, "text": e.text}
            for e in d["log"]
        ],
        evidence=[evidence_out(e) for e in d["evidence"]],
        # Capacities only: names and contacts come from GET /{pk}/parties, for handlers, logged.
        parties=[{"id": p.pk, "capacity": p.capacity} for p in incident.parties.all()],
        demands=[
            {
                "id": x.pk,
                "content": x.content,
                "party_ids": [p.pk for p in x.parties.all()],
                "status": x.status,
                "case": x.case.number if x.case else None,
            }
            for x in d["demands"]
        ],
        summary_report=d["summary"].contents if d["summary"] else None,
    )
    return out


def evidence_out(item: EvidenceItem) -> dict[str, Any]:
    """Return an evidence item as JSON, with its chain of custody and notes."""
    return {
        "id": item.pk,
        "number": item.number,
        "camera_id": item.camera_id,
        "wearer": item.wearer.name,
        "started_at": _iso(item.started_at),
        "ended_at": _iso(item.ended_at),
        "file_name": item.file_name,
        "sha256": item.sha256,
        "hash_source": item.hash_source,
        "storage_place": item.storage_place,
        "custody": [
            {"at": _iso(c.at), "from": c.from_holder, "to": c.to_holder, "place": c.place}
            for c in item.custody.all()
        ],
        "notes": [{"at": _iso(n.at), "text": n.text} for n in item.annotations.all()],
    }


class ReceiveIn(Schema):
    category: str
    source: str
    summary: str
    occurred_at: When | None = None
    place: str = ""
    headcount: Count | None = None
    cause: str = ""


class VerifyIn(Schema):
    true: bool
    note: str = ""


class ReportIn(Schema):
    contents: dict[str, str]


class UnitMember(Schema):
    unit: str
    member_id: Id


class TaskForceIn(Schema):
    members: list[UnitMember]
    leader_id: Id | None = None


class CheckInIn(Schema):
    state: str  # "dispatched" or "arrived"


class TickIn(Schema):
    step: str
    note: str = ""


class TextIn(Schema):
    text: str


class EvidenceIn(Schema):
    camera_id: str
    wearer_id: Id
    started_at: When
    ended_at: When
    file_name: str
    sha256: str
    storage_place: str


class CustodyIn(Schema):
    from_holder: str
    to_holder: str
    place: str
    note: str = ""


class PartyIn(Schema):
    name: str
    contact: str = ""
    capacity: str = "petitioner"


class DemandIn(Schema):
    content: str
    party_ids: list[Id] = []


class WithdrawIn(Schema):
    note: str


class SummaryIn(Schema):
    contents: dict[str, str]


@router.get("/", summary="Open incidents (the board)")
def board(request: HttpRequest) -> list[dict[str, Any]]:
    actor = _actor(request)
    assert actor.township is not None
    return [
        {
            **incident_out(r.incident),
            "deadlines": [
                {"rule": d.rule, "due_at": _iso(d.due_at), "state": d.state} for d in r.deadlines
            ],
            "task_force": {"members": r.members, "dispatched": r.dispatched, "arrived": r.arrived},
            "log": [{"at": _iso(e.at), "text": e.text} for e in r.log],
        }
        for r in queries.board(actor.township)
    ]


@router.post("/", summary="Receive an incident (plan §六(二))")
def receive(request: HttpRequest, data: ReceiveIn) -> dict[str, Any]:
    actor = _actor(request, "incidents.receive")
    incident = _run(lambda: actions.receive_incident(actor, actor.township, **data.dict()))  # type: ignore[arg-type]
    return incident_out(incident, full=True)


@router.get("/{int:pk}", summary="One incident in full")
def get(request: HttpRequest, pk: Id) -> dict[str, Any]:
    actor = _actor(request)
    return incident_out(get_in_township(actor, Incident, pk), full=True)


def _on(
    request: HttpRequest, pk: int, permission: str, do: Callable[[Actor, Incident], Any]
) -> dict[str, Any]:
    actor = _actor(request, permission)
    incident = get_in_township(actor, Incident, pk)
    _run(lambda: do(actor, incident))
    incident.refresh_from_db()
    return incident_out(incident, full=True)


@router.post("/{int:pk}/verify", summary="Verify: true or not true")
def verify(request: HttpRequest, pk: Id, data: VerifyIn) -> dict[str, Any]:
    return _on(
        request,
        pk,
        "incidents.verify",
        lambda a, i: actions.verify_incident(a, i, true=data.true, note=data.note),
    )


@router.post("/{int:pk}/report", summary="Send the verified report (§六(二), 15 minutes)")
def report(request: HttpRequest, pk: Id, data: ReportIn) -> dict[str, Any]:
    return _on(
        request, pk, "incidents.verify", lambda a, i: actions.send_report(a, i, data.contents)
    )


@router.post("/{int:pk}/activate", summary="Activate the plan (head or acting head, §六(三))")
def activate(request: HttpRequest, pk: Id) -> dict[str, Any]:
    return _on(request, pk, "incidents.activate", actions.activate)


@router.post("/{int:pk}/task-force", summary="Form the task force or add members (§六(四))")
def task_force(request: HttpRequest, pk: Id, data: TaskForceIn) -> dict[str, Any]:
    def do(a: Actor, i: Incident) -> Any:
        pairs = [(m.unit, get_in_township(a, Member, m.member_id)) for m in data.members]
        return actions.form_task_force(a, i, members=pairs, leader=_member(a, data.leader_id))

    return _on(request, pk, "incidents.form_task_force", do)


@router.post("/task-force-members/{int:pk}/check-in", summary="Check in: dispatched or arrived")
def check_in(request: HttpRequest, pk: Id, data: CheckInIn) -> dict[str, Any]:
    actor = _actor(request, "incidents.check_in")
    place = get_in_township(actor, TaskForceMember, pk)
    if data.state not in ("dispatched", "arrived"):
        _run(
            lambda: (_ for _ in ()).throw(
                ValidationError({"state": _("Either “dispatched” or “arrived”.")})
            )
        )
    _run(lambda: actions.check_in(actor, place, arrived=data.state == "arrived"))
    return incident_out(place.task_force.incident, full=True)


@router.post("/{int:pk}/ticks", summary="Tick a checklist step (§六(五))")
def tick(request: HttpRequest, pk: Id, data: TickIn) -> dict[str, Any]:
    return _on(
        request,
        pk,
        "incidents.on_scene",
        lambda a, i: actions_scene.tick_step(a, i, data.step, data.note),
    )


@router.post("/{int:pk}/log", summary="Add an on-scene log entry")
def add_log(request: HttpRequest, pk: Id, data: TextIn) -> dict[str, Any]:
    return _on(
        request, pk, "incidents.on_scene", lambda a, i: actions_scene.add_log_entry(a, i, data.text)
    )


@router.post("/{int:pk}/situation", summary="Send a situation report to the head")
def situation(request: HttpRequest, pk: Id, data: TextIn) -> dict[str, Any]:
    return _on(
        request,
        pk,
        "incidents.on_scene",
        lambda a, i: actions_scene.send_situation_report(a, i, data.text),
    )


@router.post(
    "/{int:pk}/evidence", summary="Register an evidence item (SHA-256 from the device export)"
)
def add_evidence(request: HttpRequest, pk: Id, data: EvidenceIn) -> dict[str, Any]:
    actor = _actor(request, "incidents.on_scene")
    incident = get_in_township(actor, Incident, pk)
    fields = data.dict()
    wearer = get_in_township(actor, Member, fields.pop("wearer_id"))
    item = _run(lambda: actions_scene.register_evidence(actor, incident, wearer=wearer, **fields))
    return evidence_out(item)


class EvidenceUploadIn(Schema):
    camera_id: str
    wearer_id: Id
    started_at: When
    ended_at: When
    file_name: str = ""
    sha256: str = ""  # if given, must match the file
    storage_place: str


@router.post(
    "/{int:pk}/evidence/upload",
    summary="Register an evidence item with its file (multipart; SHA-256 computed)",
)
def upload_evidence(
    request: HttpRequest, pk: Id, data: Form[EvidenceUploadIn], file: File[UploadedFile]
) -> dict[str, Any]:
    actor = _actor(request, "incidents.on_scene")
    incident = get_in_township(actor, Incident, pk)
    fields = data.dict()
    wearer = get_in_township(actor, Member, fields.pop("wearer_id"))
    fields["file_name"] = fields["file_name"] or file.name or ""
    item = _run(
        lambda: actions_scene.register_evidence(actor, incident, wearer=wearer, file=file, **fields)
    )
    return evidence_out(item)


@router.post("/{int:pk}/log/upload", summary="Add a log entry with attachments (multipart)")
def add_log_with_files(
    request: HttpRequest, pk: Id, text: Form[str], files: File[list[UploadedFile]]
) -> dict[str, Any]:
    return _on(
        request,
        pk,
        "incidents.on_scene",
        lambda a, i: actions_scene.add_log_entry(a, i, text, files),
    )


@router.get("/evidence/{int:pk}", summary="One evidence item with its chain of custody")
def get_evidence(request: HttpRequest, pk: Id) -> dict[str, Any]:
    return evidence_out(get_in_township(_actor(request), EvidenceItem, pk))


@router.api_operation(
    ["PUT", "PATCH", "DELETE"],
    "/evidence/{int:pk}",
    summary="Refused: evidence is add-only (audited)",
)
def change_evidence(request: HttpRequest, pk: Id) -> dict[str, Any]:
    actor = _actor(request)
    item = get_in_township(actor, EvidenceItem, pk)
    change = "delete" if request.method == "DELETE" else "edit"
    _run(
        lambda: actions_scene.refuse_evidence_change(
            actor, item, change, {"method": request.method}
        )
    )
    return {}  # pragma: no cover - always refused


@router.post("/evidence/{int:pk}/custody", summary="Record a hand-over (chain of custody)")
def custody(request: HttpRequest, pk: Id, data: CustodyIn) -> dict[str, Any]:
    actor = _actor(request, "incidents.on_scene")
    item = get_in_township(actor, EvidenceItem, pk)
    _run(lambda: actions_scene.hand_over_evidence(actor, item, **data.dict()))
    return evidence_out(item)


@router.post("/evidence/{int:pk}/notes", summary="Annotate an evidence item")
def annotate(request: HttpRequest, pk: Id, data: TextIn) -> dict[str, Any]:
    actor = _actor(request, "incidents.on_scene")
    item = get_in_township(actor, EvidenceItem, pk)
    _run(lambda: actions_scene.annotate_evidence(actor, item, data.text))
    return evidence_out(item)


@router.get("/{int:pk}/parties", summary="The parties' names and contacts (handlers only, logged)")
def parties(request: HttpRequest, pk: Id) -> list[dict[str, Any]]:
    """Return the parties in clear for those handling the incident; the read is logged (DESIGN.md §6).

    403 for anyone else (the auditor, another incident's task force), with nothing logged.
    """
    actor = _actor(request)
    incident = get_in_township(actor, Incident, pk)
    details = _run(lambda: party_details(actor, incident, purpose="api"))
    return [
        {"id": p.pk, "capacity": p.capacity, "name": p.name, "contact": p.contact} for p in details
    ]


@router.post("/{int:pk}/parties", summary="Record a party to the matter")
def add_party(request: HttpRequest, pk: Id, data: PartyIn) -> dict[str, Any]:
    return _on(
        request, pk, "incidents.on_scene", lambda a, i: actions_scene.add_party(a, i, **data.dict())
    )


@router.post("/{int:pk}/demands", summary="Register a demand (§六(五)2(3))")
def add_demand(request: HttpRequest, pk: Id, data: DemandIn) -> dict[str, Any]:
    def do(a: Actor, i: Incident) -> Any:
        parties = [get_in_township(a, Party, p) for p in data.party_ids]
        return actions_scene.register_demand(a, i, content=data.content, parties=parties)

    return _on(request, pk, "incidents.on_scene", do)


@router.post("/demands/{int:pk}/case", summary="Turn a demand into a petition case (§七(一))")
def demand_case(request: HttpRequest, pk: Id) -> dict[str, Any]:
    actor = _actor(request, "incidents.settle_demand")
    demand = get_in_township(actor, Demand, pk)
    case = _run(lambda: actions_scene.demand_to_case(actor, demand))
    return {"demand": demand.pk, "status": demand.status, "case": case.number, "case_id": case.pk}


@router.post("/demands/{int:pk}/withdraw", summary="Record a demand withdrawn")
def demand_withdraw(request: HttpRequest, pk: Id, data: WithdrawIn) -> dict[str, Any]:
    actor = _actor(request, "incidents.settle_demand")
    demand = get_in_township(actor, Demand, pk)
    _run(lambda: actions_scene.withdraw_demand(actor, demand, data.note))
    return {"demand": demand.pk, "status": demand.status}


@router.post("/{int:pk}/close-scene", summary="Close the scene (every demand settled)")
def close_scene(request: HttpRequest, pk: Id) -> dict[str, Any]:
    return _on(request, pk, "incidents.close", actions_aftermath.close_scene)


@router.post("/{int:pk}/summary", summary="File the summary report (§七(三))")
def summary(request: HttpRequest, pk: Id, data: SummaryIn) -> dict[str, Any]:
    return _on(
        request,
        pk,
        "incidents.summary",
        lambda a, i: actions_aftermath.file_summary_report(a, i, data.contents),
    )


@router.post("/{int:pk}/close", summary="Close the incident (summary report filed)")
def close(request: HttpRequest, pk: Id) -> dict[str, Any]:
    return _on(request, pk, "incidents.close", actions_aftermath.close_incident)
