"""Receiving an incident opens the 15-minute verified-report deadline (plan §六(二))."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.conftest import member_of
from yingji.audit.models import AuditEvent
from yingji.deadlines.queries import deadlines_of
from yingji.incidents.actions import receive_incident
from yingji.incidents.models import Incident
from yingji.orgs.access import Actor
from yingji.orgs.choices import Role

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 29, 9, 0, tzinfo=SH)


def test_receive_numbers_the_incident_and_opens_the_report_deadline(demo):
    staff = Actor.for_member(member_of(demo, Role.PEACE_OFFICE_STAFF))
    first = receive_incident(
        staff,
        demo,
        category="district",
        source="caller",
        summary="二十余人到区信访局集访",
        received_at=T0,
        headcount=23,
    )
    second = receive_incident(
        staff,
        demo,
        category="township",
        source="unit",
        summary="东岭村村民聚集",
        received_at=T0 + timedelta(minutes=5),
    )
    assert (first.number, second.number) == ("SJ2026-0001", "SJ2026-0002")
    assert first.plan_version == demo.plan_version and first.received_by.name == "刘洋"
    assert [(d.rule, d.due_at) for d in deadlines_of(first)] == [
        ("incident_report", T0 + timedelta(minutes=15))
    ]
    assert AuditEvent.objects.filter(action="incidents.receive").count() == 2


def test_unknown_category_and_wrong_role_are_refused(demo):
    staff = Actor.for_member(member_of(demo, Role.PEACE_OFFICE_STAFF))
    with pytest.raises(ValidationError):
        receive_incident(
            staff, demo, category="nowhere", source="caller", summary="x", received_at=T0
        )
    with pytest.raises(PermissionDenied):
        receive_incident(
            Actor.for_member(member_of(demo, Role.AUDITOR)),
            demo,
            category="district",
            source="caller",
            summary="x",
            received_at=T0,
        )
    assert Incident.objects.count() == 0
