"""Hot issues → early-warning signs: find groups, propose them, and let a person accept or dismiss (issue 11 §3).

A group becomes a warning in the ledger only when a person accepts it
(``earlywarning.actions.register``, plan §五(二)); nothing is registered by
the pass itself. Groups are matters and places; the writers are not inputs.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingji.audit.log import record
from yingji.earlywarning import actions as ledger
from yingji.earlywarning.choices import WarningSource
from yingji.orgs.access import Actor, require
from yingji.orgs.models import Township
from yingji.petitions.models import PetitionCase

from ..choices import HotIssueState
from ..hotissues import Message, find_groups
from ..models import HotIssue


def threshold_of(township: Township) -> int:
    """The plan's ``group_threshold`` (plan §三 "达到预警人数的"); 5 without a plan in force."""
    version = township.plan_version
    return version.plan.group_threshold if version is not None else 5


def stream(township: Township, *, since: datetime | None = None) -> list[Message]:
    """The township's cases as :class:`Message` items (subject, text, receipt time, supporting votes)."""
    rows = PetitionCase.objects.filter(township=township)
    if since is not None:
        rows = rows.filter(received_at__gte=since)
    return [
        Message(key=str(pk), subject=summary, text=content, at=at, votes=votes or 0)
        for pk, summary, content, at, votes in rows.values_list(
            "id", "summary", "content", "received_at", "source_message__votes_up"
        )
    ]


def propose_hot_issues(
    actor: Actor,
    township: Township,
    *,
    window_days: int = 90,
    since_days: int | None = None,
    now: datetime | None = None,
) -> list[HotIssue]:
    """Run the hot-issue pass over the township's cases; propose each group at or above the threshold.

    A group is proposed when it has at least the plan's ``group_threshold``
    messages (plan §三). Returns the proposals, best first. A group already
    proposed (same earliest case) is refreshed while still proposed and left
    alone once decided. ``since_days`` limits the pass to recent cases.
    Raises ``PermissionDenied``.
    """
    require(actor, "complaints.hot_issues", township)
    now = now or timezone.now()
    since = now - timedelta(days=since_days) if since_days else None
    groups = find_groups(stream(township, since=since), window_days=window_days)
    threshold = threshold_of(township)
    proposed: list[HotIssue] = []
    with transaction.atomic():
        for group in groups:
            if group.size < threshold:
                continue
            values = {
                "title": group.title[:300],
                "place": group.place[:100],
                "size": group.size,
                "votes": group.votes,
                "score": group.score,
                "first_at": group.first_at,
                "last_at": group.last_at,
            }
            issue = HotIssue.objects.filter(township=township, key=group.keys[0]).first()
            if issue is not None and issue.state != HotIssueState.PROPOSED:
                continue
            if issue is None:
                issue = HotIssue.objects.create(
                    township=township, key=group.keys[0], proposed_at=now, **values
                )
            else:
                for name, value in values.items():
                    setattr(issue, name, value)
                issue.save()
            issue.cases.set([int(k) for k in group.keys])
            proposed.append(issue)
        record(
            actor,
            "complaints.propose_hot_issues",
            None,
            township=township,
            after={"groups": len(groups), "proposed": len(proposed), "threshold": threshold},
        )
    return proposed


def _open(issue: HotIssue) -> None:
    if issue.state != HotIssueState.PROPOSED:
        raise ValidationError(_("This hot issue has already been decided."))


def accept_hot_issue(
    actor: Actor,
    issue: HotIssue,
    *,
    category: str,
    summary: str = "",
    at: datetime | None = None,
) -> HotIssue:
    """Accept ``issue`` as an early-warning sign: register it in the ledger; return the issue.

    The warning (plan §五(二)) is registered through
    ``earlywarning.actions.register`` with the plan warning ``category``
    (e.g. ``brewing_unrest``), source ``online``, the place as its address and
    the matter as its cause; it was discovered when the pass proposed it.
    Raises ``ValidationError`` (decided already, an unknown category),
    ``PermissionDenied`` unless the actor may both decide hot issues and
    register warnings.
    """
    require(actor, "complaints.hot_issues", issue.township)
    _open(issue)
    now = at or timezone.now()
    text = (summary or "").strip() or _(
        "Hot issue: %(title)s (%(size)d messages, %(first)s – %(last)s)"
    ) % {
        "title": issue.title,
        "size": issue.size,
        "first": timezone.localtime(issue.first_at).strftime("%Y-%m-%d"),
        "last": timezone.localtime(issue.last_at).strftime("%Y-%m-%d"),
    }
    with transaction.atomic():
        warning = ledger.register(
            actor,
            issue.township,
            category=category,
            source=WarningSource.ONLINE,
            summary=text[:300],
            discovered_at=min(issue.proposed_at, now),
            at=now,
            address=issue.place,
            cause=issue.title,
        )
        issue.state = HotIssueState.ACCEPTED
        issue.warning = warning
        issue.decided_at = now
        issue.save(update_fields=["state", "warning", "decided_at"])
        record(
            actor,
            "complaints.accept_hot_issue",
            issue,
            township=issue.township,
            after={"warning": warning.number},
        )
    return issue


def dismiss_hot_issue(
    actor: Actor, issue: HotIssue, *, reason: str, at: datetime | None = None
) -> HotIssue:
    """Dismiss ``issue`` as not a sign, with ``reason``; return it. Nothing enters the ledger.

    Raises ``ValidationError`` (decided already, no reason), ``PermissionDenied``.
    """
    require(actor, "complaints.hot_issues", issue.township)
    _open(issue)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason.")})
    with transaction.atomic():
        issue.state = HotIssueState.DISMISSED
        issue.decided_at = at or timezone.now()
        issue.decision_reason = reason.strip()
        issue.save(update_fields=["state", "decided_at", "decision_reason"])
        record(
            actor,
            "complaints.dismiss_hot_issue",
            issue,
            township=issue.township,
            after={"reason": reason.strip()},
        )
    return issue
