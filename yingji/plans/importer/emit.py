"""Write a draft plan as YAML, each part preceded by the confidence notes of its items."""

from __future__ import annotations

from typing import TYPE_CHECKING

import yaml
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from .draft import Draft, DraftItem


def _note(item: DraftItem, indent: str) -> str:
    where = f"§{item.section} " if item.section else ""
    line = _("line %(n)s ") % {"n": item.line} if item.line else ""
    value = item.final
    if isinstance(value, dict):
        shown = value.get("name") or value.get("title") or value.get("key") or ""
    elif isinstance(value, list):
        shown = _("%(n)d entries") % {"n": len(value)}
    else:
        shown = str(value)
    decision = "" if item.decision == "accept" else f" [{item.decision}]"
    return f"{indent}# {item.id} [{item.confidence}] {where}{line}{shown}: {item.note}{decision}\n"


def emit_yaml(draft: Draft) -> str:
    """Return the plan of ``draft`` as YAML text with comments; loading it gives ``draft.plan_data()``."""
    data = draft.plan_data()
    by_root: dict[str, list[DraftItem]] = {}
    parents = {item.id: item for item in draft.items}
    for item in draft.items:
        owner = parents[item.parent] if item.parent and item.parent in parents else item
        by_root.setdefault(owner.slot.split(".")[0], []).append(item)
    out = [
        _(
            "# Draft plan imported from %(file)s (%(kind)s, %(encoding)s) — review every item before publishing."
        )
        % {"file": draft.filename or "-", "kind": draft.kind, "encoding": draft.encoding}
        + "\n",
        _("# Confidence: high = read and matched; medium = read, partly inferred; low = guessed.")
        + "\n",
    ]
    if draft.unplaced:
        out.append(
            _("# Not placed in the plan (%(n)d): see the review page or the import report.")
            % {"n": len(draft.unplaced)}
            + "\n"
        )
    out.append("\n")
    for key, value in data.items():
        for item in by_root.get(key, []):
            out.append(_note(item, ""))
        out.append(yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False, width=1000))
        out.append("\n")
    return "".join(out)
