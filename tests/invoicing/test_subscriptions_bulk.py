"""The billing run bills a chunk of due subscriptions in bulk: what it makes is exactly what
billing them one by one through invoice_create and invoice_issue makes (the invoices, their items
and numbers, their receivables in finance, the periods, the next billing dates, every event and
audit entry), and its numbers are one consecutive reservation that a rollback gives back. Where
the company's country has a fiscal step, the run issues one by one through it."""

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import transaction

from modules.core.numbering import sequence_next, sequence_next_many
from modules.events.models import AuditEntry, Event
from modules.invoicing import subscriptions
from modules.invoicing.fiscal import FiscalResult, fiscal_issuer, fiscal_issuer_register
from modules.invoicing.models import FiscalSettings, Invoice, InvoiceItem, Subscription, SubscriptionPeriod

from .conftest import company_in, item
from .test_subscriptions_api import subscribe

TODAY = date(2026, 3, 15)
NOW = datetime(2026, 3, 15, 15, tzinfo=UTC)
TIMES = ("created_at", "updated_at", "issued_at", "paid_at", "cancelled_at")


def twins(invoicing) -> tuple[list[int], list[int]]:
    """The same subscriptions twice over, on customers alike: caught up from January, quarterly,
    a customer in Brazil (Portuguese invoices), a currency without cents, one ending in February."""
    kinds = [
        {"started_at": date(2026, 1, 1), "billing_day": 1},
        {"started_at": date(2025, 12, 10), "billing_day": 10, "billing_cycle": "quarterly",
         "amount": Decimal("250.50")},
        {"started_at": date(2026, 2, 5), "billing_day": 5, "phone": "+55 11 91234-5678", "currency": "BRL"},
        {"started_at": date(2026, 3, 15), "billing_day": 15, "currency": "CLP", "amount": Decimal("45000")},
        {"started_at": date(2026, 1, 20), "billing_day": 20, "ending": True},
    ]
    sides = ([], [])
    for number, original in enumerate(kinds):
        for side, ids in enumerate(sides):
            kind = dict(original)
            customer = invoicing.customer(
                name="Bia Souza", email=f"bia{number}-{side}@example.com", phone=kind.pop("phone", "")
            )
            ending = kind.pop("ending", False)
            subscription = subscribe(invoicing, customer=customer, **kind)
            if ending:
                invoicing.run(lambda subscription=subscription: subscriptions.subscriptions_chunk_bill(
                    [subscription.pk], date(2026, 1, 20)
                ))
                invoicing.run(lambda subscription=subscription: subscriptions.subscription_cancel(
                    actor=None, subscription=Subscription.objects.get(pk=subscription.pk), cancel_at="end_of_period"
                ))
            ids.append(subscription.pk)
    return sides


def one_by_one(ids: list[int]) -> None:
    """Each period through invoice_create and invoice_issue, as before the bulk path."""
    while subscriptions.subscriptions_chunk_bill(ids, TODAY, through_services=True)[1]:
        pass


def in_bulk(ids: list[int]) -> None:
    while subscriptions.subscriptions_chunk_bill(ids, TODAY)[1]:
        pass


def normal(value, ids: dict):
    """A payload with its own ids named for what they are and its moments as whether they are set."""
    if isinstance(value, dict):
        return {
            key: (bool(inner) if key in TIMES else ids.get((key, inner), inner) if key.endswith("id")
                  else normal(inner, ids.get("items", ids)) if key == "items" else normal(inner, ids))
            for key, inner in value.items()
        }
    if isinstance(value, list):
        return [normal(inner, ids) for inner in value]
    if isinstance(value, str):
        return re.sub(r"INV-\d{4}-\d{3}", "<number>", value)
    return value


def history(aggregate_type: str, pk: int, ids: dict) -> list[tuple]:
    events = Event.objects.filter(aggregate_type=aggregate_type, aggregate_id=pk).order_by("aggregate_version")
    audit = AuditEntry.objects.filter(aggregate_type=aggregate_type, aggregate_id=pk).order_by("id")
    return [
        (event.name, event.aggregate_version, event.actor_id, normal(event.payload, ids), normal(event.changes, ids))
        for event in events
    ] + [("audit", entry.action, entry.fields, entry.actor_id) for entry in audit]


def outcome(subscription_id: int) -> dict:
    subscription = Subscription.objects.get(pk=subscription_id)
    ids = {("id", subscription.pk): "<subscription>", ("customer_id", subscription.customer_id): "<customer>"}
    periods = []
    for period in SubscriptionPeriod.objects.filter(subscription=subscription).select_related(
        "invoice__receivable"
    ).order_by("period_start"):
        invoice, receivable = period.invoice, period.invoice.receivable
        items = list(invoice.items.all())
        local = {**ids, ("id", invoice.pk): "<invoice>", ("invoice_id", invoice.pk): "<invoice>",
                 ("receivable_id", receivable.pk): "<receivable>"}
        # An item's id in the invoice's payload: "items" holds the ids within them.
        local["items"] = {**local, **{("id", line.pk): "<item>" for line in items}}
        periods.append({
            "period": (period.period_start, period.period_end),
            "invoice": normal({
                field.attname: getattr(invoice, field.attname) for field in Invoice._meta.concrete_fields
            }, local),
            "items": [{field.attname: getattr(line, field.attname) for field in InvoiceItem._meta.concrete_fields
                       if field.attname not in ("id", "invoice_id")} for line in items],
            "receivable": normal({
                field.attname: getattr(receivable, field.attname) for field in receivable._meta.concrete_fields
                if field.attname != "search_document"
            }, {**local, ("id", receivable.pk): "<receivable>"}),
            "invoice events": history("invoice", invoice.pk, local),
            "receivable events": history("account", receivable.pk, {**local, ("id", receivable.pk): "<receivable>"}),
        })
    billed = SubscriptionPeriod.objects.filter(subscription=subscription).order_by("period_start")
    invoice_ids = billed.values_list("invoice_id", flat=True)
    ids.update({("invoice_id", pk): f"<invoice {n}>" for n, pk in enumerate(invoice_ids)})
    return {
        "subscription": (subscription.status, subscription.next_billing_date, bool(subscription.cancelled_at)),
        "periods": periods,
        "events": history("subscription", subscription.pk, ids),
    }


def test_a_chunk_billed_in_bulk_is_what_billing_one_by_one_through_the_services_makes(invoicing_a, clock):
    clock(NOW)
    singles, bulk = twins(invoicing_a)

    invoicing_a.run(lambda: one_by_one(singles))
    invoicing_a.run(lambda: in_bulk(bulk))

    single_outcomes = invoicing_a.run(lambda: [outcome(pk) for pk in singles])
    bulk_outcomes = invoicing_a.run(lambda: [outcome(pk) for pk in bulk])
    assert bulk_outcomes == single_outcomes
    # What the comparison holds: each kind's periods and the receivable of each.
    assert [len(result["periods"]) for result in bulk_outcomes] == [3, 2, 2, 1, 1]
    assert [result["subscription"][0] for result in bulk_outcomes] == ["active"] * 4 + ["cancelled"]
    brazilian = bulk_outcomes[2]["periods"][0]
    assert (brazilian["invoice"]["language"], brazilian["receivable"]["amount"]) == ("pt-br", Decimal("79.00"))
    assert [event[0] for event in bulk_outcomes[0]["periods"][0]["invoice events"]] == [
        "invoice.created", "invoice.issued", "audit", "audit",
    ]


def test_a_chunks_numbers_are_consecutive_in_the_subscriptions_order_and_the_next_invoice_follows(
    invoicing_a, clock
):
    clock(NOW)
    ids = [subscribe(invoicing_a, started_at=date(2026, 3, 1)).pk for _ in range(4)]
    first = invoicing_a.issued(issue_date=date(2026, 3, 2), due_date=date(2026, 3, 30))

    invoicing_a.run(lambda: in_bulk(ids))
    after = invoicing_a.issued(issue_date=date(2026, 3, 3), due_date=date(2026, 3, 30))

    numbers = invoicing_a.query(lambda: [
        SubscriptionPeriod.objects.select_related("invoice").get(subscription_id=pk).invoice.number for pk in ids
    ])
    assert [first.number, *numbers, after.number] == [f"INV-2026-{n:03d}" for n in range(1, 7)]


def test_a_chunk_that_rolls_back_gives_its_numbers_back(invoicing_a, clock):
    clock(NOW)
    ids = [subscribe(invoicing_a, started_at=date(2026, 3, 1)).pk for _ in range(3)]

    class Refused(Exception):
        pass

    def refused_run():
        with transaction.atomic():
            in_bulk(ids)
            raise Refused

    with pytest.raises(Refused):
        invoicing_a.run(refused_run)

    assert invoicing_a.query(Invoice.objects.count) == 0
    assert invoicing_a.invoice(issue_date=date(2026, 3, 1), due_date=date(2026, 3, 9)).number == "INV-2026-001"


@pytest.mark.django_db
def test_a_reservation_is_the_next_numbers_and_a_single_number_follows_it(team_a):
    with transaction.atomic():
        assert sequence_next("test:many") == 1
        assert list(sequence_next_many("test:many", 3)) == [2, 3, 4]
        assert sequence_next("test:many") == 5


@pytest.fixture
def brazils_issuer_seeing():
    """Brazil's issuer stands in for SEFAZ: it numbers each invoice it is handed in `seen`."""
    seen, registered = [], fiscal_issuer("BR")

    def issue(invoice):
        seen.append(invoice.number)
        return FiscalResult(nfe_number=f"{len(seen):06d}", nfe_status="authorized")

    fiscal_issuer_register("BR", issue)
    yield seen
    fiscal_issuer_register("BR", registered)


def test_where_the_company_issues_fiscal_documents_the_run_issues_one_by_one_through_them(
    invoicing_a, team_a, clock, brazils_issuer_seeing
):
    clock(NOW)
    invoicing_a.run(lambda: company_in(team_a, country="BR", tax_id="11222333000181"))
    invoicing_a.run(lambda: FiscalSettings.objects.create(enabled=True))
    for _ in range(2):
        subscribe(invoicing_a, started_at=date(2026, 3, 1), currency="BRL")

    billed = invoicing_a.run(subscriptions.subscriptions_bill)
    seen = brazils_issuer_seeing

    assert billed == 2
    assert invoicing_a.query(lambda: sorted(Invoice.objects.values_list("number", "nfe_number", "nfe_status"))) == [
        ("INV-2026-001", "000001", "authorized"), ("INV-2026-002", "000002", "authorized"),
    ]
    assert seen == ["INV-2026-001", "INV-2026-002"]


def test_a_brazilian_company_without_fiscal_documents_turned_on_is_billed_in_bulk(
    invoicing_a, team_a, clock, brazils_issuer_seeing
):
    clock(NOW)
    invoicing_a.run(lambda: company_in(team_a, country="BR", tax_id="11222333000181"))
    subscribe(invoicing_a, started_at=date(2026, 3, 1), currency="BRL")

    assert invoicing_a.run(subscriptions.subscriptions_bill) == 1
    assert brazils_issuer_seeing == []
    assert invoicing_a.query(lambda: list(Invoice.objects.values_list("number", "status", "nfe_status"))) == [
        ("INV-2026-001", "issued", ""),
    ]


def test_an_invoice_made_by_the_services_alongside_is_untouched(invoicing_a, clock):
    """A draft somebody is writing keeps its number and stays a draft while the run bills."""
    clock(NOW)
    draft = invoicing_a.invoice(issue_date=date(2026, 3, 1), due_date=date(2026, 3, 9), items=[item()])
    subscribe(invoicing_a, started_at=date(2026, 3, 1))

    assert invoicing_a.run(subscriptions.subscriptions_bill) == 1
    assert invoicing_a.fresh(draft).status == "draft"
    assert invoicing_a.query(lambda: sorted(Invoice.objects.values_list("number", "status"))) == [
        ("INV-2026-001", "draft"), ("INV-2026-002", "issued"),
    ]
