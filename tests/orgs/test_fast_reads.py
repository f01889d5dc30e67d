"""The per-request reads written as SQL once (orgs.backends, yingji.sessions) give what the ORM gives."""

from datetime import datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import client_for, member_of
from tests.earlywarning.test_lifecycle import register
from yingji.orgs.backends import HAS_DEVICE, MemberBackend
from yingji.orgs.choices import Role
from yingji.orgs.models import Member
from yingji.sessions import SessionStore

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_get_user_reads_user_member_township_and_device_in_one_statement(demo):
    head = member_of(demo, Role.HEAD)
    TOTPDevice.objects.create(user=head.user, name="phone", confirmed=True)
    with CaptureQueriesContext(connection) as queries:
        user = MemberBackend().get_user(head.user_id)
        assert user.member.township.name == "示例镇"
        assert user.member.user is user
        assert getattr(user, HAS_DEVICE) is True
    assert len(queries.captured_queries) == 1
    orm = User.objects.get(pk=head.user_id)
    for field in User._meta.concrete_fields:  # every value as the ORM reads it, types included
        assert getattr(user, field.attname) == getattr(orm, field.attname), field.name
    assert user.member == head and user.member.role == Role.HEAD
    staff = MemberBackend().get_user(member_of(demo, Role.PEACE_OFFICE_STAFF).user_id)
    assert getattr(staff, HAS_DEVICE) is False


def test_get_user_without_member_unknown_or_inactive(demo):
    loose = User.objects.create_user("loose", password="x-Password-1")
    user = MemberBackend().get_user(loose.pk)
    assert user == loose and getattr(user, "member", None) is None
    assert MemberBackend().get_user(loose.pk + 1000) is None
    assert MemberBackend().get_user("not a number") is None
    User.objects.filter(pk=loose.pk).update(is_active=False)
    assert MemberBackend().get_user(loose.pk) is None


def test_session_store_reads_live_sessions_only(db):
    store = SessionStore()
    store["k"] = "v"
    store.save()
    assert SessionStore(store.session_key).load() == {"k": "v"}
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert expired.load() == {} and expired.session_key is None
    assert SessionStore("no-such-key-0123456789abcdef").load() == {}


def test_a_ledger_page_runs_six_statements_whatever_the_page_size(demo):
    """Session, user (with member, township, device), count, rows, units, villages."""
    client = client_for(member_of(demo, Role.PEACE_OFFICE_STAFF))
    url = reverse("earlywarning:ledger")
    client.get(url)  # the session's once-a-minute write happens here
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries.captured_queries) == 4  # an empty ledger: no page of rows, no units
    for _ in range(3):
        register(demo)
    with CaptureQueriesContext(connection) as queries:
        assert len(client.get(url).context["rows"]) == 3
    assert len(queries.captured_queries) == 6, [q["sql"][:40] for q in queries.captured_queries]


@pytest.mark.parametrize(
    "stored",
    [
        "2025-06-01 04:00:00",
        "2025-06-01 04:00:00.123456",
        "2025-06-01T04:00:00",
        datetime(2025, 6, 1, 4, 0, 0, 7),  # as the sqlite3 module's "datetime" decoder gives it
        None,
    ],
)
def test_fast_datetime_converter_gives_what_django_gives(stored):
    """fastread.converter's shortcut for SQLite's text datetimes equals Django's own converter."""
    from datetime import UTC

    from yingji.earlywarning.models import Warning
    from yingji.fastread import converter

    field = Warning._meta.get_field("discovered_at")
    convert = converter(field, "w")
    if connection.vendor != "sqlite":  # psycopg already gives aware datetimes: nothing to convert
        assert convert is None
        return
    col = field.get_col("w")
    steps = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
    expected = stored
    for step in steps:
        expected = step(expected, col, connection)
    got = convert(stored) if convert else stored
    assert got == expected and type(got) is type(expected)
    if stored is not None:
        assert got.tzinfo is not None and got.utcoffset() == timedelta(0)
        naive = stored if isinstance(stored, datetime) else datetime.fromisoformat(stored)
        assert got == naive.replace(tzinfo=UTC)


def _with_cookie(key: str) -> Client:
    """A fresh client carrying only the session cookie ``key`` (a second browser, or a thief)."""
    other = Client()
    other.cookies["sessionid"] = key
    return other


def test_sessions_end_as_with_djangos_own_reads(demo):
    """Logout, a password changed elsewhere, an inactive user or member, a rotated key: no login."""
    staff = member_of(demo, Role.PEACE_OFFICE_STAFF)
    url = reverse("earlywarning:ledger")

    client = client_for(staff)
    copy = _with_cookie(client.cookies["sessionid"].value)
    assert copy.get(url).status_code == 200
    client.post(reverse("logout"))
    assert copy.get(url).status_code == 302  # the session row is gone

    client = client_for(staff)
    copy = _with_cookie(client.cookies["sessionid"].value)
    user = User.objects.get(pk=staff.user_id)
    user.set_password("Another-Password-2026")
    user.save()  # the session's hash of the password no longer matches
    assert copy.get(url).status_code == 302
    assert not Session.objects.filter(pk=client.cookies["sessionid"].value).exists()

    staff = member_of(demo, Role.PEACE_OFFICE_STAFF)  # with the new password
    client = client_for(staff)
    assert client.get(url).status_code == 200
    User.objects.filter(pk=staff.user_id).update(is_active=False)
    assert client.get(url).status_code == 302
    User.objects.filter(pk=staff.user_id).update(is_active=True)

    client = client_for(staff)
    Member.objects.filter(pk=staff.pk).update(active=False)
    assert client.get(url).status_code == 403
    Member.objects.filter(pk=staff.pk).update(active=True)

    anonymous = Client()
    before = anonymous.session.session_key  # a session from before the login
    assert before and SessionStore(before).load() == {}
    anonymous.force_login(staff.user)  # login() cycles the key
    assert anonymous.session.session_key != before
    assert not Session.objects.filter(pk=before).exists()
    assert anonymous.get(url).status_code == 200
    assert _with_cookie(before).get(url).status_code == 302
