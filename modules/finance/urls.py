"""Finance's workspace pages, mounted at /finance/ (namespace "finance")."""

from django.urls import path

from . import views, views_cashflow, views_statements

app_name = "finance"

urlpatterns = [
    path("", views.home, name="home"),
    path("cash-flow/", views_cashflow.cash_flow, name="cash_flow"),
    path("statements/", views_statements.statements_page, name="statements"),
    path("statements/import/", views_statements.statements_import, name="statements_import"),
    path("statements/import/<int:pk>/", views_statements.statement_import, name="statement_import"),
    path("statements/<int:bank_account_id>/feed/connect/", views_statements.bank_feed_connect,
         name="bank_feed_connect"),
    path("statements/<int:bank_account_id>/feed/sync/", views_statements.bank_feed_sync, name="bank_feed_sync"),
    path("statements/<int:bank_account_id>/feed/disconnect/", views_statements.bank_feed_disconnect,
         name="bank_feed_disconnect"),
]
