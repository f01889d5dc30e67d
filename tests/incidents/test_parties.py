"""Incident parties: encrypted at rest, shown to those handling the incident only, every read logged (DESIGN.md §6)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from tests.conftest import client_for, member_of
from tests.incidents.helpers import REPORT, T0, actors, person
from yingji.audit.models import PersonalDataAccess
from yingji.incidents import actions, actions_scene
from yingji.incidents.access import is_handler, party_details
from yingji.incidents.forms import report_form
from yingji.incidents.models import Demand, Party
from yingji.orgs.access import Actor
from yingji.orgs.choices import Role
from yingji.petitions import access as petitions_access

REP, REP_PHONE = "欧阳振华", "13912345678"
PETITIONER, PETITIONER_PHONE = "司马秀英", "13800001111"


def activated(demo, *, task_force: tuple[str, ...] = ("周伟",)):
    """Return an activated incident with two parties and a task force of ``task_force`` (demo names)."""
    a = actors(demo)
    staff = a[Role.PEACE_OFFICE_STAFF]
    incident = actions.receive_incident(
        staff, demo, category="district", source="caller", summary="征地补偿款争议聚集"
    )
    actions_scene.add_party(staff, incident, name=REP, contact=REP_PHONE, capacity="representative")
    actions_scene.add_party(staff, incident, name=PETITIONER, contact=PETITIONER_PHONE)
    actions.verify_incident(staff, incident, true=True)
    form = report_form(incident)
    lead = form.fields["lead_persons"].initial
    assert REP not in lead and PETITIONER not in lead and "代表" in lead
    actions.send_report(staff, incident, {**REPORT, "lead_persons": lead})
    actions.activate(a[Role.HEAD], incident)
    actions.form_task_force(
        a[Role.HEAD], incident, members=[("police_station", person(demo, n)) for n in task_force]
    )
    incident.refresh_from_db()
    return incident


def _names(text: str) -> list[str]:
    return [s for s in (REP, REP_PHONE, PETITIONER, PETITIONER_PHONE) if s in text]


@pytest.mark.django_db(transaction=True)
def test_the_database_file_holds_no_party_name_or_contact(demo, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the raw-file search reads an SQLite database file")
    a = actors(demo)
    with time_machine.travel(T0, tick=False):
        incident = activated(demo)
        parties = list(incident.parties.all())
        demand = actions_scene.register_demand(
            a[Role.TASK_FORCE_MEMBER], incident, content="补发征地补偿款", parties=parties
        )
        staff = a[Role.PEACE_OFFICE_STAFF]
        actions_scene.demand_to_case(staff, demand)
        page = client_for(staff.member).get(f"/incidents/{incident.pk}/").content.decode()
        assert _names(page) == [REP, REP_PHONE, PETITIONER, PETITIONER_PHONE]
    path = Path(tmp_path) / "copy.sqlite3"
    target = sqlite3.connect(path)
    connection.ensure_connection()
    connection.connection.backup(target)
    target.close()
    raw = path.read_bytes()
    assert "征地补偿款争议聚集".encode() in raw  # the search sees clear text where there is some
    for secret in (REP, REP_PHONE, PETITIONER, PETITIONER_PHONE):
        assert secret.encode("utf-8") not in raw
        assert secret.encode("utf-16-le") not in raw
    assert all(p.name_enc.startswith("gAAAA") for p in Party.objects.all())


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.AUDITOR, Role.TASK_FORCE_MEMBER, Role.ADMIN])
def test_a_reader_outside_the_handlers_gets_no_names(demo, role):
    with time_machine.travel(T0, tick=False):
        incident = activated(demo)  # 黄磊 (the task-force login) is not on this task force
        actions_scene.register_demand(
            actors(demo)[Role.PEACE_OFFICE_STAFF],
            incident,
            content="补发征地补偿款",
            parties=list(incident.parties.all()),
        )
    reads = PersonalDataAccess.objects.count()  # the demand's content was checked: one read
    assert reads == 1
    outsider = member_of(demo, role)
    assert not is_handler(Actor.for_member(outsider), incident)
    with pytest.raises(PermissionDenied):
        party_details(Actor.for_member(outsider), incident, purpose="test")
    client = client_for(outsider)
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert _names(page) == []
    assert page.count("已隐去") >= 4  # two in the parties list, two on the demand
    assert "代表" in page and "仅向处置本事件的人员显示" in page
    body = client.get(f"/api/incidents/{incident.pk}").json()
    assert body["parties"] == [
        {"id": p.pk, "capacity": p.capacity} for p in incident.parties.order_by("id")
    ]
    assert _names(str(body)) == []
    assert client.get(f"/api/incidents/{incident.pk}/parties").status_code == 403
    assert PersonalDataAccess.objects.count() == reads


@pytest.mark.django_db
def test_a_handlers_read_is_logged_with_who_what_and_why(demo, other):
    with time_machine.travel(T0, tick=False):
        incident = activated(demo)
    assert PersonalDataAccess.objects.count() == 0
    staff = client_for(member_of(demo, Role.PEACE_OFFICE_STAFF))
    page = staff.get(f"/incidents/{incident.pk}/").content.decode()
    assert _names(page) == [REP, REP_PHONE, PETITIONER, PETITIONER_PHONE]
    assert f"{REP}（群体推选的代表）" in page  # the demand form's checkbox
    api = staff.get(f"/api/incidents/{incident.pk}/parties").json()
    assert [(p["name"], p["contact"], p["capacity"]) for p in api] == [
        (REP, REP_PHONE, "representative"),
        (PETITIONER, PETITIONER_PHONE, "petitioner"),
    ]
    member = Actor.for_member(member_of(demo, Role.MEMBER))  # a leading-group member
    assert [d.name for d in party_details(member, incident, purpose="test")] == [REP, PETITIONER]
    log = list(PersonalDataAccess.objects.order_by("at", "id"))
    assert [(r.actor_label, r.object_label, r.object_id, r.purpose, r.fields) for r in log] == [
        ("刘洋", incident.number, str(incident.pk), "incident_page", ["name", "contact"]),
        ("刘洋", incident.number, str(incident.pk), "api", ["name", "contact"]),
        (member.label, incident.number, str(incident.pk), "test", ["name", "contact"]),
    ]
    assert log[0].object_type == "incidents.incident" and log[0].township == demo
    assert log[0].source_ip == "127.0.0.1"
    # The auditor reads the log (incident number, fields, purpose), never the details.
    audit_page = client_for(member_of(demo, Role.AUDITOR)).get("/petitions/access-log/")
    text = audit_page.content.decode()
    assert text.count(incident.number) == 3 and "incident_page" in text and _names(text) == []
    # A task-force member reads once on this incident's task force, not before.
    huang = Actor.for_member(member_of(demo, Role.TASK_FORCE_MEMBER))
    assert not is_handler(huang, incident)
    actions.form_task_force(
        actors(demo)[Role.HEAD], incident, members=[("villages", person(demo, "黄磊"))]
    )
    incident.refresh_from_db()
    assert party_details(huang, incident, purpose="on_scene")[0].contact == REP_PHONE
    # Another township's staff: 404, and nothing read.
    outsider = client_for(member_of(other, Role.PEACE_OFFICE_STAFF))
    assert outsider.get(f"/api/incidents/{incident.pk}/parties").status_code == 404
    assert PersonalDataAccess.objects.count() == 4


@pytest.mark.django_db
def test_a_demand_becomes_a_case_with_its_parties(demo):
    a = actors(demo)
    staff = a[Role.PEACE_OFFICE_STAFF]
    with time_machine.travel(T0, tick=False):
        incident = activated(demo)
        rep, petitioner = incident.parties.order_by("id")
        # The demand's clear text refuses a party's name or contact, and the check is a logged read.
        with pytest.raises(ValidationError) as err:
            actions_scene.register_demand(
                a[Role.TASK_FORCE_MEMBER], incident, content=f"{REP}要求补发补偿款", parties=[rep]
            )
        assert set(err.value.message_dict) == {"content"}
        check = PersonalDataAccess.objects.get()
        assert (check.actor_label, check.purpose) == ("黄磊", "check_demand_text")
        demand = actions_scene.register_demand(
            a[Role.TASK_FORCE_MEMBER], incident, content="要求补发补偿款", parties=[rep, petitioner]
        )
        # A demand recorded before the check may still name them: the case withholds them.
        Demand.objects.filter(pk=demand.pk).update(
            content=f"{REP}等要求补发补偿款，回电{REP_PHONE}"
        )
        demand.refresh_from_db()
        case = actions_scene.demand_to_case(staff, demand)
    # A group: its representative is the case's party; the petitioner behind it is not recorded.
    details = petitions_access.party_details(staff, case, purpose="test")
    assert [(d.role, d.name, d.phone, d.address) for d in details] == [
        ("representative", REP, REP_PHONE, "")
    ]
    assert case.is_group
    assert case.summary == f"{incident.number} （已隐去）等要求补发补偿款，回电（已隐去）"
    assert case.content == "（已隐去）等要求补发补偿款，回电（已隐去）"
    read = PersonalDataAccess.objects.get(purpose="demand_to_case")
    assert (read.actor_label, read.object_label, read.fields) == (
        "刘洋",
        incident.number,
        ["name", "contact"],
    )
    # Petitioners only: each of them is a party of the case.
    with time_machine.travel(T0, tick=False):
        second = actions_scene.register_demand(
            a[Role.TASK_FORCE_MEMBER], incident, content="公开补偿标准", parties=[petitioner]
        )
        case2 = actions_scene.demand_to_case(staff, second)
    [only] = petitions_access.party_details(staff, case2, purpose="test")
    assert (only.role, only.name, only.phone) == ("petitioner", PETITIONER, PETITIONER_PHONE)
    assert not case2.is_group


@pytest.mark.django_db
def test_more_than_five_people_need_representatives(demo):
    a = actors(demo)
    staff = a[Role.PEACE_OFFICE_STAFF]
    with time_machine.travel(T0, tick=False):
        incident = activated(demo)
        incident.parties.filter(capacity="representative").update(capacity="petitioner")
        for i in range(5):
            actions_scene.add_party(staff, incident, name=f"群众{i}号", contact=f"1370000000{i}")
        crowd = list(incident.parties.all())
        demand = actions_scene.register_demand(staff, incident, content="补发", parties=crowd)
        with pytest.raises(ValidationError, match="代表"):
            actions_scene.demand_to_case(staff, demand)
        assert not PersonalDataAccess.objects.filter(purpose="demand_to_case").exists()
        actions_scene.add_party(staff, incident, name="诸葛明", capacity="representative")
        case = actions_scene.demand_to_case(staff, demand)
    details = petitions_access.party_details(staff, case, purpose="test")
    assert [(d.role, d.name) for d in details] == [("representative", "诸葛明")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_existing_rows_and_drops_the_clear_columns(demo):
    from django.db.migrations.executor import MigrationExecutor

    with time_machine.travel(T0, tick=False):
        incident = activated(demo)
    executor = MigrationExecutor(connection)
    executor.migrate([("incidents", "0002_response")])
    old = executor.loader.project_state([("incidents", "0002_response")]).apps
    OldParty = old.get_model("incidents", "Party")
    assert sorted(OldParty.objects.values_list("name", "contact")) == sorted(
        [(REP, REP_PHONE), (PETITIONER, PETITIONER_PHONE)]
    )
    OldParty.objects.create(
        township_id=demo.pk, incident_id=incident.pk, name="慕容雪", contact="13600000000"
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    with connection.cursor() as cursor:
        columns = [
            c.name
            for c in connection.introspection.get_table_description(cursor, "incidents_party")
        ]
    assert "name" not in columns and "contact" not in columns
    system = Actor.system("test")
    assert [(d.name, d.contact) for d in party_details(system, incident, purpose="test")] == [
        (REP, REP_PHONE),
        (PETITIONER, PETITIONER_PHONE),
        ("慕容雪", "13600000000"),
    ]
