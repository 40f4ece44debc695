"""Invoicing's workspace pages: thin views over the services and selectors."""

from django.shortcuts import redirect


def home(request):
    return redirect("workspace:dashboard")
