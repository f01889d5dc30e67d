from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Reports (报告)."""

    name = "yingji.reports"
    label = "reports"
    verbose_name = _("Reports")
