"""Authentication: password rules, lockout and unlock, idle timeout, second factor at login."""

import time

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import client_for, member_of
from yingji.audit.models import AuditEvent
from yingji.orgs.choices import Role

pytestmark = pytest.mark.django_db


def login(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


@pytest.fixture
def staff(demo):
    member = member_of(demo, Role.PEACE_OFFICE_STAFF)
    member.user.set_password("Right-pass-2026")
    member.user.save()
    member.must_change_password = False
    member.save()
    return member


def test_password_needs_three_character_classes(demo, staff):
    client = Client()
    login(client, "demo_peace_staff", "Right-pass-2026")
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "Right-pass-2026",
            "new_password1": "qingshanzhen",
            "new_password2": "qingshanzhen",
        },
    )
    assert (
        "至少使用以下四类中的3类：小写字母、大写字母、数字、其他字符。"
        in response.context["form"].errors["new_password2"]
    )


def test_five_failures_lock_the_login_and_the_office_head_unlocks_it(demo, staff):
    client = Client()
    assert [login(client, "demo_peace_staff", "wrong").status_code for _ in range(5)] == [
        200,
        200,
        200,
        200,
        429,
    ]
    locked = login(client, "demo_peace_staff", "Right-pass-2026")
    assert locked.status_code == 429 and "登录已锁定" in locked.content.decode()
    head = client_for(member_of(demo, Role.PEACE_OFFICE_HEAD))
    page = head.get(reverse("orgs:overview")).content.decode()
    assert "已锁定" in page
    assert head.post(reverse("orgs:member_unlock", args=[staff.pk])).status_code == 302
    assert (
        AuditEvent.objects.filter(action="orgs.unlock_login", object_id=str(staff.pk)).count() == 1
    )
    assert login(Client(), "demo_peace_staff", "Right-pass-2026").status_code == 302


def test_staff_cannot_unlock(demo, staff):
    other = client_for(member_of(demo, Role.TASK_FORCE_MEMBER))
    assert other.post(reverse("orgs:member_unlock", args=[staff.pk])).status_code == 403


def test_idle_session_is_logged_out_but_polling_does_not_keep_it_alive(demo, staff, settings):
    settings.YINGJI_IDLE_TIMEOUT_MIN = 30
    client = Client()
    with time_machine.travel(time.time(), tick=False) as clock:
        login(client, "demo_peace_staff", "Right-pass-2026")
        assert client.get("/").status_code == 200
        clock.shift(29 * 60)
        assert client.get("/", HTTP_X_YINGJI_POLL="1").status_code == 200  # a poll: not activity
        clock.shift(2 * 60)
        response = client.get("/")
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_activity_keeps_the_session(demo, staff, settings):
    settings.YINGJI_IDLE_TIMEOUT_MIN = 30
    client = Client()
    with time_machine.travel(time.time(), tick=False) as clock:
        login(client, "demo_peace_staff", "Right-pass-2026")
        for _ in range(3):
            clock.shift(20 * 60)
            assert client.get("/").status_code == 200


def test_head_with_a_device_must_give_the_code_at_login(demo):
    head = member_of(demo, Role.HEAD)
    head.user.set_password("Right-pass-2026")
    head.user.save()
    head.must_change_password = False
    head.save()
    device = TOTPDevice.objects.create(user=head.user, name="phone", confirmed=True)
    client = Client()
    login(client, "demo_head", "Right-pass-2026")
    assert client.get("/").url == reverse("otp_verify")
    assert client.post(reverse("otp_verify"), {"token": "12345"}).context["form"].errors["token"]
    token = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert client.post(reverse("otp_verify"), {"token": token}).status_code == 302
    assert client.get("/").status_code == 200


def test_second_factor_is_optional_for_staff(demo, staff):
    client = Client()
    login(client, "demo_peace_staff", "Right-pass-2026")
    assert client.get("/").status_code == 200


def test_activity_is_written_to_the_session_at_most_once_a_minute(demo, staff, settings):
    settings.YINGJI_IDLE_TIMEOUT_MIN = 30
    client = Client()
    with time_machine.travel(time.time(), tick=False) as clock:
        login(client, "demo_peace_staff", "Right-pass-2026")
        client.get("/")
        first = client.session["yingji_last_seen"]
        clock.shift(30)
        client.get("/")
        assert client.session["yingji_last_seen"] == first  # within the minute: no session write
        clock.shift(31)
        client.get("/")
        assert client.session["yingji_last_seen"] == first + 61


def test_pages_see_the_user_itself_not_its_lazy_wrappers_and_otp_still_works(demo):
    from django.contrib.auth.models import User
    from django.http import HttpResponse
    from django.test import RequestFactory
    from django.utils.functional import SimpleLazyObject

    from yingji.orgs.middleware import IdleTimeoutMiddleware

    head = member_of(demo, Role.HEAD)
    seen = {}

    def view(request):
        seen["user"] = request.user
        return HttpResponse("ok")

    request = RequestFactory().get("/")
    request.session = {}
    real = User.objects.get(pk=head.user_id)
    real.is_verified = lambda: True  # what django-otp's middleware adds
    request.user = SimpleLazyObject(lambda: SimpleLazyObject(lambda: real))
    IdleTimeoutMiddleware(view)(request)
    assert seen["user"] is real and seen["user"].is_verified()
    # Through the whole stack (django-otp, the account gates): a logged-in head opens the ledger.
    client = client_for(head)
    assert client.get("/warnings/").status_code == 200
