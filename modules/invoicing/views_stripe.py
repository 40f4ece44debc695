"""The workspace settings' "Card payments" tab (/invoicing/settings/stripe/): admins and managers
connect the workspace's Stripe account, give its webhook secret, or disconnect it, through the
same services as `/api/v1/integrations/stripe/`."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from modules.core.forms import ServiceForm
from modules.workspace.pages import SERVICE_ERRORS, redirect_to

from . import events, stripe_gateway, stripe_services
from .stripe_webhooks import stripe_webhook_url

SETTINGS_URL = "invoicing:stripe_settings"


class StripeConnectForm(ServiceForm):
    publishable_key = forms.CharField(
        label=gettext_lazy("Publishable key"), max_length=255, help_text="pk_test_… / pk_live_…"
    )
    secret_key = forms.CharField(
        label=gettext_lazy("Secret key"), max_length=255, widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=gettext_lazy("Kept encrypted, and never shown again."),
    )


class StripeWebhookSecretForm(ServiceForm):
    webhook_secret = forms.CharField(
        label=gettext_lazy("Signing secret"), max_length=255, widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text="whsec_…",
    )


def stripe_settings(request):
    _managers_only(request)
    return _page(request)


@require_POST
def stripe_connect(request):
    _managers_only(request)
    form = StripeConnectForm(request.POST)
    if form.is_valid():
        try:
            stripe_services.stripe_connect(actor=request.user, **form.cleaned_data)
        except SERVICE_ERRORS as error:
            form.add_service_error(error)
        except stripe_gateway.StripeUnreachable:
            form.add_error(None, _("Stripe could not be reached. Nothing was changed: try again in a few minutes."))
        else:
            messages.success(request, _("Stripe is connected. Your invoices' payment links now open Stripe Checkout."))
            return redirect_to(request, reverse(SETTINGS_URL))
    return _page(request, connect_form=form, status=422)


@require_POST
def stripe_webhook_secret(request):
    _managers_only(request)
    form = StripeWebhookSecretForm(request.POST)
    if form.is_valid():
        try:
            stripe_services.stripe_webhook_secret_set(actor=request.user, **form.cleaned_data)
        except SERVICE_ERRORS as error:
            form.add_service_error(error)
        else:
            messages.success(
                request, _("The webhook's signing secret is saved: Stripe's payments now settle your invoices.")
            )
            return redirect_to(request, reverse(SETTINGS_URL))
    return _page(request, secret_form=form, status=422)


@require_POST
def stripe_disconnect(request):
    _managers_only(request)
    stripe_services.stripe_disconnect(actor=request.user)
    messages.success(request, _("Stripe is disconnected and its keys are deleted."))
    return redirect_to(request, reverse(SETTINGS_URL))


def _managers_only(request) -> None:
    if not request.user.is_tenant_manager:
        raise PermissionDenied(_("Only admins and managers can connect or disconnect Stripe."))


def _page(request, *, connect_form=None, secret_form=None, status: int = 200):
    kept = stripe_services.stripe_connection_get()
    context = {
        "stripe": events.stripe_connection_json(kept) if kept else None,
        "connected_at": kept.connected_at if kept else None,
        "webhook_url": stripe_webhook_url(),
        "sandbox": stripe_services.card_payments_available() and kept is None,
        "connect_form": connect_form or StripeConnectForm(),
        "secret_form": secret_form or StripeWebhookSecretForm(),
    }
    return render(request, "invoicing/stripe_settings.html", context, status=status)
