"""The integrations page (/integrations/): Stripe (invoicing's, linked to its settings tab),
QuickBooks and WhatsApp cards with their status, through the same services as the API."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from modules.core.forms import ServiceForm
from modules.invoicing import stripe_services
from modules.workspace.pages import SERVICE_ERRORS, partial, redirect_to

from . import quickbooks_services, whatsapp_services
from .api import TooManyRequests, callback_uri
from .models import SyncStatus, WhatsAppMessage

HOME = "integrations:home"


class WhatsAppConnectForm(ServiceForm):
    phone_number = forms.RegexField(
        regex=r"^\+[1-9][0-9]{7,14}$", label=gettext_lazy("Phone number"), max_length=16, help_text="+5511999999999"
    )
    phone_number_id = forms.RegexField(regex=r"^[0-9]{5,32}$", label=gettext_lazy("Phone number ID"), max_length=32)
    api_key = forms.CharField(
        label=gettext_lazy("Access token"), max_length=1000, widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=gettext_lazy("Kept encrypted, and never shown again."),
    )
    api_secret = forms.CharField(
        label=gettext_lazy("App secret"), max_length=255, widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=gettext_lazy("Meta signs its delivery notices with it."),
    )


def home(request, whatsapp_form=None, status: int = 200):
    qb = quickbooks_services.quickbooks_connection_get()
    context = {
        "stripe": stripe_services.stripe_connection_get(),
        "qb": qb,
        "syncing": bool(qb and qb.sync_status in (SyncStatus.QUEUED, SyncStatus.RUNNING)),
        "whatsapp": whatsapp_services.whatsapp_connection_get(),
        "whatsapp_form": whatsapp_form or WhatsAppConnectForm(),
        "webhook_url": request.build_absolute_uri(whatsapp_services.whatsapp_webhook_path()),
        "messages_sent": WhatsAppMessage.objects.all()[:10],
        "may_manage": request.user.is_tenant_manager,
        "outcome": request.GET.get("quickbooks", ""),
    }
    template = "integrations/home.html#quickbooks" if partial(request) else "integrations/home.html"
    return render(request, template, context, status=status)


def _managers_only(request) -> None:
    if not request.user.is_tenant_manager:
        raise PermissionDenied(_("Only admins and managers can connect, sync or disconnect integrations."))


def quickbooks_connect(request):
    _managers_only(request)
    try:
        url = quickbooks_services.quickbooks_authorization_url(actor=request.user, redirect_uri=callback_uri(request))
    except SERVICE_ERRORS as error:
        messages.error(request, getattr(error, "message", str(error)))
        return redirect_to(request, reverse(HOME))
    return HttpResponseRedirect(url)


@require_POST
def quickbooks_sync(request):
    _managers_only(request)
    try:
        quickbooks_services.quickbooks_sync_queue(actor=request.user, customers=True, invoices=True, vendors=True)
    except SERVICE_ERRORS as error:
        messages.error(request, getattr(error, "message", str(error)))
    if partial(request):
        return home(request)
    return redirect_to(request, reverse(HOME))


@require_POST
def quickbooks_disconnect(request):
    _managers_only(request)
    quickbooks_services.quickbooks_disconnect(actor=request.user)
    messages.success(request, _("QuickBooks is disconnected and its tokens are revoked."))
    return redirect_to(request, reverse(HOME))


@require_POST
def whatsapp_connect(request):
    _managers_only(request)
    form = WhatsAppConnectForm(request.POST)
    if form.is_valid():
        try:
            whatsapp_services.whatsapp_connect(actor=request.user, **form.cleaned_data)
        except SERVICE_ERRORS as error:
            form.add_service_error(error)
        except whatsapp_services.WhatsAppRateLimited:
            form.add_error(None, str(TooManyRequests.default_detail))
        else:
            messages.success(request, _("WhatsApp is connected."))
            return redirect_to(request, reverse(HOME))
    return home(request, whatsapp_form=form, status=422)


@require_POST
def whatsapp_disconnect(request):
    _managers_only(request)
    whatsapp_services.whatsapp_disconnect(actor=request.user)
    messages.success(request, _("WhatsApp is disconnected and its token is deleted."))
    return redirect_to(request, reverse(HOME))
