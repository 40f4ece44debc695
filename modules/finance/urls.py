"""Finance's workspace pages, mounted at /finance/ (namespace "finance")."""

from django.urls import path

from . import views, views_cashflow, views_reconciliation, views_statements

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
    path("statements/", views_statements.statements_page, name="statements"),
    path("statements/import/", views_statements.statements_import, name="statements_import"),
    path("statements/import/<int:pk>/", views_statements.statement_import, name="statement_import"),
    path("statements/<int:bank_account_id>/feed/connect/", views_statements.bank_feed_connect,
         name="bank_feed_connect"),
    path("statements/<int:bank_account_id>/feed/sync/", views_statements.bank_feed_sync, name="bank_feed_sync"),
    path("statements/<int:bank_account_id>/feed/disconnect/", views_statements.bank_feed_disconnect,
         name="bank_feed_disconnect"),
]
