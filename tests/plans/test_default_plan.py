"""The shipped default plan says what the township's plan says, value by value."""

from pathlib import Path

import pytest

from yingji.plans.actions import DEFAULT_PLAN_PATH
from yingji.plans.check import load_plan_text
from yingji.plans.schema import Event


@pytest.fixture(scope="module")
def plan():
    return load_plan_text(DEFAULT_PLAN_PATH.read_text(encoding="utf-8"))


def test_it_is_the_township_plan(plan):
    assert plan.code == "township-petition"
    assert plan.title == "XX镇信访维稳工作应急处置预案"
    assert plan.governing_documents == ["《信访条例》", "《信访工作条例》"]


def test_leading_group_and_lead_office(plan):
    assert plan.roles.leading_group.name == "镇信访维稳工作应急处置领导小组"
    assert [(s.key, s.name) for s in plan.roles.leading_group.seats] == [
        ("head", "组长"),
        ("deputy", "副组长"),
        ("member", "组员"),
    ]
    assert plan.roles.lead_office.name == "镇平安办"
    assert plan.roles.lead_office.unit_kind == "peace_office"


def test_task_force_units_of_section_6_4(plan):
    assert [(u.key, u.name, u.unit_kind) for u in plan.roles.task_force_units] == [
        ("leaders", "相关领导", None),
        ("peace_office", "镇平安办", "peace_office"),
        ("police_station", "XX派出所", "police_station"),
        ("law_enforcement_brigade", "镇综合执法大队", "law_enforcement_brigade"),
        ("villages", "相关村（社区）", "village"),
        ("offices", "相关办、所、中心", "office"),
    ]


def test_four_warning_categories(plan):
    assert len(plan.warning_categories) == 4
    assert [c.key for c in plan.warning_categories] == [
        "brewing_unrest",
        "threatened_bypass",
        "internal_dispute",
        "other",
    ]
    assert plan.warning_categories[1].name == "出现信访人扬言到区集访、到市进京上访的苗头"
    assert [c.section for c in plan.warning_categories] == [
        "五(一)1",
        "五(一)2",
        "五(一)3",
        "五(一)4",
    ]


def test_three_incident_categories_with_their_checklists(plan):
    assert [(c.key, c.tier, c.short_name) for c in plan.incident_categories] == [
        ("township", 1, "本镇群体性事件"),
        ("district", 2, "到区缠访、闹访、集访"),
        ("city_capital", 3, "赴市进京越级上访"),
    ]
    assert [[s.title for s in c.checklist] for c in plan.incident_categories] == [
        ["事态控制", "教育引导", "全程记录", "后续处置"],
        ["立即响应", "稳控疏导", "教育劝返"],
        ["听从调度、劝返"],
    ]
    assert plan.incident_category("township").checklist[2].text == (
        "参与现场稳控的人员应全程佩带、开启执法记录仪，记录现场情况和工作开展情况。"
    )


def test_deadlines_in_minutes(plan):
    by_name = {d.name: d for d in plan.deadlines}
    assert set(by_name) == {
        "incident_report",
        "district_arrival",
        "township_arrival",
        "warning_verify",
        "warning_report",
    }
    report = by_name["incident_report"]
    assert (
        report.minutes,
        report.starts_on,
        report.ends_on,
        report.applies_to,
        report.section,
    ) == (
        15,
        Event.INCIDENT_RECEIVED,
        Event.INCIDENT_REPORTED,
        [],
        "六(二)",
    )
    arrival = by_name["district_arrival"]
    assert (
        arrival.minutes,
        arrival.starts_on,
        arrival.ends_on,
        arrival.applies_to,
        arrival.section,
    ) == (
        40,
        Event.INCIDENT_ACTIVATED,
        Event.TASK_FORCE_FIRST_ARRIVAL,
        ["district"],
        "六(五)2(1)",
    )
    assert not arrival.configured
    township = by_name["township_arrival"]
    assert (township.minutes, township.configured, township.applies_to) == (30, True, ["township"])


def test_warning_deadlines_are_configured_minutes(plan):
    # §五(三) "立即核实，并向向领导小组组长报告": the plan gives no number; the township's.
    assert [
        (d.name, d.minutes, d.starts_on, d.ends_on, d.section, d.configured, d.applies_to)
        for d in plan.warning_deadlines()
    ] == [
        (
            "warning_verify",
            30,
            Event.WARNING_REGISTERED,
            Event.WARNING_VERIFIED,
            "五(三)",
            True,
            [],
        ),
        (
            "warning_report",
            60,
            Event.WARNING_REGISTERED,
            Event.WARNING_REPORTED,
            "五(三)",
            True,
            [],
        ),
    ]
    assert plan.warning_deadlines()[0].basis == "镇平安办要对收集到的信息立即核实"
    assert (
        plan.warning_deadlines()[1].basis
        == "镇平安办要对收集到的信息立即核实，并向向领导小组组长报告"
    )


def test_risk_matrix_of_section_5_4(plan):
    risk = plan.risk_assessment
    assert (risk.section, risk.configured) == ("五(四)", True)
    assert [(lv.key, lv.name) for lv in risk.urgency_levels] == [
        ("general", "一般"),
        ("urgent", "紧急"),
        ("very_urgent", "特别紧急"),
    ]
    assert [(lv.key, lv.name) for lv in risk.harm_levels] == [
        ("minor", "较小"),
        ("serious", "较大"),
        ("severe", "重大"),
    ]
    assert [(lv.key, lv.name) for lv in risk.risk_levels] == [
        ("low", "低风险"),
        ("medium", "中风险"),
        ("high", "高风险"),
    ]
    grid = [[risk.risk_for(u.key, h.key) for h in risk.harm_levels] for u in risk.urgency_levels]
    assert grid == [
        ["low", "low", "medium"],
        ["low", "medium", "high"],
        ["medium", "high", "high"],
    ]
    # The plan's matrix is the one a plan without a matrix gets.
    from yingji.plans.schema import default_risk_assessment

    assert risk == default_risk_assessment()


def test_deadlines_per_category(plan):
    assert [(d.name, d.minutes) for d in plan.deadlines_for("district")] == [
        ("incident_report", 15),
        ("district_arrival", 40),
    ]
    assert [(d.name, d.minutes) for d in plan.deadlines_for("township")] == [
        ("incident_report", 15),
        ("township_arrival", 30),
    ]
    assert [d.name for d in plan.deadlines_for("city_capital")] == ["incident_report"]


def test_report_contents(plan):
    assert plan.report_field_names("incident") == [
        "时间",
        "地点",
        "原因",
        "参与人数",
        "信访人（牵头人员）",
        "可能造成的危害程度",
        "紧急程度",
        "事态发展",
    ]
    assert plan.report_field_names("warning") == [
        "时间",
        "地点",
        "原因",
        "参与人数",
        "可能造成的危害程度",
        "紧急程度",
        "事态发展",
        "应采取的措施",
    ]


def test_five_ones_threshold_and_escalation(plan):
    assert [f.name for f in plan.aftermath.five_ones] == [
        "责任单位",
        "牵头领导",
        "责任人",
        "工作措施",
        "化解方案",
    ]
    assert plan.aftermath.summary_report_required is True
    assert plan.group_threshold == 5
    assert [(s.role, s.after_minutes) for s in plan.escalation] == [
        ("duty_officer", 0),
        ("peace_office_head", 10),
        ("head", 20),
    ]


def test_checklist_texts_are_the_plans_own_words(plan):
    source = (
        Path(__file__).resolve().parents[3] / "shared/plans/township-petition-emergency-plan.txt"
    )
    if not source.exists():
        pytest.skip("shared/ not beside the repository")
    text = source.read_text(encoding="utf-8")
    for category in plan.incident_categories:
        for step in category.checklist:
            assert step.text in text, step.key
    for category in plan.warning_categories:
        assert category.name in text
