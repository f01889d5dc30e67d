#!/usr/bin/env python3
"""pip-audit over the pinned requirements; exit 1 on any known vulnerability (make audit).

Runs ``pip-audit -r requirements.txt -r requirements-dev.txt --no-deps
--disable-pip`` (every pin is exact, so nothing is resolved or installed) and
prints one line per finding. pip-audit's PyPI service carries no severity, so
every known vulnerability counts as one to fix: upgrade the pin to a fixed
version. When the vulnerability data cannot be reached (pip-audit then skips
every package as "not found"), this says so plainly and exits 0, since an
unreachable service is not a finding; YINGJI_AUDIT_STRICT=1 makes it exit 2.
A report that lists no package at all (requirement files it could not read)
exits 2: a gate that audited nothing must not pass.
"""

from __future__ import annotations

import json
import os
import subprocess  # nosec B404 - runs pip-audit with an argument list
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES = ["requirements.txt", "requirements-dev.txt"]


def main() -> int:
    """Run pip-audit, print its findings, return the exit status."""
    pip_audit = Path(sys.executable).with_name("pip-audit")
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "pip-audit.json"
        command = [str(pip_audit), "--no-deps", "--disable-pip", "--progress-spinner", "off"]
        for name in FILES:
            command += ["-r", str(ROOT / name)]
        command += ["-f", "json", "-o", str(report)]
        done = subprocess.run(command, capture_output=True, text=True)  # nosec B603
        if not report.exists():
            print(done.stdout, done.stderr, sep="\n")
            print("pip-audit did not run")
            return 2
        data = json.loads(report.read_text())
    deps = data.get("dependencies", [])
    skipped = [d for d in deps if d.get("skip_reason")]
    found = [(d, v) for d in deps for v in d.get("vulns", [])]
    for dep, vuln in found:
        fixes = ", ".join(vuln.get("fix_versions", [])) or "no fixed version yet"
        print(f"VULNERABLE {dep['name']}=={dep['version']}: {vuln['id']} (fixed in: {fixes})")
    audited = len(deps) - len(skipped)
    print(
        f"pip-audit: {audited} of {len(deps)} pinned packages audited, {len(found)} known vulnerabilities"
    )
    if found:
        return 1
    if not deps:  # the requirement files named nothing pip-audit could read: a broken gate
        print("pip-audit: NOTHING WAS AUDITED - it read no pinned package")
        return 2
    if not audited:
        print(
            "pip-audit: NOTHING WAS AUDITED - the vulnerability data could not be reached "
            f"({skipped[0]['skip_reason']})."
        )
        return 2 if os.environ.get("YINGJI_AUDIT_STRICT") == "1" else 0
    for dep in skipped:
        print(f"not audited: {dep['skip_reason']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
