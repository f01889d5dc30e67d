"""URLs of the incidents app, mounted at /incidents/ (see yingji/urls.py)."""

from django.urls import path

from . import views

app_name = "incidents"
urlpatterns = [
    path("", views.board, name="board"),
    path("closed/", views.closed, name="closed"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/verify/", views.verify, name="verify"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/activate/", views.activate, name="activate"),
    path("<int:pk>/task-force/", views.task_force, name="task_force"),
    path("<int:pk>/check-in/", views.check_in, name="check_in"),
    path("<int:pk>/tick/<slug:step>/", views.tick, name="tick"),
    path("<int:pk>/log/", views.add_log, name="log"),
    path("<int:pk>/situation/", views.situation, name="situation"),
    path("<int:pk>/parties/", views.add_party, name="party"),
    path("<int:pk>/demands/", views.add_demand, name="demand"),
    path("<int:pk>/evidence/new/", views.evidence_new, name="evidence_new"),
    path("<int:pk>/close-scene/", views.close_scene, name="close_scene"),
    path("<int:pk>/summary/", views.summary, name="summary"),
    path("<int:pk>/close/", views.close, name="close"),
    path("demands/<int:pk>/case/", views.demand_case, name="demand_case"),
    path("demands/<int:pk>/withdraw/", views.demand_withdraw, name="demand_withdraw"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
    path("evidence/<int:pk>/<slug:change>/", views.evidence_change, name="evidence_change"),
    path("files/<slug:kind>/<int:pk>/", views.download, name="file"),
]
