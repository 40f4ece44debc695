"""Invoicing's workspace pages, mounted at /invoicing/ (namespace "invoicing")."""

from django.urls import path

from . import views, views_stripe

app_name = "invoicing"

urlpatterns = [
    path("", views.home, name="home"),
    path("settings/stripe/", views_stripe.stripe_settings, name="stripe_settings"),
    path("settings/stripe/connect/", views_stripe.stripe_connect, name="stripe_connect"),
    path("settings/stripe/webhook-secret/", views_stripe.stripe_webhook_secret, name="stripe_webhook_secret"),
    path("settings/stripe/disconnect/", views_stripe.stripe_disconnect, name="stripe_disconnect"),
]
