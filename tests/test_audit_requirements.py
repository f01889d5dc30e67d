"""``.ci/audit_requirements.py`` (make audit): what pip-audit reports decides the exit status."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / ".ci" / "audit_requirements.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_requirements", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(monkeypatch, report: dict[str, Any] | None, **env: str) -> int:
    """Run the script's ``main`` with pip-audit replaced by one that writes ``report`` (None: nothing)."""
    module = _script()

    class Done:
        stdout = stderr = ""

    def fake_run(command: list[str], **kwargs: Any) -> Done:
        if report is not None:
            Path(command[command.index("-o") + 1]).write_text(json.dumps(report))
        return Done()

    monkeypatch.setattr(module.subprocess, "run", fake_run)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return module.main()


def dep(name: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "version": "1.0", "vulns": [], **extra}


@pytest.mark.parametrize(
    ("report", "status"),
    [
        ({"dependencies": [dep("django"), dep("waitress")]}, 0),
        ({"dependencies": [dep("django", vulns=[{"id": "PYSEC-1", "fix_versions": ["1.1"]}])]}, 1),
        (None, 2),  # pip-audit did not run
        ({"dependencies": []}, 2),  # it read no requirement: nothing was audited
        ({"dependencies": [dep("django", skip_reason="could not reach PyPI")]}, 0),
    ],
)
def test_the_exit_status_follows_the_findings(monkeypatch, capsys, report, status):
    assert _run(monkeypatch, report) == status


def test_unreachable_data_fails_when_strict(monkeypatch):
    report = {"dependencies": [dep("django", skip_reason="could not reach PyPI")]}
    assert _run(monkeypatch, report, YINGJI_AUDIT_STRICT="1") == 2
