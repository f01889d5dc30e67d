"""The world the access matrix is walked in: two townships and one object in every state an entry needs.

Built once for the package (``conftest.world``) inside an outer transaction
that is rolled back at its end; every cell of the matrix runs in a savepoint
of its own, so each starts from exactly this world. Objects are named by key
(``w.obj("case_replied")``) and fetched fresh from the database each time.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models, transaction
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook

from tests import samples
from tests.conftest import client_for, member_of
from yingji.complaints import actions as complaints
from yingji.complaints.models import HotIssue, ImportJob, RoutingSuggestion
from yingji.deadlines import actions as deadline_actions
from yingji.deadlines.models import Deadline
from yingji.earlywarning import actions as warnings
from yingji.earlywarning import import_actions
from yingji.earlywarning.models import LedgerImport, Warning
from yingji.incidents import actions as incidents
from yingji.incidents import actions_aftermath, actions_scene
from yingji.incidents.models import (
    Attachment,
    Incident,
    TaskForceMember,
)
from yingji.notify.choices import DeliveryState
from yingji.notify.models import Notification
from yingji.notify.outbox import queue
from yingji.orgs import actions as orgs
from yingji.orgs.access import Actor
from yingji.orgs.choices import Role
from yingji.orgs.demo import create_demo_township
from yingji.orgs.models import DutyShift, LeadingGroupSeat, Member, Township, Unit
from yingji.petitions import actions as petitions
from yingji.petitions.models import Document, PetitionCase
from yingji.plans import actions as plans

ROLES: list[Role] = list(Role)
#: Every login's password in the world (the password page needs the old one).
OLD_PASSWORD = "Matrix-Old-Pass-2026"

#: Marks in the demo township's records: a member of the other township must never read them.
MARK = {
    "warning": "示例镇独有预警甲乙丙",
    "incident": "示例镇独有事件丁戊己",
    "case": "示例镇独有信访庚辛壬",
    "complaint": "示例镇独有留言癸子丑",
    "unit": "示例镇独有村寅卯",
    "member": "示例镇独有人辰巳",
}

REPORT = {
    "time": "今日8时50分起",
    "place": "镇政府门前",
    "cause": "征地补偿款发放争议",
    "headcount": "23人",
    "lead_persons": "推选代表2人",
    "potential_harm": "影响办公秩序",
    "urgency": "紧急",
    "development": "人员情绪平稳",
}
SUMMARY = {
    "overview": "群众到镇政府反映补偿款问题",
    "handling": "专班到场疏导",
    "outcome": "群众自行散去",
    "aftermath": "五个一落实",
    "lessons": "加强政策宣传",
}
WARNING_FIELDS = {
    "category": "internal_dispute",
    "source": "village_reporter",
    "cause": "征地补偿款分配方案未公示",
    "address": "三组村委会门前",
    "headcount": 12,
    "development": "已在微信群串联",
    "measures": "村两委入户解释政策",
    "urgency": "urgent",
    "potential_harm": "serious",
}


def export_bytes(rows: list[list[Any]], headers: list[str]) -> bytes:
    """Return an .xlsx with ``headers`` and ``rows`` on its first sheet."""
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


MESSAGE_HEADERS = ["编号", "标题", "来电时间", "诉求内容", "办结时间", "办理结果", "一级分类"]
MESSAGE_MAPPING = {
    "number": "编号",
    "subject": "标题",
    "posted_at": "来电时间",
    "text": "诉求内容",
    "replied_at": "办结时间",
    "reply": "办理结果",
    "label": "一级分类",
}
LABELLED = {
    "城乡建设": ["小区道路破损严重请求修缮", "工地夜间施工渣土车乱跑", "老旧小区改造迟迟不动工"],
    "教育文体": ["学校违规补课收费", "孩子上小学入学难学位不够", "幼儿园收费过高"],
}


def message_rows(start: str) -> list[list[Any]]:
    """Rows of a message-board export: six alike (a hot issue) and six labelled (routing)."""
    rows: list[list[Any]] = [
        [
            f"H{i}",
            f"南山路桥面破损坑洼严重{i} {MARK['complaint']}",
            f"{start}{i + 1} 9:00:00",
            "桥面破损坑洼",
            f"{start}{i + 11} 9:00:00",
            "已修复",
            "城乡建设",
        ]
        for i in range(6)
    ]
    n = 0
    for label, texts in LABELLED.items():
        for text in texts:
            n += 1
            rows.append([f"L{n}", text[:12], f"{start}{n} 10:00:00", text, "", "", label])
    return rows


LEDGER_HEADERS = ["登记时间", "类别", "地点", "事由"]


def ledger_bytes(when: str) -> bytes:
    """A small township ledger of two rows (登记时间, 类别, 地点, 事由)."""
    return export_bytes(
        [
            [
                when,
                "由群众内部矛盾引起，尚未出现过激行为，可能会出现群体性事件的",
                "东岭村",
                "导入预警一",
            ],
            [when, "其他可以作为预警信息的行为", "西河村", "导入的预警二"],
        ],
        LEDGER_HEADERS,
    )


@dataclass
class World:
    """Keys → primary keys of the objects, the actors and logged-in clients of both townships."""

    demo: Township
    other: Township
    pks: dict[str, tuple[type[models.Model], int]] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    actors: dict[Role, Actor] = field(default_factory=dict)
    outsiders: dict[Role, Actor] = field(default_factory=dict)
    clients: dict[Role, Client] = field(default_factory=dict)
    outsider_clients: dict[Role, Client] = field(default_factory=dict)
    anonymous: Client = field(default_factory=Client)

    def keep(self, key: str, obj: models.Model) -> models.Model:
        """Remember ``obj`` under ``key`` (read fresh later by :meth:`obj`); return it."""
        self.pks[key] = (type(obj), obj.pk)
        return obj

    def obj(self, key: str) -> Any:
        """Return the object called ``key``, read fresh from the database."""
        model, pk = self.pks[key]
        return model._default_manager.get(pk=pk)

    def obj_township(self) -> Township:
        """Return the demo township, read fresh."""
        return Township.objects.get(pk=self.demo.pk)

    def pk(self, key: str) -> int:
        """Return the primary key of the object kept under ``key``."""
        return self.pks[key][1]

    def member(self, name: str) -> Member:
        """Return the demo township's member called ``name``."""
        return Member.objects.get(township=self.demo, name=name)

    def unit(self, name: str) -> Unit:
        """Return the demo township's unit called ``name``."""
        return Unit.objects.get(township=self.demo, name=name)


# --- what a refused call must leave alone ---------------------------------------------------------

_TABLES: list[str] = []


def _count_sql() -> str:
    if not _TABLES:
        _TABLES.extend(
            sorted(
                m._meta.db_table
                for m in apps.get_models(include_auto_created=True)
                if m._meta.managed and not m._meta.proxy
            )
        )
    quote = connection.ops.quote_name
    return "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in _TABLES)


def row_counts(exclude: tuple[str, ...] = ()) -> dict[str, int]:
    """Return the number of rows of every table (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(_count_sql())
        values = cursor.fetchone()
    return {t: n for t, n in zip(_TABLES, values, strict=True) if t not in exclude}


def state_of(objs: list[models.Model]) -> list[dict[str, Any]]:
    """Return every stored field of ``objs`` (read fresh), to compare before and after a call."""
    out = []
    for obj in objs:
        row = type(obj)._default_manager.filter(pk=obj.pk).values().first()
        out.append(row or {})
    return out


# --- building --------------------------------------------------------------------------------------


def build() -> World:
    """Build the world: call inside a transaction."""
    assert transaction.get_connection().in_atomic_block
    create_demo_township()
    create_demo_township("另一镇", "other")
    w = World(Township.objects.get(code="demo"), Township.objects.get(code="other"))
    for member in Member.objects.filter(user__isnull=False).select_related("user"):
        member.user.set_password(OLD_PASSWORD)
        member.user.save(update_fields=["password"])
    for role in ROLES:
        w.actors[role] = Actor.for_member(member_of(w.demo, role))
        w.outsiders[role] = Actor.for_member(member_of(w.other, role))
        w.clients[role] = client_for(member_of(w.demo, role))
        w.outsider_clients[role] = client_for(member_of(w.other, role))
    system = Actor.system("matrix")
    now = timezone.now()
    _orgs(w, system, now)
    _plans(w, system)
    _warnings(w, system, now)
    _incidents(w, system, now)
    _cases(w, system, now)
    _deadlines(w, system, now)
    _notifications(w)
    _complaints(w, system, now)
    return w


def _orgs(w: World, system: Actor, now) -> None:
    marked = orgs.create_unit(system, w.demo, name=MARK["unit"], kind="village")
    w.keep("unit", marked)
    w.keep(
        "member",
        orgs.create_member(system, w.demo, name=MARK["member"], unit=marked, role=Role.MEMBER),
    )
    w.keep("member_no_login", w.member("赵红梅"))
    w.keep("member_with_login", w.member("黄磊"))
    w.keep("seat", LeadingGroupSeat.objects.get(township=w.demo, member__name="吴刚"))
    w.keep("shift", DutyShift.objects.filter(township=w.demo).order_by("pk").last())


def _plans(w: World, system: Actor) -> None:
    from yingji.plans.actions import DEFAULT_PLAN_PATH

    text = DEFAULT_PLAN_PATH.read_text(encoding="utf-8")
    w.data["plan_text"] = text.replace("\ntitle:", "\ntitle: 矩阵测试 ", 1)
    w.keep("plan_version", w.demo.plan_version)
    from tests.plans.importing import township_text

    w.data["plan_document"] = township_text().encode("utf-8")
    w.keep(
        "draft",
        plans.import_plan_document(system, w.demo, "plan.txt", w.data["plan_document"]),
    )


def _warning(w: World, system: Actor, now, key: str, steps: list[str]) -> Warning:
    fields = dict(WARNING_FIELDS)
    fields["village"] = w.unit("东岭村")
    fields["expected_at"] = now + timedelta(days=2)
    warning = warnings.register(
        system,
        w.demo,
        summary=f"{MARK['warning']} {key}",
        discovered_at=now - timedelta(hours=3),
        at=now - timedelta(hours=3),
        **fields,
    )
    for step in steps:
        if step == "verify":
            warning = warnings.verify(system, warning, note="属实")
        elif step == "report":
            warning = warnings.report(system, warning)
        elif step == "assess":
            warning = warnings.assess(system, warning, urgency="urgent", potential_harm="serious")
        elif step == "handle":
            warning = warnings.start_handling(
                system,
                warning,
                lead_official=w.member("李卫东"),
                units=[w.unit("东岭村")],
            )
        elif step == "control":
            warning = warnings.mark_controlled(system, warning, note="稳定")
    w.keep(key, warning)
    return warning


def _warnings(w: World, system: Actor, now) -> None:
    chain = ["verify", "report", "assess", "handle", "control"]
    for i, key in enumerate(
        [
            "warning_registered",
            "warning_verified",
            "warning_reported",
            "warning_assessed",
            "warning_handling",
            "warning_controlled",
        ]
    ):
        _warning(w, system, now, key, chain[:i])
    resolved = _warning(w, system, now, "warning_resolved", chain)
    warnings.resolve(system, resolved, resolution="化解")
    w.data["ledger_file"] = ledger_bytes(timezone.localtime(now).strftime("%Y-%m-%d %H:%M"))
    job = import_actions.start_import(
        system, w.demo, filename="ledger.xlsx", content=w.data["ledger_file"]
    )
    w.keep("ledger_job_uploaded", job)
    checked = import_actions.start_import(
        system, w.demo, filename="ledger.xlsx", content=w.data["ledger_file"]
    )
    w.keep("ledger_job_checked", import_actions.check_import(system, checked))
    problems = LedgerImport.objects.get(pk=w.pk("ledger_job_checked")).problems
    assert problems == [], problems


def _incident(w: World, system: Actor, now, key: str, upto: str) -> Incident:
    incident = incidents.receive_incident(
        system,
        w.demo,
        category="district",
        source="caller",
        summary=f"{MARK['incident']} {key}",
        place="镇政府门前",
        headcount=23,
        received_at=now - timedelta(minutes=5),
    )
    stage = ["received", "verified", "reported", "activated"].index(upto)
    if stage >= 1:
        incidents.verify_incident(system, incident, true=True)
    if stage >= 2:
        incidents.send_report(system, incident, REPORT)
    if stage >= 3:
        incidents.activate(w.actors[Role.HEAD], incident)
    incident.refresh_from_db()
    w.keep(key, incident)
    return incident


def _incidents(w: World, system: Actor, now) -> None:
    _incident(w, system, now, "incident_received", "received")
    _incident(w, system, now, "incident_verified", "verified")
    _incident(w, system, now, "incident_reported", "reported")
    bare = _incident(w, system, now, "incident_bare", "activated")
    w.data["checklist_step"] = bare.category_def.checklist[0].key
    active = _incident(w, system, now, "incident_active", "activated")
    incidents.form_task_force(
        system,
        active,
        members=[
            ("peace_office", w.member("刘洋")),
            ("villages", w.member("黄磊")),
            ("police_station", w.member("周伟")),
        ],
        leader=w.member("刘洋"),
    )
    w.keep(
        "place",
        TaskForceMember.objects.get(task_force__incident=active, member=w.member("黄磊")),
    )
    w.keep(
        "evidence",
        actions_scene.register_evidence(
            system,
            active,
            camera_id="CAM-7",
            wearer=w.member("刘洋"),
            started_at=now - timedelta(minutes=30),
            ended_at=now - timedelta(minutes=20),
            file_name="cam7.mp4",
            storage_place="平安办证据柜",
            file=SimpleUploadedFile("cam7.mp4", samples.mp4()),
        ),
    )
    entry = actions_scene.add_log_entry(
        system,
        active,
        f"{MARK['incident']} 现场照片",
        [SimpleUploadedFile("photo.jpg", samples.jpeg(b" photo"))],
    )
    w.keep("attachment", Attachment.objects.get(log_entry=entry))
    party = actions_scene.add_party(system, active, name="张秀兰", contact="13912345678")
    w.keep("incident_party", party)
    w.keep(
        "demand",
        actions_scene.register_demand(
            system, active, content="要求按时发放补偿款", parties=[party]
        ),
    )
    aftermath = _incident(w, system, now, "incident_aftermath", "activated")
    actions_aftermath.close_scene(system, aftermath)
    summarised = _incident(w, system, now, "incident_summarised", "activated")
    actions_aftermath.close_scene(system, summarised)
    actions_aftermath.file_summary_report(system, summarised, SUMMARY)
    closed = _incident(w, system, now, "incident_closed", "activated")
    actions_aftermath.close_scene(system, closed)
    actions_aftermath.file_summary_report(system, closed, SUMMARY)
    actions_aftermath.close_incident(system, closed)


def _five_ones(w: World) -> dict[str, Any]:
    return {
        "handling_unit": w.unit("东岭村"),
        "lead_official": w.member("李卫东"),
        "responsible_person": w.member("黄磊"),
        "measures": "入户走访",
        "resolution_plan": "30日内答复",
    }


REPLY = {
    "request": "要求补发补偿款",
    "facts": "经查属实",
    "decision": "予以补发",
    "basis": "《信访工作条例》第三十二条",
    "review_body": "区信访局",
}


def _case(w: World, system: Actor, now, key: str, upto: str, **kw: Any) -> PetitionCase:
    kw.setdefault("channel", "visit")
    kw.setdefault("summary", f"{MARK['case']} {key}")
    kw.setdefault("parties", [{"name": "张秀兰", "phone": "13912345678", "address": "东岭村"}])
    at = now - timedelta(days=5)
    case = petitions.receive_case(system, w.demo, received_at=at, **kw)
    w.data[f"{key}_code"] = case.query_code
    order = [
        "received",
        "accepted",
        "in_resolution",
        "replied",
        "review_requested",
        "reviewed",
        "re_review_requested",
    ]
    step = order.index(upto)
    if step >= 1:
        petitions.accept_case(system, case, at=at)
        petitions.set_five_ones(system, case, **_five_ones(w))
    if step >= 2:
        petitions.start_resolution(system, case, at=at)
    if step >= 3:
        reply = petitions.issue_reply(system, case, at=at + timedelta(days=1), **REPLY)
        petitions.record_delivery(
            system, reply, method="in_person", delivered_at=at + timedelta(days=1, hours=1)
        )
        case.refresh_from_db()
    if step >= 4:
        petitions.request_review(system, case, requested_at=at + timedelta(days=2))
    if step >= 5:
        opinion = petitions.issue_review_opinion(
            system,
            case,
            opinion="维持",
            basis="第三十五条",
            re_review_body="市信访局",
            at=at + timedelta(days=3),
        )
        petitions.record_delivery(
            system, opinion, method="in_person", delivered_at=at + timedelta(days=3, hours=1)
        )
        case.refresh_from_db()
    if step >= 6:
        petitions.request_re_review(system, case, requested_at=at + timedelta(days=4))
    case.refresh_from_db()
    w.keep(key, case)
    return case


def _cases(w: World, system: Actor, now) -> None:
    _case(w, system, now, "case_received", "received")
    _case(
        w,
        system,
        now,
        "case_transferred_in",
        "received",
        channel="transfer",
        higher_level_body="区信访局",
    )
    _case(w, system, now, "case_accepted", "accepted")
    _case(w, system, now, "case_resolution", "in_resolution")
    extension = _case(w, system, now, "case_extension", "in_resolution")
    petitions.request_extension(system, extension, days=15, reason="需调取档案")
    replied = _case(w, system, now, "case_replied", "replied")
    w.keep("reply", Document.objects.get(case=replied, kind="reply"))
    _case(w, system, now, "case_review_requested", "review_requested")
    _case(w, system, now, "case_reviewed", "reviewed")
    _case(w, system, now, "case_re_review_requested", "re_review_requested")
    # Art. 30: a report against 东岭村, hidden from its members (the task-force member 黄磊).
    _case(
        w,
        system,
        now,
        "case_report",
        "received",
        category="report",
        accused_unit=w.unit("东岭村"),
    )


def _deadlines(w: World, system: Actor, now) -> None:
    late = incidents.receive_incident(
        system,
        w.demo,
        category="district",
        source="caller",
        summary=f"{MARK['incident']} 超时未报",
        received_at=now - timedelta(hours=1),
    )
    deadline = Deadline.objects.get(object_id=str(late.pk), rule__startswith="incident")
    with transaction.atomic():
        deadline_actions.breach(system, deadline, at=now)
        # The escalation also reached a leading-group member (as a duty officer would be).
        queue(
            w.demo,
            [w.member("孙志强")],
            kind="deadline.escalation",
            subject="超时",
            key=f"deadline:{deadline.pk}:escalation:matrix",
            about=deadline,
        )
    w.keep("deadline_breached", Deadline.objects.get(pk=deadline.pk))
    w.keep(
        "deadline_open",
        Deadline.objects.get(object_id=str(w.pk("incident_received")), rule__startswith="incident"),
    )


def _notifications(w: World) -> None:
    with transaction.atomic():
        rows = queue(
            w.demo,
            [w.member("刘洋")],
            kind="test",
            subject="投递失败的消息",
            key="matrix:dead",
        )
    Notification.objects.filter(pk=rows[0].pk).update(state=DeliveryState.DEAD, last_error="x")
    w.keep("dead_letter", rows[0])


def _complaints(w: World, system: Actor, now) -> None:
    start = timezone.localtime(now - timedelta(days=40)).strftime("%Y/%m/")
    w.data["messages_file"] = export_bytes(message_rows(start), MESSAGE_HEADERS)
    job = complaints.import_file(
        system,
        w.demo,
        source="热线",
        filename="m.xlsx",
        content=w.data["messages_file"],
        mapping=MESSAGE_MAPPING,
    )
    assert job.created == 12, job.problems
    w.keep(
        "import_uploaded",
        complaints.start_import(
            system, w.demo, source="留言板", filename="m.xlsx", content=w.data["messages_file"]
        ),
    )
    complaints.train(system, w.demo)
    w.keep("suggestion", complaints.suggest(system, w.obj("case_received")))
    issues = complaints.propose_hot_issues(system, w.demo, now=now)
    assert issues, "no hot issue proposed"
    w.keep("hot_issue", issues[0])
    assert ImportJob.objects.filter(pk=w.pk("import_uploaded")).exists()
    assert RoutingSuggestion.objects.filter(pk=w.pk("suggestion")).exists()
    assert HotIssue.objects.filter(pk=w.pk("hot_issue")).exists()
