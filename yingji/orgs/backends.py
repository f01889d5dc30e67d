"""The authentication backend that reads a login with everything every page needs, in one statement.

Every logged-in request reads the user (Django's session authentication), the
member with their township (the actor, the top bar) and, for a member who has
not passed the second factor in this session, whether they have a confirmed
TOTP device (the account gate). Django's ``ModelBackend.get_user`` reads only
the user, through the ORM; :class:`MemberBackend` reads all of it in one SQL
statement written once per process (:mod:`yingji.fastread`), which the
middleware then uses without querying again (``middleware.load_member``).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from yingji.fastread import RowReader

from .models import Member, Township

#: The attribute :class:`MemberBackend` sets on a user: True if they have a confirmed TOTP device.
HAS_DEVICE = "yingji_has_confirmed_device"


@cache
def _statement() -> tuple[str, RowReader, RowReader, RowReader]:
    """Return the SQL of :meth:`MemberBackend.get_user` and its three row readers (built once)."""
    qn = connection.ops.quote_name
    user_model = get_user_model()
    users, members, townships = (
        RowReader(user_model, "u"),
        RowReader(Member, "m"),
        RowReader(Township, "t"),
    )
    device = TOTPDevice._meta
    sql = (
        f"SELECT {users.columns}, {members.columns}, {townships.columns},"
        f" EXISTS (SELECT 1 FROM {qn(device.db_table)} d"
        f" WHERE d.{qn(device.get_field('user').column)} = u.{qn(user_model._meta.pk.column)}"
        f" AND d.{qn(device.get_field('confirmed').column)})"
        f" FROM {qn(user_model._meta.db_table)} u"
        f" LEFT JOIN {qn(Member._meta.db_table)} m"
        f" ON m.{qn(Member._meta.get_field('user').column)} = u.{qn(user_model._meta.pk.column)}"
        f" LEFT JOIN {qn(Township._meta.db_table)} t"
        f" ON t.{qn(Township._meta.pk.column)} = m.{qn(Member._meta.get_field('township').column)}"
        f" WHERE u.{qn(user_model._meta.pk.column)} = %s"
    )
    return sql, users, members, townships


class MemberBackend(ModelBackend):
    """Django's username/password backend whose ``get_user`` also reads member, township and device.

    django-axes' backend stays before it in ``AUTHENTICATION_BACKENDS``: it
    refuses a locked-out login first and has no ``get_user``, so sessions name
    this backend, and Django asks it for the user on every request.
    """

    def get_user(self, user_id: Any) -> Any:
        """Return the active user ``user_id`` (a primary key) or None, as ``ModelBackend`` does.

        The user comes with ``user.member`` (None for a login without a member)
        and ``member.township`` cached, ``member.user`` being the same object,
        and with :data:`HAS_DEVICE` set.
        """
        sql, users, members, townships = _statement()
        try:
            pk = get_user_model()._meta.pk.to_python(user_id)
        except Exception:  # noqa: BLE001 — a malformed id in a session is no user, as in Django
            return None
        with connection.cursor() as cursor:
            cursor.execute(sql, [pk])
            row = cursor.fetchone()
        if row is None:
            return None
        a, b = users.width, users.width + members.width
        user = users.build(row[:a])
        if user is None or not self.user_can_authenticate(user):
            return None
        member = members.build(row[a:b])
        if member is not None:
            township = townships.build(row[b:-1])
            Member.township.field.set_cached_value(member, township)
            Member.user.field.set_cached_value(member, user)
        Member.user.field.remote_field.set_cached_value(user, member)
        setattr(user, HAS_DEVICE, bool(row[-1]))
        return user
