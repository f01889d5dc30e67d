"""Place a document's time limits as plan deadlines (part of :mod:`.mapping`)."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from . import extract, vocabulary

if TYPE_CHECKING:
    from .mapping import Builder


def place_deadlines(self: Builder) -> None:
    """Turn the time limits into plan deadlines, matched against the base plan's deadlines.

    A numeric limit whose events can be told becomes a deadline (name and
    label from the matching base deadline, else made up). "立即" / "第一时间"
    becomes one only where the base plan has a ``configured`` deadline for the
    same section (its minutes are the township's choice). Base deadlines that
    are ``configured`` and not matched are carried over. Matched deadlines keep
    the base plan's order; new ones follow in document order. Everything else
    is listed as not placed, with the reason.
    """
    base_list: list[dict] = self.base_at("deadlines") or []
    used: set[int] = set()
    placed: list[tuple[int, Any]] = []
    for limit in self.limits:
        phase = self._phase(limit.section)
        if not phase:
            self.unplace(
                limit.sentence,
                _("time limit “%(p)s” outside the warning and response parts")
                % {"p": limit.phrase},
                limit.section,
                limit.line,
            )
            continue
        starts_on, ends_on, why = vocabulary.events(limit.starts, limit.ends, phase)
        applies_to = self._applies_to(limit.section)
        match = None
        for i, b in enumerate(base_list):
            if i in used:
                continue
            same_events = b["starts_on"] == (starts_on and starts_on.value) and b["ends_on"] == (
                ends_on and ends_on.value
            )
            same_place = b.get("section") == limit.section or (
                applies_to and b.get("applies_to") == applies_to
            )
            if limit.immediate and b.get("configured") and b.get("section") == limit.section:
                match = i
                break
            if not limit.immediate and limit.minutes is not None and same_events and same_place:
                match = i
                break
        if limit.immediate and match is None:
            self.unplace(
                limit.sentence,
                _("“%(p)s” gives no number: no deadline made (add one if wanted)")
                % {"p": limit.phrase},
                limit.section,
                limit.line,
            )
            continue
        if match is None and (limit.minutes is None or starts_on is None or ends_on is None):
            self.unplace(
                limit.sentence,
                _(
                    "time limit “%(p)s”: its start and end events could not be told from the sentence"
                )
                % {"p": limit.phrase},
                limit.section,
                limit.line,
            )
            continue
        base = copy.deepcopy(base_list[match]) if match is not None else None
        if match is not None:
            used.add(match)
        own: dict[str, Any] = {"section": limit.section}
        if starts_on and ends_on and starts_on != ends_on:
            own |= {"starts_on": starts_on.value, "ends_on": ends_on.value}
        if not limit.immediate:
            own["minutes"] = limit.minutes
        if applies_to:
            own["applies_to"] = applies_to
        basis = (base or {}).get("basis") or ""
        fragments = [f for f in basis.split("……") if f]
        quoted = bool(fragments) and all(f in limit.sentence for f in fragments)
        if not quoted:
            own["basis"] = limit.sentence
        if base is None:
            own |= {
                "name": f"deadline_{len(placed) + 1}",
                "label": (limit.ends or limit.phrase)[:30],
            }
        value, borrowed = self.overlay(base, own)
        extra = []
        if quoted:
            # The default plan's basis is a shortened quote of this very sentence.
            borrowed = [b for b in borrowed if b != "basis"]
            extra.append(_("basis: the default plan's shortened quote of this sentence"))
        if why == "arrival":
            extra.append(_("the clock starts at activation: the task force exists only from then"))
        if limit.immediate:
            extra.append(
                _("“%(p)s” gives no number: the minutes are the township's own choice")
                % {"p": limit.phrase}
            )
        item = self.document(
            "deadlines",
            value,
            extract.Found(limit.phrase, limit.section, limit.line, limit.sentence),
            "high" if base and not limit.immediate else "medium",
            self._borrow_note(borrowed, "; ".join(extra)),
            many=True,
            borrowed=borrowed,
        )
        placed.append((match if match is not None else len(base_list) + len(placed), item))
    for i, b in enumerate(base_list):
        if i not in used and b.get("configured"):
            item = self.default("deadlines")
            if item is not None:
                item.value, item.many = copy.deepcopy(b), True
                placed.append((i, item))
    # Matched deadlines keep the default plan's order; new ones follow in document order.
    order = [item for _i, item in sorted(placed, key=lambda p: p[0])]
    others = [i for i in self.items if i.slot != "deadlines"]
    self.items[:] = others + order
    if not placed:
        self.default("deadlines")
