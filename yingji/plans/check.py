"""Validate a plan's YAML text and name each problem's line and field.

Used by ``yingji plan check`` and by every way a plan is loaded: a plan with any
problem is never loaded (DESIGN.md §8: bad input changes nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
from django.utils.translation import gettext as _
from pydantic import ValidationError

from .schema import Loc, Plan, cross_reference_problems


@dataclass(frozen=True)
class PlanProblem:
    """One problem of a plan text: 1-based ``line`` (None if unknown), dotted ``field`` path, message."""

    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = _("line %(line)s") % {"line": self.line} if self.line else _("(no line)")
        return f"{where}: {self.field or '-'}: {self.message}"


class PlanInvalid(ValueError):
    """Raised when a plan text has problems; ``problems`` lists them (never empty)."""

    def __init__(self, problems: list[PlanProblem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def _message(code: str, params: dict[str, Any]) -> str:
    """Return the message for a pydantic or cross-reference error code, in the active language."""
    messages = {
        "missing": _("this field is required"),
        "extra_forbidden": _("unknown field (check its spelling)"),
        "int_parsing": _("must be a whole number"),
        "int_type": _("must be a whole number"),
        "int_from_float": _("must be a whole number"),
        "bool_parsing": _("must be true or false"),
        "bool_type": _("must be true or false"),
        "string_type": _("must be text"),
        "list_type": _("must be a list"),
        "model_type": _("must be a mapping of fields"),
        "model_attributes_type": _("must be a mapping of fields"),
        "dict_type": _("must be a mapping of fields"),
        "enum": _("must be one of: %(expected)s"),
        "literal_error": _("must be one of: %(expected)s"),
        "greater_than": _("must be greater than %(gt)s"),
        "greater_than_equal": _("must be at least %(ge)s"),
        "less_than_equal": _("must be at most %(le)s"),
        "too_short": _("needs at least %(min_length)s item(s)"),
        "too_long": _("allows at most %(max_length)s item(s)"),
        "string_too_short": _("must not be empty"),
        "string_pattern_mismatch": _("must be lower-case letters, digits and underscores"),
        "unknown_reference": _("“%(value)s” is not defined in %(kind)s"),
        "duplicate_key": _("“%(value)s” appears more than once"),
        "same_event": _("a deadline cannot start and end on the same event “%(value)s”"),
        "warning_applies_to": _(
            "deadline “%(value)s” runs on warnings and cannot be limited to incident categories"
        ),
        "missing_risk_cell": _(
            "the risk matrix has no cell for urgency “%(urgency)s” × harm “%(harm)s”"
        ),
        "missing_deadline": _(
            "the plan has no deadline from %(starts_on)s to %(ends_on)s (the verified report, plan §六(二))"
        ),
    }
    template = messages.get(code)
    if template is None:
        return str(params.get("msg", code))
    try:
        return template % params
    except (KeyError, TypeError, ValueError):
        return template


def _field_path(loc: Loc) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + item)
    return "".join(parts)


def _line_of(root: yaml.Node | None, loc: Loc) -> int | None:
    """Return the 1-based line of the node at ``loc``, or of its nearest existing parent."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for item in loc:
        if isinstance(node, yaml.MappingNode):
            found = None
            for key_node, value_node in node.value:
                if key_node.value == item:
                    found = value_node
                    line = key_node.start_mark.line + 1
                    break
            if found is None:
                return line
            node = found
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(item, int) and item < len(node.value)
        ):
            node = node.value[item]
            line = node.start_mark.line + 1
        else:
            return line
    return line


#: Deepest nesting of a plan text (the default plan nests 6 deep); past it PyYAML's
#: recursive composer would hit Python's recursion limit.
MAX_DEPTH = 50
#: Most aliases (``*name``) a plan text may use: each may repeat a whole subtree, so a few
#: dozen nested ones make a text of a kilobyte expand to billions of values.
MAX_ALIASES = 100

_OPENS = (
    yaml.BlockMappingStartToken,
    yaml.BlockSequenceStartToken,
    yaml.FlowMappingStartToken,
    yaml.FlowSequenceStartToken,
)
_CLOSES = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)


def _shape_problem(text: str) -> PlanProblem | None:
    """Return a problem if ``text`` nests deeper than MAX_DEPTH or has more than MAX_ALIASES aliases.

    Uses PyYAML's scanner, which is not recursive; raises ``yaml.YAMLError`` as the scanner does.
    """
    depth = aliases = 0
    for token in yaml.scan(text, Loader=yaml.SafeLoader):
        if isinstance(token, _OPENS):
            depth += 1
            if depth > MAX_DEPTH:
                return PlanProblem(
                    token.start_mark.line + 1,
                    "",
                    _("nested more than %(n)s levels deep") % {"n": MAX_DEPTH},
                )
        elif isinstance(token, _CLOSES):
            depth -= 1
        elif isinstance(token, yaml.AliasToken):
            aliases += 1
            if aliases > MAX_ALIASES:
                return PlanProblem(
                    token.start_mark.line + 1,
                    "",
                    _("more than %(n)s aliases (*name)") % {"n": MAX_ALIASES},
                )
    return None


def check_plan_text(text: str) -> tuple[Plan | None, list[PlanProblem]]:
    """Parse and validate a plan's YAML ``text``.

    Returns ``(plan, [])`` for a valid plan, ``(None, problems)`` otherwise;
    every problem has a line (1-based); messages are in the active Django
    language. Never raises on bad input (issue 8 §7: tested with random text).
    """
    try:
        shape = _shape_problem(text)
        if shape is not None:
            return None, [shape]
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        return None, [
            PlanProblem(line, "", _("not valid YAML: %(problem)s") % {"problem": exc.problem})
        ]
    except yaml.reader.ReaderError as exc:
        # A character YAML does not allow (a control character): its place is an index.
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        return None, [PlanProblem(line, "", _("not valid YAML: %(problem)s") % {"problem": exc})]
    except yaml.YAMLError as exc:
        return None, [PlanProblem(1, "", _("not valid YAML: %(problem)s") % {"problem": exc})]
    if not isinstance(data, dict):
        return None, [PlanProblem(1, "", _("a plan must be a mapping of fields"))]
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            params = {**(error.get("ctx") or {}), "msg": error["msg"]}
            problems.append(
                PlanProblem(_line_of(root, loc), _field_path(loc), _message(error["type"], params))
            )
        return None, problems
    problems = [
        PlanProblem(_line_of(root, loc), _field_path(loc), _message(code, params))
        for loc, code, params in cross_reference_problems(plan)
    ]
    if problems:
        return None, problems
    return plan, []


def load_plan_text(text: str) -> Plan:
    """Return the valid :class:`Plan` of ``text``; raises :class:`PlanInvalid` otherwise."""
    plan, problems = check_plan_text(text)
    if plan is None:
        raise PlanInvalid(problems)
    return plan
