"""URLs of the earlywarning app, mounted at /warnings/ (see yingji/urls.py)."""

from django.urls import path  # noqa: F401

app_name = "earlywarning"
urlpatterns: list = []
