"""Every action × every role, in its own township and from another: allowed, or refused with nothing changed.

The actions are found in the code (every public function of an ``actions``
module or package that takes an ``Actor`` first), so a new action without a
line in ``yingji.orgs.matrix.ACTIONS`` and a recipe here fails the test.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import yingji
from yingji.orgs import matrix
from yingji.orgs.choices import Role
from yingji.orgs.matrix import ACTIONS

from .conftest import cell
from .expect import AUDIT_TABLES, Unchanged, allowed, outsider_roles, refusal
from .recipes import RECIPES
from .world import ROLES, World

pytestmark = pytest.mark.django_db

ROOT = Path(yingji.__file__).parent


def _action_modules() -> list[str]:
    names = []
    for app in sorted(p for p in ROOT.iterdir() if (p / "__init__.py").exists()):
        for path in sorted(app.glob("*.py")):
            if (
                path.stem == "actions"
                or path.stem.startswith("actions_")
                or path.stem.endswith("_actions")
            ):
                names.append(f"yingji.{app.name}.{path.stem}")
        package = app / "actions"
        if (package / "__init__.py").exists():
            for info in pkgutil.iter_modules([str(package)]):
                if not info.name.startswith("_"):
                    names.append(f"yingji.{app.name}.actions.{info.name}")
    return names


def discover_actions() -> dict[str, object]:
    """Return ``{"app.module.function": function}`` of every action in the code."""
    found = {}
    for name in _action_modules():
        module = importlib.import_module(name)
        for attr, fn in vars(module).items():
            if attr.startswith("_") or not inspect.isfunction(fn) or fn.__module__ != name:
                continue
            params = list(inspect.signature(fn).parameters.values())
            if params and params[0].name == "actor" and "Actor" in str(params[0].annotation):
                found[f"{name.removeprefix('yingji.')}.{attr}"] = fn
    return found


def test_every_action_is_in_the_matrix_and_has_a_recipe():
    found = set(discover_actions())
    assert len(found) >= 90
    assert sorted(found - set(ACTIONS)) == [], "actions missing from yingji.orgs.matrix.ACTIONS"
    assert sorted(set(ACTIONS) - found) == [], "matrix entries naming no action"
    assert sorted(set(ACTIONS) - set(RECIPES)) == [], "actions without a recipe in recipes.py"
    assert sorted(set(RECIPES) - set(ACTIONS)) == []


#: Actions on the actor's own account or inbox, or the petitioner's: there is no other
#: township's object to reach, so the outsider's cell does not apply.
OWN = {
    "orgs.actions.change_password",
    "orgs.actions.confirm_second_factor",
    "notify.actions.mark_read",
    "notify.actions.set_channels",
    "petitions.actions.replies.rate_case",
}


def run_cell(world: World, key: str, role: Role, outsider: bool) -> str | None:
    """Run one cell; return None when it behaves as the matrix says, else what went wrong."""
    guard = ACTIONS[key]
    actor = (world.outsiders if outsider else world.actors)[role]
    with cell():
        call, targets = RECIPES[key](actor, world)
        obj = targets[0] if targets else None
        expect = not outsider and allowed(guard, role, actor.member, obj)
        allow = AUDIT_TABLES if guard.permissions[0] == matrix.NOBODY else ()
        before = Unchanged(targets, allow=allow)
        error: BaseException | None = None
        try:
            call()
        except Exception as exc:  # the cell reports it
            error = exc
        if expect:
            return None if error is None else f"expected allowed, got {error!r}"
        if not refusal(error):
            return f"expected PermissionDenied, got {error!r}"
        changed = before.differences()
        return f"refused but changed {changed}" if changed else None


@pytest.mark.parametrize("key", sorted(ACTIONS))
def test_action(world, key):
    failures = []
    for role in ROLES:
        problem = run_cell(world, key, role, outsider=False)
        if problem:
            failures.append(f"{role}: {problem}")
    for role in [] if key in OWN else outsider_roles(ACTIONS[key]):
        problem = run_cell(world, key, role, outsider=True)
        if problem:
            failures.append(f"{role} of another township: {problem}")
    assert not failures, "\n".join(failures)
