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

        from yingji.crypto import check_key

        checks.register(check_key, "security")
        checks.register(check_work_calendar)


def check_work_calendar(app_configs: object = None, **kwargs: object) -> list:
    """Warn when the working-day calendar lacks this year (or next year, from December)."""
    from django.core.checks import Warning
    from django.utils import timezone

    from yingji.deadlines.workcalendar import missing_years

    return [
        Warning(
            f"the official working-day calendar for {year} is not known; "
            "the 5-working-day objection (Art. 23) counts Monday–Friday",
            hint="Add the year's holidays and adjusted working days to var/work_calendar.yaml, "
            "or upgrade chinesecalendar.",
            id="yingji.W602",
        )
        for year in missing_years(timezone.localdate())
    ]
