"""URLs of the reports app, mounted at /reports/ (see yingji/urls.py)."""

from django.urls import path  # noqa: F401

app_name = "reports"
urlpatterns: list = []
