from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    """Incidents (突发事件)."""

    name = "yingji.incidents"
    label = "incidents"
    verbose_name = _("Incidents")
