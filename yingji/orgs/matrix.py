"""The access matrix: which permission guards every action, page and API operation.

``permissions.PERMISSIONS`` says which roles hold a permission; this module
says which permission (or rule) each way into the system checks. Together
they are the whole matrix of role × action × object state × township
(issue 8, 等保2.0 访问控制), kept as data so that it can be read and
reviewed in one place. ``tests/security/`` walks it: it calls every action
(every public function of an ``actions`` module that takes an ``Actor``),
every named page of ``yingji/urls.py`` and every operation of the OpenAPI
schema as every role of the demo township and as a member of another
township, and fails for anything that exists but is not classified here.

A :class:`Guard` names the permissions required (all of them), and at most
one further rule on the actor and the object (``also``, one of the
``HEAD_SEAT`` … constants), which the object's state decides. Special
permissions: :data:`ANY_MEMBER` (every logged-in member, for their own
account, inbox and home page), :data:`SYSTEM` (the command line and the
worker only), :data:`PUBLIC` (no login: the petitioner's page and the signed
link, each with its own credential) and :data:`NOBODY` (always refused; the
attempt is audited).

A member acts only in their own township: every guarded entry refuses a
member of another township (``PermissionDenied`` for an action, 404 for a
page or an operation naming another township's object).
"""

from __future__ import annotations

from dataclasses import dataclass

from .choices import Role
from .permissions import PERMISSIONS

#: Every logged-in member, whatever the role: their own account, inbox and home page.
ANY_MEMBER = "any_member"
#: The command line and the worker only (``Actor.system()``); no member, whatever the role.
SYSTEM = "system"
#: No login: the petitioner's status page (case number + query code), the signed acknowledgement link.
PUBLIC = "public"
#: Nobody: always refused, and the attempt is audited (evidence is add-only).
NOBODY = "nobody"
SPECIAL = frozenset({ANY_MEMBER, SYSTEM, PUBLIC, NOBODY})

# Rules on the actor and the object that an action adds to the role's permission.
#: Holds the head's seat, or a deputy's seat recorded as acting head (plan §六(三)).
HEAD_SEAT = "head_seat"
#: Handles the case: the office roles, its five-ones people, whoever received it, its
#: responsible unit; never the unit a report case accuses (``petitions.access.is_handler``).
HANDLER = "handler"
#: Handles the incident: a peace-office or leading-group role or seat, or its task force
#: (``incidents.access.is_handler``).
INCIDENT_HANDLER = "incident_handler"
#: Checks in for themselves, or is the task force's leader; anyone else needs
#: ``incidents.form_task_force`` (plan §六(五)).
OWN_PLACE = "own_place"
#: Or received one of the deadline's escalation messages, whatever the role (DESIGN.md §4).
ESCALATED_TO = "escalated_to"
#: Acts on their own member row only (their channels).
SELF = "self"
#: Holds the case's query code (the petitioner; ``petitions.access.code_matches``).
QUERY_CODE = "query_code"
RULES = frozenset({HEAD_SEAT, HANDLER, INCIDENT_HANDLER, OWN_PLACE, ESCALATED_TO, SELF, QUERY_CODE})


@dataclass(frozen=True)
class Guard:
    """What an entry requires: every one of ``permissions``, then the rule ``also`` ("" for none)."""

    permissions: tuple[str, ...]
    also: str = ""

    def roles(self) -> frozenset[Role]:
        """Return the roles that pass the permissions (before ``also``); none for SYSTEM and NOBODY."""
        if self.permissions[0] in (SYSTEM, NOBODY):
            return frozenset()
        if self.permissions[0] in (ANY_MEMBER, PUBLIC):
            return frozenset(Role)
        held = frozenset(Role)
        for name in self.permissions:
            held &= PERMISSIONS[name]
        return held

    @property
    def writes_as_auditor(self) -> bool:
        """True if an auditor passes this guard (only their own account may change, issue 8 §3)."""
        return Role.AUDITOR in self.roles() and self.permissions[0] not in (ANY_MEMBER, PUBLIC)


def need(*permissions: str, also: str = "") -> Guard:
    """Return the guard of ``permissions`` (all required) and the rule ``also``."""
    return Guard(tuple(permissions), also)


#: A guard, or one guard per variant (a verb in the URL, a form of the page) for entries that
#: dispatch to several actions.
Entry = Guard | dict[str, Guard]


@dataclass(frozen=True)
class Page:
    """A named URL: the guard of GET and of POST (None: the method changes nothing or is refused with 405)."""

    get: Entry | None
    post: Entry | None = None


# --- actions: "app.module.function" (below ``yingji``) → guard ---------------------------------

ACTIONS: dict[str, Guard] = {
    # orgs
    "orgs.actions.create_township": need(SYSTEM),
    "orgs.actions.create_unit": need("orgs.manage"),
    "orgs.actions.update_unit": need("orgs.manage"),
    "orgs.actions.create_member": need("orgs.manage"),
    "orgs.actions.update_member": need("orgs.manage"),
    "orgs.actions.create_login": need("orgs.manage_accounts"),
    "orgs.actions.reset_second_factor": need("orgs.manage_accounts"),
    "orgs.actions.unlock_login": need("orgs.manage_accounts"),
    "orgs.actions.change_password": need(ANY_MEMBER),
    "orgs.actions.confirm_second_factor": need(ANY_MEMBER),
    "orgs.actions.set_seat": need("orgs.manage"),
    "orgs.actions.remove_seat": need("orgs.manage"),
    "orgs.actions.add_duty_shift": need("orgs.manage"),
    "orgs.actions.remove_duty_shift": need("orgs.manage"),
    # plans
    "plans.actions.publish_plan": need("plans.publish"),
    "plans.actions.ensure_default_plan": need(SYSTEM),
    "plans.actions.adopt_plan": need("plans.publish"),
    "plans.actions.import_plan_document": need("plans.import"),
    "plans.actions.review_items": need("plans.import"),
    "plans.actions.publish_draft": need("plans.publish"),
    # deadlines: the worker's steps, and acknowledging a breach
    "deadlines.actions.remind": need("deadlines.run"),
    "deadlines.actions.breach": need("deadlines.run"),
    "deadlines.actions.escalate": need("deadlines.run"),
    "deadlines.actions.acknowledge": need("deadlines.acknowledge", also=ESCALATED_TO),
    # notify
    "notify.actions.mark_read": need("notify.own"),
    "notify.actions.set_channels": need("notify.own", also=SELF),
    "notify.actions.configure_channel": need("notify.configure"),
    "notify.actions.retry": need("notify.deliveries"),
    # earlywarning
    "earlywarning.actions.register": need("earlywarning.register"),
    "earlywarning.actions.update": need("earlywarning.register"),
    "earlywarning.actions.verify": need("earlywarning.verify"),
    "earlywarning.actions.dismiss": need("earlywarning.verify"),
    "earlywarning.actions.report": need("earlywarning.report"),
    "earlywarning.actions.assess": need("earlywarning.assess"),
    "earlywarning.actions.start_handling": need("earlywarning.handle"),
    "earlywarning.actions.add_progress": need("earlywarning.progress"),
    "earlywarning.actions.mark_controlled": need("earlywarning.handle"),
    "earlywarning.actions.resolve": need("earlywarning.handle"),
    "earlywarning.actions.escalate": need("earlywarning.escalate", "incidents.receive"),
    # the case is received through petitions.receive_case, which the peace office does
    "earlywarning.actions.convert": need("earlywarning.escalate", "petitions.receive"),
    "earlywarning.import_actions.start_import": need("earlywarning.import"),
    "earlywarning.import_actions.check_import": need("earlywarning.import"),
    "earlywarning.import_actions.run_import": need("earlywarning.import"),
    "earlywarning.import_actions.import_file": need("earlywarning.import"),
    "earlywarning.import_actions.mark_interrupted": need("jobs.recover"),
    # incidents
    "incidents.actions.receive_incident": need("incidents.receive"),
    "incidents.actions.verify_incident": need("incidents.verify"),
    "incidents.actions.send_report": need("incidents.verify"),
    "incidents.actions.activate": need("incidents.activate", also=HEAD_SEAT),
    "incidents.actions.form_task_force": need("incidents.form_task_force"),
    "incidents.actions.check_in": need("incidents.check_in", also=OWN_PLACE),
    "incidents.actions_scene.tick_step": need("incidents.on_scene"),
    "incidents.actions_scene.add_log_entry": need("incidents.on_scene"),
    "incidents.actions_scene.send_situation_report": need("incidents.on_scene"),
    "incidents.actions_scene.register_evidence": need("incidents.on_scene"),
    "incidents.actions_scene.hand_over_evidence": need("incidents.on_scene"),
    "incidents.actions_scene.annotate_evidence": need("incidents.on_scene"),
    "incidents.actions_scene.refuse_evidence_change": need(NOBODY),
    "incidents.actions_scene.add_party": need("incidents.on_scene"),
    "incidents.actions_scene.register_demand": need("incidents.on_scene"),
    "incidents.actions_scene.demand_to_case": need("incidents.settle_demand", "petitions.receive"),
    "incidents.actions_scene.withdraw_demand": need("incidents.settle_demand"),
    "incidents.actions_aftermath.close_scene": need("incidents.close"),
    "incidents.actions_aftermath.file_summary_report": need("incidents.summary"),
    "incidents.actions_aftermath.close_incident": need("incidents.close"),
    # petitions
    "petitions.actions.intake.receive_case": need("petitions.receive"),
    "petitions.actions.intake.reissue_query_code": need("petitions.handle", also=HANDLER),
    "petitions.actions.intake.accept_case": need("petitions.decide"),
    "petitions.actions.intake.decline_case": need("petitions.decide"),
    "petitions.actions.intake.transfer_case": need("petitions.decide"),
    "petitions.actions.intake.object_to_transfer": need("petitions.decide"),
    "petitions.actions.intake.link_related": need("petitions.decide"),
    "petitions.actions.handling.set_five_ones": need("petitions.assign"),
    "petitions.actions.handling.start_resolution": need("petitions.handle", also=HANDLER),
    "petitions.actions.handling.request_extension": need("petitions.handle", also=HANDLER),
    "petitions.actions.handling.decide_extension": need("petitions.approve_extension"),
    "petitions.actions.replies.issue_reply": need("petitions.handle", also=HANDLER),
    "petitions.actions.replies.record_delivery": need("petitions.handle", also=HANDLER),
    "petitions.actions.replies.request_review": need("petitions.decide"),
    "petitions.actions.replies.issue_review_opinion": need("petitions.handle", also=HANDLER),
    "petitions.actions.replies.request_re_review": need("petitions.decide"),
    "petitions.actions.replies.issue_re_review_opinion": need("petitions.handle", also=HANDLER),
    "petitions.actions.replies.rate_case": need(PUBLIC, also=QUERY_CODE),
    "petitions.actions.historic.record_historic_case": need("petitions.import"),
    # complaints
    "complaints.actions.imports.save_mapping": need("petitions.import"),
    "complaints.actions.imports.start_import": need("petitions.import"),
    "complaints.actions.imports.run_import": need("petitions.import"),
    "complaints.actions.imports.import_file": need("petitions.import"),
    "complaints.actions.imports.mark_interrupted": need("jobs.recover"),
    "complaints.actions.routing.train": need("complaints.train"),
    "complaints.actions.routing.suggest": need("complaints.route"),
    "complaints.actions.routing.decide_suggestion": need("complaints.route"),
    "complaints.actions.hotissues.propose_hot_issues": need("complaints.hot_issues"),
    # the warning is registered through earlywarning.register
    "complaints.actions.hotissues.accept_hot_issue": need(
        "complaints.hot_issues", "earlywarning.register"
    ),
    "complaints.actions.hotissues.dismiss_hot_issue": need("complaints.hot_issues"),
}

# --- pages: URL name → Page ----------------------------------------------------------------------

_WARNING_VERBS: dict[str, Guard] = {
    verb: ACTIONS[f"earlywarning.actions.{action}"]
    for verb, action in {
        "verify": "verify",
        "dismiss": "dismiss",
        "report": "report",
        "assess": "assess",
        "start_handling": "start_handling",
        "add_progress": "add_progress",
        "mark_controlled": "mark_controlled",
        "resolve": "resolve",
        "escalate": "escalate",
        "convert": "convert",
    }.items()
}

#: The steps of a case page and of ``POST /api/petitions/cases/{pk}/steps/{name}`` (``petitions.steps``).
CASE_STEPS: dict[str, Guard] = {
    "accept": need("petitions.decide"),
    "decline": need("petitions.decide"),
    "transfer": need("petitions.decide"),
    "object": need("petitions.decide"),
    "five_ones": need("petitions.assign"),
    "start": need("petitions.handle", also=HANDLER),
    "extension": need("petitions.handle", also=HANDLER),
    "decide_extension": need("petitions.approve_extension"),
    "reply": need("petitions.handle", also=HANDLER),
    "deliver": need("petitions.handle", also=HANDLER),
    "review": need("petitions.decide"),
    "review_opinion": need("petitions.handle", also=HANDLER),
    "re_review": need("petitions.decide"),
    "re_review_opinion": need("petitions.handle", also=HANDLER),
    "link": need("petitions.decide"),
}

_CHANNELS = {c: need("notify.configure") for c in ("webhook", "dingtalk", "wecom", "sms")}

PAGES: dict[str, Page] = {
    # project pages; login, logout and the language switch need no login
    "home": Page(need(ANY_MEMBER)),
    "login": Page(need(PUBLIC), need(PUBLIC)),
    "logout": Page(None, need(PUBLIC)),
    "set_language": Page(None, need(PUBLIC)),
    "password_change": Page(need(ANY_MEMBER), need(ANY_MEMBER)),
    "otp_setup": Page(need(ANY_MEMBER), need(ANY_MEMBER)),
    "otp_verify": Page(need(ANY_MEMBER), need(ANY_MEMBER)),
    "petition_lookup": Page(need(PUBLIC), need(PUBLIC, also=QUERY_CODE)),
    # orgs
    "orgs:overview": Page(need("orgs.view")),
    "orgs:unit_new": Page(need("orgs.manage"), need("orgs.manage")),
    "orgs:unit_edit": Page(need("orgs.manage"), need("orgs.manage")),
    "orgs:member_new": Page(need("orgs.manage"), need("orgs.manage")),
    "orgs:member_edit": Page(need("orgs.manage"), need("orgs.manage")),
    "orgs:member_login": Page(need("orgs.manage_accounts"), need("orgs.manage_accounts")),
    "orgs:member_unlock": Page(None, need("orgs.manage_accounts")),
    "orgs:member_reset_second_factor": Page(None, need("orgs.manage_accounts")),
    "orgs:seat_set": Page(need("orgs.manage"), need("orgs.manage")),
    "orgs:seat_remove": Page(None, need("orgs.manage")),
    "orgs:shift_add": Page(need("orgs.manage"), need("orgs.manage")),
    "orgs:shift_remove": Page(None, need("orgs.manage")),
    # plans
    "plans:import": Page(need("plans.import"), need("plans.import")),
    "plans:review": Page(
        need("plans.import"),
        {"save": need("plans.import"), "publish": need("plans.import", "plans.publish")},
    ),
    # earlywarning
    "earlywarning:ledger": Page(need("earlywarning.view")),
    "earlywarning:register": Page(need("earlywarning.register"), need("earlywarning.register")),
    "earlywarning:detail": Page(need("earlywarning.view")),
    "earlywarning:act": Page(None, _WARNING_VERBS),
    "earlywarning:export": Page(need("earlywarning.view")),
    "earlywarning:import": Page(need("earlywarning.import"), need("earlywarning.import")),
    "earlywarning:import_job": Page(
        need("earlywarning.import"),
        {"check": need("earlywarning.import"), "run": need("earlywarning.import")},
    ),
    "earlywarning:import_progress": Page(need("earlywarning.import")),
    # incidents
    "incidents:board": Page(need("incidents.view")),
    "incidents:closed": Page(need("incidents.view")),
    "incidents:new": Page(need("incidents.receive"), need("incidents.receive")),
    "incidents:detail": Page(need("incidents.view")),
    "incidents:verify": Page(need("incidents.verify"), need("incidents.verify")),
    "incidents:report": Page(need("incidents.verify"), need("incidents.verify")),
    "incidents:activate": Page(None, need("incidents.activate", also=HEAD_SEAT)),
    "incidents:task_force": Page(
        need("incidents.form_task_force"), need("incidents.form_task_force")
    ),
    "incidents:check_in": Page(
        need("incidents.check_in"), need("incidents.check_in", also=OWN_PLACE)
    ),
    "incidents:tick": Page(None, need("incidents.on_scene")),
    "incidents:log": Page(None, need("incidents.on_scene")),
    "incidents:situation": Page(None, need("incidents.on_scene")),
    "incidents:party": Page(None, need("incidents.on_scene")),
    "incidents:demand": Page(None, need("incidents.on_scene")),
    "incidents:evidence_new": Page(need("incidents.on_scene"), need("incidents.on_scene")),
    "incidents:close_scene": Page(None, need("incidents.close")),
    "incidents:summary": Page(need("incidents.summary"), need("incidents.summary")),
    "incidents:close": Page(None, need("incidents.close")),
    "incidents:demand_case": Page(None, ACTIONS["incidents.actions_scene.demand_to_case"]),
    "incidents:demand_withdraw": Page(None, need("incidents.settle_demand")),
    "incidents:evidence": Page(
        need("incidents.view"),
        {"custody": need("incidents.on_scene"), "note": need("incidents.on_scene")},
    ),
    "incidents:evidence_change": Page(None, {"edit": need(NOBODY), "delete": need(NOBODY)}),
    # Files show people (body-camera footage, scene photos): those handling the incident only.
    "incidents:file": Page(
        {
            "attachment": need("incidents.on_scene", also=INCIDENT_HANDLER),
            "evidence": need("incidents.on_scene", also=INCIDENT_HANDLER),
        }
    ),
    # petitions
    "petitions:list": Page(need("petitions.view")),
    "petitions:new": Page(need("petitions.receive"), need("petitions.receive")),
    "petitions:summary": Page({"unit": need("petitions.view"), "lead": need("petitions.view")}),
    "petitions:access_log": Page(need("audit.view")),
    "audit:log": Page(need("audit.view")),
    "petitions:detail": Page(need("petitions.view")),
    "petitions:new_code": Page(need("petitions.view"), need("petitions.handle", also=HANDLER)),
    "petitions:document": Page(need("petitions.view")),
    "petitions:step": Page(CASE_STEPS, CASE_STEPS),
    # deadlines
    "deadlines:due": Page(need("deadlines.view")),
    "deadlines:acknowledge": Page(None, ACTIONS["deadlines.actions.acknowledge"]),
    "deadlines:ack_link": Page(need(PUBLIC), need(PUBLIC, also=ESCALATED_TO)),
    # notify
    "notify:inbox": Page(need("notify.own")),
    "notify:bell": Page(need(ANY_MEMBER)),
    "notify:mark_read": Page(None, need("notify.own")),
    "notify:channels": Page(need("notify.own"), need("notify.own")),
    "notify:deliveries": Page(need("notify.deliveries")),
    "notify:retry": Page(None, need("notify.deliveries")),
    "notify:configure": Page(_CHANNELS, _CHANNELS),
    # reports
    "reports:board": Page(need("reports.view")),
    "reports:drill": Page(need("reports.view")),
    "reports:month": Page(need("reports.view")),
    "reports:incident_summary": Page(need("incidents.view")),
    "reports:incident_report": Page(need("incidents.view")),
    "reports:petition_document": Page(need("petitions.view")),
    # complaints
    "complaints:import": Page(need("petitions.import"), need("petitions.import")),
    "complaints:import_map": Page(need("petitions.import"), need("petitions.import")),
    "complaints:import_progress": Page(need("petitions.import")),
    "complaints:case_routing": Page(
        need("complaints.route"),
        {"suggest": need("complaints.route"), "accept": need("complaints.route")},
    ),
    "complaints:hot": Page(need("complaints.hot_issues"), need("complaints.hot_issues")),
    "complaints:hot_detail": Page(
        need("complaints.hot_issues"),
        {
            "accept": ACTIONS["complaints.actions.hotissues.accept_hot_issue"],
            "dismiss": need("complaints.hot_issues"),
        },
    ),
}

# --- API: "METHOD /api/path" (as in the OpenAPI schema) → guard -----------------------------------

API: dict[str, Entry] = {
    "GET /api/plan": need(ANY_MEMBER),
    # petitions
    "GET /api/petitions/cases": need("petitions.view"),
    "POST /api/petitions/cases": need("petitions.receive"),
    "GET /api/petitions/cases/{pk}": need("petitions.view"),
    "GET /api/petitions/cases/{pk}/parties": need("petitions.handle", also=HANDLER),
    "POST /api/petitions/cases/{pk}/accept": need("petitions.decide"),
    "POST /api/petitions/cases/{pk}/five-ones": need("petitions.assign"),
    "POST /api/petitions/cases/{pk}/start-resolution": need("petitions.handle", also=HANDLER),
    "POST /api/petitions/cases/{pk}/steps/{name}": CASE_STEPS,
    # earlywarning
    "GET /api/warnings": need("earlywarning.view"),
    "POST /api/warnings": need("earlywarning.register"),
    "GET /api/warnings/export.xlsx": need("earlywarning.view"),
    "POST /api/warnings/import": need("earlywarning.import"),
    "GET /api/warnings/{pk}": need("earlywarning.view"),
    "POST /api/warnings/{pk}/verify": _WARNING_VERBS["verify"],
    "POST /api/warnings/{pk}/dismiss": _WARNING_VERBS["dismiss"],
    "POST /api/warnings/{pk}/report": _WARNING_VERBS["report"],
    "POST /api/warnings/{pk}/assess": _WARNING_VERBS["assess"],
    "POST /api/warnings/{pk}/handling": _WARNING_VERBS["start_handling"],
    "POST /api/warnings/{pk}/progress": _WARNING_VERBS["add_progress"],
    "POST /api/warnings/{pk}/controlled": _WARNING_VERBS["mark_controlled"],
    "POST /api/warnings/{pk}/resolve": _WARNING_VERBS["resolve"],
    "POST /api/warnings/{pk}/escalate": _WARNING_VERBS["escalate"],
    "POST /api/warnings/{pk}/convert": _WARNING_VERBS["convert"],
    # deadlines
    "GET /api/deadlines/due": need("deadlines.view"),
    "POST /api/deadlines/{pk}/acknowledge": ACTIONS["deadlines.actions.acknowledge"],
    # incidents
    "GET /api/incidents/": need("incidents.view"),
    "POST /api/incidents/": need("incidents.receive"),
    "GET /api/incidents/{pk}": need("incidents.view"),
    "POST /api/incidents/{pk}/verify": need("incidents.verify"),
    "POST /api/incidents/{pk}/report": need("incidents.verify"),
    "POST /api/incidents/{pk}/activate": need("incidents.activate", also=HEAD_SEAT),
    "POST /api/incidents/{pk}/task-force": need("incidents.form_task_force"),
    "POST /api/incidents/task-force-members/{pk}/check-in": need(
        "incidents.check_in", also=OWN_PLACE
    ),
    "POST /api/incidents/{pk}/ticks": need("incidents.on_scene"),
    "POST /api/incidents/{pk}/log": need("incidents.on_scene"),
    "POST /api/incidents/{pk}/situation": need("incidents.on_scene"),
    "POST /api/incidents/{pk}/evidence": need("incidents.on_scene"),
    "POST /api/incidents/{pk}/evidence/upload": need("incidents.on_scene"),
    "POST /api/incidents/{pk}/log/upload": need("incidents.on_scene"),
    "GET /api/incidents/evidence/{pk}": need("incidents.view"),
    "PUT /api/incidents/evidence/{pk}": need(NOBODY),
    "PATCH /api/incidents/evidence/{pk}": need(NOBODY),
    "DELETE /api/incidents/evidence/{pk}": need(NOBODY),
    "POST /api/incidents/evidence/{pk}/custody": need("incidents.on_scene"),
    "POST /api/incidents/evidence/{pk}/notes": need("incidents.on_scene"),
    # names and contacts for those handling the incident (incidents.access.party_details)
    "GET /api/incidents/{pk}/parties": need("incidents.on_scene", also=INCIDENT_HANDLER),
    "POST /api/incidents/{pk}/parties": need("incidents.on_scene"),
    "POST /api/incidents/{pk}/demands": need("incidents.on_scene"),
    "POST /api/incidents/demands/{pk}/case": ACTIONS["incidents.actions_scene.demand_to_case"],
    "POST /api/incidents/demands/{pk}/withdraw": need("incidents.settle_demand"),
    "POST /api/incidents/{pk}/close-scene": need("incidents.close"),
    "POST /api/incidents/{pk}/summary": need("incidents.summary"),
    "POST /api/incidents/{pk}/close": need("incidents.close"),
    # complaints
    "POST /api/complaints/imports": need("petitions.import"),
    "GET /api/complaints/imports/{pk}": need("petitions.import"),
    "GET /api/complaints/reply-times": need("petitions.view"),
    "POST /api/complaints/routing/train": need("complaints.train"),
    "POST /api/complaints/cases/{pk}/suggestion": need("complaints.route"),
    "POST /api/complaints/suggestions/{pk}/decide": need("complaints.route"),
    "POST /api/complaints/hot-issues/propose": need("complaints.hot_issues"),
    "GET /api/complaints/hot-issues": need("complaints.hot_issues"),
    "GET /api/complaints/hot-issues/{pk}": need("complaints.hot_issues"),
    "POST /api/complaints/hot-issues/{pk}/accept": ACTIONS[
        "complaints.actions.hotissues.accept_hot_issue"
    ],
    "POST /api/complaints/hot-issues/{pk}/dismiss": need("complaints.hot_issues"),
}


def guards(entry: Entry | None) -> list[Guard]:
    """Return the guards of an entry (one, one per variant, or none)."""
    if entry is None:
        return []
    return list(entry.values()) if isinstance(entry, dict) else [entry]


def all_guards() -> list[Guard]:
    """Return every guard of the matrix: actions, both methods of every page, every operation."""
    out = list(ACTIONS.values())
    for page in PAGES.values():
        out += guards(page.get) + guards(page.post)
    for entry in API.values():
        out += guards(entry)
    return out
