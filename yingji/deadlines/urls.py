"""URLs of the deadlines app, mounted at /deadlines/ (see yingji/urls.py)."""

from django.urls import path

from . import views

app_name = "deadlines"
urlpatterns = [
    path("", views.due, name="due"),
    path("<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("ack/<str:token>/", views.ack_link, name="ack_link"),
]
