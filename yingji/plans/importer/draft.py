"""The draft plan: one reviewable item per extracted value, assembled into plan data.

Every value of the draft is a :class:`DraftItem` with the sentence, section
and line it came from, a confidence (``high`` / ``medium`` / ``low``) and a
note. What the document cannot state — the plan code, numbers for "立即" /
"第一时间" (``configured`` deadlines), the escalation chain, English keys, and
any field the default plan has that the document has no words for — is taken
from the *base plan* (the shipped default) and marked ``origin="default"``
("not in the document, taken from the default plan"). A reviewer accepts,
edits or drops each item; :meth:`Draft.plan_data` assembles the accepted ones.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from yingji.plans.schema import Plan

from . import extract
from .emit import emit_yaml
from .headings import Node, build_tree, level_counts
from .mapping import Builder
from .reading import Source, read_document
from .timelimits import find_time_limits

DEFAULT_PLAN_PATH = Path(__file__).resolve().parent.parent / "default.yaml"

#: Item decisions a reviewer makes.
ACCEPT, EDIT, DROP = "accept", "edit", "drop"


@dataclass
class DraftItem:
    """One extracted (or borrowed) value and the reviewer's decision on it.

    ``slot`` is where the value goes: a dotted path (``roles.lead_office``);
    ``many`` True appends it to the list at ``slot``; ``parent`` names the item
    whose list (``checklist``) it joins. ``origin`` is ``document``,
    ``default`` (not in the document, taken from the default plan) or
    ``generated`` (made up by the importer, e.g. a key). ``borrowed`` lists the
    sub-fields taken from the default plan.
    """

    id: str
    slot: str
    value: Any
    origin: str
    confidence: str
    note: str
    section: str = ""
    line: int | None = None
    sentence: str = ""
    many: bool = False
    parent: str = ""
    borrowed: list[str] = field(default_factory=list)
    decision: str = ACCEPT
    edited: Any = None

    @property
    def final(self) -> Any:
        """The value as the reviewer left it (the edit, else the extracted value)."""
        return self.edited if self.decision == EDIT else self.value


@dataclass
class Unplaced:
    """Something the importer read but could not place in the plan, with the ``reason``."""

    text: str
    reason: str
    section: str = ""
    line: int | None = None


@dataclass
class Draft:
    """An imported document: what was read, the items of the draft plan, and what was not placed.

    ``headings`` holds ``(section, level, title, line)`` of every heading;
    ``time_limits`` every time limit as a dict (see
    :class:`~.timelimits.TimeLimit`); ``categories`` the category lists.
    """

    filename: str
    kind: str
    encoding: str
    style: str
    chars: int
    title: str
    headings: list[tuple[str, int, str, int]]
    level_counts: dict[int, int]
    time_limits: list[dict[str, Any]]
    categories: list[dict[str, Any]]
    items: list[DraftItem]
    unplaced: list[Unplaced]
    base_keys: list[str] = field(default_factory=list)

    def item(self, item_id: str) -> DraftItem:
        """Return the item ``item_id``; raises ``KeyError``."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def plan_data(self) -> dict[str, Any]:
        """Return the plan as data from the items not dropped, keys in the default plan's order."""
        data: dict[str, Any] = {}
        placed: dict[str, Any] = {}
        for item in self.items:
            if item.decision == DROP or item.parent:
                continue
            value = copy.deepcopy(item.final)
            placed[item.id] = value
            parts = item.slot.split(".")
            target = data
            for part in parts[:-1]:
                target = target.setdefault(part, {})
            if item.many:
                target.setdefault(parts[-1], []).append(value)
            else:
                target[parts[-1]] = value
        for item in self.items:
            if item.decision == DROP or not item.parent:
                continue
            owner = placed.get(item.parent)
            if isinstance(owner, dict):
                owner.setdefault(item.slot, []).append(copy.deepcopy(item.final))
        order = {key: i for i, key in enumerate(self.base_keys)}
        return dict(sorted(data.items(), key=lambda kv: order.get(kv[0], len(order))))

    def yaml(self) -> str:
        """Return the draft plan as YAML with a confidence note above each item."""
        return emit_yaml(self)

    def to_json(self) -> dict[str, Any]:
        """Return the draft as JSON-ready data (for storing it between review steps)."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Draft:
        """Rebuild a draft stored with :meth:`to_json`."""
        data = dict(data)
        data["items"] = [DraftItem(**i) for i in data["items"]]
        data["unplaced"] = [Unplaced(**u) for u in data["unplaced"]]
        data["headings"] = [tuple(h) for h in data["headings"]]
        data["level_counts"] = {int(k): v for k, v in data["level_counts"].items()}
        return cls(**data)


def _heading_rows(root: Node) -> list[tuple[str, int, str, int]]:
    return [(n.section, n.level, n.title, n.line) for n in root.walk()]


def build_draft(source: Source, filename: str, base_text: str | None = None) -> Draft:
    """Return the :class:`Draft` of a read document, against the base plan's YAML ``base_text``.

    ``base_text`` defaults to the shipped default plan; it supplies what the
    document cannot state. Never raises on a readable document: what cannot
    be placed is listed in ``Draft.unplaced``.
    """
    base = yaml.safe_load(base_text or DEFAULT_PLAN_PATH.read_text(encoding="utf-8"))
    Plan.model_validate(base)  # the base plan must itself be valid
    root, style, page_numbers = build_tree(source.lines)
    limits, durations = find_time_limits(root)
    builder = Builder(root, base, limits)
    items = builder.build()
    unplaced = list(builder.unplaced)
    for line, reason in source.set_aside:
        unplaced.append(
            Unplaced(line.text, _("set aside as %(reason)s") % {"reason": reason}, "", line.number)
        )
    for line in page_numbers:
        unplaced.append(Unplaced(line.text, _("set aside as page number"), "", line.number))
    for duration in durations:
        unplaced.append(
            Unplaced(
                duration.sentence,
                _("“%(phrase)s” is a duration, not a time limit") % {"phrase": duration.phrase},
                duration.section,
                duration.line,
            )
        )
    title = extract.title_of(root)
    return Draft(
        filename=filename,
        kind=source.kind,
        encoding=source.encoding,
        style=style,
        chars=source.chars,
        title=title.value if title else "",
        headings=_heading_rows(root),
        level_counts=level_counts(root),
        time_limits=[asdict(limit) | {"display": limit.display} for limit in limits],
        categories=[asdict(c) for c in extract.categories(root)],
        items=items,
        unplaced=unplaced,
        base_keys=list(base),
    )


def import_document(data: bytes, filename: str = "", base_text: str | None = None) -> Draft:
    """Read a plan document's bytes (.txt in any common encoding, or .docx) and draft its plan.

    Raises :class:`~.reading.ImportRefused` (nothing drafted) for an empty,
    binary, over-large or unreadable file. See :func:`build_draft`.
    """
    return build_draft(read_document(data, filename), filename, base_text)
