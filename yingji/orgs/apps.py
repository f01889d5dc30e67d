from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    """Townships and organisation (组织机构)."""

    name = "yingji.orgs"
    label = "orgs"
    verbose_name = _("Townships and organisation")
