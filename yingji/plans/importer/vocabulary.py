"""The words of petition-work plans the importer knows, mapped to the plan schema's keys.

Keys in the plan are English snake_case (GLOSSARY.md); a document names things
in Chinese. A name found here gets its key with high confidence; a name not
found gets a generated key (``warning_1``, ``field_3``) and a low-confidence
note for the reviewer.
"""

from __future__ import annotations

import re

from yingji.plans.schema import Event, UnitKind

#: 领导小组 seats, plan §四.
SEATS = {"组长": "head", "副组长": "deputy", "组员": "member", "成员": "member"}

#: Task-force units, plan §六(四): (pattern, key, unit kind or None for leaders in person).
UNITS: list[tuple[str, str, UnitKind | None]] = [
    (r"平安办", "peace_office", UnitKind.PEACE_OFFICE),
    (r"派出所", "police_station", UnitKind.POLICE_STATION),
    (r"综合执法|执法大队", "law_enforcement_brigade", UnitKind.LAW_ENFORCEMENT_BRIGADE),
    (r"村|社区", "villages", UnitKind.VILLAGE),
    (r"办|所|中心|站", "offices", UnitKind.OFFICE),
    (r"领导", "leaders", None),
]

#: Report contents, plan §五(三), §六(二).
REPORT_FIELDS = {
    "时间": "time",
    "地点": "place",
    "原因": "cause",
    "参与人数": "headcount",
    "人数": "headcount",
    "信访人（牵头人员）": "lead_persons",
    "牵头人员": "lead_persons",
    "可能造成的危害程度": "potential_harm",
    "危害程度": "potential_harm",
    "紧急程度": "urgency",
    "事态发展": "development",
    "应采取的措施": "measures",
    "措施": "measures",
}

#: The five-ones method (“五个一”工作法), plan §七(一).
FIVE_ONES = {
    "责任单位": "responsible_unit",
    "牵头领导": "lead_official",
    "包案领导": "lead_official",
    "责任人": "responsible_person",
    "工作措施": "measures",
    "化解方案": "resolution_plan",
}


def unit(name: str) -> tuple[str, UnitKind | None] | None:
    """Return ``(key, unit kind)`` for a task-force unit name, or None if the name is not known."""
    for pattern, key, kind in UNITS:
        if re.search(pattern, name):
            return key, kind
    return None


def events(starts: str, ends: str, phase: str) -> tuple[Event | None, Event | None, str]:
    """Return ``(starts_on, ends_on, note)`` for a time limit's start and end words.

    ``phase`` is ``"warning"`` or ``"incident"`` (the plan part the limit is in).
    A task force's arrival limit starts when the plan is activated: the task
    force exists only from then (plan §六(三)–(四)); ``note`` says so.
    """
    warning = phase == "warning"
    ends_on: Event | None = None
    starts_on: Event | None = None
    note = ""
    if re.search(r"前往|赶赴|到达|抵达", ends):
        ends_on = Event.TASK_FORCE_FIRST_ARRIVAL
        starts_on = Event.INCIDENT_ACTIVATED
        note = "arrival"
    elif re.search(r"汇报|报告|上报|报送", ends):
        ends_on = Event.WARNING_REPORTED if warning else Event.INCIDENT_REPORTED
    elif "核实" in ends:
        ends_on = Event.WARNING_VERIFIED if warning else Event.INCIDENT_VERIFIED
    elif "启动" in ends:
        ends_on = None if warning else Event.INCIDENT_ACTIVATED
    if starts_on is None:
        if re.search(r"收到|接到|接报|获知|发现|发生|收集", starts):
            starts_on = Event.WARNING_REGISTERED if warning else Event.INCIDENT_RECEIVED
        elif "启动" in starts:
            starts_on = Event.INCIDENT_ACTIVATED
        elif "核实" in starts:
            starts_on = Event.WARNING_VERIFIED if warning else Event.INCIDENT_VERIFIED
    return starts_on, ends_on, note
