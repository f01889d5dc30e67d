"""Written reply, deliveries, review and re-review, and the petitioner's rating (Art. 32–36)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingji.audit.log import record
from yingji.deadlines.actions import open_deadline, satisfy
from yingji.deadlines.choices import DeadlineUnit
from yingji.deadlines.rules import due_after_days
from yingji.orgs.access import Actor, require

from ..access import code_matches, require_handler
from ..choices import CaseStatus, DeliveryMethod, DocumentKind, Satisfaction
from ..documents import (
    REVIEW_WINDOW_DAYS,
    local_minute,
    re_review_opinion_text,
    reply_text,
    review_opinion_text,
)
from ..models import Delivery, Document, PetitionCase
from ._common import CONCLUDE_RULE, EXTENDED_RULE, _document, _issuer, _now, _require_status

#: Art. 35: the review opinion is due 30 days after the review request.
REVIEW_RULE = "petition.art35_review_opinion"
#: Art. 36: the re-review opinion is due 30 days after the re-review request.
RE_REVIEW_RULE = "petition.art36_re_review_opinion"
OPINION_DAYS = 30


def _required(parts: dict[str, str]) -> dict[str, str]:
    errors = {k: _("This part of the document is required.") for k, v in parts.items() if not v}
    if errors:
        raise ValidationError(errors)
    return parts


def issue_reply(
    actor: Actor,
    case: PetitionCase,
    *,
    request: str,
    facts: str,
    decision: str,
    basis: str,
    review_body: str,
    at: datetime | None = None,
) -> Document:
    """Conclude ``case`` with the written reply (处理意见书) and return it (Art. 32, 34).

    The reply states the request, the facts found, the decision, its basis,
    and the review route (``review_body``) with its 30-day window (Art. 35).
    Satisfies the 60-day (or extended) conclude deadline. The review window
    starts when the delivery is recorded. Raises ``ValidationError`` (one
    error per empty part), ``PermissionDenied``.
    """
    require(actor, "petitions.handle", case.township)
    require_handler(actor, case)
    at = _now(at)
    _require_status(case, CaseStatus.IN_RESOLUTION)
    parts = _required(
        {
            "request": request.strip(),
            "facts": facts.strip(),
            "decision": decision.strip(),
            "basis": basis.strip(),
            "review_body": review_body.strip(),
        }
    )
    with transaction.atomic():
        case.status = CaseStatus.REPLIED
        case.concluded_at = at
        case.save(update_fields=["status", "concluded_at"])
        satisfy(case, CONCLUDE_RULE, at=at)
        satisfy(case, EXTENDED_RULE, at=at)
        doc = _document(
            case,
            DocumentKind.REPLY,
            at,
            reply_text(case.number, _issuer(case), at, parts),
            review_window_days=REVIEW_WINDOW_DAYS,
            **parts,
        )
        record(
            actor,
            "petitions.reply",
            case,
            after={"document": doc.get_kind_display(), "document_id": doc.pk},
        )
    return doc


def record_delivery(
    actor: Actor,
    document: Document,
    *,
    method: DeliveryMethod | str,
    delivered_at: datetime,
    note: str = "",
) -> Delivery:
    """Record how and when ``document`` reached the petitioner (送达); return the record.

    ``delivered_at`` (aware) is the petitioner's receipt, not in the future and not
    before the minute the document was issued (a time within that minute is
    recorded as the moment of issue).
    The first delivery of a written reply starts the 30-day review window;
    of a review opinion, the 30-day re-review window (Art. 35, 36; calendar
    days in Asia/Shanghai ending 24:00). Raises ``ValidationError``,
    ``PermissionDenied``.
    """
    case = document.case
    require(actor, "petitions.handle", case.township)
    require_handler(actor, case)
    if method not in DeliveryMethod.values:
        raise ValidationError({"method": _("Choose how the document was delivered.")})
    if delivered_at > timezone.now():
        raise ValidationError({"delivered_at": _("A delivery cannot be in the future.")})
    issued = document.issued_at
    # The form takes the time to the minute: a time in the minute of issue means "just after it".
    if delivered_at < issued.replace(second=0, microsecond=0):
        raise ValidationError(
            {
                "delivered_at": _("A document is delivered after it is issued (%(at)s).")
                % {"at": local_minute(issued)}
            }
        )
    delivered_at = max(delivered_at, issued)
    first = not document.deliveries.exists()
    with transaction.atomic():
        delivery = Delivery.objects.create(
            document=document,
            method=method,
            delivered_at=delivered_at,
            note=note.strip(),
            recorded_at=timezone.now(),
            recorded_by=actor.member,
        )
        if first and document.kind == DocumentKind.REPLY:
            case.review_window_ends_at = due_after_days(delivered_at, REVIEW_WINDOW_DAYS)
            case.save(update_fields=["review_window_ends_at"])
        if first and document.kind == DocumentKind.REVIEW_OPINION:
            case.re_review_window_ends_at = due_after_days(delivered_at, REVIEW_WINDOW_DAYS)
            case.save(update_fields=["re_review_window_ends_at"])
        record(
            actor,
            "petitions.delivery",
            case,
            after={"document": document.get_kind_display(), "method": str(method)},
        )
    return delivery


def _request_in_window(
    case: PetitionCase, window_ends_at: datetime | None, requested_at: datetime, what: str
) -> None:
    if window_ends_at is None:
        raise ValidationError(
            {
                "requested_at": _(
                    "Record the delivery of the document first: the window runs from receipt."
                )
            }
        )
    if requested_at > window_ends_at:
        raise ValidationError(
            {
                "requested_at": _(
                    "Refused: the %(what)s request came on %(on)s, after its window closed at the end of %(end)s "
                    "(30 days from receipt of the document)."
                )
                % {
                    "what": what,
                    "on": timezone.localtime(requested_at).strftime("%Y-%m-%d"),
                    "end": timezone.localtime(window_ends_at - timedelta(seconds=1)).strftime(
                        "%Y-%m-%d"
                    ),
                }
            }
        )


def _open_opinion(case: PetitionCase, rule: str, label: str, source: str, at: datetime) -> None:
    open_deadline(
        case,
        township=case.township,
        rule=rule,
        label=label,
        source=source,
        unit=DeadlineUnit.DAYS,
        amount=OPINION_DAYS,
        opened_at=at,
    )


def request_review(actor: Actor, case: PetitionCase, *, requested_at: datetime) -> PetitionCase:
    """Record the petitioner's review (复查) request received at ``requested_at`` (Art. 35).

    Accepted only within 30 days of receiving the written reply; opens the
    30-day review-opinion deadline. A late request is refused with the dates
    in the error. Raises ``ValidationError``, ``PermissionDenied``.
    """
    require(actor, "petitions.decide", case.township)
    _require_status(case, CaseStatus.REPLIED)
    _request_in_window(case, case.review_window_ends_at, requested_at, _("review"))
    with transaction.atomic():
        case.status = CaseStatus.REVIEW_REQUESTED
        case.save(update_fields=["status"])
        _open_opinion(case, REVIEW_RULE, "复查意见", "《信访工作条例》第三十五条", requested_at)
        record(actor, "petitions.request_review", case, after={"at": requested_at.isoformat()})
    return case


def issue_review_opinion(
    actor: Actor,
    case: PetitionCase,
    *,
    opinion: str,
    basis: str,
    re_review_body: str,
    at: datetime | None = None,
) -> Document:
    """Issue the review opinion (复查意见书) naming the re-review route and window (Art. 35, 36)."""
    require(actor, "petitions.handle", case.township)
    require_handler(actor, case)
    at = _now(at)
    _require_status(case, CaseStatus.REVIEW_REQUESTED)
    parts = _required(
        {
            "opinion": opinion.strip(),
            "basis": basis.strip(),
            "re_review_body": re_review_body.strip(),
        }
    )
    with transaction.atomic():
        case.status = CaseStatus.REVIEWED
        case.save(update_fields=["status"])
        satisfy(case, REVIEW_RULE, at=at)
        doc = _document(
            case,
            DocumentKind.REVIEW_OPINION,
            at,
            review_opinion_text(case.number, _issuer(case), at, parts),
            **parts,
        )
        record(
            actor,
            "petitions.review_opinion",
            case,
            after={"document": doc.get_kind_display(), "document_id": doc.pk},
        )
    return doc


def request_re_review(actor: Actor, case: PetitionCase, *, requested_at: datetime) -> PetitionCase:
    """Record the re-review (复核) request, within 30 days of receiving the review opinion (Art. 36)."""
    require(actor, "petitions.decide", case.township)
    _require_status(case, CaseStatus.REVIEWED)
    _request_in_window(case, case.re_review_window_ends_at, requested_at, _("re-review"))
    with transaction.atomic():
        case.status = CaseStatus.RE_REVIEW_REQUESTED
        case.save(update_fields=["status"])
        _open_opinion(case, RE_REVIEW_RULE, "复核意见", "《信访工作条例》第三十六条", requested_at)
        record(actor, "petitions.request_re_review", case, after={"at": requested_at.isoformat()})
    return case


def issue_re_review_opinion(
    actor: Actor, case: PetitionCase, *, opinion: str, basis: str, at: datetime | None = None
) -> Document:
    """Issue the re-review opinion (复核意见书): the matter is final and not taken again (Art. 36)."""
    require(actor, "petitions.handle", case.township)
    require_handler(actor, case)
    at = _now(at)
    _require_status(case, CaseStatus.RE_REVIEW_REQUESTED)
    parts = _required({"opinion": opinion.strip(), "basis": basis.strip()})
    with transaction.atomic():
        case.status = CaseStatus.FINAL
        case.final_at = at
        case.save(update_fields=["status", "final_at"])
        satisfy(case, RE_REVIEW_RULE, at=at)
        doc = _document(
            case,
            DocumentKind.RE_REVIEW_OPINION,
            at,
            re_review_opinion_text(case.number, _issuer(case), at, parts),
            **parts,
        )
        record(
            actor,
            "petitions.re_review_opinion",
            case,
            after={"document": doc.get_kind_display(), "document_id": doc.pk},
        )
    return doc


#: States in which the petitioner may rate the outcome: a written reply exists.
RATEABLE = frozenset(
    {
        CaseStatus.REPLIED,
        CaseStatus.REVIEW_REQUESTED,
        CaseStatus.REVIEWED,
        CaseStatus.RE_REVIEW_REQUESTED,
        CaseStatus.FINAL,
    }
)


def rate_case(
    actor: Actor, case: PetitionCase, *, query_code: str, rating: Satisfaction | str
) -> PetitionCase:
    """Record the petitioner's one satisfaction rating from the public page (满意度评价).

    ``actor`` is the public actor of the page (no member); the query code is
    the petitioner's credential. Raises ``PermissionDenied`` for a wrong code,
    ``ValidationError`` before the written reply, for a second rating or a bad value.
    """
    if not code_matches(case, query_code):
        raise PermissionDenied("wrong query code")
    if case.status not in RATEABLE:
        raise ValidationError(_("The outcome can be rated once the written reply is issued."))
    if case.satisfaction:
        raise ValidationError(_("This case has already been rated."))
    if rating not in Satisfaction.values:
        raise ValidationError({"rating": _("Choose one of the ratings.")})
    with transaction.atomic():
        case.satisfaction = rating
        case.rated_at = timezone.now()
        case.save(update_fields=["satisfaction", "rated_at"])
        record(actor, "petitions.rate", case, after={"rating": str(rating)})
    return case
