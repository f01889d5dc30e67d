"""One warning through every state (plan §五): timestamps, risk matrix, audit, deadlines, links."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from tests.conftest import member_of
from yingji.audit.models import AuditEvent
from yingji.deadlines.queries import deadlines_of
from yingji.earlywarning import actions
from yingji.earlywarning.models import Warning
from yingji.incidents.models import Incident
from yingji.notify.models import Notification
from yingji.orgs.access import Actor
from yingji.orgs.choices import Role
from yingji.orgs.models import Member, Unit
from yingji.petitions.models import PetitionCase

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 29, 9, 0, tzinfo=SH)


def staff_of(township):
    return Actor.for_member(member_of(township, Role.PEACE_OFFICE_STAFF))


def register(township, at=T0, **extra):
    fields = {
        "category": "internal_dispute",
        "source": "village_reporter",
        "summary": "东岭村村民因征地的补偿款分配不满，扬言聚集",
        "cause": "征地补偿款分配方案未公示",
        "village": Unit.objects.get(township=township, name="东岭村"),
        "address": "三组村委会门前",
        "headcount": 12,
        "development": "已在微信群串联",
        "measures": "村两委入户解释政策",
        "expected_at": at + timedelta(days=2),
        **extra,
    }
    with time_machine.travel(at, tick=False):
        return actions.register(staff_of(township), township, at=at, **fields)


def test_it_walks_a_warning_through_every_state(demo):
    staff = staff_of(demo)
    head = Actor.for_member(member_of(demo, Role.HEAD))
    warning = register(demo, discovered_at=T0 - timedelta(minutes=20))
    assert warning.number == "YJ2026-0001" and warning.status == "registered"
    assert warning.discovered_at == T0 - timedelta(minutes=20)
    # 立即核实 30 minutes and the report 60 minutes, both from registration (configured, §五(三)).
    assert [(d.rule, d.due_at, d.state) for d in deadlines_of(warning)] == [
        ("warning_verify", T0 + timedelta(minutes=30), "open"),
        ("warning_report", T0 + timedelta(minutes=60), "open"),
    ]

    with time_machine.travel(T0 + timedelta(minutes=10), tick=False):
        warning = actions.verify(staff, warning, note="电话联系村支书核实属实")
    with time_machine.travel(T0 + timedelta(minutes=25), tick=False):
        warning = actions.report(staff, warning, urgency="urgent", potential_harm="serious")
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        warning = actions.assess(head, warning, urgency="very_urgent", potential_harm="serious")
    lead = Member.objects.get(township=demo, name="李卫东")
    units = list(Unit.objects.filter(township=demo, name__in=["东岭村", "社会事务办公室"]))
    with time_machine.travel(T0 + timedelta(hours=3), tick=False):
        warning = actions.start_handling(
            head, warning, lead_official=lead, units=units, measures="成立专班入户疏导"
        )
    with time_machine.travel(T0 + timedelta(hours=5), tick=False):
        actions.add_progress(staff, warning, text="已走访 8 户")
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        warning = actions.mark_controlled(head, warning, note="群众情绪稳定")
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        warning = actions.resolve(head, warning, resolution="补偿方案公示并兑付")

    warning.refresh_from_db()
    assert warning.status == "resolved"
    assert (
        warning.discovered_at,
        warning.verified_at,
        warning.reported_at,
        warning.assessed_at,
        warning.handling_started_at,
        warning.controlled_at,
        warning.resolved_at,
        warning.closed_at,
    ) == (
        T0 - timedelta(minutes=20),
        T0 + timedelta(minutes=10),
        T0 + timedelta(minutes=25),
        T0 + timedelta(hours=2),
        T0 + timedelta(hours=3),
        T0 + timedelta(days=1),
        T0 + timedelta(days=3),
        T0 + timedelta(days=3),
    )
    assert warning.durations() == {
        "to_report": timedelta(minutes=45),
        "to_control": timedelta(days=1, minutes=-25),
        "to_resolve": timedelta(days=2),
        "total": timedelta(days=3, minutes=20),
    }
    # 特别紧急 × 较大 → 高风险 in the plan's matrix.
    assert (warning.urgency, warning.potential_harm, warning.risk_level) == (
        "very_urgent",
        "serious",
        "high",
    )
    assert warning.lead_official == lead
    assert sorted(u.name for u in warning.units.all()) == ["东岭村", "社会事务办公室"]
    assert [p.text for p in warning.progress.all()] == ["已走访 8 户", "群众情绪稳定"]
    assert [(d.rule, d.state, d.satisfied_at) for d in deadlines_of(warning)] == [
        ("warning_verify", "satisfied", T0 + timedelta(minutes=10)),
        ("warning_report", "satisfied", T0 + timedelta(minutes=25)),
    ]
    events = AuditEvent.objects.filter(
        object_type="earlywarning.warning", object_id=str(warning.pk)
    )
    assert [e.action for e in events.order_by("at", "id")] == [
        "earlywarning.register",
        "earlywarning.verify",
        "earlywarning.update",
        "earlywarning.report",
        "earlywarning.assess",
        "earlywarning.start_handling",
        "earlywarning.progress",
        "earlywarning.mark_controlled",
        "earlywarning.resolve",
    ]
    report = warning.report
    assert report.recipient.name == "王建国" and report.reported_at == T0 + timedelta(minutes=25)
    assert [(c["name"], c["value"]) for c in report.contents] == [
        ("时间", "2026年12月1日 09:00"),
        ("地点", "东岭村三组村委会门前"),
        ("原因", "征地补偿款分配方案未公示"),
        ("参与人数", "12"),
        ("可能造成的危害程度", "较大"),
        ("紧急程度", "紧急"),
        ("事态发展", "已在微信群串联"),
        ("应采取的措施", "村两委入户解释政策"),
    ]
    assert (
        Notification.objects.filter(kind="warning.reported", recipient__name="王建国").count() == 1
    )
    assert Notification.objects.get(kind="warning.handling").recipient == lead


def test_it_escalates_to_an_incident_with_links_both_ways(demo):
    warning = register(demo)
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        incident = actions.escalate(staff_of(demo), warning, category="district")
    warning.refresh_from_db()
    assert warning.status == "escalated" and warning.closed_at == T0 + timedelta(minutes=5)
    assert warning.outcome == incident and isinstance(incident, Incident)
    assert incident.source_object == warning and incident.source == "warning"
    assert (incident.place, incident.headcount, incident.received_at) == (
        "东岭村三组村委会门前",
        12,
        T0 + timedelta(minutes=5),
    )
    assert {d.state for d in deadlines_of(warning)} == {"cancelled"}
    assert [d.rule for d in deadlines_of(incident)] == ["incident_report"]
    assert AuditEvent.objects.filter(action="earlywarning.escalate").get().after[
        "outcome_number"
    ] == (incident.number)


def test_it_converts_to_a_petition_case_with_links_both_ways(demo):
    warning = register(demo)
    actions.verify(staff_of(demo), warning, at=T0 + timedelta(minutes=1))
    case = actions.convert(staff_of(demo), warning, at=T0 + timedelta(minutes=30))
    warning.refresh_from_db()
    assert warning.status == "converted" and isinstance(case, PetitionCase)
    assert warning.outcome == case and case.source_object == warning and case.channel == "warning"
    assert warning.outcome_type == ContentType.objects.get_for_model(PetitionCase)


def test_dismiss_needs_a_reason_and_cancels_deadlines(demo):
    warning = register(demo)
    with pytest.raises(ValidationError) as exc:
        actions.dismiss(staff_of(demo), warning, reason=" ")
    assert "reason" in exc.value.error_dict
    warning = actions.dismiss(
        staff_of(demo), warning, reason="经核实系误传", at=T0 + timedelta(minutes=9)
    )
    assert (warning.status, warning.dismiss_reason) == ("dismissed", "经核实系误传")
    assert [d.state for d in deadlines_of(warning)] == ["cancelled", "cancelled"]
    with pytest.raises(ValidationError):
        actions.verify(staff_of(demo), warning)


def test_an_incomplete_report_is_refused_naming_what_is_missing(demo):
    warning = register(demo, expected_at=None, development="", headcount=None, measures="")
    actions.verify(staff_of(demo), warning, at=T0 + timedelta(minutes=1))
    with pytest.raises(ValidationError) as exc:
        actions.report(staff_of(demo), warning, at=T0 + timedelta(minutes=2))
    errors = {k: [str(m) for m in v] for k, v in exc.value.message_dict.items()}
    assert errors == {
        "expected_at": ["报告须写明：时间。"],
        "headcount": ["报告须写明：参与人数。"],
        "potential_harm": ["报告须写明：可能造成的危害程度。"],
        "urgency": ["报告须写明：紧急程度。"],
        "development": ["报告须写明：事态发展。"],
        "measures": ["报告须写明：应采取的措施。"],
    }
    warning.refresh_from_db()
    assert warning.status == "verified" and warning.reported_at is None
    assert not AuditEvent.objects.filter(action="earlywarning.report").exists()


def test_register_validates_and_checks_permission(demo, other):
    with pytest.raises(ValidationError) as exc:
        actions.register(
            staff_of(demo),
            demo,
            category="riot",
            source="rumour",
            summary="",
            village=Unit.objects.get(township=other, name="东岭村"),
            urgency="extreme",
        )
    assert set(exc.value.error_dict) == {"category", "source", "summary", "village", "urgency"}
    with pytest.raises(PermissionDenied):
        actions.register(
            Actor.for_member(member_of(demo, Role.AUDITOR)),
            demo,
            category="other",
            source="hotline",
            summary="x",
        )
    with pytest.raises(PermissionDenied):
        actions.register(staff_of(other), demo, category="other", source="hotline", summary="x")
    assert not Warning.objects.exists()


def test_update_changes_open_warnings_only_and_keeps_search_in_step(demo):
    from yingji.earlywarning.queries import LedgerFilter, ledger

    warning = register(demo)
    warning = actions.update(staff_of(demo), warning, summary="南湖社区拆迁安置纠纷", headcount=20)
    assert list(ledger(demo, LedgerFilter(q="拆迁安置"))) == [warning]
    assert AuditEvent.objects.get(action="earlywarning.update").after == {
        "summary": "南湖社区拆迁安置纠纷",
        "headcount": 20,
    }
    actions.dismiss(staff_of(demo), warning, reason="重复登记", at=T0 + timedelta(minutes=1))
    with pytest.raises(ValidationError):
        actions.update(staff_of(demo), warning, headcount=3)


def test_a_registration_time_in_the_future_is_refused(demo):
    with pytest.raises(ValidationError) as exc:
        register(demo, discovered_at=T0 + timedelta(hours=1))
    assert exc.value.message_dict == {"discovered_at": ["登记时间不能晚于当前时间。"]}
