"""A user of one township never reads or changes another township's data."""

import pytest
from django.urls import reverse

from tests.conftest import client_for, member_of
from yingji.orgs.choices import Role
from yingji.orgs.models import DutyShift, LeadingGroupSeat, Member, Unit
from yingji.orgs.queries import upcoming_shifts

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_a(demo, other):
    return client_for(member_of(demo, Role.PEACE_OFFICE_HEAD))


def test_overview_lists_only_own_township(client_a, demo, other):
    Unit.objects.filter(township=other, name="东岭村").update(name="另一镇独有村")
    page = client_a.get(reverse("orgs:overview")).content.decode()
    assert "东岭村" in page and "另一镇独有村" not in page
    rows = (
        4
        + demo.seats.count()
        + demo.units.count()
        + demo.members.count()
        + upcoming_shifts(demo).count()
    )
    assert (
        page.count("<tr>") == rows
    )  # 4 header rows, then one row per record of this township only


@pytest.mark.parametrize(
    "name, model",
    [
        ("orgs:unit_edit", Unit),
        ("orgs:member_edit", Member),
        ("orgs:member_login", Member),
    ],
)
def test_other_townships_pages_are_not_found(client_a, other, name, model):
    obj = model.objects.filter(township=other).first()
    assert client_a.get(reverse(name, args=[obj.pk])).status_code == 404
    assert (
        client_a.post(reverse(name, args=[obj.pk]), {"name": "改", "username": "x"}).status_code
        == 404
    )


@pytest.mark.parametrize(
    "name, model", [("orgs:seat_remove", LeadingGroupSeat), ("orgs:shift_remove", DutyShift)]
)
def test_other_townships_rows_cannot_be_removed(client_a, other, name, model):
    obj = model.objects.filter(township=other).first()
    assert client_a.post(reverse(name, args=[obj.pk])).status_code == 404
    assert model.objects.filter(pk=obj.pk).exists()


def test_other_townships_members_cannot_be_seated(client_a, demo, other):
    foreign = Member.objects.filter(township=other).first()
    response = client_a.post(
        reverse("orgs:seat_set"), {"member": foreign.pk, "seat": "member", "order": 0}
    )
    assert response.status_code == 200  # the form is shown again with the error
    assert "member" in response.context["form"].errors
    assert not LeadingGroupSeat.objects.filter(township=demo, member=foreign).exists()


def test_api_plan_is_own_townships(client_a, demo, other):
    data = client_a.get("/api/plan").json()
    assert (data["code"], data["version"]) == ("township-petition", demo.plan_version.version)


def test_home_shows_own_township(client_a, demo):
    page = client_a.get(reverse("home")).content.decode()
    assert "示例镇" in page and "另一镇" not in page


def test_the_public_visitor_holds_no_permission(demo):
    # The petitioner's status page acts without a member; that must not make it the system.
    from django.core.exceptions import PermissionDenied

    from yingji.incidents.access import is_handler as handles_incident
    from yingji.incidents.models import Incident
    from yingji.orgs.access import Actor, can, require
    from yingji.orgs.permissions import PERMISSIONS
    from yingji.petitions.access import is_handler as handles_case
    from yingji.petitions.models import PetitionCase

    visitor = Actor.public_visitor("信访人（查询页）", "203.0.113.9")
    assert not visitor.is_system
    assert [p for p in PERMISSIONS if can(visitor, p)] == []
    with pytest.raises(PermissionDenied):
        require(visitor, "petitions.view", demo)
    assert not handles_case(visitor, PetitionCase(township=demo))
    assert not handles_incident(visitor, Incident(township=demo))
    assert Actor.system().is_system and can(Actor.system(), "orgs.manage")
