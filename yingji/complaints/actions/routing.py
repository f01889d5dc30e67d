"""Train the routing model, suggest a category and unit for a case, and record staff's decision (issue 11 §2)."""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingji.audit.log import record
from yingji.orgs.access import Actor, require
from yingji.orgs.models import Township, Unit
from yingji.petitions.models import PetitionCase

from .. import routing as ml
from ..choices import SuggestionState
from ..models import RoutingModel, RoutingSuggestion, SourceMessage


def training_set(township: Township) -> tuple[list[str], list[str], list[str], list[str]]:
    """Return ``(texts, categories, unit_texts, unit_ids)``: the township's labelled history.

    Categories come from imported messages with a category, overridden by what
    staff accepted or corrected on suggestions (the latest decision per case
    wins); units from cases with a responsible unit and from staff decisions.
    """
    labels: dict[int, str] = dict(
        SourceMessage.objects.filter(township=township)
        .exclude(label="")
        .values_list("case_id", "label")
    )
    units: dict[int, str] = {
        case_id: str(unit_id)
        for case_id, unit_id in PetitionCase.objects.filter(
            township=township, handling_unit__isnull=False
        ).values_list("id", "handling_unit_id")
    }
    decided = RoutingSuggestion.objects.filter(
        case__township=township, state__in=[SuggestionState.ACCEPTED, SuggestionState.CORRECTED]
    ).order_by("decided_at", "id")
    for s in decided:
        if s.final_category:
            labels[s.case_id] = s.final_category
        if s.final_unit_id:
            units[s.case_id] = str(s.final_unit_id)
    texts = dict(
        (pk, f"{summary}\n{content}")
        for pk, summary, content in PetitionCase.objects.filter(
            pk__in=set(labels) | set(units)
        ).values_list("id", "summary", "content")
    )
    return (
        [texts[pk] for pk in labels],
        list(labels.values()),
        [texts[pk] for pk in units],
        list(units.values()),
    )


def train(actor: Actor, township: Township) -> RoutingModel:
    """Train the township's routing model on its labelled history and store it; return it.

    The report holds macro-F1 and per-class figures on a held-out fifth when
    every category has at least five examples. Raises ``ValidationError``
    when fewer than two categories are labelled, ``PermissionDenied``.
    """
    require(actor, "complaints.train", township)
    texts, labels, unit_texts, unit_ids = training_set(township)
    if len(set(labels)) < 2:
        raise ValidationError(_("Label at least two categories before training."))
    report = {}
    counts = {label: labels.count(label) for label in set(labels)}
    if min(counts.values()) >= 5:
        report = ml.evaluate(texts, labels)
    category = ml.fit(texts, labels)
    unit = ml.fit(unit_texts, unit_ids) if len(set(unit_ids)) >= 2 else None
    with transaction.atomic():
        model = RoutingModel.objects.create(
            township=township,
            trained_at=timezone.now(),
            samples=len(texts),
            blob=ml.dumps({"category": category, "unit": unit}),
            report=report,
        )
        record(
            actor,
            "complaints.train",
            model,
            township=township,
            after={"samples": len(texts), "macro_f1": report.get("macro_f1")},
        )
    return model


#: Unpickled models by the SHA-256 of their blob (at most 8, oldest dropped first). Keyed by
#: content, not by id: SQLite gives a deleted (or rolled-back) row's id to the next row, and a
#: cache by id then served another model's predictions.
_MODELS: dict[str, dict] = {}


def _loaded(model_id: int) -> dict:
    """Return ``{"category": pipe, "unit": pipe | None}`` of routing model ``model_id``, unpickled once."""
    blob = bytes(RoutingModel.objects.values_list("blob", flat=True).get(pk=model_id))
    key = hashlib.sha256(blob).hexdigest()
    found = _MODELS.get(key)
    if found is None:
        if len(_MODELS) >= 8:
            _MODELS.pop(next(iter(_MODELS)))
        found = _MODELS[key] = ml.loads(blob)
    return found


def suggest(actor: Actor, case: PetitionCase) -> RoutingSuggestion:
    """Suggest the first-level category and the responsible unit of ``case``; return the suggestion.

    Uses the township's latest model; confidences are probabilities in [0, 1].
    Raises ``ValidationError`` when no model is trained, ``PermissionDenied``.
    """
    require(actor, "complaints.route", case.township)
    latest = RoutingModel.objects.filter(township=case.township).only("id").first()
    if latest is None:
        raise ValidationError(_("No routing model yet: run “yingji routing train”."))
    models = _loaded(latest.pk)
    text = f"{case.summary}\n{case.content}"
    category, confidence = ml.predict(models["category"], text)
    unit = unit_confidence = None
    if models.get("unit") is not None:
        unit_id, unit_confidence = ml.predict(models["unit"], text)
        unit = Unit.objects.filter(pk=int(unit_id), township=case.township).first()
    with transaction.atomic():
        suggestion = RoutingSuggestion.objects.create(
            case=case,
            model=latest,
            category=category,
            category_confidence=confidence,
            unit=unit,
            unit_confidence=unit_confidence if unit else None,
            created_at=timezone.now(),
        )
        record(
            actor,
            "complaints.suggest",
            case,
            after={"category": category, "confidence": round(confidence, 3)},
        )
    return suggestion


def decide_suggestion(
    actor: Actor,
    suggestion: RoutingSuggestion,
    *,
    category: str | None = None,
    unit: Unit | None = None,
) -> RoutingSuggestion:
    """Accept ``suggestion`` (no arguments) or correct it with ``category`` and/or ``unit``; return it.

    The decision feeds the next ``yingji routing train``. Raises
    ``ValidationError`` (already decided, a unit of another township),
    ``PermissionDenied``.
    """
    case = suggestion.case
    require(actor, "complaints.route", case.township)
    if suggestion.state != SuggestionState.OPEN:
        raise ValidationError(_("This suggestion has already been decided."))
    if unit is not None and unit.township_id != case.township_id:
        raise ValidationError({"unit": _("Unknown unit.")})
    final_category = (category or "").strip() or suggestion.category
    final_unit = unit or suggestion.unit
    corrected = final_category != suggestion.category or final_unit != suggestion.unit
    with transaction.atomic():
        suggestion.state = SuggestionState.CORRECTED if corrected else SuggestionState.ACCEPTED
        suggestion.final_category = final_category[:60]
        suggestion.final_unit = final_unit
        suggestion.decided_at = timezone.now()
        suggestion.save(update_fields=["state", "final_category", "final_unit", "decided_at"])
        record(
            actor,
            "complaints.decide_suggestion",
            case,
            after={"state": suggestion.state, "category": final_category},
        )
    return suggestion
