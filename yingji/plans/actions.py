"""State changes of plans: publish a version, adopt it for a township (DESIGN.md §2, §3)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.db import transaction
from django.db.models import Max

from yingji.audit.log import record
from yingji.orgs.access import Actor, require
from yingji.orgs.models import Township

from .check import load_plan_text
from .models import PlanVersion

DEFAULT_PLAN_PATH = Path(__file__).with_name("default.yaml")


def publish_plan(actor: Actor, text: str, *, township: Township | None = None) -> PlanVersion:
    """Validate the YAML ``text`` and publish it as the next version of its plan code.

    Publishing the same text again returns the existing version. Raises
    :class:`~yingji.plans.check.PlanInvalid` (nothing is written) for an invalid
    plan and ``PermissionDenied`` unless ``actor`` may publish plans. Versions
    already published are never changed (DESIGN.md §2).
    """
    require(actor, "plans.publish", township)
    plan = load_plan_text(text)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    with transaction.atomic():
        existing = PlanVersion.objects.filter(
            code=plan.code, sha256=digest, township=township
        ).first()
        if existing is not None:
            return existing
        last = PlanVersion.objects.filter(code=plan.code).aggregate(m=Max("version"))["m"] or 0
        version = PlanVersion.objects.create(
            code=plan.code,
            version=last + 1,
            title=plan.title,
            township=township,
            source_text=text,
            sha256=digest,
            data=plan.model_dump(mode="json"),
            published_by=actor.user,
        )
        record(
            actor,
            "plans.publish",
            version,
            after={"code": plan.code, "version": version.version},
            township=township,
        )
    return version


def ensure_default_plan(actor: Actor) -> PlanVersion:
    """Publish the shipped default plan (``plans/default.yaml``) unless that text is already published."""
    return publish_plan(actor, DEFAULT_PLAN_PATH.read_text(encoding="utf-8"))


def adopt_plan(actor: Actor, township: Township, version: PlanVersion) -> Township:
    """Put ``version`` in force for ``township``; matters already open keep their own version.

    Raises ``PermissionDenied`` unless ``actor`` may publish plans for the
    township, and ``ValueError`` for another township's own plan.
    """
    require(actor, "plans.publish", township)
    if version.township_id not in (None, township.pk):
        raise ValueError("plan version belongs to another township")
    with transaction.atomic():
        before = {"plan_version": township.plan_version_id}
        township.plan_version = version
        township.save(update_fields=["plan_version"])
        record(actor, "plans.adopt", township, before=before, after={"plan_version": version.pk})
    return township
