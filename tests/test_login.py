"""Login, first-login password change, the home page with the plan in force, and the language switch."""

import time
from base64 import b32decode

import pytest
import time_machine
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import client_for, member_of
from yingji.audit.models import AuditEvent
from yingji.orgs.choices import Role
from yingji.orgs.models import Member

pytestmark = pytest.mark.django_db


def code(device: TOTPDevice) -> str:
    """Return the code an authenticator app shows now for ``device``."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_login_page_is_chinese_whatever_the_browser_asks(db):
    page = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get(reverse("login")).content.decode()
    assert '<html lang="zh-hans">' in page
    assert "<h1>登录</h1>" in page and "用户名" in page and "密码" in page


def test_anonymous_home_goes_to_login(db):
    response = Client().get("/")
    assert response.status_code == 302 and response.url == "/login/?next=/"


def test_first_login_forces_a_password_change(demo):
    member = member_of(demo, Role.HEAD)
    member.user.set_password("Old-password-1")
    member.user.save()
    client = Client()
    response = client.post(
        reverse("login"), {"username": "demo_head", "password": "Old-password-1"}
    )
    assert response.status_code == 302
    assert client.get("/").url == reverse("password_change")
    weak = client.post(
        reverse("password_change"),
        {
            "old_password": "Old-password-1",
            "new_password1": "12345678",
            "new_password2": "12345678",
        },
    )
    assert weak.status_code == 200 and "new_password2" in weak.context["form"].errors
    done = client.post(
        reverse("password_change"),
        {
            "old_password": "Old-password-1",
            "new_password1": "Qingshan-2026",
            "new_password2": "Qingshan-2026",
        },
    )
    assert done.status_code == 302
    member.refresh_from_db()
    assert not member.must_change_password and member.user.check_password("Qingshan-2026")
    # The head's role needs a second factor: set it up before anything else.
    assert client.get("/").url == reverse("otp_setup")
    events = AuditEvent.objects.count()
    setup = client.get(reverse("otp_setup"))
    secret = setup.context["secret"].replace(" ", "")
    assert "<svg" in setup.content.decode() and len(secret) == 32
    # Opening the page stores nothing but the key in the session; a reload shows the same key.
    assert not TOTPDevice.objects.filter(user=member.user).exists()
    assert AuditEvent.objects.count() == events
    assert client.get(reverse("otp_setup")).context["secret"].replace(" ", "") == secret
    device = TOTPDevice(key=b32decode(secret).hex())
    with time_machine.travel(time.time(), tick=False):
        wrong = client.post(
            reverse("otp_setup"), {"token": "000000" if code(device) != "000000" else "111111"}
        )
        assert wrong.context["form"].errors == {
            "token": ["验证码错误或已过期，请输入当前显示的验证码。"]
        }
        assert not TOTPDevice.objects.filter(user=member.user).exists()
        assert client.post(reverse("otp_setup"), {"token": code(device)}).status_code == 302
    last = AuditEvent.objects.order_by("-seq").values_list("action", flat=True).first()
    assert last == "orgs.confirm_second_factor"
    assert AuditEvent.objects.count() == events + 1
    assert TOTPDevice.objects.get(user=member.user).key == b32decode(secret).hex()
    assert client.session.get("yingji_otp_setup_key") is None
    assert TOTPDevice.objects.get(user=member.user).confirmed
    assert client.get("/").status_code == 200


def test_the_setup_code_cannot_pass_the_login_check_again(demo):
    member = member_of(demo, Role.HEAD)
    client = client_for(member)
    secret = client.get(reverse("otp_setup")).context["secret"].replace(" ", "")
    device = TOTPDevice(key=b32decode(secret).hex())
    with time_machine.travel(time.time(), tick=False):
        assert client.post(reverse("otp_setup"), {"token": code(device)}).status_code == 302
        client.logout()
        client.force_login(member.user)
        assert client.get("/").url == reverse("otp_verify")
        replay = client.post(reverse("otp_verify"), {"token": code(device)})
        assert replay.context["form"].errors == {
            "token": ["验证码错误或已过期，请输入当前显示的验证码。"]
        }


def test_home_shows_the_three_categories_and_deadlines(demo):
    page = client_for(member_of(demo, Role.PEACE_OFFICE_STAFF)).get("/").content.decode()
    for short_name in ("本镇群体性事件", "到区缠访、闹访、集访", "赴市进京越级上访"):
        assert short_name in page
    minutes = '<strong class="minutes">{}分钟</strong>'
    assert page.count(minutes.format(15)) == 3  # the verified report applies to every category
    assert page.count(minutes.format(40)) == 1
    # 30 minutes: the township tier's arrival, and 立即核实 of a warning (§五(三)); 60: its report.
    assert page.count(minutes.format(30)) == 2 and page.count(minutes.format(60)) == 1
    assert "立即核实预警信息" in page
    assert "由本镇设定" in page
    assert "责任单位、牵头领导、责任人、工作措施、化解方案" in page
    assert "达到5人即按群体性事件处理" in page
    assert "当前值班" in page


def test_english_switch(demo):
    client = client_for(member_of(demo, Role.HEAD))
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page and "Plan in force" in page and "15 minutes" in page


def test_the_top_bar_names_the_township_member_and_role_in_the_language(demo):
    member = member_of(demo, Role.PEACE_OFFICE_STAFF)
    Member.objects.filter(pk=member.pk).update(name="王<五>")
    client = client_for(member)
    page = client.get("/").content.decode()
    assert "<span>示例镇 · 王&lt;五&gt;（平安办工作人员）</span>" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert "<span>示例镇 · 王&lt;五&gt;（Peace office staff）</span>" in page


def test_user_without_member_is_refused(db):
    from django.contrib.auth.models import User

    user = User.objects.create_user("stray", password="x")
    client = Client()
    client.force_login(user)
    assert client.get("/").status_code == 403


def superuser_client(member: Member) -> Client:
    """Return a client of ``member`` made a superuser, as ``yingji createsuperuser`` would."""
    type(member.user).objects.filter(pk=member.user_id).update(is_superuser=True, is_staff=True)
    member.refresh_from_db()
    return client_for(member)


def test_admin_site_is_for_superusers_only(demo):
    staff = client_for(member_of(demo, Role.PEACE_OFFICE_HEAD))
    assert staff.get("/admin/").status_code == 302
    # The demo's system administrator is no superuser: the Django admin is not its work.
    assert client_for(member_of(demo, Role.ADMIN)).get("/admin/").status_code == 302
    admin = superuser_client(member_of(demo, Role.ADMIN))
    assert admin.get("/admin/").status_code == 200


def test_the_admin_site_shows_the_organisation_but_changes_nothing(demo, other):
    # Changes go through the actions (permission, township, audit), never through the admin.
    admin = superuser_client(member_of(demo, Role.ADMIN))
    foreign = Member.objects.filter(township=other).first()
    url = f"/admin/orgs/member/{foreign.pk}/change/"
    assert admin.get(url).status_code == 200  # shown read-only
    response = admin.post(url, {"name": "改名", "role": "head", "township": other.pk})
    assert response.status_code == 403
    assert Member.objects.get(pk=foreign.pk).name == foreign.name
    for path in ("orgs/member/add/", "orgs/unit/add/", f"orgs/member/{foreign.pk}/delete/"):
        assert admin.get(f"/admin/{path}").status_code == 403, path


def test_every_model_in_the_admin_is_read_only_even_for_a_superuser(demo):
    from django.contrib import admin as django_admin
    from django.test import RequestFactory

    member = member_of(demo, Role.HEAD)
    client = superuser_client(member)
    request = RequestFactory().get("/admin/")
    request.user = member.user
    registered = {m._meta.label: a for m, a in django_admin.site._registry.items()}
    assert {
        "auth.User",
        "auth.Group",
        "axes.AccessAttempt",
        "axes.AccessLog",
        "axes.AccessFailureLog",
        "otp_totp.TOTPDevice",
        "orgs.Member",
        "audit.AuditEvent",
    } <= set(registered)
    writable = [
        label
        for label, model_admin in registered.items()
        if model_admin.has_add_permission(request)
        or model_admin.has_change_permission(request)
        or model_admin.has_delete_permission(request)
        or model_admin.get_actions(request)
    ]
    assert writable == []
    user = member.user
    device = TOTPDevice.objects.get(user=user)  # client_for's confirmed device
    from axes.models import AccessAttempt

    lockout = AccessAttempt.objects.create(
        username="demo_staff",
        ip_address="127.0.0.1",
        user_agent="test",
        http_accept="*/*",
        path_info="/login/",
        get_data="",
        post_data="",
        failures_since_start=5,
    )
    before = (user.password, user.is_active, device.key, device.confirmed)
    for url, data in [
        (f"/admin/auth/user/{user.pk}/change/", {"username": "x", "is_active": ""}),
        (
            f"/admin/auth/user/{user.pk}/password/",
            {"password1": "Aa-1" * 4, "password2": "Aa-1" * 4},
        ),
        (f"/admin/auth/user/{user.pk}/delete/", {"post": "yes"}),
        ("/admin/auth/user/add/", {"username": "intruder", "password1": "x", "password2": "x"}),
        (f"/admin/otp_totp/totpdevice/{device.pk}/change/", {"confirmed": ""}),
        (f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"}),
        ("/admin/otp_totp/totpdevice/add/", {"user": user.pk, "name": "x"}),
        (f"/admin/axes/accessattempt/{lockout.pk}/delete/", {"post": "yes"}),
    ]:
        assert client.post(url, data).status_code in (403, 404), url
    # The list offers no bulk action: posting one re-shows the list and deletes nothing.
    listing = client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [lockout.pk], "post": "yes"},
    )
    assert listing.status_code == 200 and AccessAttempt.objects.filter(pk=lockout.pk).exists()
    user.refresh_from_db()
    device.refresh_from_db()
    assert (user.password, user.is_active, device.key, device.confirmed) == before
    assert not type(user).objects.filter(username="intruder").exists()
    # A device's page shows whose it is, never its secret key.
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    assert page.count(user.username) >= 1 and device.key not in page
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code in (
        302,
        403,
        404,
    )


def test_argon2_is_the_password_hasher():
    import yingji.settings as product

    assert product.PASSWORD_HASHERS[0] == "yingji.orgs.passwords.Argon2Hasher"
    assert (
        django_settings.LANGUAGE_CODE == "zh-hans" and django_settings.TIME_ZONE == "Asia/Shanghai"
    )
