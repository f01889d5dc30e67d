from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EarlywarningConfig(AppConfig):
    """Early-warning ledger (预警台账)."""

    name = "yingji.earlywarning"
    label = "earlywarning"
    verbose_name = _("Early-warning ledger")
