"""The early-warning ledger (预警台账), plan §五: warnings, their reports, progress and imports."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import OPEN_STATUSES, ImportState, WarningSource, WarningStatus

if TYPE_CHECKING:
    from yingji.orgs.models import Township


class Warning(models.Model):  # noqa: A001 - the glossary's name for a warning entry
    """A sign that a dispute may turn into a group matter (预警信息), plan §五.

    Holds the report contents of §五(三) (time, place, cause, headcount,
    potential harm, urgency, development, measures), the category of §五(一)
    (a key of the plan version's ``warning_categories``), and the four moments
    of §五(二) "早发现、早报告、早控制、早解决": ``discovered_at``,
    ``reported_at``, ``controlled_at``, ``resolved_at`` (aware, UTC).
    ``urgency``, ``potential_harm`` and ``risk_level`` are keys of the plan's
    ``risk_assessment`` levels. Parties appear only as parties to the matter
    (``parties``: who is involved, as needed to handle it, DESIGN.md §6).
    ``outcome`` links the incident or petition case the warning became;
    ``search_text`` holds the jieba tokens of number, place, summary and cause, space-padded
    (``search.warning_search_text``).
    """

    township = models.ForeignKey("orgs.Township", on_delete=models.PROTECT, related_name="warnings")
    number = models.CharField(_("warning number"), max_length=40)
    plan_version = models.ForeignKey(
        "plans.PlanVersion", on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("category"), max_length=64)
    source = models.CharField(
        _("source"), max_length=20, choices=WarningSource.choices, blank=True
    )  # blank only for imported rows whose ledger did not say
    status = models.CharField(
        _("status"), max_length=20, choices=WarningStatus.choices, default=WarningStatus.REGISTERED
    )

    discovered_at = models.DateTimeField(_("registered at"))
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    registered_by = models.ForeignKey(
        "orgs.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    expected_at = models.DateTimeField(_("time of the matter"), null=True, blank=True)
    village = models.ForeignKey(
        "orgs.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("village (community)"),
    )
    address = models.CharField(_("place"), max_length=200, blank=True)
    cause = models.TextField(_("cause"), blank=True)
    summary = models.TextField(_("summary of the matter"))
    parties = models.TextField(_("parties to the matter"), blank=True)
    headcount = models.PositiveIntegerField(_("headcount"), null=True, blank=True)
    potential_harm = models.CharField(_("potential harm"), max_length=64, blank=True)
    urgency = models.CharField(_("urgency"), max_length=64, blank=True)
    development = models.TextField(_("development"), blank=True)
    measures = models.TextField(_("measures"), blank=True)

    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verification = models.TextField(_("verification"), blank=True)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    risk_level = models.CharField(_("risk level"), max_length=64, blank=True)
    assessed_at = models.DateTimeField(_("assessed at"), null=True, blank=True)
    lead_official = models.ForeignKey(
        "orgs.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lead official"),
    )
    units = models.ManyToManyField(
        "orgs.Unit", blank=True, related_name="+", verbose_name=_("responsible units")
    )
    handling_started_at = models.DateTimeField(_("handling started at"), null=True, blank=True)
    controlled_at = models.DateTimeField(_("controlled at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    dismiss_reason = models.TextField(_("reason for dismissal"), blank=True)

    outcome_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome_id = models.CharField(max_length=64, blank=True)
    outcome = GenericForeignKey("outcome_type", "outcome_id")

    search_text = models.TextField(editable=False, default="")
    import_key = models.CharField(max_length=80, blank=True, editable=False)

    class Meta:
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        ordering = ["-discovered_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["township", "number"], name="warning_number_unique"),
            models.UniqueConstraint(
                fields=["township", "import_key"],
                condition=~models.Q(import_key=""),
                name="warning_import_key_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["township", "-discovered_at", "-id"], name="warning_ledger"),
            models.Index(fields=["township", "status", "-discovered_at"], name="warning_status"),
            models.Index(fields=["township", "category", "-discovered_at"], name="warning_cat"),
            models.Index(fields=["township", "risk_level", "-discovered_at"], name="warning_risk"),
            models.Index(fields=["township", "village", "-discovered_at"], name="warning_village"),
        ]

    def __str__(self) -> str:
        return self.number

    #: What the audit page and the history call recorded keys that are not fields: escalating
    #: or converting records the incident's or case's number, and a machine reference (hidden).
    audit_key_names: ClassVar[dict[str, Any]] = {
        "outcome": None,
        "outcome_number": _("became"),
        "reason": _("reason"),
        "text": _("progress"),
        "import": _("import batch"),
    }

    @classmethod
    def audit_value_names(cls, township: Township | None) -> dict[str, dict[object, str]]:
        """Return ``{field: {key: name}}`` for the values of a warning's audit events the plan
        defines (category, plan §五(一); the risk matrix's levels), by ``township``'s plan in
        force; empty without one. The audit page's hook (``audit.views.log``); the warning's own
        history names them by the warning's plan version (``queries.history``).
        """
        from .queries import Plans, value_names

        if township is None or township.plan_version_id is None:
            return {}
        return value_names(Plans().of_version(township.plan_version_id))

    @property
    def is_open(self) -> bool:
        """True while the warning is neither resolved, dismissed, escalated nor converted."""
        return self.status in OPEN_STATUSES

    @property
    def place(self) -> str:
        """The place as written in the ledger: village (community) and address."""
        village = self.village.name if self.village_id and self.village else ""
        if village and self.address.startswith(village):
            return self.address
        return f"{village}{self.address}"

    @staticmethod
    def _between(start: datetime | None, end: datetime | None) -> timedelta | None:
        return end - start if start and end else None

    def durations(self) -> dict[str, timedelta | None]:
        """Return the durations between the four moments (plan §五(二)); None where a moment is missing.

        Keys: ``to_report`` (discovered → reported), ``to_control`` (reported →
        controlled), ``to_resolve`` (controlled → resolved), ``total``
        (discovered → resolved).
        """
        return {
            "to_report": self._between(self.discovered_at, self.reported_at),
            "to_control": self._between(self.reported_at, self.controlled_at),
            "to_resolve": self._between(self.controlled_at, self.resolved_at),
            "total": self._between(self.discovered_at, self.resolved_at),
        }


class WarningReport(models.Model):
    """The report of a verified warning to the leading-group head (plan §五(三)).

    ``contents`` keeps what was reported, as ``[{key, name, value}]`` in the
    order of the plan's ``report_contents.warning``, so later edits of the
    warning do not change what the head was told.
    """

    warning = models.OneToOneField(Warning, on_delete=models.PROTECT, related_name="report")
    recipient = models.ForeignKey(
        "orgs.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(_("reported at"))
    reported_by = models.ForeignKey(
        "orgs.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contents = models.JSONField(_("contents"))

    class Meta:
        verbose_name = _("warning report")
        verbose_name_plural = _("warning reports")

    def __str__(self) -> str:
        return f"{self.warning} {self.reported_at:%Y-%m-%d %H:%M}"


class WarningProgress(models.Model):
    """A progress entry of the early handling (前期处置), plan §五(四)."""

    warning = models.ForeignKey(Warning, on_delete=models.PROTECT, related_name="progress")
    at = models.DateTimeField(_("time"))
    author = models.ForeignKey(
        "orgs.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author_label = models.CharField(_("by"), max_length=150)
    text = models.TextField(_("progress"))

    class Meta:
        verbose_name = _("progress entry")
        verbose_name_plural = _("progress entries")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.warning} {self.at:%Y-%m-%d %H:%M}"


class LedgerImport(models.Model):
    """An import of a township's existing ledger from .xlsx (kept for its report and progress).

    ``mapping`` maps field names to 0-based column indexes of the file;
    ``problems`` lists ``{row, column, field, message}``; ``processed`` counts
    the rows checked or written so far, of ``total``.
    """

    township = models.ForeignKey("orgs.Township", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(_("file"), max_length=200)
    content = models.BinaryField()
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    state = models.CharField(
        _("state"), max_length=12, choices=ImportState.choices, default=ImportState.UPLOADED
    )
    skip_bad = models.BooleanField(_("skip bad rows"), default=False)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list)
    created = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    skipped_rows = models.JSONField(default=list)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ledger import")
        verbose_name_plural = _("ledger imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename
