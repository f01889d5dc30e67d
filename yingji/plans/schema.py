"""The plan schema: what a township's emergency response plan holds as data (DESIGN.md §2).

A plan is a YAML document validated by :class:`Plan`. Field validation (types,
required fields, value ranges) is pydantic's; the cross-references between
parts of a plan (a deadline naming an incident category, a report naming a
report field) are checked by :func:`cross_reference_problems`, which returns
problems with the path of the offending field so that ``yingji plan check`` can
name its line. Units: every duration is in **minutes** of wall time.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Code = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$", max_length=64)]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]


class Event(StrEnum):
    """The events a deadline may start or end on (DESIGN.md §3: every arrow is one action)."""

    WARNING_REGISTERED = "warning.registered"
    WARNING_VERIFIED = "warning.verified"
    WARNING_REPORTED = "warning.reported"
    WARNING_CONTROLLED = "warning.controlled"
    WARNING_RESOLVED = "warning.resolved"
    INCIDENT_RECEIVED = "incident.received"
    INCIDENT_VERIFIED = "incident.verified"
    INCIDENT_REPORTED = "incident.reported"
    INCIDENT_ACTIVATED = "incident.activated"
    TASK_FORCE_FORMED = "task_force.formed"
    TASK_FORCE_FIRST_ARRIVAL = "task_force.first_arrival"
    SCENE_CLOSED = "scene.closed"
    INCIDENT_CLOSED = "incident.closed"


#: Events of the early-warning ledger; deadlines starting on these run on warnings, not incidents.
WARNING_EVENTS = frozenset(
    {
        Event.WARNING_REGISTERED,
        Event.WARNING_VERIFIED,
        Event.WARNING_REPORTED,
        Event.WARNING_CONTROLLED,
        Event.WARNING_RESOLVED,
    }
)


class UnitKind(StrEnum):
    """Kinds of township unit that a plan may name (plan §二(二), §六(四))."""

    PEACE_OFFICE = "peace_office"
    POLICE_STATION = "police_station"
    LAW_ENFORCEMENT_BRIGADE = "law_enforcement_brigade"
    VILLAGE = "village"
    OFFICE = "office"


class EscalationRole(StrEnum):
    """Who an unanswered breach is escalated to, in order (DESIGN.md §4)."""

    DUTY_OFFICER = "duty_officer"
    PEACE_OFFICE_HEAD = "peace_office_head"
    HEAD = "head"


class _Model(BaseModel):
    # Unknown fields are errors: a typo in a plan must not be silently ignored.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Named(_Model):
    """A keyed, named item: ``{key: snake_case, name: 中文名称}``; ``section`` cites the plan."""

    key: Key
    name: Text
    section: str | None = None


class Seat(Named):
    """A leading-group seat (组长 / 副组长 / 组员), plan §四."""


class LeadingGroup(_Model):
    """The leading group (领导小组) and its seats, plan §四."""

    name: Text
    seats: list[Seat] = Field(min_length=1)


class LeadOffice(_Model):
    """The office that leads the work and keeps the ledger, plan §二(二), §五(二)."""

    name: Text
    unit_kind: UnitKind


class TaskForceUnit(Named):
    """A kind of member of the task force (工作专班), plan §六(四).

    ``unit_kind`` is empty for the township leaders, who join in person rather
    than through a unit.
    """

    unit_kind: UnitKind | None = None


class Roles(_Model):
    """Roles of the plan: leading group, lead office and the task-force units."""

    leading_group: LeadingGroup
    lead_office: LeadOffice
    task_force_units: list[TaskForceUnit] = Field(min_length=1)


class ReportContents(_Model):
    """What a report must contain: keys into :attr:`Plan.report_fields`."""

    section: str | None = None
    fields: list[Key] = Field(min_length=1)


class ReportContentSets(_Model):
    """Report contents of the warning report (§五(三)) and the incident report (§六(二))."""

    warning: ReportContents
    incident: ReportContents


class ChecklistStep(_Model):
    """One step of a tier's response, ticked by the task force on scene (plan §六(五))."""

    key: Key
    title: Text
    text: Text
    section: str | None = None


class IncidentCategory(Named):
    """An incident category and response tier, plan §六(一) with its checklist from §六(五)."""

    short_name: Text
    tier: int = Field(ge=1, le=9)
    response_section: str | None = None
    checklist: list[ChecklistStep] = Field(min_length=1)


class PlanDeadline(_Model):
    """A time limit of the plan: ``minutes`` of wall time from ``starts_on`` to ``ends_on``.

    ``applies_to`` names incident categories; empty means every category.
    ``configured`` marks a number the township chose where the plan's text gives
    none ("立即", "第一时间"); ``basis`` quotes the plan's words.
    """

    name: Key
    label: Text
    starts_on: Event
    ends_on: Event
    minutes: int = Field(gt=0, le=60 * 24 * 365)
    section: str | None = None
    basis: str | None = None
    configured: bool = False
    applies_to: list[Key] = Field(default_factory=list)


class Aftermath(_Model):
    """Aftermath requirements, plan §七: the five-ones (五个一) and the summary report."""

    section: str | None = None
    five_ones: list[Named] = Field(min_length=5, max_length=5)
    summary_report_required: bool = True


class EscalationStep(_Model):
    """One step of escalation on breach: notify ``role`` ``after_minutes`` after the breach."""

    role: EscalationRole
    after_minutes: int = Field(ge=0, le=24 * 60)


class RiskCell(_Model):
    """One cell of the risk matrix: ``urgency`` × ``harm`` → ``risk`` (keys of the levels)."""

    urgency: Key
    harm: Key
    risk: Key


class RiskAssessment(_Model):
    """Risk assessment of warnings (风险研判), plan §五(四): urgency × potential harm → risk level.

    The plan names the two axes ("确定苗头的紧急程度、危害性") but not their
    grades; the levels and the matrix are the township's (``configured``).
    ``risk_levels`` run from lowest to highest; ``matrix`` has exactly one cell
    for every pair of urgency and harm level.
    """

    section: str | None = None
    configured: bool = True
    urgency_levels: list[Named] = Field(min_length=1)
    harm_levels: list[Named] = Field(min_length=1)
    risk_levels: list[Named] = Field(min_length=1)
    matrix: list[RiskCell] = Field(min_length=1)

    def risk_for(self, urgency: str, harm: str) -> str:
        """Return the risk level key for ``urgency`` × ``harm``; raises ``KeyError`` for a pair not in the matrix."""
        for cell in self.matrix:
            if cell.urgency == urgency and cell.harm == harm:
                return cell.risk
        raise KeyError((urgency, harm))


def _level(key: str, name: str) -> Named:
    return Named(key=key, name=name)


def default_risk_assessment() -> RiskAssessment:
    """Return the risk matrix used when a plan has none (3 × 3, the one in ``default.yaml``)."""
    urgency = ["general", "urgent", "very_urgent"]
    harm = ["minor", "serious", "severe"]
    # risk = low / medium / high by the sum of the two grades (0–4): 0–1 low, 2 medium, 3–4 high.
    grade = {0: "low", 1: "low", 2: "medium", 3: "high", 4: "high"}
    return RiskAssessment(
        section="五(四)",
        urgency_levels=[
            _level("general", "一般"),
            _level("urgent", "紧急"),
            _level("very_urgent", "特别紧急"),
        ],
        harm_levels=[_level("minor", "较小"), _level("serious", "较大"), _level("severe", "重大")],
        risk_levels=[_level("low", "低风险"), _level("medium", "中风险"), _level("high", "高风险")],
        matrix=[
            RiskCell(urgency=u, harm=h, risk=grade[i + j])
            for i, u in enumerate(urgency)
            for j, h in enumerate(harm)
        ],
    )


class Plan(_Model):
    """A township's petition-work emergency response plan as data (DESIGN.md §2).

    Raises ``pydantic.ValidationError`` on a field error; cross-references are
    checked by :func:`cross_reference_problems`. Use
    :func:`yingji.plans.check.check_plan_text` to validate a YAML text whole.
    """

    code: Code
    title: Text
    governing_documents: list[Text] = Field(default_factory=list)
    roles: Roles
    group_threshold: int = Field(ge=2, le=10000)
    report_fields: list[Named] = Field(min_length=1)
    report_contents: ReportContentSets
    warning_categories: list[Named] = Field(min_length=1)
    incident_categories: list[IncidentCategory] = Field(min_length=1)
    deadlines: list[PlanDeadline] = Field(min_length=1)
    aftermath: Aftermath
    escalation: list[EscalationStep] = Field(min_length=1)
    risk_assessment: RiskAssessment = Field(default_factory=default_risk_assessment)

    def incident_category(self, key: str) -> IncidentCategory:
        """Return the incident category ``key``; raises ``KeyError`` if the plan has none."""
        for category in self.incident_categories:
            if category.key == key:
                return category
        raise KeyError(key)

    def deadlines_for(self, category_key: str) -> list[PlanDeadline]:
        """Return the deadlines that apply to incidents of ``category_key`` (warning deadlines excluded)."""
        return [
            d
            for d in self.deadlines
            if d.starts_on not in WARNING_EVENTS
            and (not d.applies_to or category_key in d.applies_to)
        ]

    def warning_deadlines(self) -> list[PlanDeadline]:
        """Return the deadlines that run on warnings (those starting on a ``warning.*`` event, plan §五)."""
        return [d for d in self.deadlines if d.starts_on in WARNING_EVENTS]

    def warning_category(self, key: str) -> Named:
        """Return the warning category ``key`` (plan §五(一)); raises ``KeyError`` if the plan has none."""
        for category in self.warning_categories:
            if category.key == key:
                return category
        raise KeyError(key)

    def report_field_names(self, which: str) -> list[str]:
        """Return the Chinese names of the report contents ``which`` ("warning" / "incident")."""
        names = {f.key: f.name for f in self.report_fields}
        contents: ReportContents = getattr(self.report_contents, which)
        return [names[k] for k in contents.fields]


#: The deadlines the software relies on; a plan without them is refused.
REQUIRED_DEADLINES: list[tuple[Event, Event]] = [
    (Event.INCIDENT_RECEIVED, Event.INCIDENT_REPORTED),  # plan §六(二): the 15-minute report
]

Loc = tuple[str | int, ...]


def cross_reference_problems(plan: Plan) -> list[tuple[Loc, str, dict[str, Any]]]:
    """Return the plan's broken cross-references as ``(loc, code, params)`` triples.

    ``loc`` is the path of the offending field (as in pydantic errors), ``code``
    one of ``unknown_reference``, ``duplicate_key``, ``missing_deadline``,
    ``same_event``, ``warning_applies_to``, ``missing_risk_cell``; ``params`` fill the message. An empty list means the plan is whole.
    """
    problems: list[tuple[Loc, str, dict[str, Any]]] = []

    def unique(items: list[Any], attr: str, where: Loc) -> set[str]:
        seen: set[str] = set()
        for i, item in enumerate(items):
            value = getattr(item, attr)
            if value in seen:
                problems.append(((*where, i, attr), "duplicate_key", {"value": value}))
            seen.add(value)
        return seen

    categories = unique(plan.incident_categories, "key", ("incident_categories",))
    unique(plan.warning_categories, "key", ("warning_categories",))
    fields = unique(plan.report_fields, "key", ("report_fields",))
    unique(plan.deadlines, "name", ("deadlines",))
    unique(plan.roles.leading_group.seats, "key", ("roles", "leading_group", "seats"))
    unique(plan.roles.task_force_units, "key", ("roles", "task_force_units"))
    unique(plan.aftermath.five_ones, "key", ("aftermath", "five_ones"))
    for c, category in enumerate(plan.incident_categories):
        unique(category.checklist, "key", ("incident_categories", c, "checklist"))

    for which in ("warning", "incident"):
        contents: ReportContents = getattr(plan.report_contents, which)
        for i, key in enumerate(contents.fields):
            if key not in fields:
                problems.append(
                    (
                        ("report_contents", which, "fields", i),
                        "unknown_reference",
                        {"value": key, "kind": "report_fields"},
                    )
                )

    for d, deadline in enumerate(plan.deadlines):
        if deadline.starts_on == deadline.ends_on:
            problems.append(
                (("deadlines", d, "ends_on"), "same_event", {"value": deadline.ends_on.value})
            )
        for i, key in enumerate(deadline.applies_to):
            if key not in categories:
                problems.append(
                    (
                        ("deadlines", d, "applies_to", i),
                        "unknown_reference",
                        {"value": key, "kind": "incident_categories"},
                    )
                )

    for d, deadline in enumerate(plan.deadlines):
        if deadline.applies_to and deadline.starts_on in WARNING_EVENTS:
            problems.append(
                (("deadlines", d, "applies_to"), "warning_applies_to", {"value": deadline.name})
            )

    risk = plan.risk_assessment
    urgencies = unique(risk.urgency_levels, "key", ("risk_assessment", "urgency_levels"))
    harms = unique(risk.harm_levels, "key", ("risk_assessment", "harm_levels"))
    risks = unique(risk.risk_levels, "key", ("risk_assessment", "risk_levels"))
    seen_cells: set[tuple[str, str]] = set()
    for i, cell in enumerate(risk.matrix):
        for attr, known, kind in (
            ("urgency", urgencies, "risk_assessment.urgency_levels"),
            ("harm", harms, "risk_assessment.harm_levels"),
            ("risk", risks, "risk_assessment.risk_levels"),
        ):
            if getattr(cell, attr) not in known:
                problems.append(
                    (
                        ("risk_assessment", "matrix", i, attr),
                        "unknown_reference",
                        {"value": getattr(cell, attr), "kind": kind},
                    )
                )
        pair = (cell.urgency, cell.harm)
        if pair in seen_cells:
            problems.append(
                (("risk_assessment", "matrix", i), "duplicate_key", {"value": " × ".join(pair)})
            )
        seen_cells.add(pair)
    for u in risk.urgency_levels:
        for h in risk.harm_levels:
            if (u.key, h.key) not in seen_cells:
                problems.append(
                    (
                        ("risk_assessment", "matrix"),
                        "missing_risk_cell",
                        {"urgency": u.key, "harm": h.key},
                    )
                )

    for starts_on, ends_on in REQUIRED_DEADLINES:
        if not any(d.starts_on == starts_on and d.ends_on == ends_on for d in plan.deadlines):
            problems.append(
                (
                    ("deadlines",),
                    "missing_deadline",
                    {"starts_on": starts_on.value, "ends_on": ends_on.value},
                )
            )
    return problems
