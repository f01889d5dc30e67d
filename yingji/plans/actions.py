"""State changes of plans: publish a version, adopt it; import, review and publish a draft (DESIGN.md §2, §3)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from yingji import uploads
from yingji.audit.log import record
from yingji.orgs.access import Actor, require
from yingji.orgs.models import Township

from .check import load_plan_text
from .choices import DraftStatus
from .importer import Draft, ImportRefused, import_document
from .importer.draft import ACCEPT, DROP, EDIT
from .models import PlanDraft, PlanVersion

DEFAULT_PLAN_PATH = Path(__file__).with_name("default.yaml")


def publish_plan(actor: Actor, text: str, *, township: Township | None = None) -> PlanVersion:
    """Validate the YAML ``text`` and publish it as the next version of its plan code.

    Publishing the same text again returns the existing version. Raises
    :class:`~yingji.plans.check.PlanInvalid` (nothing is written) for an invalid
    plan and ``PermissionDenied`` unless ``actor`` may publish plans. Versions
    already published are never changed (DESIGN.md §2). A plan for every
    township (``township`` None) is published by the system only (the command
    line): a township's member publishes for their own township.
    """
    require(actor, "plans.publish", township)
    if township is None and not actor.is_system:
        raise PermissionDenied("plans for every township are published from the command line")
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


def import_plan_document(actor: Actor, township: Township, filename: str, data: bytes) -> PlanDraft:
    """Import a plan document (``data``: the bytes of a .txt or .docx) as a draft under review.

    Raises ``PermissionDenied`` unless ``actor`` may import plans in
    ``township``, and ``ValidationError`` (field ``file``) for a file that is
    not text or .docx by its content or is larger than the ``plan`` upload
    limit (``yingji.uploads``), or with the importer's message for a file that
    cannot be read; nothing is stored then.
    """
    require(actor, "plans.import", township)
    try:
        uploads.check(data, "plan", name=filename)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    try:
        draft = import_document(data, filename)
    except ImportRefused as exc:
        raise ValidationError({"file": str(exc)}) from None
    with transaction.atomic():
        row = PlanDraft.objects.create(
            township=township,
            filename=filename[:200],
            result=draft.to_json(),
            created_by=actor.user,
        )
        record(
            actor,
            "plans.import",
            row,
            after={"file": filename, "items": len(draft.items), "unplaced": len(draft.unplaced)},
            township=township,
        )
    return row


def review_items(actor: Actor, row: PlanDraft, decisions: dict[str, tuple[str, str]]) -> PlanDraft:
    """Record the reviewer's ``decisions``: item id → (``accept`` / ``edit`` / ``drop``, edited YAML text).

    An edit is YAML (a plain text is a string). Raises ``ValidationError``
    with one error per item id at fault (nothing saved), and for a draft
    already published.
    """
    require(actor, "plans.import", row.township)
    if row.status != DraftStatus.REVIEWING:
        raise ValidationError(_("This draft is already published."))
    draft = Draft.from_json(row.result)
    errors: dict[str, str] = {}
    before: dict[str, str] = {}
    for item_id, (decision, text) in decisions.items():
        try:
            item = draft.item(item_id)
        except KeyError:
            errors[item_id] = _("no such item")
            continue
        if decision not in (ACCEPT, EDIT, DROP):
            errors[item_id] = _("choose accept, edit or drop")
            continue
        before[item_id] = item.decision
        item.decision = decision
        if decision == EDIT:
            try:
                item.edited = yaml.safe_load(text) if text.strip() else ""
            except yaml.YAMLError as exc:
                errors[item_id] = _("not valid YAML: %(problem)s") % {"problem": exc}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row.result = draft.to_json()
        row.save(update_fields=["result"])
        changed = {k: decisions[k][0] for k in decisions if before.get(k) != decisions[k][0]}
        record(actor, "plans.review", row, before=before, after=changed, township=row.township)
    return row


def draft_yaml(row: PlanDraft) -> str:
    """Return the plan YAML of a draft as its items now stand (with the confidence notes)."""
    return Draft.from_json(row.result).yaml()


def publish_draft(actor: Actor, row: PlanDraft, *, adopt: bool = True) -> PlanVersion:
    """Publish the reviewed draft through :func:`publish_plan` for its township (and adopt it).

    Raises ``PermissionDenied`` unless ``actor`` may publish plans, and
    :class:`~yingji.plans.check.PlanInvalid` (nothing written) while the plan
    has problems.
    """
    require(actor, "plans.publish", row.township)
    if row.status != DraftStatus.REVIEWING:
        raise ValidationError(_("This draft is already published."))
    text = draft_yaml(row)
    with transaction.atomic():
        version = publish_plan(actor, text, township=row.township)
        if adopt:
            adopt_plan(actor, row.township, version)
        row.status = DraftStatus.PUBLISHED
        row.version = version
        row.save(update_fields=["status", "version"])
        record(
            actor, "plans.publish_draft", row, after={"version": version.pk}, township=row.township
        )
    return version


def decisions_from_post(post: Any, row: PlanDraft) -> dict[str, tuple[str, str]]:
    """Return the decisions of a review form: fields ``d_<id>`` (decision) and ``e_<id>`` (edit)."""
    draft = Draft.from_json(row.result)
    out = {}
    for item in draft.items:
        decision = post.get(f"d_{item.id}")
        if decision:
            out[item.id] = (decision, post.get(f"e_{item.id}", ""))
    return out
