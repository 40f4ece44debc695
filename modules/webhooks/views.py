"""The webhooks page (/webhooks/): the workspace's endpoints, the add form with the event picker,
and each endpoint's page with its edit form, test ping, delete and delivery log with redeliver.
Managers and admins only; the same services as /api/v1/webhooks/."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from modules.workspace.pages import SERVICE_ERRORS, partial, redirect_to

from . import access, selectors, services
from .forms import WebhookEditForm, WebhookForm
from .models import EndpointStatus

LOG_PAGE_SIZE = 25


def home(request):
    access.webhooks_check(request.user)
    form, created, secret = None, None, None
    if request.method == "POST":
        form = WebhookForm(request.POST)
        if form.is_valid():
            try:
                created, secret = services.endpoint_create(actor=request.user, **form.cleaned_data)
            except SERVICE_ERRORS as error:
                form.add_service_error(error)
            else:
                form = None
    endpoints = list(selectors.endpoint_list())
    context = {
        "endpoints": endpoints, "form": form or WebhookForm(), "created": created, "secret": secret,
        "failing": [endpoint for endpoint in endpoints if endpoint.status == EndpointStatus.FAILING],
    }
    return render(request, "webhooks/webhooks.html", context, status=422 if form is not None else 200)


def endpoint(request, pk: int):
    record = access.access_endpoint(request.user, pk, for_write=request.method == "POST")
    form = None
    if request.method == "POST":
        form = WebhookEditForm(request.POST)
        if form.is_valid():
            try:
                services.endpoint_update(actor=request.user, endpoint=record, changes=form.cleaned_data)
            except SERVICE_ERRORS as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("The webhook is saved."))
                return redirect_to(request, reverse("webhooks:endpoint", args=[record.pk]))
    if form is None:
        form = WebhookEditForm(initial={
            "url": record.url, "events": record.events, "is_active": record.status != EndpointStatus.DISABLED,
        })
    log = Paginator(selectors.delivery_list(record), LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"endpoint": record, "form": form, "log": log}
    paging = partial(request) and request.GET.get("page")
    template = "webhooks/endpoint.html#log" if paging else "webhooks/endpoint.html"
    return render(request, template, context, status=422 if form.is_bound else 200)


@require_POST
def endpoint_test(request, pk: int):
    record = access.access_endpoint(request.user, pk, for_write=True)
    services.endpoint_ping(actor=request.user, endpoint=record)
    messages.success(request, _("A ping is on its way: its result appears in the delivery log."))
    return redirect_to(request, reverse("webhooks:endpoint", args=[record.pk]))


@require_POST
def endpoint_delete(request, pk: int):
    record = access.access_endpoint(request.user, pk, for_delete=True)
    services.endpoint_delete(actor=request.user, endpoint=record)
    messages.success(request, _("The webhook is deleted."))
    return redirect_to(request, reverse("webhooks:home"))


@require_POST
def delivery_redeliver(request, pk: int, delivery_id: int):
    record = access.access_endpoint(request.user, pk, for_write=True)
    delivery = access.access_delivery(request.user, record, delivery_id)
    services.delivery_redeliver(actor=request.user, delivery=delivery)
    messages.success(request, _("The delivery is sent again."))
    return redirect_to(request, reverse("webhooks:endpoint", args=[record.pk]))
