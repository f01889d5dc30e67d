"""A known month (November 2026) of warnings, incidents and petition cases, with its figures by hand.

Judged at ``NOW`` (1 December 2026 12:00, Asia/Shanghai).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine

from tests.conftest import member_of
from tests.earlywarning.test_lifecycle import register, staff_of
from tests.incidents.helpers import REPORT, actors, person
from tests.petitions.conftest import actor, in_resolution, receive
from yingji.earlywarning import actions as ew
from yingji.incidents import actions as incidents
from yingji.orgs.access import Actor
from yingji.orgs.choices import Role
from yingji.orgs.models import Member, Unit
from yingji.petitions import actions as petitions

SH = ZoneInfo("Asia/Shanghai")
MONTH = "2026-11"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=SH)

REPLY = {
    "request": "确权",
    "facts": "档案齐全",
    "decision": "予以支持",
    "basis": "《土地管理法》",
    "review_body": "区人民政府",
}


def _warning(
    township,
    discovered: datetime,
    report_after: int,
    control_after=None,
    resolve_after=None,
    category="internal_dispute",
):
    staff = staff_of(township)
    head = Actor.for_member(member_of(township, Role.HEAD))
    w = register(township, at=discovered, category=category)
    with time_machine.travel(discovered + timedelta(minutes=1), tick=False):
        w = ew.verify(staff, w, note="属实")
    with time_machine.travel(discovered + timedelta(minutes=report_after), tick=False):
        w = ew.report(staff, w, urgency="urgent", potential_harm="serious")
    if control_after is None:
        return w
    with time_machine.travel(discovered + timedelta(minutes=report_after + 1), tick=False):
        w = ew.assess(head, w, urgency="urgent", potential_harm="serious")
        w = ew.start_handling(
            head,
            w,
            lead_official=Member.objects.get(township=township, name="李卫东"),
            units=list(Unit.objects.filter(township=township, name="东岭村")),
            measures="入户疏导",
        )
    with time_machine.travel(discovered + timedelta(minutes=control_after), tick=False):
        w = ew.mark_controlled(head, w, note="稳定")
    if resolve_after is not None:
        with time_machine.travel(discovered + timedelta(minutes=resolve_after), tick=False):
            w = ew.resolve(head, w, resolution="兑付")
    return w


def _incident(township, received: datetime, arrive_after: int):
    """A district incident reported 10 minutes after receipt, activated at 12, arriving ``arrive_after`` later."""
    a = actors(township)
    with time_machine.travel(received, tick=False) as clock:
        incident = incidents.receive_incident(
            a[Role.PEACE_OFFICE_STAFF],
            township,
            category="district",
            source="caller",
            summary="群众到区集访",
            place="区信访局",
            headcount=20,
        )
        clock.shift(timedelta(minutes=6))
        incidents.verify_incident(a[Role.PEACE_OFFICE_STAFF], incident, true=True)
        clock.shift(timedelta(minutes=4))
        incidents.send_report(a[Role.PEACE_OFFICE_STAFF], incident, REPORT)
        clock.shift(timedelta(minutes=2))
        incidents.activate(a[Role.HEAD], incident)
        tf = incidents.form_task_force(
            a[Role.HEAD],
            incident,
            members=[("villages", person(township, "黄磊"))],
            leader=person(township, "黄磊"),
        )
        place = tf.members.get()
        incidents.check_in(a[Role.TASK_FORCE_MEMBER], place, arrived=False)
        clock.shift(timedelta(minutes=arrive_after))
        incidents.check_in(a[Role.TASK_FORCE_MEMBER], place, arrived=True)
    return incident


def build(township) -> None:
    """Write the month: 3 warnings, 2 district incidents, 5 petition cases."""
    _warning(township, datetime(2026, 11, 5, 9, 0, tzinfo=SH), 25, 1440, 4320)
    _warning(township, datetime(2026, 11, 10, 10, 0, tzinfo=SH), 45)
    _warning(township, datetime(2026, 11, 12, 8, 0, tzinfo=SH), 5, 120, category="other")
    # One outside the month: counted nowhere.
    _warning(township, datetime(2026, 10, 31, 15, 0, tzinfo=SH), 3)

    _incident(township, datetime(2026, 11, 8, 9, 0, tzinfo=SH), 43)  # report kept; arrival breached
    _incident(township, datetime(2026, 11, 18, 9, 0, tzinfo=SH), 25)  # both kept

    staff = actor(township, Role.PEACE_OFFICE_STAFF)
    peace_head = actor(township, Role.PEACE_OFFICE_HEAD)
    public = Actor(user=None, member=None, label="信访人")
    a = in_resolution(township, staff, peace_head, datetime(2026, 11, 2, 9, 0, tzinfo=SH))
    e = in_resolution(township, staff, peace_head, datetime(2026, 11, 3, 9, 0, tzinfo=SH))
    for case, day, rating in ((a, 20, "satisfied"), (e, 23, "dissatisfied")):
        with time_machine.travel(datetime(2026, 11, day, 10, 0, tzinfo=SH), tick=False):
            petitions.issue_reply(staff, case, **REPLY)
            case.refresh_from_db()
            petitions.rate_case(public, case, query_code=case.query_code, rating=rating)
    b = receive(township, staff, datetime(2026, 11, 3, 9, 0, tzinfo=SH))
    petitions.decline_case(
        staff, b, reason="不属于信访事项", at=datetime(2026, 11, 5, 9, 0, tzinfo=SH)
    )
    receive(
        township, staff, datetime(2026, 11, 4, 9, 0, tzinfo=SH)
    )  # no decision: breached on the 20th
    in_resolution(township, staff, peace_head, datetime(2026, 11, 10, 9, 0, tzinfo=SH))


#: The figures of November 2026 worked out by hand (numerator, denominator).
RATES = {
    # Two incidents, each reported 10 minutes after receipt (limit 15).
    "report_on_time": (2, 2),
    # Arrivals 43 and 25 minutes after activation (limit 40).
    "arrival_on_time": (1, 2),
    # a, e, b decided within 15 days, d too; c never (due 19 Nov 24:00, breached by 1 Dec).
    "response": (4, 5),
    # Accepted: a, e (replied) and d (in resolution).
    "resolution": (2, 3),
    # Rated: a satisfied, e dissatisfied.
    "satisfaction": (1, 2),
}
#: Durations (sorted) by hand: minutes for warnings, days for cases.
DURATIONS = {
    "warning_to_report": [5, 25, 45],  # median 25, p90 = 25 + 0.8 × 20 = 41
    "warning_to_control": [120, 1440],  # median 780, p90 = 120 + 0.9 × 1320 = 1308
    "warning_to_resolve": [4320],
    "case_to_decision": [0, 0, 0, 2],  # a, e, d accepted on receipt; b declined after 2 days
    "case_to_conclusion": [18 + 1 / 24, 20 + 1 / 24],  # a 2→20 Nov, e 3→23 Nov, 09:00→10:00
}
MEDIAN_P90 = {
    "warning_to_report": (25, 41),
    "warning_to_control": (780, 1308),
    "warning_to_resolve": (4320, 4320),
    "case_to_decision": (0, 1.4),  # h = 3 × 0.9 = 2.7: 0 + 0.7 × 2
}
