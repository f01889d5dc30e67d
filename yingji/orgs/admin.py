"""The organisation in the Django admin (superusers only): to look at, not to change.

Every change of a township, unit, member, seat or shift is an action that
checks the permission, stays in the member's township and is audited
(``orgs.actions``, the organisation pages); saving rows from the admin would
do none of that.
"""

from django.contrib import admin

from .models import DutyShift, LeadingGroupSeat, Member, Township, Unit


class ReadOnlyAdmin(admin.ModelAdmin):
    """A model shown in the admin without add, change or delete."""

    def has_add_permission(self, request):
        """Return False: rows are added by the organisation pages' actions only."""
        return False

    def has_change_permission(self, request, obj=None):
        """Return False: a change goes through ``orgs.actions`` (permission, township, audit)."""
        return False

    def has_delete_permission(self, request, obj=None):
        """Return False: seats and shifts are removed by audited actions; members and units deactivated."""
        return False


for model in (Township, Unit, Member, LeadingGroupSeat, DutyShift):
    admin.site.register(model, ReadOnlyAdmin)
