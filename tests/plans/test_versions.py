"""Plans are versioned: a published version never changes; townships move by adopting."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.conftest import member_of
from yingji.audit.models import AuditEvent
from yingji.orgs.access import Actor
from yingji.orgs.choices import Role
from yingji.plans.actions import DEFAULT_PLAN_PATH, adopt_plan, ensure_default_plan, publish_plan
from yingji.plans.check import PlanInvalid
from yingji.plans.models import PlanVersion

pytestmark = pytest.mark.django_db
DEFAULT = DEFAULT_PLAN_PATH.read_text(encoding="utf-8")


def test_publishing_the_same_text_twice_keeps_one_version(system):
    first = ensure_default_plan(system)
    again = ensure_default_plan(system)
    assert first.pk == again.pk and first.version == 1
    assert PlanVersion.objects.count() == 1
    assert first.plan.deadlines[0].minutes == 15


def test_new_version_leaves_the_old_one_and_its_township_alone(demo, system):
    old = demo.plan_version
    new = publish_plan(system, DEFAULT.replace("minutes: 15", "minutes: 10"))
    assert (new.code, new.version) == ("township-petition", 2)
    old.refresh_from_db()
    demo.refresh_from_db()
    assert old.plan.deadlines[0].minutes == 15
    assert demo.plan_version_id == old.pk
    adopt_plan(system, demo, new)
    demo.refresh_from_db()
    assert demo.plan_version.plan.deadlines[0].minutes == 10
    assert AuditEvent.objects.filter(action="plans.adopt", object_id=str(demo.pk)).count() == 1


def test_a_published_version_cannot_be_edited(system):
    version = ensure_default_plan(system)
    version.title = "改过的标题"
    with pytest.raises(ValidationError):
        version.save()
    assert PlanVersion.objects.get().title == "XX镇信访维稳工作应急处置预案"


def test_invalid_text_publishes_nothing(system):
    with pytest.raises(PlanInvalid) as caught:
        publish_plan(system, DEFAULT.replace("group_threshold: 5", "group_threshold: 1"))
    assert [p.field for p in caught.value.problems] == ["group_threshold"]
    assert PlanVersion.objects.count() == 0


def test_only_the_peace_office_head_and_admin_publish(demo):
    staff = Actor.for_member(member_of(demo, Role.PEACE_OFFICE_STAFF))
    with pytest.raises(PermissionDenied):
        publish_plan(staff, DEFAULT.replace("minutes: 15", "minutes: 12"))
    head = Actor.for_member(member_of(demo, Role.PEACE_OFFICE_HEAD))
    assert (
        publish_plan(head, DEFAULT.replace("minutes: 15", "minutes: 12"), township=demo).version
        == 2
    )


def test_a_plan_for_every_township_is_published_by_the_system_only(demo):
    # A township's peace office head publishes for their own township, never for all of them.
    head = Actor.for_member(member_of(demo, Role.PEACE_OFFICE_HEAD))
    with pytest.raises(PermissionDenied):
        publish_plan(head, DEFAULT.replace("minutes: 15", "minutes: 12"))
    with pytest.raises(PermissionDenied):
        ensure_default_plan(head)
    assert list(PlanVersion.objects.values_list("version", "township")) == [(1, None)]
