"""URLs of the incidents app, mounted at /incidents/ (see yingji/urls.py)."""

from django.urls import path  # noqa: F401

app_name = "incidents"
urlpatterns: list = []
