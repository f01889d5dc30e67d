"""Status and kind values of the early-warning ledger (plan §五)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WarningSource(models.TextChoices):
    """Where the peace office learned of the sign (plan §五(二) 信息收集)."""

    VILLAGE_REPORTER = "village_reporter", _("village reporter")  # 村（社区）信息员
    HOTLINE = "hotline", _("hotline")  # 热线电话
    WALK_IN = "walk_in", _("walk-in")  # 来访反映
    HIGHER_LEVEL = "higher_level", _("higher-level notice")  # 上级通报
    ONLINE = "online", _("online message")  # 网上留言
    PATROL = "patrol", _("staff patrol")  # 工作人员排查


class WarningStatus(models.TextChoices):
    """Where a warning stands; ``TRANSITIONS`` says which action leads where."""

    REGISTERED = "registered", _("registered")  # in the ledger; 立即核实 runs
    VERIFIED = "verified", _("verified")  # confirmed true; the report to the head is due
    DISMISSED = "dismissed", _("dismissed as unfounded")  # closed, with a reason
    REPORTED = "reported", _("reported to the head")  # 早报告 moment recorded
    ASSESSED = "assessed", _("risk assessed")  # urgency × harm graded (plan §五(四))
    HANDLING = "handling", _("early handling")  # a task force works on it (前期处置)
    CONTROLLED = "controlled", _("under control")  # 早控制 moment recorded
    RESOLVED = "resolved", _("resolved")  # 早解决 moment recorded; closed
    ESCALATED = "escalated", _("escalated to an incident")  # closed; the incident goes on
    CONVERTED = "converted", _("converted to a petition case")  # closed; the case goes on


#: Statuses in which a warning is still open (counted on the home page).
OPEN_STATUSES = frozenset(
    {
        WarningStatus.REGISTERED,
        WarningStatus.VERIFIED,
        WarningStatus.REPORTED,
        WarningStatus.ASSESSED,
        WarningStatus.HANDLING,
        WarningStatus.CONTROLLED,
    }
)

S = WarningStatus
#: action → the statuses it may start from; the target is the action's own.
TRANSITIONS: dict[str, frozenset[str]] = {
    "verify": frozenset({S.REGISTERED}),
    "dismiss": frozenset({S.REGISTERED, S.VERIFIED}),
    "report": frozenset({S.VERIFIED}),
    "assess": frozenset({S.REPORTED, S.ASSESSED}),
    "start_handling": frozenset({S.ASSESSED}),
    "add_progress": frozenset({S.HANDLING, S.CONTROLLED}),
    "mark_controlled": frozenset({S.HANDLING}),
    "resolve": frozenset({S.HANDLING, S.CONTROLLED}),
    "escalate": OPEN_STATUSES,
    "convert": OPEN_STATUSES,
}


class ImportState(models.TextChoices):
    """Where a ledger import stands."""

    UPLOADED = "uploaded", _("uploaded")  # file read, columns to be mapped
    CHECKED = "checked", _("checked")  # every row validated; report ready
    RUNNING = "running", _("importing")  # rows being written
    DONE = "done", _("imported")  # written (all rows, or the good ones when skipping)
    FAILED = "failed", _("failed")  # refused or stopped; nothing written
    # its process died while importing (found at the next start); nothing written
    INTERRUPTED = "interrupted", _("interrupted")
