"""The plan loader under random input (issue 8 §7): a valid plan, or problems with line numbers.

``check_plan_text`` is what every way of loading a plan goes through (the
command line, the plan pages, publishing). Whatever the text — random YAML,
random characters, the default plan with lines deleted, duplicated or
garbled, or its data with values swapped for others — it returns either a
plan and no problem, or no plan and at least one problem, each with a line of
the text and a message; it never raises.
"""

from __future__ import annotations

import copy

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from yingji.plans.actions import DEFAULT_PLAN_PATH
from yingji.plans.check import check_plan_text
from yingji.plans.schema import Plan

DEFAULT = DEFAULT_PLAN_PATH.read_text(encoding="utf-8")
DEFAULT_LINES = DEFAULT.splitlines(keepends=True)
DEFAULT_DATA = yaml.safe_load(DEFAULT)


def _paths(node, path=()):
    """Every path (keys and indexes) into the default plan's data."""
    yield path
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, value in items:
        yield from _paths(value, (*path, key))


DEFAULT_PATHS = list(_paths(DEFAULT_DATA))[1:]

Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)


def assert_plan_or_numbered_problems(text: str) -> None:
    """The property: a plan with no problem, or no plan with line-numbered problems."""
    plan, problems = check_plan_text(text)
    if plan is not None:
        assert problems == []
        assert isinstance(plan, Plan)
        return
    assert problems, "no plan and no problem"
    last = max(1, len(text.splitlines()) + 1)
    for problem in problems:
        assert isinstance(problem.line, int) and 1 <= problem.line <= last, (problem, last)
        assert problem.message.strip()
        assert str(problem).strip()


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["", "district", "incident.received", "立即", "15分钟内", "~", "null"]),
)
yaml_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=12), children, max_size=4),
    ),
    max_leaves=12,
)


@FUZZ
@given(st.text(max_size=400))
@example("")
@example("---\n...\n---\n")
@example("a: 1\n---\nb: 2\n")
@example("\x00")  # a character YAML refuses: the reader's error has a position, not a mark
@example("code: x\n\ttitle: y\n")
@example("[" * 2000)  # nested too deeply for the recursive composer
@example("&a [*a]")
def test_any_text(text):
    assert_plan_or_numbered_problems(text)


@FUZZ
@given(yaml_values)
def test_any_yaml_data(data):
    assert_plan_or_numbered_problems(yaml.safe_dump(data, allow_unicode=True))


@st.composite
def edited_default(draw) -> str:
    """The default plan's text with a few lines deleted, duplicated, swapped or garbled."""
    lines = list(DEFAULT_LINES)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        i = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        edit = draw(st.sampled_from(["delete", "duplicate", "swap", "garble", "indent", "cut"]))
        if edit == "delete":
            del lines[i]
        elif edit == "duplicate":
            lines.insert(i, lines[i])
        elif edit == "swap" and i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
        elif edit == "garble":
            at = draw(st.integers(min_value=0, max_value=len(lines[i])))
            lines[i] = lines[i][:at] + draw(st.text(min_size=1, max_size=5)) + lines[i][at:]
        elif edit == "indent":
            lines[i] = "  " + lines[i]
        elif edit == "cut":
            lines = lines[:i]
        if not lines:
            break
    return "".join(lines)


@settings(FUZZ, max_examples=30)
@given(edited_default())
def test_default_plan_with_edited_lines(text):
    assert_plan_or_numbered_problems(text)


@st.composite
def mutated_default(draw) -> str:
    """The default plan's data with one value somewhere replaced, removed or added, dumped again."""
    data = copy.deepcopy(DEFAULT_DATA)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(DEFAULT_PATHS))
        parent = data
        try:
            for step in path[:-1]:
                parent = parent[step]
            last = path[-1]
            action = draw(st.sampled_from(["replace", "remove", "add"]))
            if action == "replace":
                parent[last] = draw(yaml_values)
            elif action == "remove":
                del parent[last]
            elif isinstance(parent, dict):
                parent[draw(st.text(min_size=1, max_size=10))] = draw(yaml_values)
            else:
                parent.insert(last, draw(yaml_values))
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed or replaced this path
    return yaml.dump(data, Dumper=Dumper, allow_unicode=True, sort_keys=False)


@settings(FUZZ, max_examples=30)
@given(mutated_default())
def test_default_plan_with_mutated_values(text):
    assert_plan_or_numbered_problems(text)


def test_a_problem_in_the_default_plan_names_its_line():
    """One fixed case of the property, with its exact answer."""
    text = DEFAULT.replace("group_threshold: 5", "group_threshold: []")
    plan, problems = check_plan_text(text)
    line = next(i for i, s in enumerate(text.splitlines(), start=1) if "group_threshold" in s)
    assert plan is None
    assert [(p.line, p.field) for p in problems] == [(line, "group_threshold")]
