"""Finance's workspace pages, mounted at /finance/ (namespace "finance")."""

from django.urls import path

from . import views, views_cashflow

app_name = "finance"

urlpatterns = [
    path("", views.home, name="home"),
    path("cash-flow/", views_cashflow.cash_flow, name="cash_flow"),
]
