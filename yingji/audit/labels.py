"""How staff read the audit: each action's name, and the values an event recorded, for every page.

``label(action)`` gives the action key of an ``AuditEvent`` (``"petitions.accept"``)
in the reader's language (受理); a key not listed here is shown as it is, so a
new action is never hidden — ``tests/audit/test_labels.py`` fails until it has
its line. Used by the case history, the warning history and the auditor's page.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from yingji.numbering import SHANGHAI

LABELS = {
    # 预警台账 (plan §五)
    "earlywarning.register": _("registered in the ledger"),
    "earlywarning.update": _("contents changed"),
    "earlywarning.verify": _("verified"),
    "earlywarning.dismiss": _("dismissed as unfounded"),
    "earlywarning.report": _("reported to the head"),
    "earlywarning.assess": _("risk assessed"),
    "earlywarning.start_handling": _("task force formed"),
    "earlywarning.progress": _("progress"),
    "earlywarning.mark_controlled": _("under control"),
    "earlywarning.resolve": _("resolved"),
    "earlywarning.escalate": _("escalated to an incident"),
    "earlywarning.convert": _("converted to a petition case"),
    "earlywarning.import_row": _("imported from a ledger file"),
    "earlywarning.import_upload": _("ledger file uploaded"),
    "earlywarning.import_check": _("ledger file checked"),
    "earlywarning.import": _("ledger file imported"),
    "earlywarning.import_interrupted": _("ledger import interrupted"),
    # 突发事件 (plan §六, §七)
    "incidents.receive": _("incident received"),
    "incidents.verify": _("incident verified"),
    "incidents.report": _("report sent to the leading group"),
    "incidents.activate": _("plan activated"),
    "incidents.form_task_force": _("task force formed"),
    "incidents.check_in": _("task-force member checked in"),
    "incidents.tick": _("checklist step ticked"),
    "incidents.log": _("on-scene log entry"),
    "incidents.situation": _("situation report"),
    "incidents.add_party": _("party recorded"),
    "incidents.demand": _("demand registered"),
    "incidents.demand_case": _("demand taken in as a petition case"),
    "incidents.demand_withdraw": _("demand withdrawn"),
    "incidents.evidence_add": _("evidence registered"),
    "incidents.evidence_custody": _("evidence handed over"),
    "incidents.evidence_annotate": _("evidence note added"),
    "incidents.evidence_update_refused": _("change of evidence refused"),
    "incidents.evidence_delete_refused": _("deletion of evidence refused"),
    "incidents.close_scene": _("scene closed"),
    "incidents.summary": _("summary report filed"),
    "incidents.close": _("incident closed"),
    # 信访事项 (《信访工作条例》)
    "petitions.receive": _("received"),
    "petitions.accept": _("accepted"),
    "petitions.decline": _("not accepted"),
    "petitions.transfer": _("routed to the responsible body"),
    "petitions.object": _("returned as outside our remit"),
    "petitions.five_ones": _("five-ones named"),
    "petitions.start_resolution": _("resolution started"),
    "petitions.request_extension": _("extension requested"),
    "petitions.decide_extension": _("extension decided"),
    "petitions.reply": _("written reply issued"),
    "petitions.delivery": _("delivery recorded"),
    "petitions.request_review": _("review requested"),
    "petitions.review_opinion": _("review opinion issued"),
    "petitions.request_re_review": _("re-review requested"),
    "petitions.re_review_opinion": _("re-review opinion issued"),
    "petitions.rate": _("rated by the petitioner"),
    "petitions.reissue_query_code": _("new query code issued"),
    "petitions.link": _("related case linked"),
    "petitions.import_historic": _("imported from a past record"),
    # 时限
    "deadlines.breach": _("deadline breached"),
    "deadlines.acknowledge": _("escalation acknowledged"),
    # 组织与账号
    "orgs.create_township": _("township created"),
    "orgs.create_unit": _("unit created"),
    "orgs.update_unit": _("unit changed"),
    "orgs.create_member": _("member added"),
    "orgs.update_member": _("member changed"),
    "orgs.create_login": _("login created"),
    "orgs.change_password": _("password changed"),
    "orgs.confirm_second_factor": _("second factor set up"),
    "orgs.reset_second_factor": _("second factor reset"),
    "orgs.unlock_login": _("login unlocked"),
    "orgs.set_seat": _("leading-group seat set"),
    "orgs.remove_seat": _("leading-group seat removed"),
    "orgs.add_duty_shift": _("duty shift added"),
    "orgs.remove_duty_shift": _("duty shift removed"),
    # 预案
    "plans.publish": _("plan version published"),
    "plans.adopt": _("plan version adopted"),
    "plans.import": _("plan document imported"),
    "plans.review": _("imported plan item reviewed"),
    "plans.publish_draft": _("imported plan published"),
    # 通知
    "notify.configure_channel": _("notification channel set up"),
    "notify.set_channels": _("own notification channels chosen"),
    "notify.retry": _("failed notification sent again"),
    # 留言与热线
    "complaints.start_import": _("message export uploaded"),
    "complaints.save_mapping": _("columns of the export mapped"),
    "complaints.import": _("message export imported"),
    "complaints.import_interrupted": _("message import interrupted"),
    "complaints.train": _("routing model trained"),
    "complaints.suggest": _("routing suggested"),
    "complaints.decide_suggestion": _("routing suggestion decided"),
    "complaints.propose_hot_issues": _("hot issues proposed"),
    "complaints.accept_hot_issue": _("hot issue registered as a warning"),
    "complaints.dismiss_hot_issue": _("hot issue dismissed"),
}


def label(action: str) -> str:
    """Return audit action key ``action`` in the active language; an unknown key as it is."""
    found = LABELS.get(action)
    return action if found is None else str(found)


def actions_labelled(text: str) -> list[str]:
    """Return the action keys whose label (active language) contains ``text``, for a filter."""
    text = text.strip().lower()
    return [key for key, name in LABELS.items() if text and text in str(name).lower()]


def recorded_time(value: object) -> datetime | None:
    """Return the aware datetime an event's ``before`` / ``after`` holds as ISO text, else None.

    The audit keeps times as ISO 8601 text with their offset
    (``2026-11-29T01:00:00+00:00``); any other value, or text that only looks
    like a time, gives None. Pages show what this returns in Asia/Shanghai.
    """
    if not (isinstance(value, str) and len(value) >= 16 and value[10:11] == "T"):
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        return None
    return at if at.tzinfo is not None else None


def recorded_value(value: object) -> str:
    """Return one recorded value for people: 是/否, "—" for nothing, lists joined, times local.

    Times (ISO text with an offset, :func:`recorded_time`) are written in
    Asia/Shanghai to the second, ``2026年11月2日 09:00:00``.
    """
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if value is True:
        return str(_("yes"))
    if value is False:
        return str(_("no"))
    if isinstance(value, list):
        return "、".join(recorded_value(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)
    at = recorded_time(value)
    if at is not None:
        local = at.astimezone(SHANGHAI)
        return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M:%S}"
    return str(value)


def recorded_values(
    value: object,
    model: type[Model] | None = None,
    value_names: Mapping[str, Mapping[object, str]] | None = None,
) -> str:
    """Return an event's ``before`` / ``after`` for people, or "—".

    A mapping is written 「字段：值」 joined by "；": each key by the verbose
    name of ``model``'s field of that name when there is one (else the key as
    recorded), a value of a field with choices by its choice's name, a value
    ``value_names`` gives a name for (``{key: {value: name}}``: values the plan
    defines rather than the model, such as a warning's category and levels,
    see ``Warning.audit_value_names``) by that name, every other value by
    :func:`recorded_value`; a key that is not a field by the name the model's
    ``audit_key_names`` gives it (left out where that name is ``None``: a
    machine reference the page links instead), its value by the model's
    ``audit_value_choices`` (``{key: choices}``); the model's fields first in their order, then the
    other keys alphabetically (PostgreSQL's ``jsonb`` does not keep the order
    the event was recorded in). Anything else as compact JSON. Used by the
    audit page and by the histories of cases and warnings.
    """
    if value in (None, {}, ""):
        return "—"
    if not isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)
    names: dict[str, str] = {}
    hidden: set[str] = set()
    choices: dict[str, Mapping[object, str]] = dict(value_names or {})
    if model is not None:
        for field in model._meta.get_fields():
            verbose = getattr(field, "verbose_name", None)
            if verbose:
                names[field.name] = str(verbose)
                names.setdefault(getattr(field, "attname", field.name), str(verbose))
            if getattr(field, "choices", None) and field.name not in choices:
                choices[field.name] = {k: str(v) for k, v in getattr(field, "flatchoices", ())}
        # Keys that are not fields: the model names them, or hides a machine reference (None),
        # and gives the names of their values where they are choices of another model.
        for key, label in getattr(model, "audit_key_names", {}).items():
            if label is None:
                hidden.add(key)
            else:
                names[key] = str(label)
        for key, named in getattr(model, "audit_value_choices", {}).items():
            choices.setdefault(key, {k: str(v) for k, v in named})
    position = {key: i for i, key in enumerate(names)}
    keys = sorted(set(value) - hidden, key=lambda k: (position.get(k, len(position)), k))

    def shown(key: str) -> str:
        v = value[key]
        if isinstance(v, str | int) and v in choices.get(key, {}):
            return choices[key][v]
        return recorded_value(v)

    return "；".join(f"{names.get(k, k)}：{shown(k)}" for k in keys)
