"""URLs of the plans app, mounted at /plans/ (see yingji/urls.py)."""

from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("import/", views.import_document, name="import"),
    path("drafts/<int:pk>/", views.review, name="review"),
]
