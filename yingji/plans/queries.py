"""Read models of a plan for pages: categories with their deadlines, labelled events."""

from __future__ import annotations

from typing import Any

from .labels import ESCALATION_LABELS, EVENT_LABELS
from .schema import Plan, PlanDeadline


def deadline_row(deadline: PlanDeadline) -> dict[str, Any]:
    """Return a deadline with the display names of its start and end events."""
    return {
        "deadline": deadline,
        "starts_on": EVENT_LABELS[deadline.starts_on],
        "ends_on": EVENT_LABELS[deadline.ends_on],
    }


def plan_overview(plan: Plan) -> dict[str, Any]:
    """Return what the home page shows of ``plan``: each incident category with its deadlines, etc."""
    return {
        "categories": [
            {"category": c, "deadlines": [deadline_row(d) for d in plan.deadlines_for(c.key)]}
            for c in plan.incident_categories
        ],
        "deadlines": [deadline_row(d) for d in plan.deadlines],
        "warning_report": plan.report_field_names("warning"),
        "warning_deadlines": [deadline_row(d) for d in plan.warning_deadlines()],
        "incident_report": plan.report_field_names("incident"),
        "escalation": [{"step": s, "label": ESCALATION_LABELS[s.role]} for s in plan.escalation],
    }
