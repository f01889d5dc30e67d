"""The Django admin (superusers only): every model in it to look at, none to change.

Every change of a township, unit, member, seat or shift is an action that
checks the permission, stays in the member's township and is audited
(``orgs.actions``, the organisation pages); saving rows from the admin would
do none of that. The same holds for the models other packages put in the
admin: logins (``auth``: passwords are changed, logins made and second factors
reset by ``orgs.actions``), lockouts (``axes``: lifted by
``orgs.actions.unlock_login``) and TOTP devices (``django_otp``: set up by the
member, reset by ``orgs.actions.reset_second_factor``; their secret keys are
never shown). Backup and restore are the command line's (``yingji backup``).
No login needs the admin for its work: the demo's system administrator is not
a superuser; a superuser is made only from the command line.
"""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import DutyShift, LeadingGroupSeat, Member, Township, Unit


class ReadOnlyAdmin(admin.ModelAdmin):
    """A model shown in the admin without add, change or delete (every model of Yingji's admin).

    Rows are written by the apps' actions only (permission, township, audit
    event); the audit log and the read log are never written by hand.
    """

    def has_add_permission(self, request):
        """Return False: rows are added by actions only."""
        return False

    def has_change_permission(self, request, obj=None):
        """Return False: a change goes through ``orgs.actions`` (permission, township, audit)."""
        return False

    def has_delete_permission(self, request, obj=None):
        """Return False: rows are removed by audited actions (members and units are deactivated)."""
        return False


for model in (Township, Unit, Member, LeadingGroupSeat, DutyShift):
    admin.site.register(model, ReadOnlyAdmin)


def read_only(base: type[admin.ModelAdmin]) -> type[admin.ModelAdmin]:
    """Return ``base`` without add, change or delete (lists and read-only pages stay)."""
    return type(f"ReadOnly{base.__name__}", (ReadOnlyAdmin, base), {"actions": None})


class TOTPDeviceAdmin(ReadOnlyAdmin):
    """TOTP devices: whose, named, confirmed; never the secret key nor its QR code."""

    list_display = ("user", "name", "confirmed", "last_used_at")
    fields = ("user", "name", "confirmed", "created_at", "last_used_at")


def _replace(model: type, model_admin: type[admin.ModelAdmin]) -> None:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)


_replace(User, read_only(UserAdmin))
_replace(Group, read_only(GroupAdmin))
_replace(TOTPDevice, TOTPDeviceAdmin)
_replace(AccessAttempt, read_only(AccessAttemptAdmin))
_replace(AccessLog, read_only(AccessLogAdmin))
_replace(AccessFailureLog, read_only(AccessFailureLogAdmin))
