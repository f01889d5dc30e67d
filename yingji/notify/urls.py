"""URLs of the notify app, mounted at /notifications/ (see yingji/urls.py)."""

from django.urls import path  # noqa: F401

app_name = "notify"
urlpatterns: list = []
