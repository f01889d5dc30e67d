from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    """Petition cases (信访事项)."""

    name = "yingji.petitions"
    label = "petitions"
    verbose_name = _("Petition cases")
