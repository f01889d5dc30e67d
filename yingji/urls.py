"""URL map of Yingji."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .api.urls import api
from .petitions import public as petitions_public

# The Django admin is for superusers only; staff work through Yingji's own pages.
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser  # type: ignore[method-assign]
admin.site.site_header = "应急 Yingji"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("otp/setup/", views.otp_setup, name="otp_setup"),
    path("otp/verify/", views.otp_verify, name="otp_verify"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("orgs/", include("yingji.orgs.urls")),
    path("plans/", include("yingji.plans.urls")),
    path("warnings/", include("yingji.earlywarning.urls")),
    path("incidents/", include("yingji.incidents.urls")),
    path("petitions/", include("yingji.petitions.urls")),
    # The petitioner's public status page: no login, rate-limited (DESIGN.md §5).
    path("q/", petitions_public.lookup, name="petition_lookup"),
    path("deadlines/", include("yingji.deadlines.urls")),
    path("notifications/", include("yingji.notify.urls")),
    path("reports/", include("yingji.reports.urls")),
    path("complaints/", include("yingji.complaints.urls")),
    path("audit/", include("yingji.audit.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
