"""Plan versions: each published plan text is kept whole and never changed (DESIGN.md §2)."""

from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import DraftStatus
from .schema import Plan


class PlanVersion(models.Model):
    """One published version of a plan.

    ``code`` names the plan's lineage (``township-petition``); ``version``
    counts from 1 within it. ``source_text`` is the YAML as published and
    ``data`` its validated content. A published version is immutable:
    incidents and warnings point at the version they started under, and a
    township moves to a new version by adopting it, never by an edit.
    ``township`` is empty for the shipped default plan.
    """

    code = models.CharField(_("plan code"), max_length=64)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    township = models.ForeignKey(
        "orgs.Township", null=True, blank=True, on_delete=models.PROTECT, related_name="own_plans"
    )
    source_text = models.TextField(_("source text"))
    sha256 = models.CharField(max_length=64)
    data = models.JSONField(_("content"))
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="plan_code_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"

    def save(self, *args, **kwargs):
        """Insert only: a published version is never changed (raises ``ValidationError``)."""
        if self.pk is not None:
            raise ValidationError(
                _("A published plan version cannot be changed; publish a new version.")
            )
        super().save(*args, **kwargs)

    @cached_property
    def plan(self) -> Plan:
        """The validated :class:`~yingji.plans.schema.Plan` of this version.

        Validated once per process for each published text (keyed by its
        ``sha256``, which ``plans.actions.publish`` computes from
        ``source_text``, the text ``data`` is read from): a version never
        changes, a :class:`Plan` is frozen, and validating the whole plan took
        several milliseconds on every page that shows an incident or a warning.
        """
        if not self.sha256:
            return Plan.model_validate(self.data)
        found = _VALIDATED.get(self.sha256)
        if found is None:
            found = _VALIDATED[self.sha256] = Plan.model_validate(self.data)
        return found


#: Validated plans by the sha256 of their published text (see :attr:`PlanVersion.plan`).
_VALIDATED: dict[str, Plan] = {}


class PlanDraft(models.Model):
    """A plan drafted from a township's plan document, under review before publishing (DESIGN.md §2).

    ``result`` is the importer's :class:`~yingji.plans.importer.Draft` as JSON
    (items with the reviewer's decisions, headings, time limits, what was not
    placed). Changed only by ``plans.actions`` (import, review, publish).
    """

    township = models.ForeignKey("orgs.Township", on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(_("file"), max_length=200)
    status = models.CharField(
        _("status"), max_length=16, choices=DraftStatus.choices, default=DraftStatus.REVIEWING
    )
    result = models.JSONField(_("import result"))
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.ForeignKey(
        PlanVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("plan draft")
        verbose_name_plural = _("plan drafts")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename
