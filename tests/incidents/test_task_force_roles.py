"""The task force (工作专班, plan §四, §六(四)) takes only roles that handle matters."""

import pytest
from django.core.exceptions import ValidationError

from tests.conftest import client_for, member_of
from yingji.incidents import actions
from yingji.incidents.forms import TaskForceForm
from yingji.incidents.models import TaskForce
from yingji.orgs.choices import HANDLING_ROLES, Role
from yingji.orgs.models import Member

from .helpers import actors, person
from .scenario import activated

pytestmark = pytest.mark.django_db


def test_the_roles_that_handle_are_all_but_the_auditor_and_the_administrator():
    assert set(Role) - HANDLING_ROLES == {Role.AUDITOR, Role.ADMIN}


def test_the_form_offers_neither_the_auditor_nor_the_administrator(demo):
    incident = activated(demo, task_force=False)
    form = TaskForceForm(incident=incident)
    offered = {m.name for field in form.fields.values() for m in field.queryset}
    assert "冯晓" not in offered and "林峰" not in offered  # the auditor; the administrator
    assert {"王建国", "刘洋", "黄磊", "周伟", "孙志强"} <= offered
    assert {m.name for m in form.fields["unit_offices"].queryset} == {"孙志强", "何丽"}
    page = client_for(member_of(demo, Role.HEAD)).get(f"/incidents/{incident.pk}/task-force/")
    text = page.content.decode()
    assert "冯晓" not in text and "林峰" not in text and "何丽" in text


def test_the_action_refuses_them_as_members_or_leader(demo):
    incident = activated(demo, task_force=False)
    head = actors(demo)[Role.HEAD]
    admin = Member.objects.get(township=demo, name="林峰")  # 系统管理员 of 党政综合办公室
    auditor = Member.objects.get(township=demo, name="冯晓")  # 审计员, no unit
    with pytest.raises(ValidationError) as err:
        actions.form_task_force(head, incident, members=[("offices", admin)])
    assert err.value.message_dict == {"members": ["林峰的角色不参与事项处置。"]}
    with pytest.raises(ValidationError) as err:
        actions.form_task_force(head, incident, members=[("leaders", auditor)])
    assert err.value.message_dict == {"members": ["冯晓的角色不参与事项处置。"]}
    with pytest.raises(ValidationError) as err:
        actions.form_task_force(
            head, incident, members=[("peace_office", person(demo, "刘洋"))], leader=auditor
        )
    assert err.value.message_dict == {"leader": ["冯晓不能在此担任专班负责人。"]}
    assert not TaskForce.objects.filter(incident=incident).exists()
