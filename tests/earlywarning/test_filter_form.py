"""The ledger's filter form: fields and option HTML built once and shared, never leaking between forms."""

import pytest
from django.utils import translation

from yingji.earlywarning.forms import FilterForm
from yingji.orgs.choices import UnitKind
from yingji.orgs.models import Unit
from yingji.plans.models import PlanVersion

pytestmark = pytest.mark.django_db


def form(township, data=None):
    return FilterForm(
        data, township=township, plan=PlanVersion.objects.get(pk=township.plan_version_id).plan
    )


def test_forms_share_their_fields_but_not_what_was_typed_or_refused(demo):
    good = form(demo, {"status": "resolved", "date_from": "2026-03-01", "q": "征地"})
    bad = form(demo, {"status": "nonsense", "date_from": "2026-13-01", "q": "<b>"})
    assert good.fields is not bad.fields  # each form its own dict …
    assert good.fields["status"] is bad.fields["status"]  # … of the fields built once
    assert good.is_valid() and not bad.is_valid()
    assert set(bad.errors) == {"status", "date_from"} and good.errors == {}
    html = good.filters_html()
    assert '<option value="resolved" selected>已化解</option>' in html
    assert (
        'name="q" id="id_q" placeholder="编号、地点、事由或原因" value="征地">' in html
        and "has-error" not in html
    )
    refused = bad.filters_html()
    assert 'name="q" id="id_q" placeholder="编号、地点、事由或原因" value="&lt;b&gt;">' in refused
    assert 'name="date_from" id="id_date_from" value="2026-13-01">' in refused
    assert refused.count('class="field has-error"') == 2
    assert " selected>" not in refused.split('id="id_status">')[1].split("</select>")[0]
    unbound = form(demo).filters_html()  # each select on （不限）
    assert unbound.count(" selected>") == unbound.count('<option value="" selected>（不限）') == 4


def test_a_new_village_is_offered_at_once_and_only_to_its_township(demo, other):
    before = form(demo).filters_html()
    assert "新建村" not in before
    village = Unit.objects.create(township=demo, name="新建村", kind=UnitKind.VILLAGE)
    after = form(demo, {"village": str(village.pk)})
    assert f'<option value="{village.pk}" selected>新建村</option>' in after.filters_html()
    assert after.is_valid() and after.cleaned_data["village"] == village.pk
    elsewhere = form(other, {"village": str(village.pk)})
    assert "新建村" not in elsewhere.filters_html() and not elsewhere.is_valid()


def test_labels_and_options_follow_the_language(demo):
    with translation.override("en"):
        english = form(demo).filters_html()
    chinese = form(demo).filters_html()
    assert '<label for="id_status">status</label>' in english
    assert '<option value="resolved">resolved</option>' in english
    assert '<label for="id_status">状态</label>' in chinese
    assert '<option value="resolved">已化解</option>' in chinese


def test_dates_as_the_date_picker_sends_them_or_typed_with_slashes(demo):
    picked = form(demo, {"date_from": "2026-03-01", "date_to": "2026/03/31"})
    assert picked.is_valid()
    assert (str(picked.cleaned_data["date_from"]), str(picked.cleaned_data["date_to"])) == (
        "2026-03-01",
        "2026-03-31",
    )
    assert not form(demo, {"date_from": "3月1日"}).is_valid()
