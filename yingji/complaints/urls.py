"""URLs of the complaints app, mounted at /complaints/ (see yingji/urls.py)."""

from django.urls import path

from . import views

app_name = "complaints"
urlpatterns = [
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.import_map, name="import_map"),
    path("import/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("cases/<int:pk>/routing/", views.case_routing, name="case_routing"),
    path("hot/", views.hot_list, name="hot"),
    path("hot/<int:pk>/", views.hot_detail, name="hot_detail"),
]
