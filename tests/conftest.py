"""Shared fixtures: the default plan, townships built by the demo, logged-in clients."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from yingji.i18n import compile_messages
from yingji.orgs.access import Actor
from yingji.orgs.demo import create_demo_township
from yingji.orgs.models import Member, Township
from yingji.orgs.permissions import SECOND_FACTOR_ROLES

compile_messages()


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # Argon2 is the product's hasher (tested in test_settings); tests log in many times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests travel hours in time within one session; the idle timeout has its own tests.
    settings.YINGJI_IDLE_TIMEOUT_MIN = 60 * 24 * 365
    settings.SESSION_COOKIE_AGE = 3600 * 24 * 365


@pytest.fixture(autouse=True)
def _chinese():
    # LocaleMiddleware leaves the last request's language active in the thread.
    translation.activate("zh-hans")
    yield
    translation.activate("zh-hans")


@pytest.fixture
def system() -> Actor:
    return Actor.system("test")


@pytest.fixture
def demo(db) -> Township:
    """The demo township 示例镇 (code ``demo``)."""
    create_demo_township()
    return Township.objects.get(code="demo")


@pytest.fixture
def other(db) -> Township:
    """A second township (code ``other``), for isolation tests."""
    create_demo_township("另一镇", "other")
    return Township.objects.get(code="other")


def member_of(township: Township, role: str) -> Member:
    """Return the township's member with a login and ``role``."""
    return Member.objects.get(township=township, role=role, user__isnull=False)


def client_for(member: Member) -> Client:
    """Return a client logged in as ``member``, past the first-login password change and second factor."""
    Member.objects.filter(pk=member.pk).update(must_change_password=False)
    client = Client()
    client.force_login(member.user)
    if member.role in SECOND_FACTOR_ROLES:
        device, _ = TOTPDevice.objects.get_or_create(
            user=member.user, name="test", defaults={"confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client
