"""What the API answers to what it refuses: JSON with a Chinese message, never a server error.

Each case here is one the schemathesis run (``test_schemathesis.py``) found,
kept as a fixed regression test.
"""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
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


@pytest.mark.parametrize(
    "query",
    [
        "village=18446744073709551616",  # OverflowError: too large for SQLite INTEGER (500)
        "date_to=9999-12-31",  # OverflowError: date + 1 day (500)
        "page=4611686018427387904",  # OverflowError: OFFSET too large for SQLite (500)
    ],
)
def test_out_of_range_numbers_and_dates_are_refused_not_a_server_error(head_client, query):
    for path in ("/api/warnings", "/api/warnings/export.xlsx"):
        if path.endswith("xlsx") and query.startswith("page"):
            continue
        response = head_client.get(f"{path}?{query}")
        assert response.status_code == 422, (path, query, response.content[:200])
        [error] = response.json()["detail"]
        assert error["loc"] == ["query", query.split("=")[0]]


@pytest.mark.parametrize("path", ["warnings", "incidents", "petitions/cases"])
def test_an_out_of_range_id_is_refused(head_client, path):
    # 500 on PostgreSQL (psycopg: int too large for bigint).
    response = head_client.get(f"/api/{path}/18446744073709551616")
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "不得大于 9223372036854775807。"


def test_a_search_window_of_a_billion_days_is_refused(head_client):
    # now - timedelta(days=…) overflowed (500 on PostgreSQL).
    response = head_client.post("/api/complaints/hot-issues/propose?window_days=99999999999")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "window_days"]


@pytest.mark.parametrize("at", ["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:00+08:00"])
def test_a_time_out_of_range_is_refused_with_the_range(head_client, at):
    # Year 1 at +08:00 is before datetime.min in UTC: OverflowError when stored (500 on
    # both databases); 9999-12-31 plus the plan's deadline minutes overflows (500 on PostgreSQL).
    response = post_json(
        head_client,
        "/api/warnings",
        {"category": "brewing_unrest", "source": "hotline", "summary": "反映", "discovered_at": at},
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["body", "body", "discovered_at"],
            "msg": "该值无效：年份须在 1900 至 2199 之间。",
            "type": "value_error",
        }
    ]


@pytest.mark.parametrize("headcount", [2**31, 2**63])
def test_a_huge_headcount_is_refused(head_client, headcount):
    # Past the PositiveIntegerField: 500 on PostgreSQL (DataError, integer out of range).
    response = post_json(
        head_client,
        "/api/incidents/",
        {"category": "district", "source": "caller", "summary": "集访", "headcount": headcount},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "data", "headcount"]


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


def _upload(name: str = "x.xlsx") -> SimpleUploadedFile:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["登记时间", "类别", "事由"])
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(name, buf.getvalue())


@pytest.mark.parametrize("mapping", ['{"summary": [1]}', '{"summary": null}', '{"summary": 1e400}'])
def test_a_ledger_mapping_that_is_not_numbers_is_refused(demo, mapping):
    # int([1]) raised TypeError and int(inf) OverflowError: 500 (schemathesis).
    client = client_for(member_of(demo, Role.PEACE_OFFICE_STAFF))
    response = client.post("/api/warnings/import", {"file": _upload(), "mapping": mapping})
    assert response.status_code == 422
    assert response.json() == {
        "detail": {"mapping": ["请以 JSON 对象给出“字段 → 列号”的对应关系。"]}
    }


@pytest.mark.parametrize("mapping", ["[1]", "3", '{"subject": ["留言主题"]}'])
def test_a_message_import_mapping_that_is_not_headers_is_refused(demo, mapping):
    # A list or a number reached the import's mapping check (AttributeError: 500).
    client = client_for(member_of(demo, Role.PEACE_OFFICE_STAFF))
    response = client.post(
        "/api/complaints/imports", {"source": "问政", "file": _upload(), "mapping": mapping}
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": {"mapping": ["请以 JSON 对象给出“字段 → 列标题”的对应关系。"]}
    }


def test_the_api_documentation_is_served_from_here_to_staff_only(demo):
    assert Client().get("/api/docs").status_code == 302  # to the login page
    page = client_for(member_of(demo, Role.PEACE_OFFICE_STAFF)).get("/api/docs")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<script src="/static/ninja/swagger-ui-bundle.js"></script>' in html
    assert "cdn." not in html and "https://" not in html  # the intranet reaches no CDN
    script = Client().get("/static/ninja/swagger-ui-init.js")
    assert script.status_code == 200 and b"SwaggerUIBundle" in b"".join(script.streaming_content)
