"""URLs of the earlywarning app, mounted at /warnings/ (see yingji/urls.py)."""

from django.urls import path

from . import views, views_io

app_name = "earlywarning"
urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("new/", views.register, name="register"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<str:verb>/", views.act, name="act"),
    path("export.xlsx", views_io.export, name="export"),
    path("import/", views_io.upload, name="import"),
    path("import/<int:pk>/", views_io.import_job, name="import_job"),
    path("import/<int:pk>/progress/", views_io.import_progress, name="import_progress"),
]
