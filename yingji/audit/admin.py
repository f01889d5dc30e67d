from django.contrib import admin

from yingji.orgs.admin import ReadOnlyAdmin

from .models import AuditEvent, PersonalDataAccess


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only list of audit events."""

    list_display = ("at", "actor_label", "action", "object_type", "object_id", "result")
    list_filter = ("action",)


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdmin):
    """Read-only access log of petitioners' details."""

    list_display = ("at", "actor_label", "object_label", "fields", "purpose", "source_ip")
    list_filter = ("purpose",)
