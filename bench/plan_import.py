"""Benchmark: plan document import time per 10,000 characters (issue 10).

Runs the whole importer (decode, heading tree, time limits, draft plan, YAML)
on every real plan in ../shared/data/plans/, as UTF-8, GB18030 and .docx, and
on a 1 MB text made of the national plan repeated. Needs no database, but
sets up Django on a temporary var dir of its own like every benchmark.

Run: .venv/bin/python bench/plan_import.py
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "plans"))
os.environ["YINGJI_VAR_DIR"] = tempfile.mkdtemp(prefix="yingji-bench-plan-import-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")

import django  # noqa: E402

django.setup()

from importing import PLANS, docx_from_text  # noqa: E402

from yingji.plans.importer import import_document  # noqa: E402

GOAL_S_PER_10K = 1.0  # an interactive import: a 60 KB plan well under a few seconds


def measure(data: bytes, name: str, chars: int, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        draft = import_document(data, name)
        draft.yaml()
        best = min(best, time.perf_counter() - start)
    return best / chars * 10_000


def main() -> None:
    figures: dict[str, float] = {}
    per_10k: list[float] = []
    for path in sorted(PLANS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        stem = path.stem.split("-")[0]
        for label, data, name in (
            ("utf8", text.encode("utf-8"), path.name),
            ("gb18030", text.replace("\u2002", " ").encode("gb18030"), path.name),
            ("docx", docx_from_text(text), path.stem + ".docx"),
        ):
            seconds = measure(data, name, len(text))
            per_10k.append(seconds)
            figures[f"{stem}_{label}_s_per_10k_chars"] = round(seconds, 4)
            print(
                f"{path.name:48} {label:8} {len(text):6} chars  {seconds * 1000:7.1f} ms / 10k chars",
                flush=True,
            )
    national = (PLANS / "national-highway-traffic-emergency-plan.txt").read_text(encoding="utf-8")
    big = (national + "\n") * (1_000_000 // len(national) + 1)
    big = big[:1_000_000]
    seconds = measure(big.encode("utf-8"), "big.txt", len(big), repeat=1)
    figures["one_mb_text_s_per_10k_chars"] = round(seconds, 4)
    print(
        f"{'1 MB text (national plan repeated)':57} {seconds * 1000:7.1f} ms / 10k chars",
        flush=True,
    )
    figures["worst_s_per_10k_chars"] = round(max(per_10k + [seconds]), 4)
    goals = {"worst_s_per_10k_chars": ["<=", GOAL_S_PER_10K]}
    met = figures["worst_s_per_10k_chars"] <= GOAL_S_PER_10K
    print(json.dumps({"bench": "plan_import", "figures": figures, "goals": goals, "met": met}))


if __name__ == "__main__":
    main()
