from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    """Message-board and hotline exports: import, routing suggestions, hot issues (issue 11)."""

    name = "yingji.complaints"
    verbose_name = _("complaints")
