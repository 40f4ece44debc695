"""One workspace's records for every report type, and what each report holds, computed by hand."""

import io
import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django_tenants.utils import tenant_context

from modules.finance.models import BankAccount, Transaction


def at(day: date, hour: int, zone) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=zone)


NOVEMBER = {"start_date": "2025-11-01", "end_date": "2025-11-30"}
URL = "/api/v1/analytics/reports/"


@pytest.fixture
def seeded(books, team_a):
    """Sales of two products to two customers, open receivables of every age, a bank account's
    lines, leads from two sources, deals at three stages, time on two projects, stock of two products."""
    books.company(timezone="America/Sao_Paulo", default_currency="USD")
    zone = books.zone()
    widget = books.product("W-1", "Widget", stock="10", average_cost="12.5")
    gadget = books.product("G-1", "Gadget", stock="4", average_cost="20")
    books.product("OLD-1", "Retired", stock="3", average_cost="1")
    books.query(lambda: type(widget).objects.filter(sku="OLD-1").update(is_active=False))
    ana = books.customer("Ana Souza", "ana@example.com")
    bruno = books.customer("Bruno Lima", "bruno@example.com")
    books.invoice("250.00", date(2025, 11, 5), customer=ana, items=[(widget, "2", "200.00"), (gadget, "1", "50.00")])
    books.invoice("100.00", date(2025, 11, 6), status="paid", customer=bruno, items=[(widget, "1", "100.00")])
    books.invoice("500.00", date(2025, 11, 7), status="draft", customer=ana, items=[(widget, "5", "500.00")])
    books.invoice("70.00", date(2025, 10, 30), customer=ana, items=[(widget, "1", "70.00")])
    books.invoice("90.00", date(2025, 11, 8), currency="BRL", customer=bruno, items=[(gadget, "1", "90.00")])

    today = books.today()
    books.receivable("100.00", today + timedelta(days=10), customer=ana)
    books.receivable("200.00", today - timedelta(days=10), customer=ana)
    books.receivable("300.00", today - timedelta(days=45), customer=bruno)
    books.receivable("400.00", today - timedelta(days=100))

    with tenant_context(team_a.tenant):
        bank = BankAccount.objects.create(name="Checking", account_number="1", currency="USD",
                                          opening_balance=Decimal("1000.00"))
        for day, amount, kind in ((date(2025, 11, 2), "500.00", "credit"), (date(2025, 11, 3), "200.00", "debit")):
            Transaction.objects.create(bank_account=bank, date=day, description="Line", amount=Decimal(amount),
                                       type=kind, dedupe_key=uuid.uuid4().hex)

    for status in ("new", "contacted", "converted"):
        books.lead(at(date(2025, 11, 3), 10, zone), status=status, source="website")
    books.lead(at(date(2025, 11, 4), 10, zone), status="converted", source="referral")
    books.lead(at(date(2025, 10, 4), 10, zone), source="ads")

    books.deal("1000.00", "prospect", probability=10, at=at(date(2025, 11, 3), 10, zone))
    books.deal("2000.00", "proposal", probability=50, at=at(date(2025, 11, 3), 10, zone))
    books.deal("500.00", "proposal", probability=50, at=at(date(2025, 11, 4), 10, zone))
    books.deal("300.00", "closed_won", probability=100, at=at(date(2025, 11, 5), 10, zone))
    books.deal("999.00", "negotiation", at=at(date(2025, 10, 5), 10, zone))

    books.hours("Website", "2.5", date(2025, 11, 3))
    books.hours("Website", "1.5", date(2025, 11, 4), user=team_a.manager)
    books.hours("Mobile app", "3", date(2025, 11, 5))
    books.hours("Mobile app", "8", date(2025, 10, 5))
    return books


# What each report's CSV holds for `seeded` in November: header, then rows.
EXPECTED = {
    "sales_by_product": [
        ["SKU", "Product", "Quantity sold", "Revenue", "Invoices"],
        ["W-1", "Widget", "3", "300.00", "2"],
        ["G-1", "Gadget", "1", "50.00", "1"],
    ],
    "sales_by_customer": [
        ["Customer", "Email", "Invoices", "Invoiced", "Paid", "Last invoice"],
        ["Ana Souza", "ana@example.com", "1", "250.00", "0.00", "2025-11-05"],
        ["Bruno Lima", "bruno@example.com", "1", "100.00", "100.00", "2025-11-06"],
    ],
    "receivables_aging": [
        ["Customer", "Not yet due", "1–30 days late", "31–60 days late", "61–90 days late", "Over 90 days late",
         "Total"],
        ["", "0.00", "0.00", "0.00", "0.00", "400.00", "400.00"],
        ["Ana Souza", "100.00", "200.00", "0.00", "0.00", "0.00", "300.00"],
        ["Bruno Lima", "0.00", "0.00", "300.00", "0.00", "0.00", "300.00"],
    ],
    "cash_flow": [
        ["Period from", "Money in", "Money out", "Balance"],
        ["2025-11-01", "0.00", "0.00", "1000.00"],
        ["2025-11-02", "500.00", "0.00", "1500.00"],
        ["2025-11-03", "0.00", "200.00", "1300.00"],
    ] + [[f"2025-11-{day:02d}", "0.00", "0.00", "1300.00"] for day in range(4, 31)],
    "leads_by_source": [
        ["Source", "Leads", "Converted", "Conversion rate (%)"],
        ["Website", "3", "1", "33.3"],
        ["Referral", "1", "1", "100"],
    ],
    "pipeline": [
        ["Stage", "Deals", "Value", "Weighted value"],
        ["Prospect", "1", "1000.00", "100.00"],
        ["Proposal", "2", "2500.00", "1250.00"],
        ["Won", "1", "300.00", "300.00"],
    ],
    "time_by_project": [
        ["Project", "Hours", "Time entries", "People"],
        ["Website", "4", "2", "2"],
        ["Mobile app", "3", "1", "1"],
    ],
    "stock_valuation": [
        ["SKU", "Product", "Stock", "Average cost", "Value"],
        ["W-1", "Widget", "10", "12.50", "125.00"],
        ["G-1", "Gadget", "4", "20.00", "80.00"],
    ],
}


def download(client, team, url: str):
    """The file a download link opens, asked on `team`'s host."""
    return client.get(urlsplit(url).path, HTTP_HOST=team.host)


def content(response) -> bytes:
    return b"".join(response.streaming_content)


def as_file(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)
