"""The demo workspace's invoices: about 25 for the CRM's contacts, in every status, each issued one
with its receivable in finance, in its customer's currency and language."""

from collections import Counter

from django_tenants.utils import tenant_context

from modules.demo.loader import demo_tenant_ensure
from modules.events.models import Event
from modules.finance.models import Account
from modules.invoicing.selectors import invoice_list
from modules.tenancy.scope import tenant_scope


def test_the_demo_workspace_has_invoices_in_every_status_with_their_receivables(db):
    tenant = demo_tenant_ensure()

    with tenant_context(tenant), tenant_scope(tenant):
        invoices = list(invoice_list())
        receivables = {account.invoice_id: account for account in Account.objects.filter(invoice_id__isnull=False)}
        overdue_events = Event.objects.filter(name="invoice.overdue").count()

    statuses = Counter(invoice.current_status for invoice in invoices)
    assert statuses == {"paid": 9, "issued": 6, "overdue": 5, "draft": 3, "cancelled": 2}
    assert overdue_events == 5
    assert all(invoice.items.all() and invoice.total > 0 for invoice in invoices)
    assert {invoice.currency: invoice.language for invoice in invoices} == {"USD": "en", "BRL": "pt-br", "MXN": "es"}
    assert len({invoice.customer_id for invoice in invoices}) >= 10
    for invoice in invoices:
        receivable = receivables.get(invoice.pk)
        if invoice.current_status == "draft":
            assert receivable is None
            continue
        assert (receivable.amount, receivable.currency, receivable.reference) == (
            invoice.total, invoice.currency, invoice.number
        )
        expected = {"paid": "paid", "cancelled": "cancelled", "overdue": "overdue", "issued": "pending"}
        assert receivable.status == expected[invoice.current_status]
