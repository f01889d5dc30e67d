"""Bad input at scale (issue 8 §7): schemathesis against the API's OpenAPI schema, every operation.

Each operation of ``/api/`` gets generated requests — valid and invalid ones
(schemathesis' positive and negative modes, plus its coverage examples of
boundary values and unexpected methods) — sent in-process to the WSGI
application as the peace office head (the role with most API permissions),
logged in by a session cookie with a CSRF token, as a browser's script
would be. Every answer must be no server error, and every 4xx must be JSON
whose messages are Chinese text a person can read (``yingji.api.errors``).

Path ids are drawn from the rows seeded below as well as at random, so
requests reach the actions and not only the 404 of a missing row. The run is
bounded (``EXAMPLES`` per operation, no deadline) to stay well under two
minutes; ``YINGJI_SCHEMATHESIS_EXAMPLES`` raises it for a longer local run.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.middleware.csrf import _get_new_csrf_string
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from tests.conftest import client_for, member_of
from tests.incidents.helpers import actors, person
from tests.incidents.scenario import activated
from yingji.api.urls import api
from yingji.complaints.models import HotIssue, ImportJob, RoutingSuggestion
from yingji.deadlines.models import Deadline
from yingji.earlywarning import actions as warnings
from yingji.earlywarning.choices import WarningSource
from yingji.earlywarning.models import Warning
from yingji.incidents import actions_scene
from yingji.incidents.choices import IncidentSource, PartyCapacity
from yingji.incidents.models import Demand, EvidenceItem, Incident, Party, TaskForceMember
from yingji.orgs.choices import Role
from yingji.orgs.demo import create_demo_township
from yingji.orgs.models import Member, Township, Unit
from yingji.petitions import actions as petitions
from yingji.petitions.choices import Channel
from yingji.petitions.models import PetitionCase
from yingji.petitions.steps import STEPS

EXAMPLES = int(os.environ.get("YINGJI_SCHEMATHESIS_EXAMPLES", "8"))
CJK = re.compile(r"[\u4e00-\u9fff]")

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = WSGIHandler()

#: Which table a path's ``{pk}`` names, most specific prefix first.
PATH_MODELS: list[tuple[str, type]] = [
    ("/api/incidents/evidence/", EvidenceItem),
    ("/api/incidents/task-force-members/", TaskForceMember),
    ("/api/incidents/demands/", Demand),
    ("/api/incidents/", Incident),
    ("/api/warnings/", Warning),
    ("/api/petitions/cases/", PetitionCase),
    ("/api/complaints/cases/", PetitionCase),
    ("/api/deadlines/", Deadline),
    ("/api/complaints/imports/", ImportJob),
    ("/api/complaints/suggestions/", RoutingSuggestion),
    ("/api/complaints/hot-issues/", HotIssue),
]
#: Values a body's choice field may take (plan keys and the models' choices), swapped in at times.
CHOICES: dict[str, list[str]] = {
    "category": ["brewing_unrest", "other", "township", "district", "complaint"],
    "source": [*WarningSource.values, *IncidentSource.values],
    "channel": Channel.values,
    "capacity": PartyCapacity.values,
    "state": ["dispatched", "arrived"],
    "urgency": ["general", "urgent"],
    "potential_harm": ["minor", "severe"],
}
#: Which table a body's id field names.
MEMBER_FIELDS = {"wearer_id", "member_id", "leader_id", "lead_official_id", "responsible_person_id"}
UNIT_FIELDS = {"village_id", "unit_id", "handling_unit_id", "accused_unit_id"}

#: Requests sent, by operation and status (printed at the end of the module).
SENT: Counter[tuple[str, int]] = Counter()


def _ids(model: type) -> list[int]:
    township = Township.objects.get(code="demo")
    if model in (Demand, TaskForceMember):
        field = "incident__township" if model is Demand else "task_force__incident__township"
        return list(model._default_manager.filter(**{field: township}).values_list("pk", flat=True))
    if model is RoutingSuggestion:
        return list(model._default_manager.values_list("pk", flat=True))
    return list(model._default_manager.filter(township=township).values_list("pk", flat=True))


@schema.hook
def flatmap_path_parameters(context, path_parameters: dict[str, Any]):
    """Keep the generated value or swap in a seeded row's id (and a real step name)."""
    if not isinstance(path_parameters, dict):
        return st.just(path_parameters)
    path = context.operation.path if context.operation else ""
    choices: dict[str, st.SearchStrategy] = {}
    for name, value in path_parameters.items():
        options: list[Any] = [value]
        if name == "pk":
            model = next((m for prefix, m in PATH_MODELS if path.startswith(prefix)), None)
            options += _ids(model) if model else []
        elif name == "name":
            options += sorted(STEPS)
        choices[name] = st.sampled_from(options)
    return st.fixed_dictionaries(choices) if choices else st.just(path_parameters)


@schema.hook
def flatmap_body(context, body: Any):
    """Swap generated member, unit and party ids and choice values of a JSON body for real ones, at times."""
    if not isinstance(body, dict):
        return st.just(body)
    township = Township.objects.get(code="demo")
    members = list(Member.objects.filter(township=township).values_list("pk", flat=True))
    units = list(Unit.objects.filter(township=township).values_list("pk", flat=True))
    parties = list(Party.objects.filter(township=township).values_list("pk", flat=True))
    fields: dict[str, st.SearchStrategy] = {}
    for key, value in body.items():
        if key in MEMBER_FIELDS and isinstance(value, int):
            fields[key] = st.sampled_from([value, *members])
        elif key in UNIT_FIELDS and isinstance(value, int):
            fields[key] = st.sampled_from([value, *units])
        elif key == "unit_ids" and isinstance(value, list):
            fields[key] = st.one_of(st.just(value), st.lists(st.sampled_from(units), max_size=3))
        elif key == "party_ids" and isinstance(value, list) and parties:
            fields[key] = st.one_of(st.just(value), st.lists(st.sampled_from(parties), max_size=2))
        elif key in CHOICES and isinstance(value, str):
            fields[key] = st.sampled_from([value, *CHOICES[key]])
        else:
            fields[key] = st.just(value)
    return st.fixed_dictionaries(fields)


@schemathesis.check
def readable_client_error(ctx, response, case) -> bool | None:
    """A 4xx answers JSON whose every message is Chinese text (``yingji.api.errors``)."""
    SENT[(case.operation.label, response.status_code)] += 1
    if not 400 <= response.status_code < 500:
        return None
    content_type = response.headers.get("content-type", [""])[0]
    if not content_type.startswith("application/json"):
        raise AssertionError(f"{response.status_code} is not JSON: {response.text[:200]!r}")
    messages = messages_of(response.json())
    if not messages or not all(CJK.search(m) for m in messages):
        raise AssertionError(f"{response.status_code} without a readable message: {response.text}")
    return True


def messages_of(body: Any) -> list[str]:
    """The human messages of an API error body, in each of the shapes the API answers."""
    detail = body.get("detail", body.get("errors")) if isinstance(body, dict) else None
    if isinstance(detail, str):
        return [detail]
    if isinstance(detail, list):
        return [str(e.get("msg", "")) for e in detail if isinstance(e, dict)]
    if isinstance(detail, dict):
        if "problems" in detail:  # an import refused for its rows: each row's message
            return [str(p.get("message", "")) for p in detail["problems"] if isinstance(p, dict)]
        return [
            str(v)
            for value in detail.values()
            for v in (value if isinstance(value, list) else [value])
        ]
    return []


def seed(demo: Township) -> None:
    """Rows for the path ids: an activated incident with evidence, a party and a demand; a warning; a case."""
    a = actors(demo)
    incident = activated(demo)
    staff = a[Role.PEACE_OFFICE_STAFF]
    now = timezone.now()
    actions_scene.register_evidence(
        staff,
        incident,
        camera_id="DSJ-01",
        wearer=person(demo, "刘洋"),
        started_at=now - timedelta(minutes=30),
        ended_at=now - timedelta(minutes=10),
        file_name="DSJ-01-0001.mp4",
        storage_place="平安办证据柜",
        sha256="a" * 64,
    )
    party = actions_scene.add_party(staff, incident, name="张某", contact="13800000000")
    actions_scene.register_demand(staff, incident, content="要求补发征地补偿款", parties=[party])
    warnings.register(
        staff, demo, category="brewing_unrest", source="village_reporter", summary="村民反映补偿款"
    )
    petitions.receive_case(staff, demo, channel="visit", summary="反映补偿款发放问题")


@pytest.fixture(scope="module")
def logged_in(django_db_setup, django_db_blocker) -> Iterator[dict[str, dict[str, str]]]:
    """Seed once for the module (rolled back at its end); each test's own changes roll back too."""
    with django_db_blocker.unblock(), transaction.atomic():
        create_demo_township()
        demo = Township.objects.get(code="demo")
        seed(demo)
        client = client_for(member_of(demo, Role.PEACE_OFFICE_HEAD))
        token = _get_new_csrf_string()
        yield {
            "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": token},
            "headers": {"X-CSRFToken": token},
        }
        transaction.set_rollback(True)
    print("\nschemathesis: requests by operation and status")  # noqa: T201 - the run's figures
    for (label, status), n in sorted(SENT.items()):
        print(f"  {label:60} {status} × {n}")  # noqa: T201
    print(f"  {len({k[0] for k in SENT})} operations, {sum(SENT.values())} requests")  # noqa: T201


@pytest.fixture(autouse=True)
def _one_connection():
    # Like Django's test client: a request must not close the test's connection (PostgreSQL).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_api(case, logged_in, db):
    case.call_and_validate(
        cookies=logged_in["cookies"],
        headers=logged_in["headers"],
        checks=[not_a_server_error, readable_client_error],
    )
