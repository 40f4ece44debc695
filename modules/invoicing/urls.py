"""Invoicing's workspace pages, mounted at /invoicing/ (namespace "invoicing")."""

from django.urls import path

from . import views, views_charges, views_fiscal, views_stripe, views_subscriptions

app_name = "invoicing"

urlpatterns = [
    path("", views.home, name="home"),
    path("invoices/", views.invoices, name="invoices"),
    path("invoices/new/", views.invoice_new, name="invoice_new"),
    path("invoices/totals/", views.invoice_totals, name="invoice_totals"),
    path("invoices/<int:pk>/", views.invoice, name="invoice"),
    path("invoices/<int:pk>/edit/", views.invoice_edit, name="invoice_edit"),
    path("invoices/<int:pk>/pdf/", views.invoice_pdf_view, name="invoice_pdf"),
    path("invoices/<int:pk>/issue/", views.invoice_issue, name="invoice_issue"),
    path("invoices/<int:pk>/cancel/", views.invoice_cancel, name="invoice_cancel"),
    path("invoices/<int:pk>/pay/", views.invoice_pay, name="invoice_pay"),
    path("invoices/<int:pk>/send/", views.invoice_send, name="invoice_send"),
    path("invoices/<int:pk>/delete/", views.invoice_delete, name="invoice_delete"),
    path("invoices/<int:pk>/correction/", views_fiscal.invoice_correction, name="invoice_correction"),
    path("settings/fiscal/", views_fiscal.fiscal_settings_page, name="fiscal_settings"),
    path("settings/fiscal/certificate/", views_fiscal.fiscal_certificate_upload, name="fiscal_certificate"),
    path("settings/fiscal/csd/", views_fiscal.fiscal_csd_upload, name="fiscal_csd"),
    path("subscriptions/", views_subscriptions.subscriptions_list, name="subscriptions"),
    path("subscriptions/<int:pk>/cancel/", views_subscriptions.subscription_cancel, name="subscription_cancel"),
    path("subscriptions/<int:pk>/pause/", views_subscriptions.subscription_pause, name="subscription_pause"),
    path("subscriptions/<int:pk>/resume/", views_subscriptions.subscription_resume, name="subscription_resume"),
    path("settings/stripe/", views_stripe.stripe_settings, name="stripe_settings"),
    path("settings/stripe/connect/", views_stripe.stripe_connect, name="stripe_connect"),
    path("settings/stripe/webhook-secret/", views_stripe.stripe_webhook_secret, name="stripe_webhook_secret"),
    path("settings/stripe/disconnect/", views_stripe.stripe_disconnect, name="stripe_disconnect"),
    path("boletos/", views_charges.boletos_page, name="boletos"),
    path("boletos/remittance/", views_charges.boletos_remittance, name="boletos_remittance"),
    path("boletos/return/", views_charges.boletos_return, name="boletos_return"),
    path("boletos/<int:pk>/", views_charges.boleto_page, name="boleto"),
    path("settings/pix/", views_charges.pix_settings, name="pix_settings"),
    path("pix/<int:pk>/", views_charges.pix_page, name="pix"),
    path("invoices/<int:pk>/boleto/", views_charges.invoice_boleto, name="invoice_boleto"),
    path("invoices/<int:pk>/pix/", views_charges.invoice_pix, name="invoice_pix"),
]
