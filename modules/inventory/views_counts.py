"""The count pages: the list of counts and the count screen, where a person scans or types a
barcode (or a SKU), types what they found and sees the difference before saving it; completing
the count adjusts the stock through the same service as the API's `complete/`."""

from decimal import Decimal

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from modules.core.exceptions import DomainError
from modules.workspace import pages

from . import access, selectors, services
from .forms import CountForm, CountItemForm
from .models import CountStatus, InventoryCount
from .tables import CountTable


def counts(request):
    return _counts_page(request)


def _counts_page(request, *, count_form=None, fragment: str | None = None) -> HttpResponse:
    table = CountTable(
        selectors.count_list(), orderable=False,
        empty_text=_("No counts yet. Start one to count your shelves and correct the stock."),
    )
    pages.paginate(request, table)
    context = {"table": table, "count_form": count_form or CountForm(initial={"date": timezone.localdate()})}
    if fragment is None and pages.partial(request):
        fragment = "results"
    template = f"inventory/counts.html#{fragment}" if fragment else "inventory/counts.html"
    return render(request, template, context, status=pages.status(count_form))


@require_POST
def count_new(request):
    form = CountForm(request.POST)
    return pages.created(request, form, services.count_create, "inventory:count") or _counts_page(
        request, count_form=form, fragment="count-form" if request.htmx else None
    )


def count(request, pk: int):
    return _count_page(request, access.access_count(request.user, pk))


def _count_page(
    request, count: InventoryCount, *, item_form=None, error: str = "", fragment: str | None = None, status=None
) -> HttpResponse:
    context = {
        "count": count,
        "items": selectors.count_items(count),
        "in_progress": count.status == CountStatus.IN_PROGRESS,
        "item_form": item_form or CountItemForm(),
        "error": error,
    }
    template = f"inventory/count_detail.html#{fragment}" if fragment else "inventory/count_detail.html"
    return render(request, template, context, status=status or (422 if error else pages.status(item_form)))


def count_preview(request, pk: int):
    """What saving the form would record: the product the code names, what the books expect of it
    and the difference with the quantity typed so far (htmx asks as the person types)."""
    count = access.access_count(request.user, pk)
    form = CountItemForm(request.GET)
    product = selectors.product_by_code(request.GET.get("code", ""))
    context = {"product": product, "code": request.GET.get("code", "").strip()}
    if product is not None:
        item = count.items.filter(product=product).first()
        expected = item.expected_quantity if item else product.stock
        actual = form.cleaned_data["actual_quantity"] if form.is_valid() else None
        context.update({
            "expected": expected,
            "counted_before": item,
            "difference": None if actual is None else actual - expected,
        })
    return render(request, "inventory/count_detail.html#preview", context)


@require_POST
def count_item(request, pk: int):
    """The product and what was found of it: the items again, the form emptied for the next one."""
    with transaction.atomic():
        count = access.access_count(request.user, pk, for_write=True)
        form = CountItemForm(request.POST)
        if form.is_valid():
            product = selectors.product_by_code(form.cleaned_data["code"])
            if product is None:
                form.add_error("code", _("No product has this barcode or SKU."))
            else:
                try:
                    services.count_item_set(
                        actor=request.user, count=count, product=product,
                        actual_quantity=form.cleaned_data["actual_quantity"] or Decimal(0),
                    )
                except pages.SERVICE_ERRORS as error:
                    form.add_service_error(error)
    if form.errors:
        return _count_page(request, count, item_form=form, fragment="count-panel" if request.htmx else None)
    if not request.htmx:
        return pages.redirect_to(request, reverse("inventory:count", args=[pk]))
    return _count_page(request, access.access_count(request.user, pk), fragment="count-panel")


@require_POST
def count_complete(request, pk: int):
    with transaction.atomic():
        count = access.access_count(request.user, pk, for_write=True)
        try:
            services.count_complete(actor=request.user, count=count)
        except pages.SERVICE_ERRORS as error:
            message = error.message if isinstance(error, DomainError) else " ".join(error.messages)
        else:
            messages.success(request, _("The count was completed: the stock now matches what was counted."))
            return pages.redirect_to(request, reverse("inventory:count", args=[pk]))
    count = access.access_count(request.user, pk)
    return _count_page(request, count, error=message, fragment="count-panel" if request.htmx else None)


@require_POST
def count_delete(request, pk: int):
    with transaction.atomic():
        count = access.access_count(request.user, pk, for_delete=True)
        try:
            services.count_delete(actor=request.user, count=count)
        except DomainError as error:
            return _count_page(request, count, error=error.message, fragment="count-panel" if request.htmx else None)
    messages.success(request, _("The count was deleted."))
    return pages.redirect_to(request, reverse("inventory:counts"))
