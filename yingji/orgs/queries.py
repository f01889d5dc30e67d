"""Read models of the organisation for pages, the worker and reports."""

from __future__ import annotations

from datetime import datetime

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from .choices import UnitKind
from .models import DutyShift, LeadingGroupSeat, Member, Township, Unit


def on_duty(township: Township, at: datetime | None = None) -> QuerySet[DutyShift]:
    """Return the shifts of ``township`` covering ``at`` (default now; aware datetime)."""
    at = at or timezone.now()
    return DutyShift.objects.filter(
        township=township, starts_at__lte=at, ends_at__gt=at
    ).select_related("member", "member__unit")


def upcoming_shifts(township: Township, at: datetime | None = None) -> QuerySet[DutyShift]:
    """Return the shifts of ``township`` that have not ended by ``at`` (default now), earliest first."""
    at = at or timezone.now()
    return DutyShift.objects.filter(township=township, ends_at__gt=at).select_related(
        "member", "member__unit"
    )


def leading_group(township: Township) -> QuerySet[LeadingGroupSeat]:
    """Return the seats of the township's leading group, head first."""
    from django.db.models import Case, IntegerField, Value, When

    rank = Case(
        When(seat="head", then=Value(0)),
        When(seat="deputy", then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        LeadingGroupSeat.objects.filter(township=township)
        .select_related("member", "member__unit")
        .order_by(rank, "order", "id")
    )


def members(township: Township) -> QuerySet[Member]:
    """Return the township's members with their unit and login."""
    return Member.objects.filter(township=township).select_related("unit", "user")


def units(township: Township) -> QuerySet[Unit]:
    """Return the township's units."""
    return Unit.objects.filter(township=township)


def village_names(township: Township) -> list[tuple[int, str]]:
    """Return ``[(pk, name)]`` of the township's villages (communities), by name.

    One SQL statement, not through the ORM: the ledger's filter reads it on
    every page (issue 4's benchmark).
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, name FROM orgs_unit WHERE township_id = %s AND kind = %s ORDER BY name",
            [township.pk, UnitKind.VILLAGE.value],
        )
        return [(int(pk), name) for pk, name in cursor.fetchall()]


def locked_usernames(township: Township) -> set[str]:
    """Return the login names of the township locked by django-axes after repeated failures."""
    from datetime import timedelta

    from axes.models import AccessAttempt
    from django.conf import settings

    since = timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME)
    names = Member.objects.filter(township=township, user__isnull=False).values_list(
        "user__username", flat=True
    )
    return set(
        AccessAttempt.objects.filter(
            username__in=list(names),
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gte=since,
        ).values_list("username", flat=True)
    )


def second_factor_users(township: Township) -> set[int]:
    """Return the ids of the township's users with a confirmed second factor."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return set(
        TOTPDevice.objects.filter(user__member__township=township, confirmed=True).values_list(
            "user_id", flat=True
        )
    )
