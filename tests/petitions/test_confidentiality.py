"""Petitioners' details: encrypted at rest, shown to handlers only, every read logged (DESIGN.md §6)."""

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404

from tests.conftest import client_for, member_of
from yingji.audit.models import PersonalDataAccess
from yingji.orgs.access import Actor
from yingji.orgs.choices import Role
from yingji.orgs.models import Unit
from yingji.petitions import actions
from yingji.petitions.access import get_case, party_details, visible_cases
from yingji.petitions.models import Party

from .conftest import NAME, PHONE, SH, five_ones, receive


@pytest.mark.django_db(transaction=True)
def test_the_database_file_holds_no_name_or_phone_in_clear_text(demo, staff, peace_head, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip(
            "the raw-file search reads an SQLite database file; PostgreSQL stores pages elsewhere"
        )
    case = receive(demo, staff, datetime(2026, 3, 1, 9, 0, tzinfo=SH), summary="村道硬化资金去向")
    actions.accept_case(staff, case, at=datetime(2026, 3, 2, tzinfo=SH))
    actions.set_five_ones(peace_head, case, **five_ones(demo))
    details = party_details(staff, case, purpose="test")
    assert (details[0].name, details[0].phone) == (NAME, PHONE)
    # Write the whole database, as SQLite keeps it, to a file and search its raw bytes.
    path = Path(tmp_path) / "copy.sqlite3"
    target = sqlite3.connect(path)
    connection.ensure_connection()
    connection.connection.backup(target)
    target.close()
    raw = path.read_bytes()
    assert "村道硬化资金去向".encode() in raw  # the search sees clear text where there is some
    for secret in (NAME, PHONE, "东岭村3组"):
        assert secret.encode("utf-8") not in raw
        assert secret.encode("utf-16-le") not in raw
    assert Party.objects.get().name_enc.startswith("gAAAA")  # a Fernet token


@pytest.mark.django_db
def test_every_read_is_in_the_access_log_and_the_auditor_sees_it(demo, staff):
    case = receive(demo, staff, datetime(2026, 3, 1, 9, 0, tzinfo=SH))
    assert PersonalDataAccess.objects.count() == 0
    client = client_for(staff.member)
    page = client.get(f"/petitions/{case.pk}/").content.decode()
    assert NAME not in page and PersonalDataAccess.objects.count() == 0
    page = client.get(f"/petitions/{case.pk}/?show=parties").content.decode()
    assert NAME in page and PHONE in page
    api = client.get(f"/api/petitions/cases/{case.pk}/parties").json()
    assert api[0]["name"] == NAME
    log = list(PersonalDataAccess.objects.order_by("at", "id"))
    assert [(r.actor_label, r.object_label, r.purpose, r.fields) for r in log] == [
        ("刘洋", case.number, "case_page", ["name", "phone", "address"]),
        ("刘洋", case.number, "api", ["name", "phone", "address"]),
    ]
    auditor = client_for(member_of(demo, Role.AUDITOR))
    audit_page = auditor.get("/petitions/access-log/").content.decode()
    assert audit_page.count(case.number) == 2 and NAME not in audit_page
    assert client.get("/petitions/access-log/").status_code == 403


@pytest.mark.django_db
def test_only_handlers_read_the_details(demo, staff, peace_head):
    case = receive(demo, staff, datetime(2026, 3, 1, 9, 0, tzinfo=SH))
    task_force = Actor.for_member(member_of(demo, Role.TASK_FORCE_MEMBER))
    with pytest.raises(PermissionDenied):
        party_details(task_force, case, purpose="test")
    page = client_for(task_force.member).get(f"/petitions/{case.pk}/?show=parties").content.decode()
    assert NAME not in page
    assert PersonalDataAccess.objects.count() == 0
    actions.set_five_ones(peace_head, case, **five_ones(demo))  # 黄磊 becomes responsible
    assert party_details(task_force, case, purpose="test")[0].name == NAME


@pytest.mark.django_db
def test_a_report_is_hidden_from_the_unit_it_accuses(demo, staff):
    village = Unit.objects.get(township=demo, name="东岭村")
    case = receive(
        demo,
        staff,
        datetime(2026, 3, 1, 9, 0, tzinfo=SH),
        category="report",
        accused_unit=village,
        summary="检举村干部截留补偿款",
    )
    accused = Actor.for_member(member_of(demo, Role.TASK_FORCE_MEMBER))  # 黄磊 of 东岭村
    assert case not in visible_cases(accused)
    with pytest.raises(Http404):
        get_case(accused, case.pk)
    client = client_for(accused.member)
    assert client.get(f"/petitions/{case.pk}/").status_code == 404
    assert "检举村干部" not in client.get("/petitions/?view=all").content.decode()
    assert client.get(f"/api/petitions/cases/{case.pk}").status_code == 404
    assert case in visible_cases(staff)


@pytest.mark.django_db
def test_another_township_sees_nothing(demo, other, staff):
    case = receive(demo, staff, datetime(2026, 3, 1, 9, 0, tzinfo=SH))
    outsider = client_for(member_of(other, Role.PEACE_OFFICE_STAFF))
    assert outsider.get(f"/petitions/{case.pk}/").status_code == 404
    assert outsider.get(f"/api/petitions/cases/{case.pk}").status_code == 404
    assert case.number not in outsider.get("/petitions/?view=all").content.decode()


def test_a_malformed_key_fails_the_system_check(settings):
    from yingji.crypto import check_key

    assert check_key() == []
    settings.YINGJI_PII_KEY = "not-a-key"
    [error] = check_key()
    assert error.id == "yingji.E601"


@pytest.mark.django_db
def test_the_summary_and_content_carry_no_petitioner_details(demo, staff):
    with pytest.raises(ValidationError) as err:
        receive(demo, staff, datetime(2026, 3, 1, 9, 0, tzinfo=SH), summary=f"{NAME}反映宅基地纠纷")
    assert set(err.value.message_dict) == {"summary"}
    with pytest.raises(ValidationError) as err:
        receive(demo, staff, datetime(2026, 3, 1, 9, 0, tzinfo=SH), content=f"联系电话{PHONE}")
    assert set(err.value.message_dict) == {"content"}


@pytest.mark.django_db
def test_the_related_case_choices_leave_out_a_report_against_ones_own_unit(demo, staff, peace_head):
    peace_office = Unit.objects.get(township=demo, name="镇平安办")
    report = receive(
        demo,
        peace_head,
        datetime(2026, 3, 1, 9, 0, tzinfo=SH),
        category="report",
        accused_unit=peace_office,
        summary="检举平安办工作人员",
    )
    village = Unit.objects.get(township=demo, name="东岭村")
    other_report = receive(
        demo,
        staff,
        datetime(2026, 3, 1, 10, 0, tzinfo=SH),
        category="report",
        accused_unit=village,
        summary="检举村干部截留补偿款",
    )
    case = receive(demo, staff, datetime(2026, 3, 2, 9, 0, tzinfo=SH))
    client = client_for(staff.member)  # 刘洋 of 镇平安办, the accused unit of ``report``
    for url in ("/petitions/new/", f"/petitions/{case.pk}/link/"):
        page = client.get(url).content.decode()
        assert report.number not in page, url
        assert case.number in page and other_report.number in page, url
    # A report against another unit, or a member of no accused unit, lists it.
    assert (
        report.number
        in client_for(member_of(demo, Role.DEPUTY))
        .get(f"/petitions/{case.pk}/link/")
        .content.decode()
    )
    # Posting the hidden case's id is refused as an unknown choice and links nothing.
    refused = client.post(f"/petitions/{case.pk}/link/", {"other": report.pk})
    assert refused.status_code == 200 and list(refused.context["form"].errors) == ["other"]
    assert list(case.related.all()) == []
    api = client.post(
        f"/api/petitions/cases/{case.pk}/steps/link",
        {"other": report.pk},
        content_type="application/json",
    )
    assert api.status_code == 422 and list(api.json()["errors"]) == ["other"]
