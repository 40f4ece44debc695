"""Finance's workspace pages, mounted at /finance/ (namespace "finance")."""

from django.urls import path

from . import views, views_cashflow, views_reconciliation, views_statements

app_name = "finance"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", views.accounts, name="accounts"),
    path("accounts/new/", views.account_new, name="account_new"),
    path("accounts/<int:pk>/", views.account, name="account"),
    path("accounts/<int:pk>/edit/", views.account_edit, name="account_edit"),
    path("accounts/<int:pk>/pay/", views.account_pay, name="account_pay"),
    path("accounts/<int:pk>/cancel/", views.account_cancel, name="account_cancel"),
    path("accounts/<int:pk>/delete/", views.account_delete, name="account_delete"),
    path("categories/", views.categories, name="categories"),
    path("categories/new/", views.category_new, name="category_new"),
    path("categories/<int:pk>/edit/", views.category_edit, name="category_edit"),
    path("categories/<int:pk>/delete/", views.category_delete, name="category_delete"),
    path("bank-accounts/", views.bank_accounts, name="bank_accounts"),
    path("bank-accounts/new/", views.bank_account_new, name="bank_account_new"),
    path("bank-accounts/<int:pk>/", views.bank_account, name="bank_account"),
    path("bank-accounts/<int:pk>/edit/", views.bank_account_edit, name="bank_account_edit"),
    path("bank-accounts/<int:pk>/delete/", views.bank_account_delete, name="bank_account_delete"),
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
