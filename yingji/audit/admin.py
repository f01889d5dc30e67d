from django.contrib import admin

from .models import AuditEvent, PersonalDataAccess


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):  # noqa: D102
        return False

    def has_change_permission(self, request, obj=None):  # noqa: D102
        return False

    def has_delete_permission(self, request, obj=None):  # noqa: D102
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(_ReadOnly):
    """Read-only list of audit events."""

    list_display = ("at", "actor_label", "action", "object_type", "object_id", "result")
    list_filter = ("action",)


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(_ReadOnly):
    """Read-only access log of petitioners' details."""

    list_display = ("at", "actor_label", "object_label", "fields", "purpose", "source_ip")
    list_filter = ("purpose",)
