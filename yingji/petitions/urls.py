"""URLs of the petitions app, mounted at /petitions/ (see yingji/urls.py)."""

from django.urls import path  # noqa: F401

app_name = "petitions"
urlpatterns: list = []
