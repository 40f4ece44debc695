"""Inventory's workspace pages (HTMX): products with their stock, the ledger and its movement
form. access → form → service → render, as every module's pages; the counts are views_counts.py.

Every write goes through the service the API calls; every record through access.py, so another
workspace's id is simply not found. htmx requests get a fragment of the page's own template;
without JavaScript the same forms post and redirect.
"""

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from modules.core.access import may_change, may_delete
from modules.core.exceptions import DomainError
from modules.workspace import pages

from . import access, selectors, services
from .events import company_currency
from .filters import MovementFilter, ProductFilter
from .forms import MovementForm, ProductForm
from .models import MovementReason, MovementType, Product
from .tables import MovementTable, ProductTable, stock_badge

PRODUCT_FILTERS = ("search", "category", "low_stock", "is_active")
RECENT_MOVEMENTS = 20


# --- Products ------------------------------------------------------------------------------------


def products(request):
    """The catalogue with each product's stock badge; `low_stock=true` keeps the ones to reorder."""
    filterset = pages.filterset(ProductFilter, request, selectors.product_list())
    filtered = pages.is_filtered(request, PRODUCT_FILTERS)
    table = ProductTable(
        filterset.qs,
        empty_text=_("No products match these filters.") if filtered else _(
            "No products yet. Add what you sell, then bring its stock in with a purchase or a count."
        ),
    )
    pages.paginate(request, table)
    context = {
        "table": table,
        "filter_errors": filterset.errors,
        "categories": selectors.product_list().exclude(category="").order_by("category")
        .values_list("category", flat=True).distinct(),
        "low_count": selectors.low_stock_list().count(),
    }
    template = "inventory/products.html#results" if pages.partial(request) else "inventory/products.html"
    return render(request, template, context, status=pages.status(filterset.form))


def product_new(request):
    if request.method == "POST":
        form = ProductForm(request.POST, actor=request.user)
        created = pages.created(request, form, services.product_create, "inventory:product")
        if created is not None:
            return created
    else:
        form = ProductForm(actor=request.user)
    template = "inventory/product_new.html#product-form" if request.htmx else "inventory/product_new.html"
    return render(request, template, {"form": form}, status=pages.status(form))


def product(request, pk: int):
    return _product_page(request, access.access_product(request.user, pk))


def _product_page(
    request, product: Product, *, edit_form=None, move_form=None, delete_error: str = "", fragment: str | None = None
) -> HttpResponse:
    movements = selectors.movement_list().filter(product=product)[:RECENT_MOVEMENTS]
    context = {
        "product": product,
        "currency": company_currency(),
        "stock_badge": stock_badge(product),
        "suggested_order": selectors.suggested_order(product) if product.is_low else None,
        "stock_value": product.stock * product.average_cost,
        "movements": movements,
        "edit_form": edit_form or ProductForm(initial=ProductForm.initial_from(product), actor=request.user),
        "move_form": move_form or MovementForm(product=product, initial=_move_initial(request)),
        "can_change": may_change(request.user, product),
        "can_delete": may_delete(request.user, product),
        "delete_refusal": services.product_delete_refusal(product),
        "delete_error": delete_error,
    }
    template = f"inventory/product_detail.html#{fragment}" if fragment else "inventory/product_detail.html"
    status = 422 if delete_error else pages.status(edit_form, move_form)
    return render(request, template, context, status=status)


def _move_initial(request) -> dict:
    kind = request.GET.get("type")
    if kind == MovementType.OUT:
        return {"type": MovementType.OUT, "reason": MovementReason.SALE}
    return {"type": MovementType.IN, "reason": MovementReason.PURCHASE}


@require_POST
def product_edit(request, pk: int):
    return pages.record_change(
        request, pk, access_record=access.access_product,
        make_form=lambda product: ProductForm(request.POST, initial=ProductForm.initial_from(product),
                                              actor=request.user),
        update=lambda product, changes: services.product_update(actor=request.user, product=product, changes=changes),
        saved=_("The product was saved."), url_name="inventory:product", page=_product_page, panel="product-panel",
    )


@require_POST
def product_move(request, pk: int):
    """A movement from the product's page: the page again, its stock moved, or the form's refusal."""
    product = access.access_product(request.user, pk)
    form = MovementForm(request.POST, product=product)
    if form.is_valid():
        try:
            services.stock_move(actor=request.user, **form.cleaned_data)
        except pages.SERVICE_ERRORS as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The stock movement was recorded."))
            return pages.redirect_to(request, reverse("inventory:product", args=[pk]))
    product = access.access_product(request.user, pk)
    return _product_page(request, product, move_form=form, fragment="move-form" if request.htmx else None)


@require_POST
def product_delete(request, pk: int):
    with transaction.atomic():
        product = access.access_product(request.user, pk, for_delete=True)
        try:
            services.product_delete(actor=request.user, product=product)
        except DomainError as error:
            refusal = error.message
        else:
            messages.success(request, _("The product %(name)s was deleted.") % {"name": product.name})
            return pages.redirect_to(request, reverse("inventory:home"))
    return _product_page(request, product, delete_error=refusal, fragment="product-panel" if request.htmx else None)


# --- Movements -----------------------------------------------------------------------------------


def movements(request):
    return _movements_page(request)


def _movements_page(request, *, move_form=None, fragment: str | None = None) -> HttpResponse:
    filterset = pages.filterset(MovementFilter, request, selectors.movement_list(), multi=("reason",))
    table = MovementTable(
        filterset.qs,
        empty_text=_("No stock movements yet: they appear here as stock comes in and goes out."),
        orderable=False,
    )
    pages.paginate(request, table)
    context = {
        "table": table,
        "filter_errors": filterset.errors,
        "types": MovementType.choices,
        "reasons": MovementReason.choices,
        "picked_reasons": pages.picked(request, "reason"),
        "move_form": move_form or MovementForm(initial=_move_initial(request)),
    }
    if fragment is None and pages.partial(request):
        fragment = "results"
    template = f"inventory/movements.html#{fragment}" if fragment else "inventory/movements.html"
    return render(request, template, context, status=pages.status(filterset.form, move_form))


@require_POST
def movement_new(request):
    form = MovementForm(request.POST)
    if form.is_valid():
        try:
            services.stock_move(actor=request.user, **form.cleaned_data)
        except pages.SERVICE_ERRORS as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The stock movement was recorded."))
            return pages.redirect_to(request, reverse("inventory:movements"))
    return _movements_page(request, move_form=form, fragment="move-form" if request.htmx else None)
