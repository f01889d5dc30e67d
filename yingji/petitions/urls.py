"""URLs of the petitions app, mounted at /petitions/ (see yingji/urls.py); the public page is /q/."""

from django.urls import path

from . import views

app_name = "petitions"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("by/<str:by>/", views.summary, name="summary"),
    path("access-log/", views.access_log, name="access_log"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/code/", views.new_code, name="new_code"),
    path("<int:pk>/documents/<int:doc>/", views.document_print, name="document"),
    path("<int:pk>/<str:name>/", views.case_step, name="step"),
]
