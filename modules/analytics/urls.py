"""Analytics' workspace pages, mounted at /analytics/ (namespace "analytics")."""

from django.urls import path

from . import views

app_name = "analytics"

urlpatterns = [
    path("", views.home, name="home"),
    path("reports/", views.reports, name="reports"),
    path("reports/new/", views.report_new, name="report_new"),
    path("reports/<uuid:pk>/", views.report, name="report"),
]
