"""How to request each named page of the matrix: its URL arguments and, for POST, valid minimal data.

``PAGE_CALLS[name](world)`` returns one :class:`Req` per variant of the
page's entry in ``yingji.orgs.matrix.PAGES`` ("" for a page with one guard).
With this data a role the matrix allows gets 200 or 302 (and, for a POST,
the action's audit event); any other role gets 403 and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from yingji.deadlines.escalation import ack_token

from .world import MARK, MESSAGE_MAPPING, OLD_PASSWORD, REPLY, REPORT, SUMMARY, World


@dataclass
class Req:
    """One request of a page: URL arguments, query, POST data and the object it is about."""

    kwargs: dict[str, Any] = field(default_factory=dict)
    data: Callable[[], dict[str, Any]] = dict
    query: str = ""
    obj: str | None = None  # world key of the object (rules, unchanged check)
    quiet: bool = False  # an allowed POST that writes no audit event

    def url(self, name: str) -> str:
        """Return the path of page ``name`` with this request's kwargs and query string."""
        return reverse(name, kwargs=self.kwargs) + (f"?{self.query}" if self.query else "")


def _local(delta: timedelta = timedelta()) -> str:
    return timezone.localtime(timezone.now() + delta).strftime("%Y-%m-%dT%H:%M")


def _one(**kw: Any) -> Callable[[World], dict[str, Req]]:
    return lambda w: {"": Req(**kw)}


def _pk(key: str, **kw: Any) -> Callable[[World], dict[str, Req]]:
    return lambda w: {"": Req(kwargs={"pk": w.pk(key)}, obj=key, **kw)}


PAGE_CALLS: dict[str, Callable[[World], dict[str, Req]]] = {}


def page(name: str):
    """Register the decorated function as the call of page ``name`` (each page once)."""

    def register(fn: Callable[[World], dict[str, Req]]):
        assert name not in PAGE_CALLS, f"two calls for the page {name}"
        PAGE_CALLS[name] = fn
        return fn

    return register


# --- project pages ---------------------------------------------------------------------------------

PAGE_CALLS["home"] = _one()
PAGE_CALLS["login"] = _one(data=lambda: {"username": "nobody", "password": "wrong"}, quiet=True)
PAGE_CALLS["logout"] = _one(quiet=True)
PAGE_CALLS["set_language"] = _one(data=lambda: {"language": "zh-hans"}, quiet=True)
PAGE_CALLS["password_change"] = _one(
    data=lambda: {
        "old_password": OLD_PASSWORD,
        "new_password1": "Matrix-New-Pass-2026",
        "new_password2": "Matrix-New-Pass-2026",
    }
)
PAGE_CALLS["otp_setup"] = _one(data=lambda: {"token": "000000"}, quiet=True)
PAGE_CALLS["otp_verify"] = _one(data=lambda: {"token": "000000"}, quiet=True)


@page("petition_lookup")
def _lookup(w: World) -> dict[str, Req]:
    case = w.obj("case_replied")
    code = w.data["case_replied_code"]
    return {
        "": Req(
            data=lambda: {"number": case.number, "code": code, "rating": "satisfied"},
            obj="case_replied",
        )
    }


# --- orgs ------------------------------------------------------------------------------------------

PAGE_CALLS["orgs:overview"] = _one()
PAGE_CALLS["orgs:unit_new"] = _one(
    data=lambda: {"name": "新村", "kind": "village", "phone": "", "active": "on"}
)


@page("orgs:unit_edit")
def _unit_edit(w: World) -> dict[str, Req]:
    return {
        "": Req(
            kwargs={"pk": w.pk("unit")},
            data=lambda: {"name": MARK["unit"], "kind": "village", "phone": "1", "active": "on"},
            obj="unit",
        )
    }


PAGE_CALLS["orgs:member_new"] = _one(
    data=lambda: {"name": "新人", "role": "task_force_member", "active": "on"}
)


@page("orgs:member_edit")
def _member_edit(w: World) -> dict[str, Req]:
    return {
        "": Req(
            kwargs={"pk": w.pk("member")},
            data=lambda: {
                "name": MARK["member"],
                "unit": w.pk("unit"),
                "title": "新职务",
                "role": "member",
                "active": "on",
            },
            obj="member",
        )
    }


PAGE_CALLS["orgs:member_login"] = _pk(
    "member_no_login", data=lambda: {"username": "matrix_page_login"}
)
PAGE_CALLS["orgs:member_unlock"] = _pk("member_with_login")
PAGE_CALLS["orgs:member_reset_second_factor"] = _pk("member_with_login")


@page("orgs:seat_set")
def _seat_set(w: World) -> dict[str, Req]:
    pk = w.pk("member")
    return {"": Req(data=lambda: {"member": pk, "seat": "member", "order": "30"})}


PAGE_CALLS["orgs:seat_remove"] = _pk("seat")


@page("orgs:shift_add")
def _shift_add(w: World) -> dict[str, Req]:
    pk = w.member("郑敏").pk
    return {
        "": Req(
            data=lambda: {
                "member": pk,
                "starts_at": _local(timedelta(days=30)),
                "ends_at": _local(timedelta(days=30, hours=8)),
                "note": "",
            }
        )
    }


PAGE_CALLS["orgs:shift_remove"] = _pk("shift")

# --- plans -----------------------------------------------------------------------------------------


@page("plans:import")
def _plan_import(w: World) -> dict[str, Req]:
    content = w.data["plan_document"]
    return {"": Req(data=lambda: {"file": SimpleUploadedFile("plan.txt", content)})}


@page("plans:review")
def _plan_review(w: World) -> dict[str, Req]:
    draft = w.obj("draft")
    first = draft.result["items"][0]["id"]
    return {
        "save": Req(kwargs={"pk": draft.pk}, data=lambda: {f"d_{first}": "accept"}, obj="draft"),
        "publish": Req(
            kwargs={"pk": draft.pk},
            data=lambda: {f"d_{first}": "accept", "publish": "1"},
            obj="draft",
        ),
        "": Req(kwargs={"pk": draft.pk}, obj="draft"),
    }


# --- earlywarning ----------------------------------------------------------------------------------

PAGE_CALLS["earlywarning:ledger"] = _one()


@page("earlywarning:register")
def _warning_register(w: World) -> dict[str, Req]:
    village = w.unit("东岭村").pk
    return {
        "": Req(
            data=lambda: {
                "category": "internal_dispute",
                "source": "village_reporter",
                "discovered_at": _local(),
                "summary": "新登记的预警",
                "expected_at": _local(timedelta(days=1)),
                "village": village,
            }
        )
    }


PAGE_CALLS["earlywarning:detail"] = _pk("warning_registered")


@page("earlywarning:act")
def _warning_act(w: World) -> dict[str, Req]:
    village = w.unit("东岭村").pk
    lead = w.member("李卫东").pk
    report = {
        "summary": "已核实",
        "expected_at": _local(timedelta(days=1)),
        "village": village,
        "address": "三组",
        "headcount": "12",
        "cause": "补偿",
        "potential_harm": "serious",
        "urgency": "urgent",
        "development": "串联",
        "measures": "入户",
        "parties": "村民",
    }
    verbs: dict[str, tuple[str, dict[str, Any]]] = {
        "verify": ("warning_registered", {"note": "属实"}),
        "dismiss": ("warning_registered", {"reason": "不属实"}),
        "report": ("warning_verified", report),
        "assess": ("warning_reported", {"urgency": "urgent", "potential_harm": "serious"}),
        "start_handling": (
            "warning_assessed",
            {"lead_official": lead, "units": [village], "measures": ""},
        ),
        "add_progress": ("warning_handling", {"text": "走访"}),
        "mark_controlled": ("warning_handling", {"note": ""}),
        "resolve": ("warning_controlled", {"resolution": "化解"}),
        "escalate": ("warning_handling", {"category": "district"}),
        "convert": ("warning_handling", {"content": "要求补偿"}),
    }
    return {
        verb: Req(kwargs={"pk": w.pk(key), "verb": verb}, data=lambda d=data: dict(d), obj=key)
        for verb, (key, data) in verbs.items()
    }


PAGE_CALLS["earlywarning:export"] = _one()


@page("earlywarning:import")
def _ledger_upload(w: World) -> dict[str, Req]:
    content = w.data["ledger_file"]
    return {"": Req(data=lambda: {"file": SimpleUploadedFile("l.xlsx", content)})}


@page("earlywarning:import_job")
def _ledger_job(w: World) -> dict[str, Req]:
    uploaded = w.pk("ledger_job_uploaded")
    mapping = {"discovered_at": "0", "category": "1", "address": "2", "summary": "3"}
    return {
        "": Req(kwargs={"pk": uploaded}, obj="ledger_job_uploaded"),
        "check": Req(
            kwargs={"pk": uploaded},
            data=lambda: {"action": "check", **mapping},
            obj="ledger_job_uploaded",
        ),
        "run": Req(
            kwargs={"pk": w.pk("ledger_job_checked")},
            data=lambda: {"action": "run"},
            obj="ledger_job_checked",
        ),
    }


PAGE_CALLS["earlywarning:import_progress"] = _pk("ledger_job_uploaded")

# --- incidents -------------------------------------------------------------------------------------

PAGE_CALLS["incidents:board"] = _one()
PAGE_CALLS["incidents:closed"] = _one()
PAGE_CALLS["incidents:new"] = _one(
    data=lambda: {"category": "district", "source": "caller", "summary": "新事件"}
)
PAGE_CALLS["incidents:detail"] = _pk("incident_active")
PAGE_CALLS["incidents:verify"] = _pk("incident_received", data=lambda: {"true": "1", "note": ""})
PAGE_CALLS["incidents:report"] = _pk("incident_verified", data=lambda: dict(REPORT))
PAGE_CALLS["incidents:activate"] = _pk("incident_reported")


@page("incidents:task_force")
def _task_force(w: World) -> dict[str, Req]:
    pk = w.member("黄磊").pk
    return {
        "": Req(
            kwargs={"pk": w.pk("incident_bare")},
            data=lambda: {"leader": "", "unit_villages": [pk]},
            obj="incident_bare",
        )
    }


@page("incidents:check_in")
def _check_in(w: World) -> dict[str, Req]:
    place = w.pk("place")
    return {
        "": Req(
            kwargs={"pk": w.pk("incident_active")},
            data=lambda: {"place": place, "state": "dispatched"},
            obj="place",
        )
    }


@page("incidents:tick")
def _tick(w: World) -> dict[str, Req]:
    return {
        "": Req(
            kwargs={"pk": w.pk("incident_active"), "step": w.data["checklist_step"]},
            data=lambda: {"note": ""},
            obj="incident_active",
        )
    }


PAGE_CALLS["incidents:log"] = _pk("incident_active", data=lambda: {"text": "到场"})
PAGE_CALLS["incidents:situation"] = _pk("incident_active", data=lambda: {"text": "平稳"})
PAGE_CALLS["incidents:party"] = _pk(
    "incident_active", data=lambda: {"name": "李四", "contact": "", "capacity": "petitioner"}
)
PAGE_CALLS["incidents:demand"] = _pk("incident_active", data=lambda: {"content": "要求公开账目"})


@page("incidents:evidence_new")
def _evidence_new(w: World) -> dict[str, Req]:
    wearer = w.member("刘洋").pk
    return {
        "": Req(
            kwargs={"pk": w.pk("incident_active")},
            data=lambda: {
                "camera_id": "CAM-9",
                "wearer": wearer,
                "started_at": _local(timedelta(minutes=-20)),
                "ended_at": _local(timedelta(minutes=-10)),
                "file_name": "cam9.mp4",
                "storage_place": "证据柜",
                "sha256": "b" * 64,
            },
            obj="incident_active",
        )
    }


PAGE_CALLS["incidents:close_scene"] = _pk("incident_bare")
PAGE_CALLS["incidents:summary"] = _pk("incident_aftermath", data=lambda: dict(SUMMARY))
PAGE_CALLS["incidents:close"] = _pk("incident_summarised")
PAGE_CALLS["incidents:demand_case"] = _pk("demand")
PAGE_CALLS["incidents:demand_withdraw"] = _pk("demand", data=lambda: {"note": "群众撤回"})


@page("incidents:evidence")
def _evidence(w: World) -> dict[str, Req]:
    pk = w.pk("evidence")
    return {
        "": Req(kwargs={"pk": pk}, obj="evidence"),
        "custody": Req(
            kwargs={"pk": pk},
            data=lambda: {
                "form": "custody",
                "from_holder": "刘洋",
                "to_holder": "陈静",
                "place": "柜",
            },
            obj="evidence",
        ),
        "note": Req(
            kwargs={"pk": pk}, data=lambda: {"form": "note", "text": "补充"}, obj="evidence"
        ),
    }


@page("incidents:evidence_change")
def _evidence_change(w: World) -> dict[str, Req]:
    pk = w.pk("evidence")
    return {
        change: Req(kwargs={"pk": pk, "change": change}, obj="evidence")
        for change in ("edit", "delete")
    }


@page("incidents:file")
def _file(w: World) -> dict[str, Req]:
    return {
        "attachment": Req(
            kwargs={"kind": "attachment", "pk": w.pk("attachment")}, obj="attachment"
        ),
        "evidence": Req(kwargs={"kind": "evidence", "pk": w.pk("evidence")}, obj="evidence"),
    }


# --- petitions -------------------------------------------------------------------------------------

PAGE_CALLS["petitions:list"] = _one(query="view=all")
PAGE_CALLS["petitions:new"] = _one(
    data=lambda: {"channel": "visit", "category": "complaint", "summary": "新信访事项"}
)


@page("petitions:summary")
def _by(w: World) -> dict[str, Req]:
    return {by: Req(kwargs={"by": by}) for by in ("unit", "lead")}


PAGE_CALLS["petitions:access_log"] = _one()
PAGE_CALLS["audit:log"] = _one()
PAGE_CALLS["petitions:detail"] = _pk("case_resolution")
PAGE_CALLS["petitions:new_code"] = _pk("case_resolution")


@page("petitions:document")
def _document(w: World) -> dict[str, Req]:
    return {"": Req(kwargs={"pk": w.pk("case_replied"), "doc": w.pk("reply")}, obj="case_replied")}


def case_steps(w: World) -> dict[str, tuple[str, dict[str, Any]]]:
    """Each step of a case page: the case it applies to, and valid data (also the API's JSON)."""
    five_ones = {
        "handling_unit": w.unit("东岭村").pk,
        "lead_official": w.member("李卫东").pk,
        "responsible_person": w.member("黄磊").pk,
        "measures": "走访",
        "resolution_plan": "答复",
    }
    past = _local(timedelta(minutes=-2))
    return {
        "accept": ("case_received", {}),
        "decline": ("case_received", {"reason": "不属于受理范围"}),
        "transfer": ("case_received", {"to_body": "区人社局"}),
        "object": ("case_transferred_in", {"reason": "不属本镇职责"}),
        "five_ones": ("case_received", five_ones),
        "start": ("case_accepted", {}),
        "extension": ("case_resolution", {"days": "10", "reason": "需要调查"}),
        "decide_extension": ("case_extension", {"approve": "1", "note": ""}),
        "reply": ("case_resolution", dict(REPLY)),
        "deliver": (
            "case_replied",
            {"document": w.pk("reply"), "method": "post", "delivered_at": past},
        ),
        "review": ("case_replied", {"requested_at": past}),
        "review_opinion": (
            "case_review_requested",
            {"opinion": "维持", "basis": "第三十五条", "re_review_body": "市信访局"},
        ),
        "re_review": ("case_reviewed", {"requested_at": past}),
        "re_review_opinion": (
            "case_re_review_requested",
            {"opinion": "维持", "basis": "第三十六条"},
        ),
        "link": ("case_received", {"other": w.pk("case_accepted")}),
    }


@page("petitions:step")
def _steps(w: World) -> dict[str, Req]:
    return {
        name: Req(kwargs={"pk": w.pk(key), "name": name}, data=lambda d=data: dict(d), obj=key)
        for name, (key, data) in case_steps(w).items()
    }


# --- deadlines -------------------------------------------------------------------------------------

PAGE_CALLS["deadlines:due"] = _one()
PAGE_CALLS["deadlines:acknowledge"] = _pk("deadline_breached")


@page("deadlines:ack_link")
def _ack_link(w: World) -> dict[str, Req]:
    token = ack_token(w.obj("deadline_breached"), w.member("孙志强"))
    return {"": Req(kwargs={"token": token}, obj="deadline_breached")}


# --- notify ----------------------------------------------------------------------------------------

PAGE_CALLS["notify:inbox"] = _one()
PAGE_CALLS["notify:bell"] = _one()
PAGE_CALLS["notify:mark_read"] = _one(quiet=True)
PAGE_CALLS["notify:channels"] = _one(data=lambda: {"channels": []})
PAGE_CALLS["notify:deliveries"] = _one()
PAGE_CALLS["notify:retry"] = _pk("dead_letter")


@page("notify:configure")
def _configure(w: World) -> dict[str, Req]:
    data = {
        "url": "https://hooks.example.invalid/x",
        "secret": "",
        "template": '{"to": "{phone}", "text": "{text}"}',
        "active": "on",
    }
    return {
        channel: Req(kwargs={"channel": channel}, data=lambda: dict(data))
        for channel in ("webhook", "dingtalk", "wecom", "sms")
    }


# --- reports ---------------------------------------------------------------------------------------

PAGE_CALLS["reports:board"] = _one()
PAGE_CALLS["reports:drill"] = _one(query="kind=cases")


@page("reports:month")
def _month(w: World) -> dict[str, Req]:
    return {"": Req(kwargs={"month": timezone.localtime().strftime("%Y-%m")})}


PAGE_CALLS["reports:incident_summary"] = _pk("incident_summarised")
PAGE_CALLS["reports:incident_report"] = _pk("incident_active")
PAGE_CALLS["reports:petition_document"] = _pk("reply")

# --- complaints ------------------------------------------------------------------------------------


@page("complaints:import")
def _complaints_import(w: World) -> dict[str, Req]:
    content = w.data["messages_file"]
    return {
        "": Req(data=lambda: {"source": "新热线", "file": SimpleUploadedFile("m.xlsx", content)})
    }


PAGE_CALLS["complaints:import_map"] = _pk("import_uploaded", data=lambda: dict(MESSAGE_MAPPING))
PAGE_CALLS["complaints:import_progress"] = _pk("import_uploaded")


@page("complaints:case_routing")
def _routing(w: World) -> dict[str, Req]:
    pk = w.pk("case_received")
    return {
        "": Req(kwargs={"pk": pk}, obj="case_received"),
        "suggest": Req(kwargs={"pk": pk}, data=lambda: {"action": "suggest"}, obj="case_received"),
        "accept": Req(kwargs={"pk": pk}, data=lambda: {"action": "accept"}, obj="case_received"),
    }


PAGE_CALLS["complaints:hot"] = _one()


@page("complaints:hot_detail")
def _hot_detail(w: World) -> dict[str, Req]:
    pk = w.pk("hot_issue")
    return {
        "": Req(kwargs={"pk": pk}, obj="hot_issue"),
        "accept": Req(
            kwargs={"pk": pk},
            data=lambda: {"action": "accept", "category": "brewing_unrest"},
            obj="hot_issue",
        ),
        "dismiss": Req(
            kwargs={"pk": pk},
            data=lambda: {"action": "dismiss", "reason": "不是苗头"},
            obj="hot_issue",
        ),
    }
