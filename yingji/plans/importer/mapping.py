"""Place what the document states into the plan schema, item by item (used by :mod:`.draft`).

Matching against the base plan: an extracted element that matches a base
element (same name, else same section) starts from that element's data, so
that fields the document cannot state (English keys, short names, labels and
any field added to the schema later) are carried over and listed in the
item's ``borrowed``; the document's own values then overwrite the rest. A base
field the document never touches becomes one ``origin="default"`` item.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from django.utils.translation import gettext as _

from . import extract, vocabulary
from .headings import Node
from .timelimits import TimeLimit

NOT_IN_DOCUMENT = "not in the document, taken from the default plan"


def _not_in_document() -> str:
    return _("not in the document, taken from the default plan")


class Builder:
    """Build the draft items of one document against a base plan's data (see module doc)."""

    def __init__(self, root: Node, base: dict[str, Any], limits: list[TimeLimit]) -> None:
        self.root = root
        self.base = base
        self.limits = limits
        self.items: list[Any] = []
        self.unplaced: list[Any] = []
        self.slots: set[str] = set()
        self.tiers = extract.response_tiers(root)

    # -- helpers -------------------------------------------------------------

    def add(self, slot: str, value: Any, origin: str, confidence: str, note: str, **kw) -> Any:
        from .draft import DraftItem

        item = DraftItem(
            id=f"i{len(self.items) + 1}",
            slot=slot,
            value=value,
            origin=origin,
            confidence=confidence,
            note=note,
            **kw,
        )
        self.items.append(item)
        if not kw.get("parent"):
            self.slots.add(slot)
        return item

    def base_at(self, slot: str) -> Any:
        value: Any = self.base
        for part in slot.split("."):
            if not isinstance(value, dict) or part not in value:
                return None
            value = value[part]
        return copy.deepcopy(value)

    def default(self, slot: str, sentence: str = "", section: str = "", line=None, note=""):
        value = self.base_at(slot)
        if value is None:
            return None
        return self.add(
            slot,
            value,
            "default",
            "medium",
            note or _not_in_document(),
            sentence=sentence,
            section=section,
            line=line,
        )

    def document(
        self, slot: str, value: Any, found: extract.Found, confidence="high", note="", **kw
    ):
        return self.add(
            slot,
            value,
            "document",
            confidence,
            note or _("read from the document"),
            section=found.section,
            line=found.line,
            sentence=found.sentence,
            **kw,
        )

    def unplace(self, text: str, reason: str, section: str = "", line=None) -> None:
        from .draft import Unplaced

        self.unplaced.append(Unplaced(text, reason, section, line))

    @staticmethod
    def match(base_list: list[dict] | None, name: str, section: str, attr="name") -> dict | None:
        for element in base_list or []:
            if element.get(attr) == name:
                return copy.deepcopy(element)
        for element in base_list or []:
            if section and element.get("section") == section:
                return copy.deepcopy(element)
        return None

    @staticmethod
    def overlay(base: dict | None, own: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """Return ``base`` overwritten by ``own`` and the base fields kept (borrowed)."""
        value = copy.deepcopy(base) if base else {}
        borrowed = [k for k in value if k not in own]
        value.update({k: v for k, v in own.items() if v is not None})
        return value, borrowed

    def _borrow_note(self, borrowed: list[str], extra: str = "") -> str:
        parts = [_("read from the document")]
        if borrowed:
            parts.append(
                _("%(fields)s: not in the document, taken from the default plan")
                % {"fields": ", ".join(borrowed)}
            )
        if extra:
            parts.append(extra)
        return "; ".join(parts)

    # -- the plan's parts ----------------------------------------------------

    def build(self) -> list[Any]:
        """Return the items of the whole plan, part by part, then the base's remaining fields."""
        self.default("code")
        title = extract.title_of(self.root)
        if title:
            self.document("title", title.value, title)
        for doc in extract.governing_documents(self.root):
            self.document("governing_documents", doc.value, doc, many=True)
        self.roles()
        self.threshold()
        self.reports()
        self.categories()
        self.deadlines()
        self.aftermath()
        self.fill_from_base(self.base, "")
        return self.items

    def fill_from_base(self, node: dict[str, Any], prefix: str) -> None:
        """Add a default item for every base field (at any depth of mappings) no item fills."""
        for key, value in node.items():
            path = f"{prefix}{key}"
            if path in self.slots:
                continue
            if any(slot.startswith(path + ".") for slot in self.slots):
                if isinstance(value, dict):
                    self.fill_from_base(value, path + ".")
                continue
            self.default(path)

    def roles(self) -> None:
        name, seats = extract.leading_group(self.root)
        if name:
            self.document("roles.leading_group.name", name.value, name)
        else:
            self.default("roles.leading_group.name")
        base_seats = self.base_at("roles.leading_group.seats")
        if not seats:
            self.default("roles.leading_group.seats")
        for seat in seats:
            key = vocabulary.SEATS.get(seat.value)
            base = self.match(base_seats, seat.value, "")
            own: dict[str, Any] = {
                "key": key or f"seat_{len(self.items)}",
                "name": seat.value,
                "section": seat.section,
            }
            value, borrowed = self.overlay(base, own)
            self.document(
                "roles.leading_group.seats",
                value,
                seat,
                "high" if key else "low",
                self._borrow_note(borrowed, "" if key else _("key made up: rename it")),
                many=True,
                borrowed=borrowed,
            )
        office = extract.lead_office(self.root)
        known = vocabulary.unit(office.value) if office else None
        if office and known and known[1] is not None:
            self.document(
                "roles.lead_office", {"name": office.value, "unit_kind": known[1].value}, office
            )
        else:
            self.default("roles.lead_office")
        base_units = self.base_at("roles.task_force_units")
        units = extract.task_force_units(self.root)
        if not units:
            self.default("roles.task_force_units")
        for unit in units:
            known = vocabulary.unit(unit.value)
            base = self.match(base_units, unit.value, "")
            own = {"key": known[0] if known else f"unit_{len(self.items)}"}
            own |= {"name": unit.value, "section": unit.section}
            if known and known[1] is not None:
                own["unit_kind"] = known[1].value
            value, borrowed = self.overlay(base, own)
            self.document(
                "roles.task_force_units",
                value,
                unit,
                "high" if known else "low",
                self._borrow_note(
                    borrowed, "" if known else _("unit not known: set its key and kind")
                ),
                many=True,
                borrowed=borrowed,
            )

    def threshold(self) -> None:
        found = extract.group_threshold(self.root)
        if found:
            self.document("group_threshold", int(found.value), found)
            return
        sentence, section, line = "", "", None
        for node in self.root.walk():
            for text, number in node.lines():
                if "预警人数" in text or "人数" in text and "达到" in text:
                    sentence, section, line = text, node.section, number
                    break
            if sentence:
                break
        self.default(
            "group_threshold",
            sentence,
            section,
            line,
            _("the document names no number (“达到预警人数”): taken from the default plan"),
        )

    def reports(self) -> None:
        lists = extract.report_contents(self.root)
        if not lists:
            for slot in ("report_fields", "report_contents"):
                self.default(slot)
            return
        merged: list[tuple[str, extract.Found]] = []
        keyed: list[tuple[str, list[str]]] = []
        for section, names in lists:
            keys = []
            previous = -1
            for found in names:
                key = vocabulary.REPORT_FIELDS.get(found.value) or f"field_{len(merged) + 1}"
                keys.append(key)
                at = next((i for i, (k, _f) in enumerate(merged) if k == key), None)
                if at is None:
                    merged.insert(previous + 1, (key, found))
                    previous += 1
                else:
                    previous = at
            keyed.append((section, keys))
        base_fields = self.base_at("report_fields")
        for key, found in merged:
            base = self.match(base_fields, key, "", attr="key")
            value, borrowed = self.overlay(base, {"key": key, "name": found.value})
            known = not key.startswith("field_")
            self.document(
                "report_fields",
                value,
                found,
                "high" if known else "low",
                self._borrow_note(borrowed, "" if known else _("key made up: rename it")),
                many=True,
                borrowed=borrowed,
            )
        for section, keys in keyed:
            which = "warning" if self._phase(section) == "warning" else "incident"
            sentence = next((f.sentence for s, ns in lists if s == section for f in ns), "")
            found = extract.Found("", section, 0, sentence)
            self.document(f"report_contents.{which}", {"section": section, "fields": keys}, found)
        for which in ("warning", "incident"):
            if f"report_contents.{which}" not in self.slots:
                self.default(f"report_contents.{which}")

    def _phase(self, section: str) -> str:
        """Return "warning" / "incident" / "" for the top-level part holding ``section``."""
        for node in self.root.walk():
            if node.section == section:
                ancestor: Node | None = node.parent
                while ancestor is not None and ancestor.kind != "root":
                    if "预警" in ancestor.title:
                        return "warning"
                    if re.search(r"应急|响应|处置|信息报告|信息报送", ancestor.title):
                        return "incident"
                    ancestor = ancestor.parent
                return ""
        return ""

    def categories(self) -> None:
        lists = extract.categories(self.root)
        for found_list in lists:
            if (
                found_list.kind not in ("warning", "incident")
                or "范畴" not in found_list.title
                and "分类" not in found_list.title
            ):
                self.unplace(
                    "、".join(f.value for f in found_list.items),
                    _("categories under “%(title)s”: no plan field for them")
                    % {"title": found_list.title},
                    found_list.section,
                )
        warning = next((c for c in lists if c.kind == "warning" and c.items), None)
        incident = next((c for c in lists if c.kind == "incident" and "范畴" in c.title), None)
        incident = incident or next((c for c in lists if c.kind == "incident" and c.items), None)
        if warning is None:
            self.default("warning_categories")
        else:
            base_list = self.base_at("warning_categories")
            for n, found in enumerate(warning.items, 1):
                base = self.match(base_list, found.value, found.section)
                own: dict[str, Any] = {"name": found.value, "section": found.section}
                if base is None:
                    own["key"] = f"warning_{n}"
                value, borrowed = self.overlay(base, own)
                self.document(
                    "warning_categories",
                    value,
                    found,
                    "high" if base else "medium",
                    self._borrow_note(borrowed, "" if base else _("key made up: rename it")),
                    many=True,
                    borrowed=borrowed,
                )
        if incident is None:
            self.default("incident_categories")
            return
        base_list = self.base_at("incident_categories")
        for n, found in enumerate(incident.items, 1):
            base = self.match(base_list, found.value, found.section)
            tier = self.tiers[n - 1] if n - 1 < len(self.tiers) else None
            own = {"name": found.value, "section": found.section, "tier": n}
            if tier is not None:
                own["response_section"] = tier.section
            if base is None:
                own |= {"key": f"category_{n}", "short_name": found.value[:12]}
            value, borrowed = self.overlay(base, own)
            value.pop("checklist", None)
            borrowed = [b for b in borrowed if b != "checklist"]
            item = self.document(
                "incident_categories",
                value,
                found,
                "high" if base else "medium",
                self._borrow_note(borrowed, "" if base else _("key and short name made up")),
                many=True,
                borrowed=borrowed,
            )
            base_steps = (base or {}).get("checklist", [])
            steps = tier.steps if tier else []
            if not steps:
                self.unplace(
                    found.value, _("no response steps found for this category"), found.section
                )
            for s, (section, title, text, line) in enumerate(steps, 1):
                base_step = (
                    self.match(base_steps, title, section, attr="title")
                    if title
                    else self.match(base_steps, "", section)
                )
                own_step: dict[str, Any] = {"text": text, "section": section}
                if title:
                    own_step["title"] = title
                if base_step is None:
                    own_step.setdefault("title", text[:10])
                    own_step["key"] = f"step_{s}"
                step_value, step_borrowed = self.overlay(base_step, own_step)
                self.document(
                    "checklist",
                    step_value,
                    extract.Found(title, section, line, text),
                    "high" if base_step else "medium",
                    self._borrow_note(
                        step_borrowed, "" if base_step else _("key made up: rename it")
                    ),
                    parent=item.id,
                    borrowed=step_borrowed,
                )

    def _applies_to(self, section: str) -> list[str]:
        categories = [i for i in self.items if i.slot == "incident_categories"]
        for item in categories:
            values = item.value if isinstance(item.value, list) else [item.value]
            for value in values:
                response = value.get("response_section")
                if response and (section == response or section.startswith(response + "(")):
                    return [value["key"]]
        return []

    def deadlines(self) -> None:
        from .deadlinemap import place_deadlines

        place_deadlines(self)

    def aftermath(self) -> None:
        ones = extract.five_ones(self.root)
        if not ones:
            self.default("aftermath")
            return
        self.document("aftermath.section", ones[0].section, ones[0])
        base_list = self.base_at("aftermath.five_ones")
        for found in ones:
            key = vocabulary.FIVE_ONES.get(found.value)
            base = self.match(base_list, found.value, "")
            value, borrowed = self.overlay(
                base, {"key": key or f"one_{len(self.items)}", "name": found.value}
            )
            self.document(
                "aftermath.five_ones",
                value,
                found,
                "high" if key else "low",
                self._borrow_note(borrowed, "" if key else _("key made up: rename it")),
                many=True,
                borrowed=borrowed,
            )
        summary = extract.summary_report(self.root)
        if summary:
            self.document("aftermath.summary_report_required", True, summary)
        else:
            self.default("aftermath.summary_report_required")
