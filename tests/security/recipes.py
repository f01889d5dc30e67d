"""How to call each action of the matrix: valid arguments on an object in the state the action needs.

``RECIPES[key](actor, world)`` returns ``(call, targets)``: ``call()`` runs
the action once as ``actor``, ``targets`` are the rows a refused call must
leave as they were. With valid arguments, a role the matrix allows succeeds
and any other is refused by the permission check, not by validation.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from yingji.complaints import actions as complaints
from yingji.complaints.actions import imports as complaints_imports
from yingji.deadlines import actions as deadlines
from yingji.earlywarning import actions as warnings
from yingji.earlywarning import import_actions
from yingji.incidents import actions as incidents
from yingji.incidents import actions_aftermath as aftermath
from yingji.incidents import actions_scene as scene
from yingji.notify import actions as notify
from yingji.orgs import actions as orgs
from yingji.orgs.access import Actor
from yingji.orgs.choices import Role
from yingji.petitions import actions as petitions
from yingji.petitions.actions import replies
from yingji.plans import actions as plans

from .world import MESSAGE_MAPPING, REPLY, REPORT, SUMMARY, WARNING_FIELDS, World

Recipe = Callable[[Actor, World], tuple[Callable[[], Any], list[Any]]]
RECIPES: dict[str, Recipe] = {}


def recipe(key: str) -> Callable[[Recipe], Recipe]:
    """Register the decorated function as the recipe of action ``key`` ("app.module.function", once)."""

    def register(fn: Recipe) -> Recipe:
        assert key not in RECIPES, key
        RECIPES[key] = fn
        return fn

    return register


def _on(key: str, fn: Callable[[Actor, Any, World], Any]) -> Recipe:
    """A recipe calling ``fn(actor, obj, world)`` on the world's object ``key``."""

    def make(a: Actor, w: World) -> tuple[Callable[[], Any], list[Any]]:
        obj = w.obj(key)
        return (lambda: fn(a, obj, w)), [obj]

    return make


def _township(fn: Callable[[Actor, Any, World], Any]) -> Recipe:
    """A recipe calling ``fn(actor, township, world)`` with the demo township."""

    def make(a: Actor, w: World) -> tuple[Callable[[], Any], list[Any]]:
        township = w.obj_township()
        return (lambda: fn(a, township, w)), [township]

    return make


def _now() -> Any:
    return timezone.now()


# --- orgs ------------------------------------------------------------------------------------------

RECIPES["orgs.actions.create_township"] = lambda a, w: (
    lambda: orgs.create_township(a, name="新镇", code="new"),
    [],
)
RECIPES["orgs.actions.create_unit"] = _township(
    lambda a, t, w: orgs.create_unit(a, t, name="新村", kind="village")
)
RECIPES["orgs.actions.update_unit"] = _on("unit", lambda a, u, w: orgs.update_unit(a, u, phone="1"))
RECIPES["orgs.actions.create_member"] = _township(
    lambda a, t, w: orgs.create_member(a, t, name="新人", role=Role.TASK_FORCE_MEMBER)
)
RECIPES["orgs.actions.update_member"] = _on(
    "member", lambda a, m, w: orgs.update_member(a, m, title="新职务")
)
RECIPES["orgs.actions.create_login"] = _on(
    "member_no_login", lambda a, m, w: orgs.create_login(a, m, "matrix_new_login")
)
RECIPES["orgs.actions.reset_second_factor"] = _on(
    "member_with_login", lambda a, m, w: orgs.reset_second_factor(a, m)
)
RECIPES["orgs.actions.unlock_login"] = _on(
    "member_with_login", lambda a, m, w: orgs.unlock_login(a, m)
)
RECIPES["orgs.actions.change_password"] = lambda a, w: (
    lambda: orgs.change_password(a, "Matrix-Pass-2026-xyz"),
    [a.user],
)


@recipe("orgs.actions.confirm_second_factor")
def _confirm(a: Actor, w: World):
    key = default_key()
    device = TOTPDevice(key=key)  # unsaved: django-otp's defaults, for the code the app shows
    token = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    return (lambda: orgs.confirm_second_factor(a, key, token)), [a.member]


RECIPES["orgs.actions.set_seat"] = _on(
    "member", lambda a, m, w: orgs.set_seat(a, m, "member", order=30)
)
RECIPES["orgs.actions.remove_seat"] = _on("seat", lambda a, s, w: orgs.remove_seat(a, s))


@recipe("orgs.actions.add_duty_shift")
def _shift(a: Actor, w: World):
    member = w.member("郑敏")
    start = _now() + timedelta(days=30)
    return (
        lambda: orgs.add_duty_shift(a, member, start, start + timedelta(hours=8)),
        [member],
    )


RECIPES["orgs.actions.remove_duty_shift"] = _on(
    "shift", lambda a, s, w: orgs.remove_duty_shift(a, s)
)

# --- plans -----------------------------------------------------------------------------------------

RECIPES["plans.actions.publish_plan"] = _township(
    lambda a, t, w: plans.publish_plan(a, w.data["plan_text"], township=t)
)
RECIPES["plans.actions.ensure_default_plan"] = lambda a, w: (
    lambda: plans.ensure_default_plan(a),
    [],
)
RECIPES["plans.actions.adopt_plan"] = _township(
    lambda a, t, w: plans.adopt_plan(a, t, w.obj("plan_version"))
)
RECIPES["plans.actions.import_plan_document"] = _township(
    lambda a, t, w: plans.import_plan_document(a, t, "plan.txt", w.data["plan_document"])
)
RECIPES["plans.actions.review_items"] = _on(
    "draft",
    lambda a, d, w: plans.review_items(a, d, {d.result["items"][0]["id"]: ("drop", "")}),
)
RECIPES["plans.actions.publish_draft"] = _on("draft", lambda a, d, w: plans.publish_draft(a, d))

# --- deadlines -------------------------------------------------------------------------------------

RECIPES["deadlines.actions.remind"] = _on(
    "deadline_open", lambda a, d, w: deadlines.remind(a, d, at=_now())
)
RECIPES["deadlines.actions.breach"] = _on(
    "deadline_open", lambda a, d, w: deadlines.breach(a, d, at=d.due_at)
)
RECIPES["deadlines.actions.escalate"] = _on(
    "deadline_breached", lambda a, d, w: deadlines.escalate(a, d, at=_now())
)
RECIPES["deadlines.actions.acknowledge"] = _on(
    "deadline_breached", lambda a, d, w: deadlines.acknowledge(a, d)
)

# --- notify ----------------------------------------------------------------------------------------


@recipe("notify.actions.mark_read")
def _mark_read(a: Actor, w: World):
    return (lambda: notify.mark_read(a)), []


RECIPES["notify.actions.set_channels"] = lambda a, w: (
    lambda: notify.set_channels(a, a.member, []),
    [a.member],
)
RECIPES["notify.actions.configure_channel"] = _township(
    lambda a, t, w: notify.configure_channel(a, t, "webhook", url="https://hooks.example.invalid/x")
)
RECIPES["notify.actions.retry"] = _on("dead_letter", lambda a, n, w: notify.retry(a, n))

# --- earlywarning ----------------------------------------------------------------------------------


@recipe("earlywarning.actions.register")
def _register(a: Actor, w: World):
    township = w.obj_township()
    fields = dict(WARNING_FIELDS, village=w.unit("东岭村"), expected_at=_now() + timedelta(days=2))
    return (lambda: warnings.register(a, township, summary="新登记的预警", **fields)), []


RECIPES["earlywarning.actions.update"] = _on(
    "warning_registered", lambda a, x, w: warnings.update(a, x, address="新地点")
)
RECIPES["earlywarning.actions.verify"] = _on(
    "warning_registered", lambda a, x, w: warnings.verify(a, x, note="属实")
)
RECIPES["earlywarning.actions.dismiss"] = _on(
    "warning_registered", lambda a, x, w: warnings.dismiss(a, x, reason="不属实")
)
RECIPES["earlywarning.actions.report"] = _on(
    "warning_verified", lambda a, x, w: warnings.report(a, x)
)
RECIPES["earlywarning.actions.assess"] = _on(
    "warning_reported",
    lambda a, x, w: warnings.assess(a, x, urgency="urgent", potential_harm="serious"),
)
RECIPES["earlywarning.actions.start_handling"] = _on(
    "warning_assessed",
    lambda a, x, w: warnings.start_handling(
        a, x, lead_official=w.member("李卫东"), units=[w.unit("东岭村")]
    ),
)
RECIPES["earlywarning.actions.add_progress"] = _on(
    "warning_handling", lambda a, x, w: warnings.add_progress(a, x, text="走访8户")
)
RECIPES["earlywarning.actions.mark_controlled"] = _on(
    "warning_handling", lambda a, x, w: warnings.mark_controlled(a, x)
)
RECIPES["earlywarning.actions.resolve"] = _on(
    "warning_controlled", lambda a, x, w: warnings.resolve(a, x, resolution="化解")
)
RECIPES["earlywarning.actions.escalate"] = _on(
    "warning_handling", lambda a, x, w: warnings.escalate(a, x, category="district")
)
RECIPES["earlywarning.actions.convert"] = _on(
    "warning_handling", lambda a, x, w: warnings.convert(a, x, content="要求补偿")
)
RECIPES["earlywarning.import_actions.start_import"] = _township(
    lambda a, t, w: import_actions.start_import(
        a, t, filename="l.xlsx", content=w.data["ledger_file"]
    )
)
RECIPES["earlywarning.import_actions.check_import"] = _on(
    "ledger_job_uploaded", lambda a, j, w: import_actions.check_import(a, j)
)
RECIPES["earlywarning.import_actions.run_import"] = _on(
    "ledger_job_checked", lambda a, j, w: import_actions.run_import(a, j)
)
RECIPES["earlywarning.import_actions.mark_interrupted"] = _on(
    "ledger_job_checked", lambda a, j, w: import_actions.mark_interrupted(a, j)
)
RECIPES["earlywarning.import_actions.import_file"] = _township(
    lambda a, t, w: import_actions.import_file(
        a, t, filename="l.xlsx", content=w.data["ledger_file"]
    )
)

# --- incidents -------------------------------------------------------------------------------------

RECIPES["incidents.actions.receive_incident"] = _township(
    lambda a, t, w: incidents.receive_incident(
        a, t, category="district", source="caller", summary="新事件"
    )
)
RECIPES["incidents.actions.verify_incident"] = _on(
    "incident_received", lambda a, i, w: incidents.verify_incident(a, i, true=True)
)
RECIPES["incidents.actions.send_report"] = _on(
    "incident_verified", lambda a, i, w: incidents.send_report(a, i, REPORT)
)
RECIPES["incidents.actions.activate"] = _on(
    "incident_reported", lambda a, i, w: incidents.activate(a, i)
)
RECIPES["incidents.actions.form_task_force"] = _on(
    "incident_bare",
    lambda a, i, w: incidents.form_task_force(a, i, members=[("villages", w.member("黄磊"))]),
)
RECIPES["incidents.actions.check_in"] = _on(
    "place", lambda a, p, w: incidents.check_in(a, p, arrived=False)
)
RECIPES["incidents.actions_scene.tick_step"] = _on(
    "incident_active", lambda a, i, w: scene.tick_step(a, i, w.data["checklist_step"])
)
RECIPES["incidents.actions_scene.add_log_entry"] = _on(
    "incident_active", lambda a, i, w: scene.add_log_entry(a, i, "到场")
)
RECIPES["incidents.actions_scene.send_situation_report"] = _on(
    "incident_active", lambda a, i, w: scene.send_situation_report(a, i, "人员平稳")
)


@recipe("incidents.actions_scene.register_evidence")
def _evidence(a: Actor, w: World):
    incident = w.obj("incident_active")
    now = _now()
    return (
        lambda: scene.register_evidence(
            a,
            incident,
            camera_id="CAM-9",
            wearer=w.member("刘洋"),
            started_at=now - timedelta(minutes=10),
            ended_at=now - timedelta(minutes=5),
            file_name="cam9.mp4",
            storage_place="证据柜",
            sha256="a" * 64,
        )
    ), [incident]


RECIPES["incidents.actions_scene.hand_over_evidence"] = _on(
    "evidence",
    lambda a, e, w: scene.hand_over_evidence(
        a, e, from_holder="刘洋", to_holder="陈静", place="证据柜"
    ),
)
RECIPES["incidents.actions_scene.annotate_evidence"] = _on(
    "evidence", lambda a, e, w: scene.annotate_evidence(a, e, "补充说明")
)
RECIPES["incidents.actions_scene.refuse_evidence_change"] = _on(
    "evidence", lambda a, e, w: scene.refuse_evidence_change(a, e, "delete")
)
RECIPES["incidents.actions_scene.add_party"] = _on(
    "incident_active", lambda a, i, w: scene.add_party(a, i, name="李四")
)
RECIPES["incidents.actions_scene.register_demand"] = _on(
    "incident_active", lambda a, i, w: scene.register_demand(a, i, content="要求公开账目")
)
RECIPES["incidents.actions_scene.demand_to_case"] = _on(
    "demand", lambda a, d, w: scene.demand_to_case(a, d)
)
RECIPES["incidents.actions_scene.withdraw_demand"] = _on(
    "demand", lambda a, d, w: scene.withdraw_demand(a, d, "群众撤回")
)
RECIPES["incidents.actions_aftermath.close_scene"] = _on(
    "incident_bare", lambda a, i, w: aftermath.close_scene(a, i)
)
RECIPES["incidents.actions_aftermath.file_summary_report"] = _on(
    "incident_aftermath", lambda a, i, w: aftermath.file_summary_report(a, i, SUMMARY)
)
RECIPES["incidents.actions_aftermath.close_incident"] = _on(
    "incident_summarised", lambda a, i, w: aftermath.close_incident(a, i)
)

# --- petitions -------------------------------------------------------------------------------------

RECIPES["petitions.actions.intake.receive_case"] = _township(
    lambda a, t, w: petitions.receive_case(a, t, channel="visit", summary="新信访事项")
)
RECIPES["petitions.actions.intake.reissue_query_code"] = _on(
    "case_resolution", lambda a, c, w: petitions.reissue_query_code(a, c)
)
RECIPES["petitions.actions.intake.accept_case"] = _on(
    "case_received", lambda a, c, w: petitions.accept_case(a, c)
)
RECIPES["petitions.actions.intake.decline_case"] = _on(
    "case_received", lambda a, c, w: petitions.decline_case(a, c, reason="不属于受理范围")
)
RECIPES["petitions.actions.intake.transfer_case"] = _on(
    "case_received", lambda a, c, w: petitions.transfer_case(a, c, to_body="区人社局")
)
RECIPES["petitions.actions.intake.object_to_transfer"] = _on(
    "case_transferred_in",
    lambda a, c, w: petitions.object_to_transfer(a, c, reason="不属本镇职责"),
)
RECIPES["petitions.actions.intake.link_related"] = _on(
    "case_received", lambda a, c, w: petitions.link_related(a, c, w.obj("case_accepted"))
)
RECIPES["petitions.actions.handling.set_five_ones"] = _on(
    "case_received",
    lambda a, c, w: petitions.set_five_ones(
        a,
        c,
        handling_unit=w.unit("东岭村"),
        lead_official=w.member("李卫东"),
        responsible_person=w.member("黄磊"),
        measures="走访",
        resolution_plan="答复",
    ),
)
RECIPES["petitions.actions.handling.start_resolution"] = _on(
    "case_accepted", lambda a, c, w: petitions.start_resolution(a, c)
)
RECIPES["petitions.actions.handling.request_extension"] = _on(
    "case_resolution",
    lambda a, c, w: petitions.request_extension(a, c, days=10, reason="需要调查"),
)
RECIPES["petitions.actions.handling.decide_extension"] = _on(
    "case_extension", lambda a, c, w: petitions.decide_extension(a, c, approve=True)
)
RECIPES["petitions.actions.replies.issue_reply"] = _on(
    "case_resolution", lambda a, c, w: petitions.issue_reply(a, c, **REPLY)
)
RECIPES["petitions.actions.replies.record_delivery"] = _on(
    "reply",
    lambda a, d, w: petitions.record_delivery(
        a, d, method="post", delivered_at=_now() - timedelta(minutes=1)
    ),
)
RECIPES["petitions.actions.replies.request_review"] = _on(
    "case_replied",
    lambda a, c, w: petitions.request_review(a, c, requested_at=_now() - timedelta(minutes=1)),
)
RECIPES["petitions.actions.replies.issue_review_opinion"] = _on(
    "case_review_requested",
    lambda a, c, w: petitions.issue_review_opinion(
        a, c, opinion="维持", basis="第三十五条", re_review_body="市信访局"
    ),
)
RECIPES["petitions.actions.replies.request_re_review"] = _on(
    "case_reviewed",
    lambda a, c, w: petitions.request_re_review(a, c, requested_at=_now() - timedelta(minutes=1)),
)
RECIPES["petitions.actions.replies.issue_re_review_opinion"] = _on(
    "case_re_review_requested",
    lambda a, c, w: petitions.issue_re_review_opinion(a, c, opinion="维持", basis="第三十六条"),
)
RECIPES["petitions.actions.replies.rate_case"] = _on(
    "case_replied",
    lambda a, c, w: replies.rate_case(
        a, c, query_code=w.data["case_replied_code"], rating="satisfied"
    ),
)
RECIPES["petitions.actions.historic.record_historic_case"] = _township(
    lambda a, t, w: petitions.record_historic_case(
        a,
        t,
        summary="历史留言",
        content="内容",
        received_at=_now() - timedelta(days=100),
        replied_at=_now() - timedelta(days=90),
        reply_text="已答复",
    )
)

# --- complaints ------------------------------------------------------------------------------------

RECIPES["complaints.actions.imports.save_mapping"] = _township(
    lambda a, t, w: complaints.save_mapping(a, t, source="热线", mapping=MESSAGE_MAPPING)
)
RECIPES["complaints.actions.imports.start_import"] = _township(
    lambda a, t, w: complaints.start_import(
        a, t, source="热线", filename="m.xlsx", content=w.data["messages_file"]
    )
)
RECIPES["complaints.actions.imports.run_import"] = _on(
    "import_uploaded",
    lambda a, j, w: complaints.run_import(a, j, mapping=MESSAGE_MAPPING),
)
RECIPES["complaints.actions.imports.mark_interrupted"] = _on(
    "import_uploaded", lambda a, j, w: complaints_imports.mark_interrupted(a, j)
)
RECIPES["complaints.actions.imports.import_file"] = _township(
    lambda a, t, w: complaints.import_file(
        a,
        t,
        source="另一热线",
        filename="m.xlsx",
        content=w.data["messages_file"],
        mapping=MESSAGE_MAPPING,
    )
)
RECIPES["complaints.actions.routing.train"] = _township(lambda a, t, w: complaints.train(a, t))
RECIPES["complaints.actions.routing.suggest"] = _on(
    "case_received", lambda a, c, w: complaints.suggest(a, c)
)
RECIPES["complaints.actions.routing.decide_suggestion"] = _on(
    "suggestion", lambda a, s, w: complaints.decide_suggestion(a, s)
)
RECIPES["complaints.actions.hotissues.propose_hot_issues"] = _township(
    lambda a, t, w: complaints.propose_hot_issues(a, t)
)
RECIPES["complaints.actions.hotissues.accept_hot_issue"] = _on(
    "hot_issue",
    lambda a, h, w: complaints.accept_hot_issue(a, h, category="brewing_unrest"),
)
RECIPES["complaints.actions.hotissues.dismiss_hot_issue"] = _on(
    "hot_issue", lambda a, h, w: complaints.dismiss_hot_issue(a, h, reason="不是苗头")
)
