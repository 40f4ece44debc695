"""Finance's workspace pages, mounted at /finance/ (namespace "finance")."""

from django.urls import path

from . import views, views_cashflow, views_reconciliation

app_name = "finance"

urlpatterns = [
    path("", views.home, name="home"),
    path("cash-flow/", views_cashflow.cash_flow, name="cash_flow"),
    path("reconciliation/", views_reconciliation.reconciliation_page, name="reconciliation"),
    path("reconciliation/auto/", views_reconciliation.reconciliation_auto, name="reconciliation_auto"),
    path("reconciliation/lines/<int:pk>/", views_reconciliation.reconciliation_line, name="reconciliation_line"),
    path(
        "reconciliation/lines/<int:pk>/reconcile/", views_reconciliation.reconciliation_reconcile,
        name="reconciliation_reconcile",
    ),
    path(
        "reconciliation/lines/<int:pk>/unreconcile/", views_reconciliation.reconciliation_unreconcile,
        name="reconciliation_unreconcile",
    ),
]
