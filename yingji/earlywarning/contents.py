"""The contents of a warning (plan §五(三)) and their checks; no state changes here."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from yingji.orgs.choices import UnitKind
from yingji.orgs.models import Township
from yingji.plans.schema import Plan

from .choices import WarningSource
from .models import Warning

#: Report content key of the plan (``report_fields``) → the warning's model field(s) holding it.
REPORT_FIELD_MAP: dict[str, tuple[str, ...]] = {
    "time": ("expected_at",),
    "place": ("village", "address"),
    "cause": ("cause",),
    "headcount": ("headcount",),
    "lead_persons": ("parties",),
    "potential_harm": ("potential_harm",),
    "urgency": ("urgency",),
    "development": ("development",),
    "measures": ("measures",),
}

#: Fields of the §五(三) contents that register / update may set.
CONTENT_FIELDS = (
    "category",
    "source",
    "summary",
    "expected_at",
    "village",
    "address",
    "cause",
    "parties",
    "headcount",
    "potential_harm",
    "urgency",
    "development",
    "measures",
)


def validate_contents(plan: Plan, township: Township, data: dict[str, Any]) -> dict[str, str]:
    """Return ``{field: message}`` for the contents in ``data`` that ``plan`` / ``township`` refuse.

    Checks the category (plan §五(一)), the source, urgency and harm levels
    (plan ``risk_assessment``), the village (a village unit of the township)
    and the headcount. Fields absent from ``data`` are not checked.
    """
    errors: dict[str, str] = {}
    risk = plan.risk_assessment
    if "category" in data and data["category"] not in {c.key for c in plan.warning_categories}:
        errors["category"] = _("The plan has no warning category “%(key)s”.") % {
            "key": data["category"]
        }
    if "source" in data and data["source"] not in WarningSource.values:
        errors["source"] = _("Unknown source “%(value)s”.") % {"value": data["source"]}
    if "summary" in data and not str(data["summary"] or "").strip():
        errors["summary"] = _("This field is required.")
    for field, levels in (("urgency", risk.urgency_levels), ("potential_harm", risk.harm_levels)):
        value = data.get(field)
        if value and value not in {lv.key for lv in levels}:
            errors[field] = _("The plan has no level “%(value)s”.") % {"value": value}
    village = data.get("village")
    if village is not None and (
        village.township_id != township.pk or village.kind != UnitKind.VILLAGE
    ):
        errors["village"] = _("Choose a village (community) of this township.")
    headcount = data.get("headcount")
    if headcount is not None and (not isinstance(headcount, int) or headcount < 0):
        errors["headcount"] = _("Enter a whole number of people.")
    return errors


def missing_report_contents(warning: Warning) -> dict[str, str]:
    """Return ``{model field: plan's name}`` of the report contents the warning lacks (plan §五(三))."""
    plan = warning.plan_version.plan
    names = {f.key: f.name for f in plan.report_fields}
    missing: dict[str, str] = {}
    for key in plan.report_contents.warning.fields:
        fields = REPORT_FIELD_MAP.get(key, ())
        if fields and not any(getattr(warning, f) not in (None, "") for f in fields):
            missing[fields[-1]] = names[key]
    return missing


def report_contents(warning: Warning) -> list[dict[str, Any]]:
    """Return the report as ``[{key, name, value}]`` in the plan's order (values as shown)."""
    from .queries import display_value

    plan = warning.plan_version.plan
    names = {f.key: f.name for f in plan.report_fields}
    return [
        {"key": key, "name": names[key], "value": display_value(warning, key)}
        for key in plan.report_contents.warning.fields
    ]
