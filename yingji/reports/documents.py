"""The official documents: the incident summary report, the 15-minute report, petition notices and replies.

Each function returns ``(file name, .docx bytes)`` laid out by ``gbt9704``.
No document carries a party's or petitioner's name or contact: parties
appear by capacity and count only (DESIGN.md §6); petition documents reuse
the texts the petitions app stored in its ``Document`` rows, which address
the petitioner as 信访人 and speak in the handling unit's name.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from django.utils import timezone

from yingji.deadlines.models import Deadline
from yingji.deadlines.queries import deadlines_of
from yingji.incidents.models import Incident
from yingji.petitions.choices import DocumentKind
from yingji.petitions.documents import local_date
from yingji.petitions.models import Document, PetitionCase

from .gbt9704 import SMALL_TABLE_SIZE, OfficialDocument
from .stats import SHANGHAI

#: Headings of the summary report, in order (plan §七(三)).
SUMMARY_HEADINGS = [
    "一、事件基本情况",
    "二、处置经过",
    "三、时限执行情况",
    "四、工作专班",
    "五、处置步骤完成情况",
    "六、现场记录",
    "七、证据清单",
    "八、诉求登记及信访事项办理（五个一）",
    "九、总结",
]

DOCUMENT_TITLES = {
    DocumentKind.ACCEPTANCE: "信访事项受理告知书",
    DocumentKind.NON_ACCEPTANCE: "信访事项不予受理告知书",
    DocumentKind.TRANSFER: "信访事项转送告知书",
    DocumentKind.EXTENSION: "信访事项延期办理告知书",
    DocumentKind.REPLY: "信访事项处理意见书",
    DocumentKind.REVIEW_OPINION: "信访事项复查意见书",
    DocumentKind.RE_REVIEW_OPINION: "信访事项复核意见书",
}


def local_time(at: datetime | None) -> str:
    """Format an aware time as ``2026年3月5日 09:05`` in Asia/Shanghai; "—" for None."""
    if at is None:
        return "—"
    d = at.astimezone(SHANGHAI)
    return f"{d.year}年{d.month}月{d.day}日 {d.hour:02d}:{d.minute:02d}"


def deadline_outcome(deadline: Deadline, now: datetime | None = None) -> str:
    """Say whether ``deadline`` was kept, judged from ``satisfied_at`` vs ``due_at`` and ``now``."""
    now = now or timezone.now()
    if deadline.satisfied_at is not None:
        late = deadline.satisfied_at - deadline.due_at
        if late.total_seconds() <= 0:
            return "按时完成"
        return f"超时完成（超出{_span(late.total_seconds())}）"
    if deadline.cancelled_at is not None:
        return "已取消"
    if deadline.due_at < now:
        return "超时未完成"
    return "进行中"


def _span(seconds: float) -> str:
    minutes = round(seconds / 60)
    if minutes < 60 * 24:
        return f"{minutes}分钟"
    return f"{minutes // (60 * 24)}天{(minutes % (60 * 24)) // 60}小时"


def lead_office_name(incident: Incident) -> str:
    """The issuing body of incident reports: the plan's lead office (镇平安办, plan §二(二))."""
    return incident.plan_version.plan.roles.lead_office.name


def incident_course(incident: Incident) -> list[tuple[str, datetime | None]]:
    """Return the incident's course from receipt to close as (step, time UTC) rows (plan §六, §七)."""
    task_force = getattr(incident, "task_force", None)
    report = getattr(incident, "report", None)
    summary = getattr(incident, "summary_report", None)
    rows: list[tuple[str, datetime | None]] = [
        ("接报", incident.received_at),
        ("核实", incident.verified_at),
        ("向领导小组报告", report.sent_at if report else None),
        ("启动预案", incident.activated_at),
        ("组建工作专班", task_force.formed_at if task_force else None),
        ("工作专班首人到场", task_force.first_arrival_at if task_force else None),
        ("现场处置结束", incident.scene_closed_at),
        ("报送总结报告", summary.filed_at if summary else None),
        ("事件办结", incident.closed_at),
    ]
    return [(step, at) for step, at in rows if at is not None]


def incident_summary(incident: Incident, now: datetime | None = None) -> tuple[str, bytes]:
    """Write the summary report of ``incident`` (plan §七(三)) as a GB/T 9704 .docx.

    Course with times, every deadline and whether it was kept, the task force,
    the checklist, the on-scene log, the evidence list with SHA-256 hashes, the
    demands with the petition cases they became and each case's five-ones,
    then the summary contents as filed. Parties by capacity and count only.
    """
    plan = incident.plan_version.plan
    category = incident.category_def
    doc = OfficialDocument()
    doc.title(f"关于{category.short_name}事件（{incident.number}）处置情况的报告")
    doc.para(f"{incident.township.name}信访维稳工作应急处置领导小组：", indent=False)
    doc.para(f"现将{incident.number}号事件的处置情况报告如下（时间均为北京时间）。")

    doc.heading(SUMMARY_HEADINGS[0])
    capacities = Counter(p.get_capacity_display() for p in incident.parties.all())
    parties = "、".join(f"{c}{n}人" for c, n in capacities.items()) or "无登记"
    for label, value in (
        ("事件类别", category.name),
        ("发生时间", local_time(incident.occurred_at)),
        ("地点", incident.place or "—"),
        ("参与人数", str(incident.headcount) if incident.headcount is not None else "—"),
        ("起因", incident.cause or "—"),
        ("概况", incident.summary),
        ("当事人", parties),
    ):
        doc.para(f"{label}：{value}")

    doc.heading(SUMMARY_HEADINGS[1])
    doc.table(["环节", "时间"], [[step, local_time(at)] for step, at in incident_course(incident)])

    doc.heading(SUMMARY_HEADINGS[2])
    deadline_rows = [
        [
            d.label,
            local_time(d.opened_at),
            local_time(d.due_at),
            local_time(d.satisfied_at),
            deadline_outcome(d, now),
        ]
        for d in deadlines_of(incident)
    ]
    doc.table(
        ["时限", "起算", "到期", "完成", "执行情况"], deadline_rows or [["无", "", "", "", ""]]
    )

    doc.heading(SUMMARY_HEADINGS[3])
    units = {u.key: u.name for u in plan.roles.task_force_units}
    task_force = getattr(incident, "task_force", None)
    if task_force is None:
        doc.para("未组建工作专班。")
    else:
        leader = task_force.leader.name if task_force.leader else "—"
        doc.para(f"组建时间：{local_time(task_force.formed_at)}；带队：{leader}。")
        doc.table(
            ["成员", "所属", "出发", "到场"],
            [
                [
                    m.member.name,
                    units.get(m.unit_key, m.unit_key),
                    local_time(m.dispatched_at),
                    local_time(m.arrived_at),
                ]
                for m in task_force.members.select_related("member")
            ],
        )

    doc.heading(SUMMARY_HEADINGS[4])
    ticks = {t.step_key: t for t in incident.ticks.all()}
    doc.table(
        ["步骤", "完成时间"],
        [
            [s.title, local_time(ticks[s.key].ticked_at) if s.key in ticks else "未完成"]
            for s in category.checklist
        ],
    )

    doc.heading(SUMMARY_HEADINGS[5])
    log = [[local_time(e.at), e.author_label, e.text] for e in incident.log.all()]
    doc.table(["时间", "记录人", "内容"], log or [["—", "", "无记录"]])

    doc.heading(SUMMARY_HEADINGS[6])
    evidence = [
        [
            str(e.number),
            e.file_name,
            f"{local_time(e.started_at)}—{local_time(e.ended_at)}",
            e.storage_place,
            e.sha256,
        ]
        for e in incident.evidence.all()
    ]
    evidence += [
        [f"附件{a.pk}", a.name, local_time(a.uploaded_at), "", a.sha256]
        for a in incident.attachments.all()
    ]
    doc.table(
        ["编号", "文件", "时间", "保管", "SHA-256"],
        evidence or [["—", "无", "", "", ""]],
        size=SMALL_TABLE_SIZE,
    )

    doc.heading(SUMMARY_HEADINGS[7])
    demands = list(
        incident.demands.select_related(
            "case", "case__handling_unit", "case__lead_official", "case__responsible_person"
        )
    )
    if not demands:
        doc.para("无诉求登记。")
    for i, demand in enumerate(demands, 1):
        doc.heading(f"（{_cn(i)}）{demand.content[:40]}", level=2)
        doc.para(
            f"登记时间：{local_time(demand.registered_at)}；状态：{demand.get_status_display()}。"
        )
        case = demand.case
        if case is None:
            if demand.withdrawn_note:
                doc.para(f"撤回说明：{demand.withdrawn_note}")
            continue
        doc.para(f"信访事项编号：{case.number}；办理状态：{case.get_status_display()}。")
        for label, value in five_ones(case):
            doc.para(f"{label}：{value}")

    doc.heading(SUMMARY_HEADINGS[8])
    summary = getattr(incident, "summary_report", None)
    if summary is None:
        doc.para("总结报告尚未报送。")
    else:
        from yingji.incidents.actions_aftermath import SUMMARY_FIELDS

        for key, name in SUMMARY_FIELDS.items():
            doc.para(f"{name}：{summary.contents.get(key, '')}")

    doc.signoff(lead_office_name(incident), local_date(now or timezone.now()))
    return f"{incident.number}-总结报告.docx", doc.save()


def _cn(n: int) -> str:
    digits = "零一二三四五六七八九十"
    return digits[n] if n <= 10 else str(n)


def five_ones(case: PetitionCase) -> list[tuple[str, str]]:
    """Return the five-ones of ``case`` (plan §七(一)) as (name, value) rows; "未明确" where missing."""
    return [
        ("责任单位", case.handling_unit.name if case.handling_unit else "未明确"),
        ("包案领导", case.lead_official.name if case.lead_official else "未明确"),
        ("责任人", case.responsible_person.name if case.responsible_person else "未明确"),
        ("工作措施", case.measures or "未明确"),
        ("化解方案", case.resolution_plan or "未明确"),
    ]


def fifteen_minute_report(incident: Incident) -> tuple[str, bytes]:
    """Write the verified report to the leading group (plan §六(二), due 15 minutes after receipt).

    Its contents are those sent (``IncidentReport.contents``, keyed by the
    plan's report fields); raises ``ValueError`` if no report was sent yet.
    """
    report = getattr(incident, "report", None)
    if report is None:
        raise ValueError("no verified report was sent for this incident")
    plan = incident.plan_version.plan
    names = {f.key: f.name for f in plan.report_fields}
    doc = OfficialDocument()
    doc.title(f"关于{incident.category_def.short_name}事件的紧急报告")
    doc.para(f"{incident.township.name}信访维稳工作应急处置领导小组：", indent=False)
    doc.para(
        f"{local_time(incident.received_at)}接报，经核实，现报告如下（事件编号{incident.number}，"
        f"报告时间{local_time(report.sent_at)}）。"
    )
    for i, key in enumerate(plan.report_contents.incident.fields, 1):
        doc.para(f"{_cn(i)}、{names.get(key, key)}：{report.contents.get(key, '')}")
    doc.signoff(lead_office_name(incident), local_date(report.sent_at))
    return f"{incident.number}-信息报告.docx", doc.save()


def petition_document(document: Document) -> tuple[str, bytes]:
    """Write one written document of a petition case from the text the petitions app stored.

    The stored ``body`` ends with the issuer and the date; they become the
    sign-off. The written reply carries the review route and the 30-day
    window of Art. 35 as stored.
    """
    lines = [line for line in document.body.split("\n") if line.strip()]
    if len(lines) >= 2 and lines[-2] == document.issuer:
        lines = lines[:-2]
    title = DOCUMENT_TITLES.get(document.kind, document.get_kind_display())
    if lines and lines[0].startswith(title):
        lines = lines[1:]  # the reply's own title line
    doc = OfficialDocument()
    doc.title(title)
    doc.para(f"（编号 {document.case.number}）", indent=False).alignment = 1
    for i, line in enumerate(lines):
        doc.para(line, indent=i > 0)
    doc.signoff(document.issuer, local_date(document.issued_at))
    return f"{document.case.number}-{title}.docx", doc.save()
