from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("units/new/", views.unit_edit, name="unit_new"),
    path("units/<int:pk>/", views.unit_edit, name="unit_edit"),
    path("members/new/", views.member_edit, name="member_new"),
    path("members/<int:pk>/", views.member_edit, name="member_edit"),
    path("members/<int:pk>/login/", views.member_login, name="member_login"),
    path("members/<int:pk>/unlock/", views.member_unlock, name="member_unlock"),
    path(
        "members/<int:pk>/reset-second-factor/",
        views.member_reset_second_factor,
        name="member_reset_second_factor",
    ),
    path("seats/new/", views.seat_set, name="seat_set"),
    path("seats/<int:pk>/remove/", views.seat_remove, name="seat_remove"),
    path("duty/new/", views.shift_add, name="shift_add"),
    path("duty/<int:pk>/remove/", views.shift_remove, name="shift_remove"),
]
