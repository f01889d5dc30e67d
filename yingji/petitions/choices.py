"""Status and kind values of petition cases (《信访工作条例》 2022, article numbers are that regulation's)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Channel(models.TextChoices):
    """How a petition case came in (Art. 17; plan §七(一) for incident demands)."""

    LETTER = "letter", _("letter")  # 来信
    VISIT = "visit", _("visit")  # 来访
    PHONE = "phone", _("phone")  # 来电
    ONLINE = "online", _("online form")  # 网上信访
    TRANSFER = "transfer", _("transferred from a higher level")  # 转送
    ASSIGNMENT = "assignment", _("assigned by a higher level")  # 交办
    INCIDENT_DEMAND = "incident_demand", _("demand registered at an incident")  # 现场诉求登记
    WARNING = "warning", _("converted early warning")  # 预警转信访


#: Channels by which a higher level passes a case down; the unit may object within 5 working days (Art. 23).
FROM_HIGHER_LEVEL = frozenset({Channel.TRANSFER, Channel.ASSIGNMENT})


class Category(models.TextChoices):
    """What the petition asks for (Art. 29–31)."""

    SUGGESTION = "suggestion", _("suggestion or opinion")  # 建议意见类 (Art. 29)
    REPORT = (
        "report",
        _("report or accusation"),
    )  # 检举控告类 (Art. 30): hidden from the accused unit
    COMPLAINT = "complaint", _("complaint or claim")  # 申诉求决类 (Art. 31)


class ComplaintRoute(models.TextChoices):
    """The route a complaint or claim takes (Art. 31); only the petition procedure is handled here."""

    PETITION = (
        "petition",
        _("petition procedure"),
    )  # 信访程序: accepted, written decision (Art. 31(6), 34)
    LITIGATION = "litigation", _("litigation")  # 诉讼
    ARBITRATION = "arbitration", _("arbitration")  # 仲裁
    ADMINISTRATIVE_REVIEW = "admin_review", _("administrative reconsideration")  # 行政复议
    OTHER_STATUTORY = "other_statutory", _("other statutory procedure")  # 其他法定途径


class CaseStatus(models.TextChoices):
    """Where a case stands. Transitions: ``TRANSITIONS`` below."""

    RECEIVED = "received", _("received")  # the 15-day acceptance deadline runs (Art. 22)
    OBJECTED = (
        "objected",
        _("returned as outside our remit"),
    )  # objection to a transfer (Art. 23); ends here
    TRANSFERRED = "transferred", _("routed to the responsible body")  # 转送 (Art. 22); ends here
    DECLINED = "declined", _("not accepted")  # 不予受理, notice in writing (Art. 22, 31); ends here
    ACCEPTED = "accepted", _("accepted")  # 60 days to conclude run (Art. 34); five-ones being named
    IN_RESOLUTION = "in_resolution", _("in resolution")  # five-ones complete (plan §七(一))
    REPLIED = (
        "replied",
        _("replied in writing"),
    )  # 办结: written reply (Art. 32); review window runs
    REVIEW_REQUESTED = (
        "review_requested",
        _("review requested"),
    )  # 复查: opinion due in 30 days (Art. 35)
    REVIEWED = "reviewed", _("review opinion issued")  # re-review window runs (Art. 36)
    RE_REVIEW_REQUESTED = (
        "re_review_requested",
        _("re-review requested"),
    )  # 复核: opinion in 30 days
    FINAL = "final", _("final after re-review")  # Art. 36: the same matter is not taken again


TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.RECEIVED: frozenset(
        {CaseStatus.ACCEPTED, CaseStatus.DECLINED, CaseStatus.TRANSFERRED, CaseStatus.OBJECTED}
    ),
    CaseStatus.ACCEPTED: frozenset({CaseStatus.IN_RESOLUTION}),
    CaseStatus.IN_RESOLUTION: frozenset({CaseStatus.REPLIED}),
    CaseStatus.REPLIED: frozenset({CaseStatus.REVIEW_REQUESTED}),
    CaseStatus.REVIEW_REQUESTED: frozenset({CaseStatus.REVIEWED}),
    CaseStatus.REVIEWED: frozenset({CaseStatus.RE_REVIEW_REQUESTED}),
    CaseStatus.RE_REVIEW_REQUESTED: frozenset({CaseStatus.FINAL}),
}

#: States in which the case's own time limits still run (Art. 19: a new case on the same matter is flagged).
RUNNING = frozenset(
    {
        CaseStatus.RECEIVED,
        CaseStatus.ACCEPTED,
        CaseStatus.IN_RESOLUTION,
        CaseStatus.REVIEW_REQUESTED,
        CaseStatus.RE_REVIEW_REQUESTED,
    }
)


class PartyRole(models.TextChoices):
    """How a person takes part in a case: only as a party, with the details needed to reply."""

    PETITIONER = "petitioner", _("petitioner")  # 信访人
    REPRESENTATIVE = (
        "representative",
        _("representative of a group"),
    )  # 代表 (Art. 20: at most five)


#: Art. 20: a group petition names at most five representatives.
MAX_REPRESENTATIVES = 5


class DocumentKind(models.TextChoices):
    """Written documents sent to the petitioner; each records its delivery (送达)."""

    ACCEPTANCE = "acceptance", _("acceptance notice")  # 受理告知书 (Art. 22)
    NON_ACCEPTANCE = "non_acceptance", _("non-acceptance notice")  # 不予受理告知书 (Art. 22, 31)
    TRANSFER = "transfer", _("transfer notice")  # 转送告知 (Art. 22)
    EXTENSION = "extension", _("extension notice")  # 延期告知 with the reason (Art. 34)
    REPLY = "reply", _("written reply")  # 处理意见书 (Art. 32)
    REVIEW_OPINION = "review_opinion", _("review opinion")  # 复查意见书 (Art. 35)
    RE_REVIEW_OPINION = "re_review_opinion", _("re-review opinion")  # 复核意见书 (Art. 36)


class DeliveryMethod(models.TextChoices):
    """How a document reached the petitioner (送达); the review windows run from receipt."""

    IN_PERSON = "in_person", _("in person, signed for")  # 直接送达，签收
    POST = "post", _("by post")  # 邮寄送达
    SMS = "sms", _("by SMS")  # 短信
    ONLINE = "online", _("online")  # 网上信访平台


class Satisfaction(models.TextChoices):
    """The petitioner's one rating of the outcome (满意度评价)."""

    # A context of its own: the deadline state "satisfied" (已完成) shares the English word.
    SATISFIED = "satisfied", pgettext_lazy("rating", "satisfied")  # 满意
    FAIRLY = "fairly", _("fairly satisfied")  # 基本满意
    DISSATISFIED = "dissatisfied", _("dissatisfied")  # 不满意


class ExtensionState(models.TextChoices):
    """The one extension a case may have (Art. 34)."""

    NONE = "", _("none")  # never asked
    REQUESTED = "requested", _("requested")  # waits for the head of the handling body
    APPROVED = "approved", _("approved")  # the conclude deadline moved by ≤30 days
    REFUSED = "refused", _("refused")  # the 60 days stand
