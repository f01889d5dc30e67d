"""URLs of the notify app, mounted at /notifications/ (see yingji/urls.py)."""

from django.urls import path

from . import views

app_name = "notify"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("bell/", views.bell, name="bell"),
    path("read/", views.mark_read, name="mark_read"),
    path("channels/", views.channels, name="channels"),
    path("deliveries/", views.deliveries, name="deliveries"),
    path("deliveries/<int:pk>/retry/", views.retry, name="retry"),
    path("setup/<str:channel>/", views.configure, name="configure"),
]
