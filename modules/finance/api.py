"""/api/v1/finance/: payables and receivables (accounts), categories and bank accounts. Parse,
call a service, serialize.

Records are written out by the functions below, over the payload builders of events.py (the
JSON webhooks carry) plus what depends on the reader or the day: an account's status as of
today, its amount formatted in the reader's locale, a bank account's balance. The read
serializers declare those fields for the OpenAPI schema and hand the work to the functions.
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response

from modules.core import serializers as input_serializers
from modules.core.api import IsTenantMember, ServiceViewSet, TeammateField, UserRefSerializer
from modules.core.formats import amount_json, iso_datetime, user_json
from modules.core.money import Currency, format_money
from modules.crm.models import Contact
from modules.tenancy.plans import Feature

from . import access, events, selectors, services
from .api_transactions import CategoryRefSerializer  # a category as a statement line carries it too
from .filters import AccountFilter, BankAccountFilter
from .models import (
    Account,
    AccountStatus,
    AccountType,
    BankAccount,
    Category,
    CategoryType,
    PaymentMethod,
)

# --- Reading -------------------------------------------------------------------------------------


def customer_json(contact: Contact | None) -> dict | None:
    if contact is None:
        return None
    return {"id": contact.pk, "name": contact.name, "email": contact.email, "company": contact.company}


def account_representation(account: Account) -> dict:
    amount = account.amount
    return {
        "id": account.pk,
        "name": account.name,
        "type": account.type,
        "category": events.category_json(account.category),
        "description": account.description,
        "reference": account.reference,
        "amount": amount_json(amount, account.currency),
        "formatted": format_money(amount, account.currency),
        "paid_amount": amount_json(account.paid_amount, account.currency),
        "remaining": amount_json(account.remaining, account.currency),
        "currency": account.currency,
        "due_date": account.due_date.isoformat(),
        "status": selectors.account_status(account),
        "paid_at": iso_datetime(account.paid_at),
        "payment_method": account.payment_method or None,
        "customer": customer_json(account.customer),
        "vendor": account.vendor,
        "invoice_id": account.invoice_id,
        "notes": account.notes,
        "assigned_to": user_json(account.assigned_to),
        "created_at": iso_datetime(account.created_at),
    }


class CustomerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "name", "email", "company"]


class AccountSerializer(serializers.ModelSerializer):
    category = CategoryRefSerializer(read_only=True, allow_null=True)
    formatted = serializers.CharField(read_only=True, help_text="The amount in the request's locale.")
    remaining = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, help_text="What is still to pay or receive."
    )
    status = serializers.ChoiceField(
        choices=AccountStatus.choices, read_only=True,
        help_text="As of today in the company's time zone: an open account past its due date is overdue.",
    )
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices, read_only=True, allow_null=True)
    customer = CustomerSerializer(read_only=True, allow_null=True)
    assigned_to = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Account
        fields = [
            "id", "name", "type", "category", "description", "reference", "amount", "formatted", "paid_amount",
            "remaining", "currency", "due_date", "status", "paid_at", "payment_method", "customer", "vendor",
            "invoice_id", "notes", "assigned_to", "created_at",
        ]

    def to_representation(self, instance: Account) -> dict:
        return account_representation(instance)


def category_representation(category: Category) -> dict:
    depth = getattr(category, "depth", None)
    if depth is None:
        depth = len(selectors.category_ancestors(category))
    return {
        **events.category_json(category),
        "parent": events.category_json(category.parent),
        "depth": depth,
    }


class CategorySerializer(serializers.ModelSerializer):
    parent_id = serializers.IntegerField(read_only=True, allow_null=True)
    parent = CategoryRefSerializer(read_only=True, allow_null=True)
    depth = serializers.IntegerField(read_only=True, help_text="0 for a top-level category, 1 below it, and so on.")

    class Meta:
        model = Category
        fields = ["id", "name", "type", "parent_id", "color", "parent", "depth"]

    def to_representation(self, instance: Category) -> dict:
        return category_representation(instance)


class BankAccountSerializer(serializers.ModelSerializer):
    balance = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True,
        help_text="The opening balance plus every credit, less every debit, of its statement lines.",
    )
    plaid_account_id = serializers.CharField(read_only=True, allow_null=True, help_text="The bank feed's account id.")

    class Meta:
        model = BankAccount
        fields = [
            "id", "name", "bank", "bank_code", "agency", "account_number", "currency", "is_active",
            "opening_balance", "balance", "boleto_agreement", "boleto_wallet", "plaid_account_id", "last_sync",
        ]

    def to_representation(self, instance: BankAccount) -> dict:
        return {
            **events.bank_account_json(instance),
            "balance": amount_json(selectors.bank_account_balance(instance), instance.currency),
            "boleto_agreement": instance.boleto_agreement,
            "boleto_wallet": instance.boleto_wallet,
        }


# --- Writing -------------------------------------------------------------------------------------


class AccountWriteSerializer(input_serializers.Serializer):
    type = serializers.ChoiceField(choices=AccountType.choices)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    category_id = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), source="category", required=False, allow_null=True,
        help_text="An income category for a receivable, an expense category for a payable.",
    )
    description = serializers.CharField(max_length=500, required=False, allow_blank=True)
    reference = serializers.CharField(
        max_length=100, required=False, allow_blank=True,
        help_text="A document number (a bill's, an invoice's) that statement lines may quote.",
    )
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    currency = serializers.ChoiceField(choices=Currency.choices)
    due_date = serializers.DateField()
    customer_id = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.all(), source="customer", required=False, allow_null=True,
        help_text="A CRM contact.",
    )
    vendor = serializers.CharField(max_length=200, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    assigned_to = TeammateField(required=False, allow_null=True)


class MarkPaidSerializer(input_serializers.Serializer):
    paid_at = serializers.DateTimeField(required=False, help_text="When it was paid; now when left out.")
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices)


class CancelSerializer(input_serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class CategoryWriteSerializer(input_serializers.Serializer):
    name = serializers.CharField(max_length=100)
    type = serializers.ChoiceField(choices=CategoryType.choices)
    parent_id = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), source="parent", required=False, allow_null=True,
        help_text="A category of the same type; none for a top-level category.",
    )
    color = serializers.RegexField(
        r"^#[0-9a-fA-F]{6}$", required=False, help_text="`#rrggbb`, for example `#10b981`.",
        error_messages={"invalid": _("Enter a colour as #rrggbb, for example #10b981.")},
    )


class BankAccountWriteSerializer(input_serializers.Serializer):
    name = serializers.CharField(max_length=100)
    bank = serializers.CharField(max_length=100, required=False, allow_blank=True)
    bank_code = serializers.RegexField(
        r"^([0-9]{3})?$", required=False, allow_blank=True,
        help_text="The bank's COMPE code in Brazil, three digits (001 Banco do Brasil, 341 Itaú).",
        error_messages={"invalid": _("A bank code has three digits, such as 001.")},
    )
    agency = serializers.CharField(max_length=10, required=False, allow_blank=True)
    account_number = serializers.CharField(max_length=30)
    currency = serializers.ChoiceField(choices=Currency.choices)
    is_active = serializers.BooleanField(required=False)
    opening_balance = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False,
        help_text="The balance before the first statement line; negative for an overdrawn account.",
    )
    boleto_agreement = serializers.CharField(max_length=20, required=False, allow_blank=True)
    boleto_wallet = serializers.CharField(max_length=5, required=False, allow_blank=True)


# --- Views ---------------------------------------------------------------------------------------


class ManagersChangeSetUp(IsTenantMember):
    """Categories and bank accounts: members read them, managers and admins change them."""

    message = _("Only a manager or an admin can change categories and bank accounts.")

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and (
            request.method in SAFE_METHODS or request.user.is_tenant_manager
        )


class FinanceViewSet(ServiceViewSet):
    feature = Feature.FINANCE


def _amount_field() -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2)


_DUE_SUMS = {
    "receivable_pending": _amount_field(),
    "receivable_overdue": _amount_field(),
    "payable_pending": _amount_field(),
    "payable_overdue": _amount_field(),
    "next_7_days": inline_serializer("FinanceNextDays", {"receivable": _amount_field(), "payable": _amount_field()}),
}
DashboardSumsSerializer = inline_serializer("FinanceDueSums", _DUE_SUMS)
DashboardSerializer = inline_serializer("FinanceDashboard", {
    "currency": serializers.ChoiceField(choices=Currency.choices),
    **_DUE_SUMS,
    "by_currency": serializers.DictField(child=DashboardSumsSerializer),
})


def due_sums_json(sums: selectors.DueSums, currency: str) -> dict:
    return {
        "receivable_pending": amount_json(sums.receivable_pending, currency),
        "receivable_overdue": amount_json(sums.receivable_overdue, currency),
        "payable_pending": amount_json(sums.payable_pending, currency),
        "payable_overdue": amount_json(sums.payable_overdue, currency),
        "next_7_days": {
            "receivable": amount_json(sums.receivable_next_days, currency),
            "payable": amount_json(sums.payable_next_days, currency),
        },
    }


DASHBOARD_DESCRIPTION = """What remains to receive and to pay on open accounts (pending or overdue), by due date
as of today in the company's time zone: `*_pending` are not yet due, `*_overdue` are past their due date,
`next_7_days` are due today or in the six days after. Partial payments count: only what remains is summed.

Currencies are never added together. The flat fields are in `currency`, the currency of the company's
country (BRL in Brazil, MXN in Mexico, USD elsewhere), and are zero when it has no open account in it;
`by_currency` holds the same sums for every currency with an open account, keyed by its code (the
company's currency always among them)."""


@extend_schema(tags=["Finance: accounts"])
class AccountViewSet(FinanceViewSet):
    """Payables and receivables."""

    serializer_class = AccountSerializer
    write_serializer_class = AccountWriteSerializer
    filterset_class = AccountFilter
    queryset = Account.objects.none()

    def get_queryset(self):
        return selectors.account_list()

    access_record = staticmethod(access.access_account)

    def create_record(self, data):
        return services.account_create(actor=self.request.user, **data)

    def update_record(self, account, data):
        return services.account_update(actor=self.request.user, account=account, changes=data)

    def delete_record(self, account):
        services.account_delete(actor=self.request.user, account=account)

    @extend_schema(request=MarkPaidSerializer, responses=AccountSerializer, description=(
        "Records what remains of the account as paid (after a partial payment, the rest). An account already "
        "paid, or cancelled, answers 400."
    ))
    @action(detail=True, methods=["post"])
    def mark_paid(self, request: Request, pk=None) -> Response:
        account = self.access(for_write=True)
        data = self.validated(MarkPaidSerializer)
        return self.answer(services.account_mark_paid(actor=request.user, account=account, **data))

    @extend_schema(request=CancelSerializer, responses=AccountSerializer, description=(
        "Nothing more is expected on the account. A paid account cannot be cancelled (400)."
    ))
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk=None) -> Response:
        account = self.access(for_write=True)
        data = self.validated(CancelSerializer)
        return self.answer(services.account_cancel(actor=request.user, account=account, **data))

    @extend_schema(responses=DashboardSerializer, description=DASHBOARD_DESCRIPTION)
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def dashboard(self, request: Request) -> Response:
        dashboard = selectors.accounts_dashboard()
        return Response({
            "currency": dashboard.currency,
            **due_sums_json(dashboard.main, dashboard.currency),
            "by_currency": {
                currency: due_sums_json(sums, currency) for currency, sums in dashboard.by_currency.items()
            },
        })


@extend_schema(tags=["Finance: categories"])
class CategoryViewSet(FinanceViewSet):
    """Income and expense categories, with subcategories. The list is whole (not paged), parents
    before their children, each with its `depth`: a tree drawn as it comes."""

    permission_classes = [ManagersChangeSetUp]
    serializer_class = CategorySerializer
    write_serializer_class = CategoryWriteSerializer
    filter_backends = []  # the whole tree, as the spec lists it
    pagination_class = None
    queryset = Category.objects.none()

    def get_queryset(self):
        return Category.objects.select_related("parent")

    access_record = staticmethod(access.access_category)

    def list(self, request: Request, *args, **kwargs) -> Response:
        categories = selectors.category_tree(self.get_queryset())
        return Response(self.get_serializer(categories, many=True).data)

    def create_record(self, data):
        return services.category_create(actor=self.request.user, **data)

    def update_record(self, category, data):
        return services.category_update(actor=self.request.user, category=category, changes=data)

    def delete_record(self, category):
        services.category_delete(actor=self.request.user, category=category)


@extend_schema(tags=["Finance: bank accounts"])
class BankAccountViewSet(FinanceViewSet):
    permission_classes = [ManagersChangeSetUp]
    serializer_class = BankAccountSerializer
    write_serializer_class = BankAccountWriteSerializer
    filterset_class = BankAccountFilter
    queryset = BankAccount.objects.none()

    def get_queryset(self):
        return selectors.bank_account_list()

    access_record = staticmethod(access.access_bank_account)

    def create_record(self, data):
        return services.bank_account_create(actor=self.request.user, **data)

    def update_record(self, bank_account, data):
        return services.bank_account_update(actor=self.request.user, bank_account=bank_account, changes=data)

    def delete_record(self, bank_account):
        services.bank_account_delete(actor=self.request.user, bank_account=bank_account)

    @extend_schema(responses=inline_serializer("BankAccountBalance", {
        "balance": _amount_field(),
        "currency": serializers.ChoiceField(choices=Currency.choices),
        "last_sync": serializers.DateTimeField(allow_null=True),
    }))
    @action(detail=True, methods=["get"])
    def balance(self, request: Request, pk=None) -> Response:
        bank_account = self.access()
        return Response({
            "balance": amount_json(selectors.bank_account_balance(bank_account), bank_account.currency),
            "currency": bank_account.currency,
            "last_sync": iso_datetime(bank_account.last_sync),
        })
