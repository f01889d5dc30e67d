"""The petition-case API (django-ninja), registered on ``yingji.api.urls.api`` at ``/api/petitions/``.

Endpoints call the same actions as the pages. Bad input answers 422 with
``{"errors": {field: [messages]}}``; another township's case answers 404.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from yingji.api.types import Count, Id, When
from yingji.deadlines.queries import deadlines_of
from yingji.orgs.access import Actor, require
from yingji.orgs.models import Member, Unit

from . import actions, queries
from .access import get_case, party_details
from .models import PetitionCase
from .steps import STEPS

router = Router(tags=["petitions"])


class PartyIn(Schema):
    """A petitioner: the details needed to reply (encrypted at rest)."""

    name: str
    phone: str = ""
    address: str = ""


class CaseIn(Schema):
    """A case received (``actions.receive_case``)."""

    channel: str
    summary: str
    content: str = ""
    category: str = "complaint"
    complaint_route: str = ""
    received_at: When | None = None
    is_group: bool = False
    headcount: Count | None = None
    parties: list[PartyIn] = []
    accused_unit_id: Id | None = None
    same_matter_as_id: Id | None = None
    higher_level_body: str = ""


class FiveOnesIn(Schema):
    """The five-ones of plan §七(一)."""

    handling_unit_id: Id | None = None
    lead_official_id: Id | None = None
    responsible_person_id: Id | None = None
    measures: str = ""
    resolution_plan: str = ""


class Errors(Schema):
    """Field errors of a refused request (``__all__`` for the whole request)."""

    errors: dict[str, list[str]]


def _errors(exc: ValidationError) -> Status:
    if hasattr(exc, "error_dict"):
        return Status(422, {"errors": exc.message_dict})
    return Status(422, {"errors": {"__all__": exc.messages}})


def _out(case: PetitionCase) -> dict[str, Any]:
    return {
        "id": case.pk,
        "number": case.number,
        "channel": case.channel,
        "category": case.category,
        "status": case.status,
        "summary": case.summary,
        "received_at": case.received_at.isoformat(),
        "same_matter_flag": case.same_matter_flag,
        "handling_unit": case.handling_unit.name if case.handling_unit else None,
        "lead_official": case.lead_official.name if case.lead_official else None,
        "responsible_person": case.responsible_person.name if case.responsible_person else None,
        "deadlines": [
            {
                "rule": d.rule,
                "label": d.label,
                "source": d.source,
                "due_at": d.due_at.isoformat(),
                "state": d.state,
                "kept": d.kept,
            }
            for d in deadlines_of(case)
        ],
    }


@router.get("/cases", summary="List visible cases: view = all | mine | due | breached")
def list_cases(
    request: HttpRequest, view: str = "all", unit: Id | None = None, lead: Id | None = None
) -> list[dict[str, Any]]:
    """Return the cases of one list (report cases are hidden from the unit they accuse)."""
    actor = Actor.from_request(request)
    require(actor, "petitions.view", actor.township)
    rows = queries.cases(
        actor, view if view in queries.VIEWS else "all", unit_id=unit, lead_id=lead
    )
    return [_out(c) for c in rows[:500]]


@router.get("/cases/{pk}", summary="One case with its deadlines")
def get_one(request: HttpRequest, pk: Id) -> dict[str, Any]:
    """Return one visible case."""
    actor = Actor.from_request(request)
    require(actor, "petitions.view", actor.township)
    return _out(get_case(actor, pk))


@router.get(
    "/cases/{pk}/parties", summary="Petitioners' details (handlers only; the read is logged)"
)
def get_parties(request: HttpRequest, pk: Id) -> list[dict[str, str]]:
    """Return the parties in clear text; logs the read in the access log."""
    actor = Actor.from_request(request)
    case = get_case(actor, pk)
    return [
        {"role": p.role, "name": p.name, "phone": p.phone, "address": p.address}
        for p in party_details(actor, case, purpose="api")
    ]


@router.post("/cases", response={201: dict, 422: Errors}, summary="Register a case received")
def receive(request: HttpRequest, data: CaseIn) -> Any:
    """Register a case; the answer carries the query code, shown this once."""
    actor = Actor.from_request(request)
    township = actor.township
    assert township is not None
    try:
        kwargs = data.dict(exclude={"accused_unit_id", "same_matter_as_id", "parties"})
        kwargs["parties"] = [p.dict() for p in data.parties]
        if data.accused_unit_id:
            kwargs["accused_unit"] = Unit.objects.filter(
                township=township, pk=data.accused_unit_id
            ).first()
        if data.same_matter_as_id:
            kwargs["same_matter_as"] = get_case(actor, data.same_matter_as_id)
        case = actions.receive_case(actor, township, **kwargs)
    except ValidationError as exc:
        return _errors(exc)
    return Status(201, {**_out(case), "query_code": case.query_code})  # type: ignore[attr-defined]


@router.post("/cases/{pk}/accept", response={200: dict, 422: Errors}, summary="Accept (Art. 22)")
def accept(request: HttpRequest, pk: Id) -> Any:
    """Accept the case and issue the acceptance notice."""
    actor = Actor.from_request(request)
    case = get_case(actor, pk)
    try:
        actions.accept_case(actor, case)
    except ValidationError as exc:
        return _errors(exc)
    return Status(200, _out(case))


@router.post(
    "/cases/{pk}/five-ones", response={200: dict, 422: Errors}, summary="Name the five-ones"
)
def five_ones(request: HttpRequest, pk: Id, data: FiveOnesIn) -> Any:
    """Name the responsible unit, lead official, responsible person, measures and resolution plan."""
    actor = Actor.from_request(request)
    case = get_case(actor, pk)

    def member(pk: Id | None) -> Member | None:
        return Member.objects.filter(township=case.township, pk=pk).first() if pk else None

    try:
        actions.set_five_ones(
            actor,
            case,
            handling_unit=Unit.objects.filter(
                township=case.township, pk=data.handling_unit_id
            ).first()
            if data.handling_unit_id
            else None,
            lead_official=member(data.lead_official_id),
            responsible_person=member(data.responsible_person_id),
            measures=data.measures,
            resolution_plan=data.resolution_plan,
        )
    except ValidationError as exc:
        return _errors(exc)
    return Status(200, _out(case))


@router.post(
    "/cases/{pk}/start-resolution", response={200: dict, 422: Errors}, summary="Start resolution"
)
def start(request: HttpRequest, pk: Id) -> Any:
    """Start the resolution; 422 names each empty five-ones field."""
    actor = Actor.from_request(request)
    case = get_case(actor, pk)
    try:
        actions.start_resolution(actor, case)
    except ValidationError as exc:
        return _errors(exc)
    return Status(200, _out(case))


@router.post(
    "/cases/{pk}/steps/{name}",
    response={200: dict, 422: Errors},
    summary="Any step of the case page: accept, decline, transfer, object, five_ones, start, "
    "extension, decide_extension, reply, deliver, review, review_opinion, re_review, "
    "re_review_opinion, link",
)
def step(request: HttpRequest, pk: Id, name: str) -> Any:
    """Run one step with the fields of its page form (ids for units, members, cases, documents; ISO times)."""
    actor = Actor.from_request(request)
    case = get_case(actor, pk)
    chosen = STEPS.get(name)
    if chosen is None:
        raise Http404
    kwargs: dict[str, Any] = {"actor": actor} if chosen.actor_form else {}
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return Status(422, {"errors": {"__all__": [_("Send a JSON object of the form's fields.")]}})
    form = chosen.form({k: "" if v is None else v for k, v in data.items()}, **kwargs)
    if not form.is_valid():
        return Status(422, {"errors": {k: [str(m) for m in v] for k, v in form.errors.items()}})
    try:
        chosen.do(actor, case, dict(form.cleaned_data))
    except ValidationError as exc:
        return _errors(exc)
    case.refresh_from_db()
    return Status(200, _out(case))
