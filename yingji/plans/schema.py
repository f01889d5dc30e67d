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

    def incident_category(self, key: str) -> IncidentCategory:
        """Return the incident category ``key``; raises ``KeyError`` if the plan has none."""
        for category in self.incident_categories:
            if category.key == key:
                return category
        raise KeyError(key)

    def deadlines_for(self, category_key: str) -> list[PlanDeadline]:
        """Return the deadlines that apply to incidents of ``category_key``."""
        return [d for d in self.deadlines if not d.applies_to or category_key in d.applies_to]

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
    ``same_event``; ``params`` fill the message. An empty list means the plan is whole.
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
