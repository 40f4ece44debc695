"""Invoicing's workspace pages, mounted at /invoicing/ (namespace "invoicing")."""

from django.urls import path

from . import views

app_name = "invoicing"

urlpatterns = [
    path("", views.home, name="home"),
]
