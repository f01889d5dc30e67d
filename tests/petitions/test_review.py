"""Written reply, delivery, review and re-review windows (《信访工作条例》 Art. 32, 35, 36)."""

from datetime import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from yingji.deadlines.queries import deadlines_of
from yingji.petitions import actions
from yingji.petitions.choices import CaseStatus, DocumentKind

from .conftest import SH, in_resolution, receive

pytestmark = pytest.mark.django_db

REPLY = {
    "request": "要求重新测量宅基地面积",
    "facts": "经调取1998年确权档案，面积记载有误",
    "decision": "依档案重新测量并更正登记",
    "basis": "《不动产登记暂行条例》第九条",
    "review_body": "区人民政府",
}


def replied(demo, staff, peace_head, delivered=datetime(2026, 4, 10, 15, 0, tzinfo=SH)):
    case = in_resolution(demo, staff, peace_head, datetime(2026, 3, 2, 10, 0, tzinfo=SH))
    with time_machine.travel(datetime(2026, 4, 9, 16, 0, tzinfo=SH), tick=False):
        reply = actions.issue_reply(staff, case, **REPLY)
    with time_machine.travel(datetime(2026, 4, 10, 18, 0, tzinfo=SH), tick=False):
        actions.record_delivery(
            staff, reply, method="in_person", delivered_at=delivered, note="本人签收"
        )
    case.refresh_from_db()
    return case, reply


def test_the_reply_states_every_part_and_concludes_in_time(demo, staff, peace_head):
    case, reply = replied(demo, staff, peace_head)
    assert case.status == CaseStatus.REPLIED
    for part in REPLY.values():
        assert part in reply.body
    assert "自收到本意见书之日起30日内请求区人民政府复查" in reply.body
    # Issued by the township government that accepted the case (Art. 32), not the responsible unit.
    assert case.handling_unit is not None
    assert reply.issuer == "示例镇人民政府" and reply.body.endswith(
        "\n示例镇人民政府\n2026年4月9日"
    )
    [conclude] = [d for d in deadlines_of(case) if d.rule == actions.CONCLUDE_RULE]
    assert conclude.kept is True
    # Delivered 10 April: the window's last day is 10 May, ending 24:00.
    assert case.review_window_ends_at == datetime(2026, 5, 11, 0, 0, tzinfo=SH)
    delivery = reply.deliveries.get()
    assert (delivery.method, delivery.note) == ("in_person", "本人签收")


def test_each_part_of_the_reply_is_required(demo, staff, peace_head):
    case = in_resolution(demo, staff, peace_head, datetime(2026, 3, 2, 10, 0, tzinfo=SH))
    with pytest.raises(ValidationError) as err:
        actions.issue_reply(staff, case, **{**REPLY, "facts": "", "basis": " "})
    assert set(err.value.message_dict) == {"facts", "basis"}


def test_a_review_request_on_the_last_day_opens_30_days_for_the_opinion(demo, staff, peace_head):
    case, _ = replied(demo, staff, peace_head)
    actions.request_review(staff, case, requested_at=datetime(2026, 5, 10, 23, 0, tzinfo=SH))
    [opinion] = [d for d in deadlines_of(case) if d.rule == actions.REVIEW_RULE]
    assert (opinion.source, opinion.due_at) == (
        "《信访工作条例》第三十五条",
        datetime(2026, 6, 10, 0, 0, tzinfo=SH),
    )
    assert case.status == CaseStatus.REVIEW_REQUESTED


def test_a_review_request_one_day_after_its_window_is_refused_with_the_reason(
    demo, staff, peace_head
):
    case, _ = replied(demo, staff, peace_head)
    with pytest.raises(ValidationError) as err:
        actions.request_review(staff, case, requested_at=datetime(2026, 5, 11, 9, 0, tzinfo=SH))
    message = err.value.message_dict["requested_at"][0]
    assert "2026-05-11" in message and "2026-05-10" in message
    case.refresh_from_db()
    assert case.status == CaseStatus.REPLIED
    assert not [d for d in deadlines_of(case) if d.rule == actions.REVIEW_RULE]


def test_no_review_before_the_reply_is_delivered(demo, staff, peace_head):
    case = in_resolution(demo, staff, peace_head, datetime(2026, 3, 2, 10, 0, tzinfo=SH))
    actions.issue_reply(staff, case, **REPLY, at=datetime(2026, 4, 9, tzinfo=SH))
    with pytest.raises(ValidationError, match="delivery|送达"):
        actions.request_review(staff, case, requested_at=datetime(2026, 4, 12, tzinfo=SH))


def test_re_review_closes_the_matter_and_no_new_case_is_taken(demo, staff, peace_head):
    case, _ = replied(demo, staff, peace_head)
    actions.request_review(staff, case, requested_at=datetime(2026, 4, 20, 9, 0, tzinfo=SH))
    with time_machine.travel(datetime(2026, 5, 8, 9, 0, tzinfo=SH), tick=False):
        opinion = actions.issue_review_opinion(
            staff, case, opinion="维持原处理意见", basis="同上", re_review_body="市人民政府"
        )
        actions.record_delivery(
            staff, opinion, method="post", delivered_at=datetime(2026, 5, 8, 9, 0, tzinfo=SH)
        )
    case.refresh_from_db()
    assert case.re_review_window_ends_at == datetime(2026, 6, 8, 0, 0, tzinfo=SH)
    assert "向市人民政府请求复核" in opinion.body
    with pytest.raises(ValidationError):
        actions.request_re_review(staff, case, requested_at=datetime(2026, 6, 8, 0, 1, tzinfo=SH))
    actions.request_re_review(staff, case, requested_at=datetime(2026, 6, 1, 9, 0, tzinfo=SH))
    [rr] = [d for d in deadlines_of(case) if d.rule == actions.RE_REVIEW_RULE]
    assert rr.due_at == datetime(2026, 7, 2, 0, 0, tzinfo=SH)
    with time_machine.travel(datetime(2026, 6, 20, 9, 0, tzinfo=SH), tick=False):
        final = actions.issue_re_review_opinion(staff, case, opinion="维持", basis="同上")
    case.refresh_from_db()
    assert case.status == CaseStatus.FINAL
    assert final.kind == DocumentKind.RE_REVIEW_OPINION and "不再受理" in final.body
    assert {d.state for d in deadlines_of(case)} == {"satisfied"}
    with pytest.raises(ValidationError) as err:
        receive(demo, staff, datetime(2026, 7, 1, 9, 0, tzinfo=SH), same_matter_as=case)
    assert case.number in err.value.message_dict["same_matter_as"][0]


def test_a_new_case_on_a_matter_still_in_time_is_flagged_and_linked(demo, staff):
    first = receive(demo, staff, datetime(2026, 3, 1, 9, 0, tzinfo=SH))
    second = receive(demo, staff, datetime(2026, 3, 5, 9, 0, tzinfo=SH), same_matter_as=first)
    other = receive(demo, staff, datetime(2026, 3, 6, 9, 0, tzinfo=SH))
    assert second.same_matter_flag is True and other.same_matter_flag is False
    assert list(first.related.all()) == [second]


def test_the_delivery_is_not_in_the_future_nor_before_the_document(demo, staff, peace_head):
    case = in_resolution(demo, staff, peace_head, datetime(2026, 3, 2, 10, 0, tzinfo=SH))
    with time_machine.travel(datetime(2026, 4, 9, 16, 0, tzinfo=SH), tick=False):
        reply = actions.issue_reply(staff, case, **REPLY)
        with pytest.raises(ValidationError) as err:
            actions.record_delivery(
                staff, reply, method="sms", delivered_at=datetime(2026, 4, 10, tzinfo=SH)
            )
        assert "delivered_at" in err.value.message_dict
        with pytest.raises(ValidationError):
            actions.record_delivery(
                staff, reply, method="sms", delivered_at=datetime(2026, 4, 8, tzinfo=SH)
            )


def test_a_delivery_typed_in_the_minute_of_issue_is_taken_as_just_after_it(demo, staff, peace_head):
    # The form takes the time to the minute: 16:00 typed for a reply issued at 16:00:40 is kept,
    # recorded at the moment of issue; 15:59 is refused, naming the time of issue.
    case = in_resolution(demo, staff, peace_head, datetime(2026, 3, 2, 10, 0, tzinfo=SH))
    issued_at = datetime(2026, 4, 9, 16, 0, 40, tzinfo=SH)
    with time_machine.travel(issued_at, tick=False):
        reply = actions.issue_reply(staff, case, **REPLY)
    with time_machine.travel(datetime(2026, 4, 9, 16, 1, 5, tzinfo=SH), tick=False):
        with pytest.raises(ValidationError) as err:
            actions.record_delivery(
                staff, reply, method="sms", delivered_at=datetime(2026, 4, 9, 15, 59, tzinfo=SH)
            )
        assert err.value.message_dict["delivered_at"] == [
            "送达时间不能早于文书出具时间（2026年4月9日 16:00）。"
        ]
        delivery = actions.record_delivery(
            staff, reply, method="sms", delivered_at=datetime(2026, 4, 9, 16, 0, tzinfo=SH)
        )
    assert delivery.delivered_at == issued_at
