"""The importer on every real plan: heading tree, every time limit, and the township plan whole."""

import pytest
import yaml

from yingji.plans.actions import DEFAULT_PLAN_PATH
from yingji.plans.check import check_plan_text
from yingji.plans.importer import import_document
from yingji.plans.schema import Plan

from .importing import PLANS, township_text


def draft_of(name):
    path = PLANS / name
    return import_document(path.read_bytes(), path.name)


def limits(draft):
    return [(t["phrase"], t["minutes"], t["days"], t["section"]) for t in draft.time_limits]


def titles(draft):
    return {section: title for section, _level, title, _line in draft.headings}


@pytest.fixture(scope="module")
def township():
    return draft_of("township-petition-emergency-plan.txt")


def test_township_heading_tree(township):
    assert township.style == "chinese"
    assert township.level_counts == {1: 7, 2: 15, 3: 10, 4: 7}
    assert township.title == "XX镇信访维稳工作应急处置预案"
    found = titles(township)
    assert found["六"] == "应急处置"
    assert found["六(五)"] == "分级分类处置"
    assert found["六(五)2(1)"] == "立即响应"
    assert found["七(三)"] == "总结上报"


def test_township_time_limits(township):
    assert limits(township) == [
        ("第一时间", None, None, "二(三)"),
        ("立即", None, None, "五(三)"),
        ("立即", None, None, "六(二)"),
        ("立即", None, None, "六(二)"),
        ("15分钟内", 15, None, "六(二)"),
        ("第一时间", None, None, "六(五)1"),
        ("立即", None, None, "六(五)2(1)"),
        ("40分钟内", 40, None, "六(五)2(1)"),
    ]
    report = township.time_limits[4]
    assert report["sentence"].startswith("镇平安办在收到信息后要立即核实信息的真实性，15分钟内")
    assert report["starts"] == "收到信息"
    assert report["ends"].endswith("向镇信访维稳工作应急处置领导小组汇报")
    assert township.time_limits[7]["ends"] == "前往事件发生地"


def test_township_categories_roles_and_steps(township):
    plan = Plan.model_validate(township.plan_data())
    assert [c.name for c in plan.warning_categories][
        1
    ] == "出现信访人扬言到区集访、到市进京上访的苗头"
    assert [(c.section, c.tier) for c in plan.incident_categories] == [
        ("六(一)1", 1),
        ("六(一)2", 2),
        ("六(一)3", 3),
    ]
    assert [s.title for s in plan.incident_categories[1].checklist] == [
        "立即响应",
        "稳控疏导",
        "教育劝返",
    ]
    assert plan.incident_categories[2].checklist[0].text == (
        "工作专班听从区级统一调度，对信访人（信访群体）进行劝返及其他相关工作。"
    )
    assert [s.name for s in plan.roles.leading_group.seats] == ["组长", "副组长", "组员"]
    assert [u.name for u in plan.roles.task_force_units] == [
        "相关领导",
        "镇平安办",
        "XX派出所",
        "镇综合执法大队",
        "相关村（社区）",
        "相关办、所、中心",
    ]
    scope = next(c for c in township.categories if c["kind"] == "scope")
    assert [i["value"] for i in scope["items"]] == ["越级上访", "群体性上访", "赴省进京上访"]
    deadlines = {d.name: d for d in plan.deadlines}
    report, arrival = deadlines["incident_report"], deadlines["district_arrival"]
    assert (report.minutes, report.starts_on, report.ends_on, report.section) == (
        15,
        "incident.received",
        "incident.reported",
        "六(二)",
    )
    assert (arrival.minutes, arrival.starts_on, arrival.ends_on, arrival.applies_to) == (
        40,
        "incident.activated",
        "task_force.first_arrival",
        ["district"],
    )


def _leaves(value, path=""):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, f"{path}.{k}" if path else k)
    elif isinstance(value, list) and value and isinstance(value[0], dict):
        for i, v in enumerate(value):
            yield from _leaves(v, f"{path}[{i}]")
    else:
        yield path, value


#: Values the township's document states; each must come from the document itself.
STATED = [
    ("title", None),
    ("governing_documents", None),
    ("roles.leading_group.name", None),
    ("warning_categories", None),
    ("incident_categories", None),
    ("report_fields", None),
    ("aftermath.five_ones", None),
]


def test_accepting_every_item_gives_the_default_plan_field_by_field(township):
    """Equal field by field; what the document cannot state is reported, not failed on.

    Fields the default plan has and the document cannot state (configured
    numbers, the escalation chain, keys, any field added to default.yaml later)
    are carried over from the default plan and listed as such.
    """
    default = Plan.model_validate(yaml.safe_load(DEFAULT_PLAN_PATH.read_text(encoding="utf-8")))
    plan, problems = check_plan_text(township.yaml())
    assert problems == [] and plan is not None
    imported = plan.model_dump(mode="json")
    expected = default.model_dump(mode="json")
    mismatches = [
        (path, value, dict(_leaves(imported)).get(path))
        for path, value in _leaves(expected)
        if dict(_leaves(imported)).get(path) != value
    ]
    assert mismatches == []
    taken = {i.slot: i.note for i in township.items if i.origin == "default"}
    assert {"code", "group_threshold", "escalation"} <= set(taken)
    assert all("默认预案" in note or "default plan" in note for note in taken.values())
    for slot, _ in STATED:
        assert slot not in taken, slot
    by_slot = {}
    for item in township.items:
        by_slot.setdefault(item.slot, []).append(item)
    arrival = next(i for i in by_slot["deadlines"] if i.value["name"] == "township_arrival")
    assert "minutes" in arrival.borrowed and arrival.sentence.startswith("1.在本镇") is False
    assert arrival.section == "六(五)1"
    configured = {d.name for d in default.deadlines if d.configured}
    assert {"township_arrival", "warning_verify", "warning_report"} <= configured
    for item in by_slot["deadlines"]:
        if item.origin == "default":
            continue  # taken whole from the default plan, reported as such above
        # A number the township chose is the default plan's; a number the text states is the text's.
        assert ("minutes" in item.borrowed) == (item.value["name"] in configured), item.value[
            "name"
        ]


def test_nothing_silently_dropped(township):
    reasons = [(u.section, u.text[:7]) for u in township.unplaced]
    assert ("三", "越级上访、群体") in reasons, reasons
    # every 立即 / 第一时间 without a deadline is listed (the 立即 of §五(三) fills warning_verify)
    assert sum(1 for u in township.unplaced if "立即" in u.reason or "第一时间" in u.reason) == 4


NATIONAL = [
    ("72小时内", 4320, None, "3.1.1(1)"),
    ("2小时内", 120, None, "3.1.4(2)"),
    ("1小时内", 60, None, "3.1.4(3)"),
    ("12小时内", 720, None, "3.1.4(4)"),
    ("立即", None, None, "3.1.4(6)"),
    ("24小时内", 1440, None, "3.1.5(2)"),
    ("1小时内", 60, None, "3.1.5(3)"),
    ("12小时内", 720, None, "3.1.5(3)"),
    ("24小时内", 1440, None, "3.1.5(5)"),
    ("24小时内", 1440, None, "3.1.6"),
    ("2小时内", 120, None, "3.2.2(2)"),
    ("24小时内", 1440, None, "3.2.2(2)"),
    ("立即", None, None, "3.2.2(4)"),
    ("立即", None, None, "3.2.3"),
    ("2小时内", 120, None, "3.2.3"),
    ("48小时内", 2880, None, "3.2.5"),
    ("24小时内", 1440, None, "3.2.7(2)"),
    ("5个工作日内", None, 5, "4.2.3"),
]

QINGDAO = [
    ("立即", None, None, "4.4"),
    ("立即", None, None, "5.1"),
    ("20分钟内", 20, None, "5.2"),
    ("50分钟内", 50, None, "5.2"),
    ("20分钟内", 20, None, "5.2"),
    ("50分钟内", 50, None, "5.2"),
    ("立即", None, None, "6.1"),
    ("立即", None, None, "6.1"),
    ("立即", None, None, "6.5"),
    ("立即", None, None, "6.5(1)②"),
]

XIAN = [
    ("2小时内", 120, None, "3.2.2(2)②"),
    ("1小时内", 60, None, "3.2.2(2)③"),
    ("立即", None, None, "3.2.2(2)⑤"),
    ("24小时内", 1440, None, "3.3(2)②"),
    ("24小时内", 1440, None, "3.3(2)④"),
    ("24小时内", 1440, None, "3.4"),
    ("立即", None, None, "3.5(1)"),
    ("立即", None, None, "3.5(2)"),
    ("立即", None, None, "3.5(6)"),
    ("立即", None, None, "4.1.1"),
    ("1小时内", 60, None, "4.1.1"),
    ("2小时", 120, None, "4.1.1"),
    ("1小时内", 60, None, "4.1.1"),
    ("1小时内", 60, None, "4.1.1"),
    ("立即", None, None, "4.3"),
]


@pytest.mark.parametrize(
    ("name", "counts", "some_titles", "expected"),
    [
        (
            "national-highway-traffic-emergency-plan.txt",
            {1: 6, 2: 27, 3: 87, 4: 57, 5: 9},
            {
                "3": "运行机制",
                "2.3": "日常管理机构",
                "3.2.1.1": "响应级别",
                "6.2": "制定与解释部门",
            },
            NATIONAL,
        ),
        (
            "qingdao-road-traffic-accident-plan.txt",
            {1: 12, 2: 48, 3: 59, 4: 5},
            {"5.2": "报告时限", "1.6.1": "一般道路交通事故", "12": "附则"},
            QINGDAO,
        ),
        (
            "xian-highway-traffic-emergency-plan.txt",
            {1: 9, 2: 38, 3: 88, 4: 64, 5: 16},
            {"1": "总则", "4.1.1": "报告时限和程序", "4.4.2": "Ⅱ级应急响应"},
            XIAN,
        ),
    ],
)
def test_other_real_plans(name, counts, some_titles, expected):
    draft = draft_of(name)
    assert draft.style == "decimal"
    assert draft.level_counts == counts
    found = titles(draft)
    for section, title in some_titles.items():
        assert found[section] == title
    assert limits(draft) == expected
    # Their drafts still go to review: problems are listed, nothing is published blind.
    assert draft.items and draft.unplaced


def test_chinese_numerals_in_time_limits():
    text = township_text().replace("15分钟内", "十五分钟内").replace("40分钟内", "半小时内")
    text += "\n八、附则\n（一）报告。接报后两个小时内上报，一个半小时内到场，五个工作日内办结，不得超过2小时。\n"
    draft = import_document(text.encode("utf-8"), "plan.txt")
    found = limits(draft)
    assert ("十五分钟内", 15, None, "六(二)") in found
    assert ("半小时内", 30, None, "六(五)2(1)") in found
    assert found[-4:] == [
        ("两个小时内", 120, None, "八(一)"),
        ("一个半小时内", 90, None, "八(一)"),
        ("五个工作日内", None, 5, "八(一)"),
        ("2小时", 120, None, "八(一)"),
    ]


def test_configured_fields_added_to_the_default_plan_keep_the_comparison_passing():
    """Another engineer adds configured warning deadlines to default.yaml: still equal, and reported."""
    base = DEFAULT_PLAN_PATH.read_text(encoding="utf-8").replace(
        "\naftermath:",
        """  - name: warning_verify
    label: 核实预警信息
    starts_on: warning.registered
    ends_on: warning.verified
    minutes: 60
    section: 五(三)
    basis: 镇平安办要对收集到的信息立即核实
    configured: true
  - name: warning_review
    label: 风险研判
    starts_on: warning.reported
    ends_on: warning.controlled
    minutes: 1440
    section: 五(四)
    configured: true

aftermath:""",
        1,
    )
    expected = Plan.model_validate(yaml.safe_load(base))
    draft = import_document(township_text().encode("utf-8"), "plan.txt", base_text=base)
    assert Plan.model_validate(draft.plan_data()) == expected
    deadlines = [i for i in draft.items if i.slot == "deadlines"]
    verify = next(i for i in deadlines if i.value["name"] == "warning_verify")
    # 五(三) says 立即: the document's sentence is cited, the number is the default plan's.
    assert verify.origin == "document" and "minutes" in verify.borrowed
    assert verify.sentence.startswith("镇平安办要对收集到的信息立即核实")
    review = next(i for i in deadlines if i.value["name"] == "warning_review")
    assert review.origin == "default" and "默认预案" in review.note


@pytest.mark.django_db
def test_cli_import_writes_a_draft_that_checks(tmp_path, capsys):
    from django.core.management import call_command

    source = tmp_path / "预案.txt"
    source.write_bytes(township_text().replace("\u2002", " ").encode("gb18030"))
    call_command("plan", "import", str(source), "--lang", "en")
    out = capsys.readouterr().out
    target = tmp_path / "预案.draft.yaml"
    assert f"wrote the draft {target}: " in out and "0 problem(s)" in out
    assert "§六(二) 15 min" in out and "§六(五)2(1) 40 min" in out
    assert "not in the document, taken from the default plan:  escalation" in out
    plan, problems = check_plan_text(target.read_text(encoding="utf-8"))
    assert problems == [] and plan is not None and plan.title == "XX镇信访维稳工作应急处置预案"


@pytest.mark.django_db
def test_cli_import_refuses_bad_input(tmp_path):
    from django.core.management import CommandError, call_command

    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="The file is empty"):
        call_command("plan", "import", str(empty), "--lang", "en")
    assert not (tmp_path / "empty.draft.yaml").exists()
