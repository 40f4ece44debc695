"""Invoicing's pages for people who are not members, at the workspace host's root (no sign-in):
the customer's pay page (paypage.py). Stripe's webhooks have their home in tenancy.webhooks."""

from django.urls import path

from . import paypage

app_name = "invoicing_pay"

urlpatterns = [
    path("pay/<str:token>/", paypage.pay_page, name="pay_page"),
    path("pay/<str:token>/card/", paypage.pay_card, name="pay_card"),
    path("pay/<str:token>/card/sandbox/", paypage.pay_sandbox, name="pay_sandbox"),
]
