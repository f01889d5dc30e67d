"""URLs of the deadlines app, mounted at /deadlines/ (see yingji/urls.py)."""

from django.urls import path  # noqa: F401

app_name = "deadlines"
urlpatterns: list = []
