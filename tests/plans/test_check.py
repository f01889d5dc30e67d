"""`yingji plan check` refuses a broken plan, naming line and field, and loads nothing."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from yingji.plans.actions import DEFAULT_PLAN_PATH
from yingji.plans.check import check_plan_text
from yingji.plans.models import PlanVersion

DEFAULT = DEFAULT_PLAN_PATH.read_text(encoding="utf-8")


def line_of(text: str, fragment: str, nth: int = 1) -> int:
    """Return the 1-based line of the ``nth`` line containing ``fragment``."""
    hits = [i + 1 for i, line in enumerate(text.splitlines()) if fragment in line]
    return hits[nth - 1]


def problems(text: str, lang: str = "zh-hans"):
    with translation.override(lang):
        plan, found = check_plan_text(text)
    assert plan is None
    return [(p.line, p.field, p.message) for p in found]


def test_default_plan_is_valid():
    plan, found = check_plan_text(DEFAULT)
    assert found == [] and plan is not None


def test_wrong_type_names_line_and_field():
    text = DEFAULT.replace("minutes: 40", "minutes: forty")
    assert problems(text) == [(line_of(text, "minutes: forty"), "deadlines[1].minutes", "应为整数")]
    assert problems(text, "en") == [
        (line_of(text, "minutes: forty"), "deadlines[1].minutes", "must be a whole number")
    ]


def test_missing_minutes_names_the_deadline():
    text = DEFAULT.replace("    minutes: 15\n", "")
    assert problems(text) == [
        (line_of(text, "- name: incident_report"), "deadlines[0].minutes", "缺少必填字段")
    ]


def test_missing_report_deadline_is_refused():
    start = DEFAULT.index("  - name: incident_report")
    end = DEFAULT.index("  - name: district_arrival")
    text = DEFAULT[:start] + DEFAULT[end:]
    [(line, field, message)] = problems(text, "en")
    assert (line, field) == (line_of(text, "deadlines:"), "deadlines")
    assert message == (
        "the plan has no deadline from incident.received to incident.reported (the verified report, plan §六(二))"
    )


def test_unknown_category_reference():
    text = DEFAULT.replace("applies_to: [district]", "applies_to: [distrct]")
    assert problems(text) == [
        (
            line_of(text, "applies_to: [distrct]"),
            "deadlines[1].applies_to[0]",
            "“distrct”未在 incident_categories 中定义",
        )
    ]


def test_unknown_report_field_reference():
    text = DEFAULT.replace(
        "fields: [time, place, cause, headcount, lead_persons",
        "fields: [time, place, reason, headcount, lead_persons",
    )
    assert problems(text, "en") == [
        (
            line_of(text, "reason, headcount"),
            "report_contents.incident.fields[2]",
            "“reason” is not defined in report_fields",
        )
    ]


def test_unknown_field_and_bad_event():
    text = DEFAULT.replace("    configured: true", "    configurd: true").replace(
        "starts_on: incident.activated", "starts_on: incident.activatd", 1
    )
    found = problems(text, "en")
    assert (line_of(text, "incident.activatd"), "deadlines[1].starts_on") == found[0][:2]
    assert found[0][2].startswith("must be one of: 'warning.registered'")
    assert found[1] == (
        line_of(text, "configurd: true"),
        "deadlines[2].configurd",
        "unknown field (check its spelling)",
    )


def test_yaml_syntax_error_has_its_line():
    text = DEFAULT.replace("group_threshold: 5", "group_threshold: [5")
    [(line, field, message)] = problems(text)
    assert field == "" and message.startswith("不是有效的YAML")
    assert line is not None and line >= line_of(text, "group_threshold: [5")


def test_five_ones_must_be_five():
    text = DEFAULT.replace("    - {key: resolution_plan, name: 化解方案}\n", "")
    assert problems(text, "en") == [
        (line_of(text, "five_ones:"), "aftermath.five_ones", "needs at least 5 item(s)")
    ]


@pytest.mark.django_db
def test_cli_check_prints_lines_and_exits_non_zero(tmp_path, capsys):
    bad = tmp_path / "plan.yaml"
    bad.write_text(
        DEFAULT.replace("minutes: 40", "minutes: forty").replace("tier: 3", "tier: third"),
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="2 problem"):
        call_command("plan", "check", str(bad), "--lang", "en")
    err = capsys.readouterr().err.splitlines()
    text = bad.read_text(encoding="utf-8")
    assert err == [
        f"{bad}:line {line_of(text, 'tier: third')}: incident_categories[2].tier: must be a whole number",
        f"{bad}:line {line_of(text, 'minutes: forty')}: deadlines[1].minutes: must be a whole number",
    ]


@pytest.mark.django_db
def test_cli_check_in_chinese_by_locale(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    bad = tmp_path / "plan.yaml"
    bad.write_text(DEFAULT.replace("group_threshold: 5", "group_threshold: many"), encoding="utf-8")
    with pytest.raises(CommandError, match="发现1个问题，预案未载入"):
        call_command("plan", "check", str(bad))
    assert (
        capsys.readouterr().err.strip()
        == f"{bad}:第{line_of(DEFAULT, 'group_threshold')}行: group_threshold: 应为整数"
    )


@pytest.mark.django_db
def test_cli_check_valid_plan(capsys):
    call_command("plan", "check", str(DEFAULT_PLAN_PATH), "--lang", "en")
    assert (
        "the plan is valid: XX镇信访维稳工作应急处置预案; 3 incident categories, 5 deadlines."
        in capsys.readouterr().out
    )


@pytest.mark.django_db
def test_invalid_plan_is_never_loaded(tmp_path):
    bad = tmp_path / "plan.yaml"
    bad.write_text(DEFAULT.replace("minutes: 15", "minutes: -15"), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("plan", "publish", str(bad))
    assert PlanVersion.objects.count() == 0


def test_plan_without_risk_matrix_gets_the_default():
    start = DEFAULT.index("# §五(四) 风险研判")
    plan, found = check_plan_text(DEFAULT[:start])
    assert found == [] and plan is not None
    assert plan.risk_assessment.risk_for("very_urgent", "serious") == "high"
    assert plan.risk_assessment.risk_for("general", "minor") == "low"


def test_risk_matrix_cross_references():
    text = DEFAULT.replace(
        "- {urgency: urgent, harm: severe, risk: high}",
        "- {urgency: urgent, harm: severer, risk: extreme}",
    )
    line = line_of(text, "harm: severer")
    assert problems(text, "en") == [
        (
            line,
            "risk_assessment.matrix[5].harm",
            "“severer” is not defined in risk_assessment.harm_levels",
        ),
        (
            line,
            "risk_assessment.matrix[5].risk",
            "“extreme” is not defined in risk_assessment.risk_levels",
        ),
        (
            line_of(text, "  matrix:"),
            "risk_assessment.matrix",
            "the risk matrix has no cell for urgency “urgent” × harm “severe”",
        ),
    ]


def test_warning_deadline_cannot_be_limited_to_incident_categories():
    text = DEFAULT.replace(
        "    ends_on: warning.verified\n",
        "    ends_on: warning.verified\n    applies_to: [district]\n",
    )
    [(line, field, message)] = problems(text, "en")
    assert field == "deadlines[3].applies_to"
    assert message == (
        "deadline “warning_verify” runs on warnings and cannot be limited to incident categories"
    )
