from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    """Petition cases (信访事项)."""

    name = "yingji.petitions"
    label = "petitions"
    verbose_name = _("Petition cases")

    def ready(self) -> None:
        """Register the check of the personal-data key."""
        from django.core import checks

        from .crypto import check_key

        checks.register(check_key, "security")
