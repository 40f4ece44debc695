"""Invoices for the payment tests, made with the ORM in a team's workspace (the invoices' own
services are another part's): an issued invoice has its receivable in finance."""

import itertools
from datetime import date, timedelta
from decimal import Decimal

from django_tenants.utils import tenant_context

from modules.crm.models import Contact
from modules.finance.models import Account, AccountType
from modules.invoicing.models import Invoice, InvoiceItem, InvoiceStatus

_numbers = itertools.count(1)


class Billing:
    def __init__(self, team):
        self.team = team

    def invoice(self, *, status: str = InvoiceStatus.ISSUED, total: str = "1250.00", currency: str = "USD",
                language: str = "en", items: list[tuple[str, str, str]] | None = None) -> Invoice:
        """`items`: (description, quantity, unit price); by default one line of the total."""
        total = Decimal(total)
        number = next(_numbers)
        items = items or [("Web development", "1", str(total))]
        with tenant_context(self.team.tenant):
            customer = Contact.objects.create(name="Carla Mendes", email=f"carla{number}@example.com")
            invoice = Invoice.objects.create(
                number=f"INV-2025-{number:04d}", customer=customer, issue_date=date.today() - timedelta(days=2),
                due_date=date.today() + timedelta(days=28), currency=currency, status=status, language=language,
                subtotal=total, total=total,
            )
            for position, (description, quantity, unit_price) in enumerate(items):
                line = (Decimal(quantity) * Decimal(unit_price)).quantize(Decimal("0.01"))
                InvoiceItem.objects.create(
                    invoice=invoice, position=position, description=description, quantity=Decimal(quantity),
                    unit_price=Decimal(unit_price), total=line,
                )
            if status in (InvoiceStatus.ISSUED, InvoiceStatus.OVERDUE, InvoiceStatus.PAID):
                invoice.receivable = Account.objects.create(
                    type=AccountType.RECEIVABLE, name=f"Invoice {invoice.number}", amount=total, currency=currency,
                    due_date=invoice.due_date, customer=customer, invoice_id=invoice.pk, reference=invoice.number,
                    **({"paid_amount": total, "status": "paid"} if status == InvoiceStatus.PAID else {}),
                )
                invoice.save(update_fields=["receivable"])
            return invoice

    def fresh(self, invoice: Invoice) -> Invoice:
        with tenant_context(self.team.tenant):
            return Invoice.objects.select_related("receivable").get(pk=invoice.pk)

    def query(self, read):
        """Run an ORM read in the team's schema: `billing.query(lambda: CheckoutSession.objects.count())`."""
        with tenant_context(self.team.tenant):
            return read()
