"""The demo workspace's invoices: about 25 for the CRM's contacts over the last three months, in
each customer's currency and language (a Brazilian customer's in reais and Portuguese), in every
status: drafts, issued and not yet due, overdue, paid and cancelled.

Everything goes through the services, so each issued invoice has its receivable in finance, a paid
one its payment, and the events are those of a real workspace. Runs inside the demo tenant's
schema, after the CRM's demo (its contacts are the customers).
"""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from modules.accounts.models import User
from modules.crm.models import Contact

from . import services

# What each market buys: (description, unit price, tax rate %), in the customer's language.
_CATALOG = {
    "USD": [
        ("Web development (hours)", "150.00", "0"), ("Monthly hosting plan", "99.00", "0"),
        ("UX audit", "1800.00", "0"), ("Annual software licence", "2400.00", "8.25"),
        ("On-site training (day)", "950.00", "0"), ("Support retainer (month)", "600.00", "0"),
    ],
    "BRL": [
        ("Desenvolvimento de sistema (horas)", "180.00", "5"), ("Hospedagem mensal", "249.90", "5"),
        ("Consultoria fiscal", "3200.00", "5"), ("Licença anual do ERP", "5990.00", "0"),
        ("Treinamento da equipe (dia)", "1500.00", "5"), ("Suporte técnico mensal", "890.00", "5"),
    ],
    "MXN": [
        ("Desarrollo web (horas)", "850.00", "16"), ("Hospedaje mensual", "1490.00", "16"),
        ("Auditoría de procesos", "18500.00", "16"), ("Licencia anual de software", "24900.00", "16"),
        ("Capacitación presencial (día)", "9800.00", "16"), ("Soporte mensual", "4200.00", "16"),
    ],
}
_NOTES = {
    "USD": "Payment by bank transfer, please quote the invoice number.",
    "BRL": "Pagamento por PIX ou transferência; informe o número da fatura.",
    "MXN": "Pago por transferencia SPEI; indique el número de factura.",
}
_CURRENCY_OF_PHONE = {"+55": "BRL", "+52": "MXN"}
# How many invoices of each kind: issued ones are issued, then paid, cancelled, or left to fall due.
_PLAN = ["paid"] * 9 + ["issued"] * 6 + ["overdue"] * 5 + ["draft"] * 3 + ["cancelled"] * 2
_REASONS = ["The customer cancelled the order.", "Billed twice by mistake: replaced by a new invoice."]


def invoicing_demo_load(*, actor: User, team: list[User]) -> None:
    rng = random.Random(12)  # the same demo every time
    # The customers the sales team is working with first (they have phones: their country shows),
    # then those the history converted.
    contacts = sorted(Contact.objects.all(), key=lambda contact: (not contact.phone, contact.pk))[:12]
    if not contacts:
        return
    today = timezone.localdate()
    for index, kind in enumerate(_PLAN):
        customer = contacts[index % len(contacts)]
        currency = next(
            (code for prefix, code in _CURRENCY_OF_PHONE.items() if customer.phone.startswith(prefix)), "USD"
        )
        issue_date = _issue_date(kind, today, rng)
        invoice = services.invoice_create(
            actor=rng.choice(team) if team else actor, customer=customer, issue_date=issue_date,
            due_date=issue_date + timedelta(days=rng.choice([15, 30, 30, 45])), currency=currency,
            items=_items(currency, rng), invoice_discount=Decimal(0),
            notes="" if rng.random() < 0.6 else _NOTES[currency],
        )
        if kind == "draft":
            continue
        services.invoice_issue(actor=actor, invoice=invoice)
        if kind == "paid":
            paid_on = min(today, invoice.due_date - timedelta(days=rng.randint(0, 10)))
            paid_at = min(timezone.now(), timezone.make_aware(datetime.combine(paid_on, time(rng.randint(9, 17)))))
            services.invoice_mark_paid(actor=actor, invoice=invoice, method="bank_transfer", paid_at=paid_at)
        elif kind == "cancelled":
            services.invoice_cancel(actor=actor, invoice=invoice, reason=_REASONS[index % len(_REASONS)])
    services.invoices_mark_overdue()  # the overdue ones, as the hourly task would have found them


def _issue_date(kind: str, today, rng):
    """Overdue invoices were due before today; the others fall due today or later."""
    if kind == "overdue":
        return today - timedelta(days=rng.randint(50, 80))
    if kind == "paid":
        return today - timedelta(days=rng.randint(20, 90))
    return today - timedelta(days=rng.randint(0, 12))


def _items(currency: str, rng) -> list[dict]:
    chosen = rng.sample(_CATALOG[currency], k=rng.randint(1, 4))
    items = []
    for description, price, rate in chosen:
        hours = "hour" in description or "horas" in description
        quantity = Decimal(rng.choice([8, 12, 20, 40])) if hours else Decimal(rng.choice([1, 1, 1, 2, 3]))
        discount = Decimal(price) if rng.random() < 0.15 else Decimal(0)  # one unit off, now and then
        items.append({
            "description": description, "quantity": quantity, "unit_price": Decimal(price),
            "discount": discount if quantity > 1 else Decimal(0), "tax_rate": Decimal(rate),
        })
    return items
