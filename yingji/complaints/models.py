"""Imports of message-board / hotline exports, routing models and suggestions, hot issues (issue 11).

No model here holds a person: a message keeps its number, subject, text,
time and votes; the writer's user name goes (if at all) only into the
case's encrypted petitioner fields. Hot issues group matters and places.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import HotIssueState, ImportState, SuggestionState


class ColumnMapping(models.Model):
    """The column mapping of one export source (e.g. ``问政西地省``), saved per township.

    ``mapping`` is ``{field: header text}`` (fields in ``parsing.FIELDS``).
    """

    township = models.ForeignKey("orgs.Township", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(_("source"), max_length=100)
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["township", "source"], name="complaints_mapping_unique")
        ]

    def __str__(self) -> str:
        return self.source


class ImportJob(models.Model):
    """One import of an export file: its progress, counts and the unreadable rows.

    ``problems`` is ``[{"row": Excel row number, "number": message number, "message": reason}]``.
    """

    township = models.ForeignKey("orgs.Township", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(_("source"), max_length=100)
    filename = models.CharField(_("file"), max_length=200)
    content = models.BinaryField()
    state = models.CharField(
        _("state"), max_length=12, choices=ImportState.choices, default=ImportState.UPLOADED
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.filename


class SourceMessage(models.Model):
    """An imported message: its number in the source (the idempotence key) and what grouping needs.

    ``posted_at`` is aware (UTC); ``votes_up``/``votes_down`` are the board's
    support counts (None where the source has none); ``label`` is a category
    given in the source (a labelled history for routing).
    """

    township = models.ForeignKey("orgs.Township", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(_("source"), max_length=100)
    message_number = models.CharField(_("message number"), max_length=64)
    case = models.OneToOneField(
        "petitions.PetitionCase", on_delete=models.CASCADE, related_name="source_message"
    )
    posted_at = models.DateTimeField(_("posted at"))
    votes_up = models.PositiveIntegerField(null=True, blank=True)
    votes_down = models.PositiveIntegerField(null=True, blank=True)
    label = models.CharField(_("category"), max_length=60, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["township", "source", "message_number"], name="complaints_message_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.message_number}"


class RoutingModel(models.Model):
    """A trained routing model of a township (scikit-learn pipeline, pickled by joblib).

    ``report`` holds the held-out figures: ``{"macro_f1": float, "per_class": {...}}``.
    """

    township = models.ForeignKey("orgs.Township", on_delete=models.CASCADE, related_name="+")
    trained_at = models.DateTimeField(_("trained at"))
    samples = models.PositiveIntegerField(default=0)
    blob = models.BinaryField()
    report = models.JSONField(default=dict)

    class Meta:
        ordering = ["-trained_at", "-id"]

    def __str__(self) -> str:
        return f"{self.township} {self.trained_at:%Y-%m-%d %H:%M}"


class RoutingSuggestion(models.Model):
    """A suggested category and responsible unit for a case, and what staff made of it.

    Confidences are probabilities in [0, 1]. ``final_*`` hold what staff
    accepted or corrected; corrected and accepted ones feed the next training.
    """

    case = models.ForeignKey(
        "petitions.PetitionCase", on_delete=models.CASCADE, related_name="routing_suggestions"
    )
    model = models.ForeignKey(RoutingModel, null=True, on_delete=models.SET_NULL, related_name="+")
    category = models.CharField(_("suggested category"), max_length=60)
    category_confidence = models.FloatField()
    unit = models.ForeignKey(
        "orgs.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit_confidence = models.FloatField(null=True, blank=True)
    state = models.CharField(
        max_length=12, choices=SuggestionState.choices, default=SuggestionState.OPEN
    )
    final_category = models.CharField(_("category"), max_length=60, blank=True)
    final_unit = models.ForeignKey(
        "orgs.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case} → {self.category}"


class HotIssue(models.Model):
    """A group of cases about one matter at one place, proposed as an early-warning sign.

    ``place`` is the place named in the messages; ``first_at``/``last_at``
    the time span (aware, UTC); ``score`` ranks by size, recency and support.
    ``key`` identifies the group across passes (its earliest case) so a
    pass does not propose it twice. ``warning`` is set when a person accepts it.
    """

    township = models.ForeignKey("orgs.Township", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    title = models.CharField(_("matter"), max_length=300)
    place = models.CharField(_("place"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("messages"))
    votes = models.PositiveIntegerField(_("support"), default=0)
    score = models.FloatField(_("score"))
    first_at = models.DateTimeField(_("first message"))
    last_at = models.DateTimeField(_("last message"))
    cases = models.ManyToManyField("petitions.PetitionCase", related_name="+")
    state = models.CharField(
        _("state"), max_length=12, choices=HotIssueState.choices, default=HotIssueState.PROPOSED
    )
    proposed_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    warning = models.ForeignKey(
        "earlywarning.Warning", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-score", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["township", "key"], name="complaints_hotissue_unique")
        ]

    def __str__(self) -> str:
        return self.title
