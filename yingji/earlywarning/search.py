"""Chinese full-text search of the ledger: jieba tokens stored beside each warning.

What is searched (:func:`warning_search_text`): the warning's number, its
place (village and address), summary and cause, so that staff find a
warning by the number a caller gives or by where it is, as by what it is
about. ``index_text`` turns them into space-padded tokens (search
mode, so "补偿款" also yields "补偿"); ``query_tokens`` segments a query the
same way, and a warning matches when it holds every query token. So
"征地补偿" (征地 / 补偿) finds "征地的补偿款". Punctuation and spaces are
dropped; single characters are kept, since Chinese words can be one
character long.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import jieba

jieba.setLogLevel(logging.WARNING)

_WORD = re.compile(r"\w", re.UNICODE)


def tokens(text: str) -> list[str]:
    """Return the distinct jieba search-mode tokens of ``text``, lower-cased, in order."""
    seen: dict[str, None] = {}
    for token in jieba.cut_for_search(text or ""):
        token = token.strip().lower()
        if token and _WORD.search(token):
            seen.setdefault(token, None)
    return list(seen)


def index_text(*parts: str) -> str:
    """Return the stored search text of ``parts``: `` tok1 tok2 … `` (space before and after each)."""
    found = tokens(" ".join(p for p in parts if p))
    return f" {' '.join(found)} " if found else ""


def query_tokens(query: str) -> list[str]:
    """Return the tokens a query must all match: its jieba precise-mode words.

    Precise mode keeps a query word whole ("补偿款" stays one token), so that it
    matches only texts holding the whole word; the stored text has both the
    word and its parts (search mode), so "补偿" still finds "补偿款".
    """
    seen: dict[str, None] = {}
    for token in jieba.cut(query or ""):
        token = token.strip().lower()
        if token and _WORD.search(token):
            seen.setdefault(token, None)
    return list(seen)


def warning_search_text(warning: Any) -> str:
    """Return what a warning stores to be searched: the tokens of its number, village name,
    address, summary and cause (``Warning.search_text``; set by every action that writes those).

    ``warning`` is a ``Warning`` (its village read through the relation, one query unless
    already loaded). "YJ2026-0002" finds that warning, "东岭村" those of the village.
    """
    village = warning.village.name if warning.village_id else ""
    return index_text(warning.number, village, warning.address, warning.summary, warning.cause)
