"""Finding hot issues: groups of messages about one matter at one place within a time window (issue 11 §3).

Pure functions over :class:`Message` items (no database): the pass is run by
``complaints.actions.propose_hot_issues`` over a township's cases and by the
tests straight from a file. Texts are segmented by jieba and weighted by
TF-IDF (scikit-learn); two messages are neighbours when their cosine
similarity is high enough, they name a common specific place (小区, 路, 村 …
— or are near-identical), and they lie within ``window_days`` of each
other. Groups are the connected neighbours (union-find). Groups are about
matters and places only: the writer of a message is never an input.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from .routing import tokens

#: A specific place: a name ending in a place word (estate, road, village, school …).
_PLACE = re.compile(
    r"[\u4e00-\u9fffA-Za-z0-9]{2,10}?"
    r"(?:小区|花园|家园|新村|新城|公寓|大厦|广场|公园|市场|商场|中学|小学|幼儿园|学校|学院|医院|"
    r"大道|路|街道|街|巷|村|社区|镇|乡|湖|山|桥|站|城|苑|湾|园)"
)
#: Places too wide to tie two messages to one spot (anonymised districts, the city, the province).
_TOO_WIDE = re.compile(r"^(?:[A-Z]\d*[市区县]|西地省|[A-Z]市[A-Z]\d*区|本市|全市|全省)$")
_PREFIX = re.compile(r"^(?:[A-Z]\d*[市区县])+")
#: Words before a place name in running text (``我们是魅力之城`` → ``魅力之城``).
_LEAD = re.compile(r"[的是在于买了和与及对从向到给让把被近至]")
#: Not places: phrases that end like one (``小区临街``, ``整个小区``, ``政府``).
_NOT_PLACE = re.compile(
    r"政府|临街|整个|我们|我是|尊敬|希望|请求|同小区|附近|这个|那个|本小区|该小区"
)


@dataclass
class Message:
    """One message of the stream: ``key`` (a case id or message number), text, aware time, support votes."""

    key: str
    subject: str
    text: str
    at: datetime
    votes: int = 0


@dataclass
class Group:
    """A group of messages on one matter and place, with its ranking ``score``."""

    keys: list[str]
    title: str
    place: str
    first_at: datetime
    last_at: datetime
    votes: int
    score: float = 0.0
    places: Counter = field(default_factory=Counter)

    @property
    def size(self) -> int:
        """How many messages are in the group."""
        return len(self.keys)


def places(text: str) -> set[str]:
    """Return the specific places named in ``text`` (district prefixes like ``A5区`` stripped)."""
    found = set()
    for m in _PLACE.finditer(text):
        name = _PREFIX.sub("", _LEAD.split(m.group(0))[-1])
        if len(name) >= 3 and not _TOO_WIDE.match(name) and not _NOT_PLACE.search(name):
            found.add(name)
    return found


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def find_groups(
    messages: Sequence[Message],
    *,
    similarity: float = 0.35,
    same_text: float = 0.8,
    window_days: int = 90,
    min_size: int = 2,
    common_share: float = 0.01,
    now: datetime | None = None,
) -> list[Group]:
    """Group ``messages`` by matter and place; return the groups of ``min_size`` or more, best first.

    Neighbours: TF-IDF cosine ≥ ``similarity`` and a common specific place, or
    cosine ≥ ``same_text`` (the same message posted again); and at most
    ``window_days`` days apart. A place named in more than ``common_share`` of
    the messages (and more than 10) is too common to tie two messages. Score (the ranking): size + ln(1 + votes) +
    2 × 0.5^(days since the last message / 30) — size first, support and
    recency break ties. ``now`` (aware) defaults to the latest message time.
    """
    if not messages:
        return []
    # Imported here, not at the top: scikit-learn takes seconds to import, and every start of
    # the server and of each command loads this module through the URLs and the API.
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = [tokens(f"{m.subject} {m.subject} {m.text[:400]}") for m in messages]
    # bandit B106 takes token_pattern for a password: it is the tokenizer's regular expression.
    vectorizer = TfidfVectorizer(token_pattern=r"(?u)\S+", sublinear_tf=True, min_df=1)  # nosec B106
    matrix = vectorizer.fit_transform(docs)
    sims = (matrix @ matrix.T).tocoo()
    where = [places(f"{m.subject} {m.text[:400]}") for m in messages]
    spread = Counter(p for w in where for p in w)
    common = {p for p, n in spread.items() if n > max(common_share * len(messages), 10)}
    where = [w - common for w in where]
    parent = list(range(len(messages)))
    window = window_days * 86400
    for i, j, s in zip(sims.row, sims.col, sims.data, strict=True):
        if i >= j or s < similarity:
            continue
        if abs((messages[i].at - messages[j].at).total_seconds()) > window:
            continue
        if s >= same_text or where[i] & where[j]:
            a, b = _find(parent, int(i)), _find(parent, int(j))
            if a != b:
                parent[b] = a
    members: dict[int, list[int]] = {}
    for i in range(len(messages)):
        members.setdefault(_find(parent, i), []).append(i)
    latest = now or max(m.at for m in messages)
    groups = []
    for idx in members.values():
        if len(idx) < min_size:
            continue
        idx.sort(key=lambda k: (messages[k].at, messages[k].key))
        place_counts: Counter = Counter(p for k in idx for p in where[k])
        votes = sum(messages[k].votes for k in idx)
        last = messages[idx[-1]].at
        age = max((latest - last).total_seconds() / 86400, 0.0)
        top = max(idx, key=lambda k: (messages[k].votes, -messages[k].at.timestamp()))
        groups.append(
            Group(
                keys=[messages[k].key for k in idx],
                title=messages[top].subject,
                place=max(place_counts, key=lambda p: (place_counts[p], len(p)))
                if place_counts
                else "",
                first_at=messages[idx[0]].at,
                last_at=last,
                votes=votes,
                score=round(len(idx) + math.log1p(votes) + 2 * 0.5 ** (age / 30), 4),
                places=place_counts,
            )
        )
    groups.sort(key=lambda g: (-g.score, g.first_at))
    return groups
