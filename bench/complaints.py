"""Benchmark: real message-board exports in, real figures out (issue 11).

On a fresh temporary SQLite database with the demo township: import
messages-with-votes.xlsx (4,326 rows) and messages-with-replies.xlsx (2,816
rows) through the import action, timing rows per second and the time 5,000
rows take at that rate; run the hot-issue pass (propose) over the 4,326
messages of the votes file; evaluate the routing model on a held-out fifth of
messages-labelled.xlsx (macro-F1, per-class figures, training time), train
it through the action and time one suggestion per message. Prints the
reply-time figures of the imported history.

Run: .venv/bin/python bench/complaints.py
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["YINGJI_VAR_DIR"] = tempfile.mkdtemp(prefix="yingji-bench-complaints-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")
os.environ.pop("DATABASE_URL", None)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from yingji.complaints import routing as ml  # noqa: E402
from yingji.complaints.actions import import_file, propose_hot_issues, suggest, train  # noqa: E402
from yingji.complaints.models import SourceMessage  # noqa: E402
from yingji.complaints.parsing import Row, guess_mapping, parse_rows, read_sheet  # noqa: E402
from yingji.complaints.queries import reply_times  # noqa: E402
from yingji.orgs.access import Actor  # noqa: E402
from yingji.orgs.demo import create_demo_township  # noqa: E402
from yingji.orgs.models import Township  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "complaints"
if not DATA.exists():
    DATA = ROOT.parents[1] / "shared" / "data" / "complaints"
GOALS_MAX = {
    "import_5000_rows_s": 40.0,
    "routing_suggest_ms_per_message": 100.0,
    "hot_issue_pass_s": 60.0,
}
GOALS_MIN = {"routing_macro_f1": 0.7}


def _import(actor: Actor, town: Township, name: str) -> tuple[int, float]:
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        print(f"\r  {name}: {done}/{total}", end="", flush=True)

    job = import_file(
        actor,
        town,
        source=name,
        filename=name,
        content=(DATA / name).read_bytes(),
        progress=progress,
    )
    seconds = time.perf_counter() - started
    print(f"\n  {name}: {job.created} cases, {len(job.problems)} unreadable, {seconds:.1f} s")
    for p in job.problems:
        print(f"    row {p['row']} ({p['number']}): {p['message']}")
    return job.total, seconds


def main() -> None:
    call_command("migrate", verbosity=0)
    create_demo_township()
    town = Township.objects.get(code="demo")
    actor = Actor.system("bench")
    figures: dict[str, float] = {}

    print("import")
    rows_a, secs_a = _import(actor, town, "messages-with-votes.xlsx")
    started = time.perf_counter()
    issues = propose_hot_issues(actor, town)
    figures["hot_issue_pass_s"] = round(time.perf_counter() - started, 2)
    figures["hot_issues_proposed"] = len(issues)
    print(
        f"hot issues: {len(issues)} proposed over {rows_a} messages "
        f"in {figures['hot_issue_pass_s']} s; top 5:"
    )
    for i in issues[:5]:
        print(f"  {i.size:>3} msgs  {i.votes:>4} votes  {i.place}  {i.title}")
    rows_b, secs_b = _import(actor, town, "messages-with-replies.xlsx")
    rate = (rows_a + rows_b) / (secs_a + secs_b)
    figures["import_rows_per_s"] = round(rate, 1)
    figures["import_5000_rows_s"] = round(5000 / rate, 1)
    reply = reply_times(town, source="messages-with-replies.xlsx")
    figures["reply_median_days"] = round(reply["median_days"], 2)
    figures["reply_p75_days"] = round(reply["p75_days"], 2)
    figures["replies_over_60_days"] = reply["over_60_days"]
    figures["conclude_breached"] = reply["conclude_breached"]
    print(f"reply times: {json.dumps(reply, default=str)}")

    print("routing (held-out fifth of messages-labelled.xlsx, stratified, seed 0)")
    headers, rows = read_sheet((DATA / "messages-labelled.xlsx").read_bytes())
    labelled = [
        r
        for r in parse_rows(headers, rows, guess_mapping(headers))
        if isinstance(r, Row) and r.label
    ]
    report = ml.evaluate([f"{r.subject}\n{r.text}" for r in labelled], [r.label for r in labelled])
    print(
        f"  macro-F1 {report['macro_f1']:.3f}, accuracy {report['accuracy']:.3f}, "
        f"train {report['train']}, test {report['test']}, {report['train_seconds']} s"
    )
    for label, v in sorted(report["per_class"].items()):
        print(
            f"  {label:<8} P {v['precision']:.3f} R {v['recall']:.3f} F1 {v['f1']:.3f} "
            f"n={v['support']}"
        )
    figures["routing_macro_f1"] = report["macro_f1"]
    figures["routing_accuracy"] = report["accuracy"]
    _import(actor, town, "messages-labelled.xlsx")
    started = time.perf_counter()
    model = train(actor, town)
    figures["routing_train_s"] = round(time.perf_counter() - started, 2)
    print(
        f"  trained through the action on {model.samples} cases in {figures['routing_train_s']} s"
    )
    cases = [
        m.case for m in SourceMessage.objects.filter(township=town).select_related("case")[:200]
    ]
    suggest(actor, cases[0])  # load the model once
    times = []
    for case in cases:
        t = time.perf_counter()
        suggest(actor, case)
        times.append((time.perf_counter() - t) * 1000)
    figures["routing_suggest_ms_per_message"] = round(statistics.median(times), 2)
    print(f"  suggestion: median {figures['routing_suggest_ms_per_message']} ms per message")

    met = all(figures[k] <= v for k, v in GOALS_MAX.items()) and all(
        figures[k] >= v for k, v in GOALS_MIN.items()
    )
    goals = {k: ["<=", v] for k, v in GOALS_MAX.items()} | {
        k: [">=", v] for k, v in GOALS_MIN.items()
    }
    print(json.dumps({"bench": "complaints", "figures": figures, "goals": goals, "met": met}))


if __name__ == "__main__":
    main()
