"""The account gate reads the member with its township in one query; what it lets through is unchanged."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils.functional import SimpleLazyObject

from tests.conftest import member_of
from yingji.orgs.choices import Role
from yingji.orgs.middleware import AccountGateMiddleware
from yingji.orgs.models import Member

pytestmark = pytest.mark.django_db


def through_gate(user, path="/warnings/"):
    seen = {}

    def view(request):
        with CaptureQueriesContext(connection) as after:
            member = getattr(request.user, "member", None)
            seen["member"] = member
            seen["township"] = member.township.name if member else None
            seen["same_user"] = member is not None and member.user is request.user._wrapped
        seen["queries_after"] = len(after.captured_queries)
        return HttpResponse("ok")

    request = RequestFactory().get(path)
    request.user = SimpleLazyObject(lambda: user)
    request.user.is_verified = lambda: False  # as django-otp's middleware adds it
    with CaptureQueriesContext(connection) as gate:
        response = AccountGateMiddleware(view)(request)
    return response, seen, gate.captured_queries


def test_member_and_township_come_in_one_query_and_are_the_request_users(demo):
    member = member_of(demo, Role.PEACE_OFFICE_STAFF)
    Member.objects.filter(pk=member.pk).update(must_change_password=False)
    user = User.objects.get(pk=member.user_id)
    response, seen, queries = through_gate(user)
    assert response.status_code == 200 and response.content == b"ok"
    assert seen == {"member": member, "township": "示例镇", "same_user": True, "queries_after": 0}
    # The member (joined with its township), then the second factor's device check.
    assert len(queries) == 2 and "orgs_township" in queries[0]["sql"]


def test_gates_still_send_a_member_to_what_they_must_do_first(demo):
    member = member_of(demo, Role.PEACE_OFFICE_STAFF)
    Member.objects.filter(pk=member.pk).update(must_change_password=True)
    response, seen, _ = through_gate(User.objects.get(pk=member.user_id))
    assert response.status_code == 302 and response["Location"] == "/password/"
    head = member_of(demo, Role.HEAD)
    Member.objects.filter(pk=head.pk).update(must_change_password=False)
    response, seen, _ = through_gate(User.objects.get(pk=head.user_id))
    assert response.status_code == 302 and response["Location"] == "/otp/setup/"


def test_a_user_without_member_passes_and_reads_none_without_a_query(db):
    user = User.objects.create_user("admin_only", password="x-Long-enough-1")
    response, seen, queries = through_gate(user)
    assert response.status_code == 200
    assert seen["member"] is None and seen["queries_after"] == 0 and len(queries) == 1
