"""URLs of the reports app, mounted at /reports/ (see yingji/urls.py)."""

from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.board_page, name="board"),
    path("list/", views.drill, name="drill"),
    path("month/<str:month>.xlsx", views.month_workbook, name="month"),
    path("incidents/<int:pk>/summary.docx", views.incident_summary, name="incident_summary"),
    path("incidents/<int:pk>/report.docx", views.incident_report, name="incident_report"),
    path("documents/<int:pk>.docx", views.petition_document, name="petition_document"),
]
