"""Every statutory deadline of a petition case, with frozen time (《信访工作条例》 Art. 22, 23, 34)."""

from datetime import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from yingji.deadlines.queries import deadlines_of
from yingji.petitions import actions
from yingji.petitions.choices import CaseStatus, DocumentKind

from .conftest import SH, in_resolution, receive

pytestmark = pytest.mark.django_db


def rules(case):
    return {d.rule: d for d in deadlines_of(case)}


def test_acceptance_within_15_days_is_kept_and_opens_60_days(demo, staff):
    case = receive(demo, staff, datetime(2026, 3, 1, 9, 0, tzinfo=SH))
    at = datetime(2026, 3, 2, 10, 0, tzinfo=SH)
    with time_machine.travel(at, tick=False):
        doc = actions.accept_case(staff, case)
    d = rules(case)
    assert d[actions.ACCEPTANCE_RULE].due_at == datetime(2026, 3, 17, 0, 0, tzinfo=SH)
    assert d[actions.ACCEPTANCE_RULE].state == "satisfied" and d[actions.ACCEPTANCE_RULE].kept
    # 60 days from 2 March: last day 1 May, due 24:00 (Art. 31(6), 34).
    conclude = d[actions.CONCLUDE_RULE]
    assert (conclude.due_at, conclude.state, conclude.source) == (
        datetime(2026, 5, 2, 0, 0, tzinfo=SH),
        "open",
        "《信访工作条例》第三十一条第六项、第三十四条",
    )
    assert doc.kind == DocumentKind.ACCEPTANCE and case.number in doc.body
    assert "60日内办结" in doc.body


def test_a_decision_after_15_days_is_recorded_as_not_kept(demo, staff):
    case = receive(demo, staff, datetime(2026, 3, 1, 9, 0, tzinfo=SH))
    with time_machine.travel(datetime(2026, 3, 17, 8, 0, tzinfo=SH), tick=False):
        actions.decline_case(staff, case, reason="不属于信访事项")
    d = rules(case)[actions.ACCEPTANCE_RULE]
    assert d.kept is False
    case.refresh_from_db()
    assert case.status == CaseStatus.DECLINED


def test_decline_names_the_route_of_a_complaint_for_litigation(demo, staff):
    case = receive(demo, staff, datetime(2026, 3, 1, 9, 0, tzinfo=SH), complaint_route="litigation")
    with pytest.raises(ValidationError) as err:
        actions.accept_case(staff, case, at=datetime(2026, 3, 2, tzinfo=SH))
    assert "complaint_route" in err.value.message_dict
    doc = actions.decline_case(
        staff, case, reason="已进入诉讼程序", at=datetime(2026, 3, 2, tzinfo=SH)
    )
    assert "通过诉讼途径提出" in doc.body


def test_objection_across_a_weekend(demo, staff):
    case = receive(demo, staff, datetime(2026, 3, 5, 10, 0, tzinfo=SH), channel="assignment")
    d = rules(case)[actions.OBJECTION_RULE]
    assert (d.unit, d.amount, d.source) == ("workdays", 5, "《信访工作条例》第二十三条")
    assert d.due_at == datetime(2026, 3, 13, 0, 0, tzinfo=SH)
    actions.object_to_transfer(
        staff, case, reason="属区住建局职责", at=datetime(2026, 3, 12, 17, 0, tzinfo=SH)
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.OBJECTED
    assert rules(case)[actions.OBJECTION_RULE].kept is True


def test_objection_across_the_spring_festival_with_its_adjusted_saturday(demo, staff):
    case = receive(demo, staff, datetime(2026, 2, 13, 9, 0, tzinfo=SH), channel="transfer")
    assert rules(case)[actions.OBJECTION_RULE].due_at == datetime(2026, 2, 28, 0, 0, tzinfo=SH)
    with pytest.raises(ValidationError) as err:
        actions.object_to_transfer(
            staff, case, reason="x", at=datetime(2026, 2, 28, 9, 0, tzinfo=SH)
        )
    assert "2026-02-28 00:00" in err.value.message_dict["reason"][0]
    actions.object_to_transfer(
        staff, case, reason="属区人社局职责", at=datetime(2026, 2, 27, 16, 0, tzinfo=SH)
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.OBJECTED


def test_only_cases_from_above_can_be_objected_to(demo, staff):
    case = receive(demo, staff, datetime(2026, 3, 5, 10, 0, tzinfo=SH))
    assert actions.OBJECTION_RULE not in rules(case)
    with pytest.raises(ValidationError):
        actions.object_to_transfer(staff, case, reason="x", at=datetime(2026, 3, 6, tzinfo=SH))


def test_transfer_tells_the_petitioner_and_ends_the_deadlines(demo, staff):
    case = receive(demo, staff, datetime(2026, 3, 1, 9, 0, tzinfo=SH))
    doc = actions.transfer_case(
        staff, case, to_body="区人力资源和社会保障局", at=datetime(2026, 3, 3, tzinfo=SH)
    )
    assert "转送区人力资源和社会保障局" in doc.body
    assert rules(case)[actions.ACCEPTANCE_RULE].kept is True


def test_extension_approved_by_the_head_moves_the_deadline_and_tells_the_reason(
    demo, staff, peace_head, head
):
    case = in_resolution(demo, staff, peace_head, datetime(2026, 3, 2, 10, 0, tzinfo=SH))
    with time_machine.travel(datetime(2026, 4, 20, 9, 0, tzinfo=SH), tick=False):
        actions.request_extension(staff, case, days=20, reason="需等待区自然资源局测绘结果")
        with pytest.raises(PermissionDenied):
            actions.decide_extension(staff, case, approve=True)
        doc = actions.decide_extension(head, case, approve=True)
    d = rules(case)
    assert d[actions.CONCLUDE_RULE].state == "satisfied"
    extended = d[actions.EXTENDED_RULE]
    # 80 days from 2 March: last day 21 May.
    assert (extended.amount, extended.due_at) == (80, datetime(2026, 5, 22, 0, 0, tzinfo=SH))
    assert doc.kind == DocumentKind.EXTENSION
    assert "需等待区自然资源局测绘结果" in doc.body and "延长20日" in doc.body
    with pytest.raises(ValidationError, match="once|一次"):
        actions.request_extension(staff, case, days=5, reason="再次延期")


def test_extension_refused_leaves_the_60_days(demo, staff, peace_head, head):
    case = in_resolution(demo, staff, peace_head, datetime(2026, 3, 2, 10, 0, tzinfo=SH))
    with time_machine.travel(datetime(2026, 4, 20, 9, 0, tzinfo=SH), tick=False):
        with pytest.raises(ValidationError) as err:
            actions.request_extension(staff, case, days=31, reason="")
        assert set(err.value.message_dict) == {"days", "reason"}
        actions.request_extension(staff, case, days=10, reason="材料未齐")
        with pytest.raises(ValidationError):
            actions.decide_extension(head, case, approve=False)  # a refusal says why
        assert actions.decide_extension(head, case, approve=False, note="理由不充分") is None
    case.refresh_from_db()
    assert case.extension_state == "refused"
    d = rules(case)
    assert actions.EXTENDED_RULE not in d
    assert (d[actions.CONCLUDE_RULE].state, d[actions.CONCLUDE_RULE].due_at) == (
        "open",
        datetime(2026, 5, 2, 0, 0, tzinfo=SH),
    )
    assert not case.documents.filter(kind=DocumentKind.EXTENSION).exists()
