"""URLs of the plans app, mounted at /plans/ (see yingji/urls.py)."""

from django.urls import path  # noqa: F401

app_name = "plans"
urlpatterns: list = []
