"""State changes of the complaints app (issue 11): imports, routing, hot issues. Views, API and CLI call these."""

from .hotissues import accept_hot_issue, dismiss_hot_issue, propose_hot_issues
from .imports import (
    import_file,
    mark_failed,
    mark_interrupted,
    mark_running,
    run_import,
    save_mapping,
    start_import,
    unmark_running,
)
from .routing import decide_suggestion, suggest, train

__all__ = [
    "accept_hot_issue",
    "decide_suggestion",
    "dismiss_hot_issue",
    "import_file",
    "mark_failed",
    "mark_interrupted",
    "mark_running",
    "propose_hot_issues",
    "run_import",
    "save_mapping",
    "start_import",
    "unmark_running",
    "suggest",
    "train",
]
