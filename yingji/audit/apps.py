from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """Audit (审计)."""

    name = "yingji.audit"
    label = "audit"
    verbose_name = _("Audit")
