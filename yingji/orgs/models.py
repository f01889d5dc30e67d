"""Townships, units, members, the leading group and the duty roster."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .choices import Role, Seat, UnitKind


class Township(models.Model):
    """A township (镇); a county may hold several. Every record belongs to exactly one.

    ``plan_version`` is the plan in force; matters keep the version they started under.
    """

    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    county = models.CharField(_("county / district"), max_length=100, blank=True)
    plan_version = models.ForeignKey(
        "plans.PlanVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("plan in force"),
    )

    class Meta:
        verbose_name = _("township")
        verbose_name_plural = _("townships")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A unit of the township (平安办, 派出所, a village, an office …), plan §六(四)."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="units")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=40, choices=UnitKind.choices)
    phone = models.CharField(_("office phone"), max_length=40, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "name"], name="unit_name_unique_in_township"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """A township official or staff member; ``user`` is their login, if they have one.

    ``role`` decides what the user may do (``orgs.permissions``). Members are
    staff, not petitioners: petitioners are parties to cases, never members.
    """

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="members")
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("unit"),
    )
    name = models.CharField(_("name"), max_length=50)
    title = models.CharField(_("post"), max_length=100, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    role = models.CharField(
        _("role"), max_length=30, choices=Role.choices, default=Role.TASK_FORCE_MEMBER
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="member",
    )
    must_change_password = models.BooleanField(
        _("must change password at next login"), default=False
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["unit__kind", "unit__name", "name"]

    def __str__(self) -> str:
        return self.name


class LeadingGroupSeat(models.Model):
    """A member's seat in the leading group (plan §四). One head per township.

    ``acting_head`` marks a deputy recorded as acting for the head, who may
    then activate the plan (plan §六(三)).
    """

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="seats")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="seats")
    seat = models.CharField(_("seat"), max_length=20, choices=Seat.choices)
    acting_head = models.BooleanField(_("acting head"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("leading-group seat")
        verbose_name_plural = _("leading-group seats")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["township", "member"], name="one_seat_per_member"),
            models.UniqueConstraint(
                fields=["township"], condition=Q(seat="head"), name="one_head_per_township"
            ),
            models.CheckConstraint(
                condition=~Q(acting_head=True) | Q(seat="deputy"), name="only_deputy_acts_as_head"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_seat_display()} {self.member}"


class DutyShift(models.Model):
    """Who is on duty (值班) from ``starts_at`` to ``ends_at`` (aware datetimes, stored in UTC).

    The duty officer on shift receives alerts first (DESIGN.md §4).
    """

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="duty_shifts")
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="duty_shifts", verbose_name=_("duty officer")
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty roster")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["township", "starts_at", "ends_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="shift_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.starts_at:%Y-%m-%d %H:%M}"
