"""Invoicing fixtures: invoices made through the services, inside a team's schema and scope (time
zone, country), as a request of that team makes them."""

from datetime import timedelta
from decimal import Decimal

import pytest

from modules.invoicing import services
from modules.invoicing.models import Invoice
from tests.conftest import Workspace
from tests.crm.conftest import Crm
from tests.finance.conftest import clock, company_in  # noqa: F401  (fixtures and helpers shared with finance)

HTMX = {"HTTP_HX_REQUEST": "true"}


def item(description: str = "Web development", quantity: str = "1", unit_price: str = "100.00", **fields) -> dict:
    """An item as the services take it (Decimals), from text."""
    line = {"description": description, "quantity": Decimal(quantity), "unit_price": Decimal(unit_price)}
    for name in ("discount", "tax_rate"):
        if name in fields:
            line[name] = Decimal(fields.pop(name))
    return {**line, **fields}


class Invoicing(Workspace):
    """Make invoices in one team's workspace, as its admin, the way the API would."""

    def __init__(self, team):
        super().__init__(team)
        self.crm = Crm(team)

    def customer(self, **fields):
        return self.crm.contact(**fields)

    def invoice(self, *, customer=None, items=None, **fields) -> Invoice:
        """A draft: one item of 100.00 USD, issued today, due in 30 days, unless told otherwise."""
        customer = customer or self.customer()
        today = self.today()
        fields = {"issue_date": today, "due_date": today + timedelta(days=30), "currency": "USD", **fields}
        if "invoice_discount" in fields:
            fields["invoice_discount"] = Decimal(fields["invoice_discount"])
        return self.run(lambda: services.invoice_create(
            actor=self.team.admin, customer=customer, items=items or [item()], **fields
        ))

    def issued(self, **fields) -> Invoice:
        invoice = self.invoice(**fields)
        return self.run(lambda: services.invoice_issue(actor=self.team.admin, invoice=self.locked(invoice)))

    def paid(self, **fields) -> Invoice:
        invoice = self.issued(**fields)
        return self.run(lambda: services.invoice_mark_paid(
            actor=self.team.admin, invoice=self.locked(invoice), method="bank_transfer"
        ))

    def locked(self, invoice: Invoice) -> Invoice:
        """As access_invoice hands it to a service: locked, with its customer and receivable."""
        invoices = Invoice.objects.select_for_update(of=("self",)).select_related("customer", "receivable")
        return invoices.get(pk=invoice.pk)

    def fresh(self, invoice: Invoice) -> Invoice:
        return self.run(lambda: Invoice.objects.select_related("customer", "receivable").get(pk=invoice.pk))



@pytest.fixture
def invoicing_a(team_a) -> Invoicing:
    return Invoicing(team_a)


@pytest.fixture
def invoicing_b(team_b) -> Invoicing:
    return Invoicing(team_b)

