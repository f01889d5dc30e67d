"""The ``yingji`` command line: one tool for running and looking after Yingji.

``yingji serve`` starts the product, ``yingji worker`` the deadline loop alone,
``yingji plan check FILE`` validates a plan, ``yingji demo`` makes the demo
township, ``yingji setup`` prepares the database. Any Django management
command also works (``yingji migrate``, ``yingji createsuperuser`` …).
"""

from __future__ import annotations

import os
import sys

USAGE = """\
yingji — 信访工作应急处置预案系统 (petition-work emergency response)

Usage: yingji COMMAND [options]        (yingji COMMAND --help for details)

  setup          prepare the database: apply migrations, load the default plan,
                 and create the demo township 示例镇 when the database is empty
  serve          start the web server on 127.0.0.1:8000 with the deadline worker
  worker         run only the deadline worker (reminders, breaches, escalation)
  plan check FILE    check a plan file (YAML); print each error with its line
  plan publish FILE  check a plan file and publish it as a new plan version
  demo           create the demo township with one login per role
  ledger export FILE --township CODE   the warning ledger as .xlsx
  ledger import FILE --township CODE [--skip-bad]   import a township's ledger
  report incident ID [--out DIR]   an incident's summary and verified report (.docx, .pdf)
  report month YYYY-MM [--township CODE]   the month's statistics workbook (.xlsx)
  petitions import FILE --township CODE [--source NAME] [--map JSON]
                 import a message-board / hotline export as historic petition cases
  routing train --township CODE      train routing suggestions on the labelled history
  routing evaluate FILE              macro-F1 and per-class figures on a held-out fifth
  routing suggest NUMBER --township CODE   suggest a category and unit for a case
  hotissues propose --township CODE  group cases by matter and place; propose warnings
  audit verify   recompute the audit log's hash chain; name the first broken event
  backup FILE    back up the whole database (SQLite online backup or pg_dump)
  backup --restore FILE   restore it (server stopped) and verify the audit chain

Data lives in var/ (SQLite) unless DATABASE_URL points at PostgreSQL.
Any Django management command works too, e.g. `yingji migrate`.
"""

COMMANDS = {
    "setup",
    "serve",
    "worker",
    "plan",
    "demo",
    "ledger",
    "report",
    "audit",
    "backup",
    "petitions",
    "routing",
    "hotissues",
}


def main(argv: list[str] | None = None) -> None:
    """Run the ``yingji`` command line with ``argv`` (default ``sys.argv[1:]``)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["yingji", *argv])


if __name__ == "__main__":
    main()
