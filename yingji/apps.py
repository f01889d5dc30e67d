from django.apps import AppConfig


class YingjiConfig(AppConfig):
    """The project package itself: base templates, static files, locale and the CLI commands."""

    name = "yingji"
    verbose_name = "Yingji"
