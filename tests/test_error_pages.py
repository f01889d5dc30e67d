"""The error pages a township user meets are the product's own, in Chinese (no Django "403 Forbidden")."""

import pytest
from django.template.loader import render_to_string

from tests.conftest import client_for, member_of
from yingji.orgs.choices import Role

pytestmark = pytest.mark.django_db


def test_a_refused_page_says_so_in_chinese_with_the_menu(demo):
    # The deliveries page needs notify.deliveries, which a task-force member does not hold.
    response = client_for(member_of(demo, Role.TASK_FORCE_MEMBER)).get("/notifications/deliveries/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "<h1>无权访问</h1>" in page
    assert "您的角色不能打开此页面或进行此操作。如确有需要，请联系平安办负责人。" in page
    assert 'class="mainnav"' in page and "Forbidden" not in page


def test_a_missing_record_says_so_in_chinese(demo):
    response = client_for(member_of(demo, Role.PEACE_OFFICE_STAFF)).get("/incidents/999999/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "<h1>页面不存在</h1>" in page
    assert "没有这个页面，或该记录属于其他乡镇。" in page
    assert "Not Found" not in page


def test_a_form_sent_without_its_token_is_explained_and_nothing_is_saved(demo):
    client = client_for(member_of(demo, Role.PEACE_OFFICE_HEAD))
    client.handler.enforce_csrf_checks = True
    response = client.post("/orgs/units/new/", {"name": "新村", "kind": "village"})
    page = response.content.decode()
    assert response.status_code == 403
    assert "<h1>页面已过期</h1>" in page
    assert "未保存任何内容" in page and "CSRF" not in page
    assert demo.units.filter(name="新村").count() == 0


def test_the_server_error_page_renders_without_a_request():
    # Django's server_error renders 500.html with no request and no context processors.
    page = render_to_string("500.html")
    assert "<h1>出错了</h1>" in page
    assert (
        "服务器未能完成此请求，错误已记录。请稍后重试；如再次出现，请将发生时间告知系统管理员。"
        in page
    )
