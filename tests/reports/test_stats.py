"""Each figure of a known month, computed by hand, against ``stats.compute`` and the workbook."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from tests.reports import month
from yingji.petitions.models import PetitionCase
from yingji.reports import stats, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(demo):
    month.build(demo)
    start, end = stats.month_bounds(month.MONTH)
    return stats.compute(demo, PetitionCase.objects.filter(township=demo), start, end, month.NOW)


def test_month_bounds_are_local_midnights():
    start, end = stats.month_bounds("2026-12")
    assert start.isoformat() == "2026-12-01T00:00:00+08:00"
    assert end.isoformat() == "2027-01-01T00:00:00+08:00"
    assert stats.months_between(start.date(), end.date()) == ["2026-12", "2027-01"]


def test_percentile_is_excel_percentile_inc():
    assert stats.percentile([1, 2, 3, 4], 0.5) == 2.5
    assert stats.percentile([10], 0.9) == 10
    assert stats.percentile([], 0.9) is None


def test_each_rate_of_the_month(figures):
    got = {k: (r.numerator, r.denominator) for k, r in figures.rates.items()}
    assert got == month.RATES
    assert figures.rates["response"].value == 0.8
    for key in stats.RATE_KEYS:
        assert "分子" in figures.rates[key].definition and "分母" in figures.rates[key].definition


def test_each_duration_of_the_month(figures):
    for key, values in month.DURATIONS.items():
        assert figures.durations[key].values == pytest.approx(values), key
    for key, (median, p90) in month.MEDIAN_P90.items():
        assert figures.durations[key].median == pytest.approx(median), key
        assert figures.durations[key].p90 == pytest.approx(p90), key


def test_breakdowns_of_the_month(figures):
    assert figures.warnings_by_category == {"internal_dispute": 2, "other": 1}
    assert figures.warnings_by_village == {"东岭村": 3}
    assert figures.incidents_by_category == {"district": 2}
    assert sum(figures.cases_by_stage.values()) == 5
    assert figures.cases_by_stage["received"] == 1  # c
    assert figures.cases_by_stage["replied"] == 2
    assert figures.cases_by_stage["declined"] == 1
    assert figures.cases_by_stage["in_resolution"] == 1
    assert figures.cases_by_unit == {"东岭村": 3, "": 2}
    # Acceptance deadlines: a, e, b, d kept; c breached. Conclude deadlines: a, e kept, d running.
    assert figures.case_deadlines_by_state["breached"] == 1
    assert figures.case_deadlines_by_state["kept"] == 6
    assert figures.case_deadlines_by_state["running"] == 1


def test_the_workbook_has_formulas_values_and_definitions(demo, figures):
    data = xlsx.month_workbook(
        demo, PetitionCase.objects.filter(township=demo), month.MONTH, month.NOW
    )
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["汇总", "预警台账", "事件台账", "信访台账", "指标定义"]
    summary = wb["汇总"]
    rows = {r[0].value: r for r in summary.iter_rows(min_row=3, max_row=7)}
    for key, (num, den) in month.RATES.items():
        row = rows[stats.DEFINITIONS[key][0]]
        assert (row[4].value, row[5].value) == (num, den)
        assert row[6].value == pytest.approx(num / den)
        assert row[3].value == f'=IF(C{row[0].row}=0,"",B{row[0].row}/C{row[0].row})'
        assert row[7].value == stats.DEFINITIONS[key][1]
    assert rows["15分钟报告按时率"][1].value == "=SUM('事件台账'!$E$2:$E$3)"
    assert rows["满意率"][2].value == "=SUM('信访台账'!$J$2:$J$6)"
    durations = {r[0].value: r for r in summary.iter_rows(min_row=9, max_row=14)}
    row = durations["预警发现至报告用时（分钟）"]
    assert row[2].value == "=IFERROR(MEDIAN('预警台账'!$I$2:$I$4),\"\")"
    assert (row[4].value, row[5].value, row[6].value) == (3, 25, pytest.approx(41))
    assert [row[i].number_format for i in (2, 3, 5, 6)] == ["0.0"] * 4  # one decimal shown
    assert row[4].number_format == "General"  # a count
    # The ledger rows a reader checks the formulas against.
    warnings = wb["预警台账"]
    assert [warnings.cell(r, 9).value for r in range(2, 5)] == [25, 45, 5]
    # Times to the minute in a column wide enough to show them (Excel shows ######## otherwise).
    assert warnings.cell(1, 5).value == "发现时间" and isinstance(
        warnings.cell(2, 5).value, datetime
    )
    assert warnings.cell(2, 5).number_format == "yyyy-mm-dd hh:mm"
    assert (warnings.column_dimensions["E"].width, warnings.column_dimensions["A"].width) == (
        18,
        16,
    )
    incidents = wb["事件台账"]
    assert [(incidents.cell(r, 5).value, incidents.cell(r, 6).value) for r in (2, 3)] == [
        (1, 0),
        (1, 1),
    ]
    cases = wb["信访台账"]
    assert sum(cases.cell(r, 7).value or 0 for r in range(2, 7)) == 4
    assert sum(1 for r in range(2, 7) if cases.cell(r, 7).value is not None) == 5
    # Tables by category and unit use COUNTIFS / SUMIFS over the ledger.
    formulas = [
        c.value for row in cases.iter_rows(min_row=8) for c in row if isinstance(c.value, str)
    ]
    assert any(f.startswith("=SUMIFS($G$2:$G$6,$C$2:$C$6,A") for f in formulas)
    definitions = wb["指标定义"]
    names = [definitions.cell(r, 1).value for r in range(2, 12)]
    assert names == [stats.DEFINITIONS[k][0] for k in stats.RATE_KEYS + stats.DURATION_KEYS]
    # The third column shows the summary's formulas as text (as formulas they were broken
    # references such as 事件台账!E, and "=MEDIAN(…), =PERCENTILE…" no formula at all).
    shown = [definitions.cell(r, 3) for r in range(2, 12)]
    assert [c.data_type for c in shown if c.value] == ["s"] * 10
    assert shown[0].value == "=SUM(事件台账!E) / COUNT(事件台账!E)"
    # No petitioner details anywhere.
    text = " ".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value)
    assert "张秀兰" not in text and "张某" not in text


def test_merged_months_equal_the_range_queried_whole(demo):
    month.build(demo)
    cases = PetitionCase.objects.filter(township=demo)
    parts = [
        stats.compute(demo, cases, *stats.month_bounds(m), month.NOW)
        for m in ("2026-10", "2026-11")
    ]
    merged = stats.merge(parts)
    whole = stats.compute(demo, cases, parts[0].start, parts[1].end, month.NOW)
    assert {k: (r.numerator, r.denominator) for k, r in merged.rates.items()} == {
        k: (r.numerator, r.denominator) for k, r in whole.rates.items()
    }
    for key, d in merged.durations.items():
        assert d.values == pytest.approx(whole.durations[key].values), key
    assert merged.cases_by_stage == whole.cases_by_stage
    assert merged.case_deadlines_by_state == whole.case_deadlines_by_state
    assert merged.warnings_by_category == whole.warnings_by_category
    assert merged.cases_by_unit == whole.cases_by_unit
