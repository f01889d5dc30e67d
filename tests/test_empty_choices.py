"""The empty choice of every dropdown reads 请选择… (a form) or （不限） (a filter), never Django's "---------"."""

import pytest
from django import forms
from django.utils import translation

from tests.conftest import client_for, member_of
from yingji.forms import ANY, LabelledChoicesMixin
from yingji.orgs.choices import Role
from yingji.orgs.models import Unit

CHOOSE_OPTION = '<option value="" selected>请选择…</option>'


@pytest.mark.django_db
def test_the_pages_forms_say_choose_for_the_empty_choice(demo):
    staff = client_for(member_of(demo, Role.PEACE_OFFICE_STAFF))
    head = client_for(member_of(demo, Role.PEACE_OFFICE_HEAD))
    pages = {
        # 信访渠道: route, accused unit and same matter as are optional dropdowns
        (staff, "/petitions/new/"): 3,
        # 登记预警: village, potential harm, urgency
        (staff, "/warnings/new/"): 3,
        # 新增人员: the role has a default; the unit's empty choice says （镇领导） (kept)
        (head, "/orgs/members/new/"): 0,
        (head, "/orgs/seats/new/"): 2,  # member and seat
        (head, "/orgs/duty/new/"): 1,  # member
    }
    for (client, url), count in pages.items():
        page = client.get(url).content.decode()
        assert "---------" not in page, url
        assert page.count(CHOOSE_OPTION) == count, url
    member_page = head.get("/orgs/members/new/").content.decode()
    assert '<option value="" selected>（镇领导）</option>' in member_page


def test_a_filter_says_any():
    class Filter(LabelledChoicesMixin, forms.Form):
        empty_choice_label = ANY
        unit = forms.ModelChoiceField(queryset=Unit.objects.none(), required=False)
        kind = forms.ChoiceField(choices=[("", "---------"), ("a", "A")], required=False)

    with translation.override("zh-hans"):
        html = str(Filter())
    assert html.count('<option value="" selected>（不限）</option>') == 2
    assert "---------" not in html
