"""What the API answers to what it refuses: JSON with a Chinese message, never a server error.

Each case here is one the schemathesis run (``test_schemathesis.py``) found,
kept as a fixed regression test.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.conftest import client_for, member_of
from yingji.orgs.choices import Role


@pytest.fixture
def head_client(demo) -> Client:
    """The peace office head, logged in."""
    return client_for(member_of(demo, Role.PEACE_OFFICE_HEAD))


def post_json(client: Client, url: str, body: object) -> object:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_a_method_the_path_does_not_have_answers_json_405_with_allow(head_client):
    # ninja answered the plain text "Method not allowed".
    response = head_client.delete("/api/plan")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "该地址不接受此请求方法。"}
    assert response["Allow"] == "GET"


def test_a_path_no_route_matches_answers_json_404(head_client):
    # Django's HTML 404 page before (the {int:pk} converter refuses "-1").
    response = head_client.get("/api/incidents/-1")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到（或不属于本乡镇）。"}


def test_a_missing_row_answers_chinese_404(head_client):
    # ninja's {"detail": "Not Found"} before.
    response = head_client.get("/api/warnings/999999")
    assert (response.status_code, response.json()) == (
        404,
        {"detail": "未找到（或不属于本乡镇）。"},
    )


def test_no_login_answers_chinese_401(db):
    response = Client().get("/api/plan")
    assert (response.status_code, response.json()) == (401, {"detail": "请先登录。"})


def test_a_missing_body_field_is_named_in_chinese(head_client):
    # pydantic's "Field required" before.
    response = post_json(head_client, "/api/incidents/", {"source": "caller", "summary": "集访"})
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {"loc": ["body", "data", "category"], "msg": "这个字段是必填项。", "type": "missing"}
        ]
    }


def test_a_refused_permission_answers_chinese_403_not_the_permission_name(demo):
    # The incidents API answered {"detail": "incidents.activate"}.
    client = client_for(member_of(demo, Role.PEACE_OFFICE_HEAD))
    response = client.post("/api/incidents/1/activate")
    assert (response.status_code, response.json()) == (403, {"detail": "您无权执行此操作。"})


def test_a_body_that_is_not_json_answers_chinese_400(head_client):
    # ninja's "Cannot parse request body" before.
    response = head_client.post("/api/warnings", data="{not json", content_type="application/json")
    assert (response.status_code, response.json()) == (400, {"detail": "无法读取该请求。"})


@pytest.mark.parametrize("text", ["补偿\x00款", "\ud800"])
def test_text_no_database_can_store_is_refused_in_a_json_body(head_client, text):
    # NUL: PostgreSQL refuses it in text (ValueError, 500); a lone surrogate cannot be
    # encoded to UTF-8 for either database (UnicodeEncodeError, 500).
    body = json.dumps({"category": "brewing_unrest", "source": "hotline", "summary": text})
    response = head_client.post("/api/warnings", data=body, content_type="application/json")
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "loc": ["body", "summary"],
                "msg": "文本中不得含有空字符（NUL）或不成对的代理字符。",
                "type": "string_unstorable",
            }
        ]
    }


def test_nul_is_refused_in_the_query_string(head_client):
    response = head_client.get("/api/warnings?q=%00")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "q"]


def test_nul_is_refused_in_a_form_field(head_client):
    response = head_client.post("/api/complaints/imports", {"source": "留言\x00板"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["form", "source"]


def test_a_multipart_request_without_boundary_answers_chinese_400(head_client):
    response = head_client.post(
        "/api/complaints/imports", data=b"x", content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "请求" in response.json()["detail"]
