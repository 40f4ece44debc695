"""The subscriptions' workspace pages: the list with its filters, the create form (the amount in
the reader's locale) and each row's cancel, pause and resume. Every write goes through
subscriptions.py, every subscription through access.py (another workspace's id is not found)."""

import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from modules.core.exceptions import DomainError
from modules.core.forms import LocalDecimalField, RecordSelect, ServiceForm, date_input
from modules.core.money import Currency, format_money
from modules.core.tables import RecordTable
from modules.crm.forms import record_choices
from modules.crm.models import Contact, RelatedType
from modules.tenancy.selectors import tenant_currency
from modules.workspace import pages

from . import access, stripe_gateway, subscriptions
from .api_subscriptions import SubscriptionFilter
from .models import BillingCycle, Subscription, SubscriptionStatus
from .stripe_services import stripe_connection_get

FILTERS = ("status", "customer_id")


class SubscriptionTable(RecordTable):
    plan = tables.Column(verbose_name=gettext_lazy("Plan"), order_by=("plan", "id"))
    customer = tables.Column(verbose_name=gettext_lazy("Customer"), accessor="customer__name", orderable=False)
    amount = tables.Column(verbose_name=gettext_lazy("Amount"), order_by=("amount", "id"),
                           attrs={"td": {"class": "numeric"}})
    billing_cycle = tables.Column(verbose_name=gettext_lazy("Billing cycle"), orderable=False)
    next_billing_date = tables.DateColumn(verbose_name=gettext_lazy("Next billing date"), short=True,
                                          order_by=("next_billing_date", "id"))
    status = tables.Column(verbose_name=gettext_lazy("Status"), orderable=False)
    actions = tables.TemplateColumn(
        template_name="invoicing/subscriptions_actions.html", verbose_name="", orderable=False, empty_values=(),
    )

    class Meta(RecordTable.Meta):
        model = Subscription
        sequence = ("plan", "customer", "amount", "billing_cycle", "next_billing_date", "status", "actions")
        order_by = ("next_billing_date",)
        row_attrs = {"id": lambda record: f"subscription-{record.pk}"}

    def render_amount(self, record: Subscription) -> str:
        return format_money(record.amount, record.currency)

    def render_status(self, record: Subscription) -> str:
        ending = record.cancel_at and record.status != SubscriptionStatus.CANCELLED
        if not ending:
            return record.get_status_display()
        ends = _("ends on %(date)s") % {"date": date_format(record.cancel_at, "SHORT_DATE_FORMAT")}
        return format_html('{} <span class="muted">{}</span>', record.get_status_display(), ends)


class SubscriptionForm(ServiceForm):
    customer = forms.ModelChoiceField(
        label=gettext_lazy("Customer"), queryset=Contact.objects.all(),
        widget=RecordSelect(lookup_url=reverse_lazy("crm:lookup"), record_type=RelatedType.CONTACT),
    )
    plan = forms.CharField(label=gettext_lazy("Plan"), max_length=200)
    amount = LocalDecimalField(label=gettext_lazy("Amount"), max_digits=14, decimal_places=2)
    currency = forms.ChoiceField(label=gettext_lazy("Currency"), choices=Currency.choices)
    billing_cycle = forms.ChoiceField(label=gettext_lazy("Billing cycle"), choices=BillingCycle.choices)
    billing_day = forms.TypedChoiceField(
        label=gettext_lazy("Billing day"), coerce=int, choices=[(day, day) for day in range(1, 29)],
    )
    trial_days = forms.TypedChoiceField(
        label=gettext_lazy("Trial days"), coerce=int, required=False, empty_value=0,
        choices=[(days, days) for days in (0, 7, 14, 30, 60, 90)],
    )
    started_at = forms.DateField(label=gettext_lazy("Starts on"), required=False, widget=date_input())
    stripe = forms.BooleanField(
        label=gettext_lazy("Charge the customer's card in Stripe"), required=False,
        help_text=gettext_lazy("Stripe bills each period; its payments record the invoices here."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].widget.choices = [
            ("", "---------"), *record_choices(RelatedType.CONTACT, selected=self["customer"].value())
        ]
        if stripe_connection_get() is None:  # offered once the workspace's Stripe is connected
            del self.fields["stripe"]

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount <= 0:
            raise forms.ValidationError(_("Enter an amount greater than zero."))
        return amount


def subscriptions_page(request, *, form: SubscriptionForm | None = None):
    filterset = pages.filterset(SubscriptionFilter, request, subscriptions.subscription_list(), multi=("status",))
    filtered = pages.is_filtered(request, FILTERS)
    table = SubscriptionTable(
        filterset.qs,
        empty_text=_("No subscriptions match these filters.") if filtered else _(
            "No subscriptions yet. Create one and each period is invoiced on its billing day."
        ),
    )
    pages.paginate(request, table)
    context = {
        "table": table, "filter_errors": filterset.errors, "statuses": SubscriptionStatus.choices,
        "picked_statuses": pages.picked(request, "status"),
        "form": form or SubscriptionForm(initial={"currency": tenant_currency(request.tenant), "billing_day": 1}),
    }
    template = "invoicing/subscriptions.html#results" if pages.partial(request) else "invoicing/subscriptions.html"
    return render(request, template, context, status=pages.status(filterset.form, form))


def subscriptions_list(request):
    if request.method == "POST":
        return _create(request)
    return subscriptions_page(request)


def _create(request):
    form = SubscriptionForm(request.POST)
    with transaction.atomic():
        if form.is_valid():
            data = {**form.cleaned_data, "trial_days": form.cleaned_data["trial_days"] or 0}
            try:
                subscriptions.subscription_create(actor=request.user, **data)
            except (DomainError, forms.ValidationError) as error:
                form.add_service_error(error)
                transaction.set_rollback(True)
            except stripe_gateway.StripeUnreachable:
                form.add_error(None, _("Stripe could not be reached. Nothing was changed: try again in a few minutes."))
                transaction.set_rollback(True)
    if form.errors:
        return subscriptions_page(request, form=form)
    messages.success(request, _("The subscription was created."))
    return pages.redirect_to(request, reverse("invoicing:subscriptions"))


def _action(request, pk: int, service, done: str, **options):
    """A row's button: `service` on the subscription, then the list as it was, with what happened."""
    with transaction.atomic():
        subscription = access.access_subscription(request.user, pk, for_write=True)
        try:
            service(actor=request.user, subscription=subscription, **options)
        except DomainError as error:
            transaction.set_rollback(True)
            messages.error(request, error.message)
        except stripe_gateway.StripeUnreachable:  # a subscription billed in Stripe is cancelled there too
            transaction.set_rollback(True)
            messages.error(request, _("Stripe could not be reached. Nothing was changed: try again in a few minutes."))
        else:
            messages.success(request, done)
    return pages.redirect_to(request, pages.list_url("invoicing:subscriptions", request))


@require_POST
def subscription_cancel(request, pk: int):
    how = "immediate" if request.POST.get("cancel_at") == "immediate" else "end_of_period"
    done = _("The subscription was cancelled.") if how == "immediate" else _(
        "The subscription ends at the end of the period it was billed for."
    )
    return _action(request, pk, subscriptions.subscription_cancel, done, cancel_at=how)


@require_POST
def subscription_pause(request, pk: int):
    return _action(request, pk, subscriptions.subscription_pause,
                   _("The subscription is paused: nothing is billed until it resumes."))


@require_POST
def subscription_resume(request, pk: int):
    return _action(request, pk, subscriptions.subscription_resume, _("The subscription is active again."))
