"""The cash flow's figures (modules/finance/cashflow.py): realised sums and balances by day, week
and month, the projection of open accounts with each customer's lateness, one currency and one
bank account at a time, and the ranges it refuses.

`Books` writes bank accounts, statement lines, accounts and customers straight to the tables
(the finance services are another part's); the API and page tests use it too."""

import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from modules.core.exceptions import DomainError
from modules.crm.models import Contact
from modules.finance.cashflow import Projected, Realised, cash_flow
from modules.finance.models import Account, AccountStatus, AccountType, BankAccount, Transaction, TransactionType
from modules.tenancy.models import CompanyProfile
from modules.tenancy.scope import tenant_scope


class Books:
    """One team's bank accounts, statement lines, payables, receivables and customers."""

    def __init__(self, team):
        self.team = team

    def bank(self, *, opening: str = "0.00", currency: str = "USD", name: str = "Checking") -> BankAccount:
        with tenant_context(self.team.tenant):
            return BankAccount.objects.create(
                name=name, account_number=uuid.uuid4().hex[:12], currency=currency, opening_balance=Decimal(opening)
            )

    def line(self, bank: BankAccount, day: date, amount: str, type: str = TransactionType.CREDIT) -> Transaction:
        with tenant_context(self.team.tenant):
            return Transaction.objects.create(
                bank_account=bank, date=day, description="Statement line", amount=Decimal(amount), type=type,
                dedupe_key=uuid.uuid4().hex,
            )

    def customer(self, name: str) -> Contact:
        with tenant_context(self.team.tenant):
            return Contact.objects.create(name=name, email=f"{uuid.uuid4().hex[:10]}@example.com")

    def account(
        self, type: str, amount: str, due: date, *, currency: str = "USD", paid: str = "0.00",
        status: str = AccountStatus.PENDING, customer: Contact | None = None, paid_at: datetime | None = None,
    ) -> Account:
        with tenant_context(self.team.tenant):
            return Account.objects.create(
                type=type, name=f"{type} {amount}", amount=Decimal(amount), paid_amount=Decimal(paid),
                currency=currency, due_date=due, status=status, customer=customer, paid_at=paid_at,
            )

    def receivable(self, amount: str, due: date, **fields) -> Account:
        return self.account(AccountType.RECEIVABLE, amount, due, **fields)

    def payable(self, amount: str, due: date, **fields) -> Account:
        return self.account(AccountType.PAYABLE, amount, due, **fields)

    def paid_receivable(self, customer: Contact, due: date, paid_on: date) -> Account:
        """A receivable the customer paid in full on `paid_on` (at noon, in the company's zone)."""
        paid_at = datetime.combine(paid_on, time(12), tzinfo=self.zone())
        return self.receivable(
            "100.00", due, customer=customer, paid="100.00", status=AccountStatus.PAID, paid_at=paid_at
        )

    def zone(self):
        with tenant_scope(self.team.tenant):
            return timezone.get_current_timezone()

    def today(self) -> date:
        with tenant_scope(self.team.tenant):
            return timezone.localdate()

    def company(self, **fields) -> None:
        CompanyProfile.objects.filter(tenant=self.team.tenant).update(**fields)

    def flow(self, start: date, end: date, **options):
        with tenant_scope(self.team.tenant):
            return cash_flow(start=start, end=end, **options)


@pytest.fixture
def books(team_a) -> Books:
    return Books(team_a)


def realised(day: date, inflow: str, outflow: str, balance: str) -> Realised:
    return Realised(day, Decimal(inflow), Decimal(outflow), Decimal(balance))


def projected(day: date, inflow: str, outflow: str, balance: str) -> Projected:
    return Projected(day, Decimal(inflow), Decimal(outflow), Decimal(balance))


# --- Realised -----------------------------------------------------------------------------------------


def test_every_day_of_the_range_has_its_money_and_the_balance_from_the_opening_one(books):
    checking = books.bank(opening="1000.00")
    books.line(checking, date(2024, 12, 20), "500.00")  # before the range: in the first balance
    books.line(checking, date(2025, 1, 2), "200.00")
    books.line(checking, date(2025, 1, 2), "50.00", TransactionType.DEBIT)
    books.line(checking, date(2025, 1, 4), "30.00", TransactionType.DEBIT)
    books.line(checking, date(2025, 1, 6), "999.00")  # after the range

    flow = books.flow(date(2025, 1, 1), date(2025, 1, 5))

    assert flow.data == [
        realised(date(2025, 1, 1), "0", "0", "1500.00"),
        realised(date(2025, 1, 2), "200.00", "50.00", "1650.00"),
        realised(date(2025, 1, 3), "0", "0", "1650.00"),
        realised(date(2025, 1, 4), "0", "30.00", "1620.00"),
        realised(date(2025, 1, 5), "0", "0", "1620.00"),
    ]
    assert flow.currency == "USD"
    assert flow.projection == []


def test_weeks_start_on_monday_and_the_first_counts_from_the_ranges_start(books):
    checking = books.bank(opening="100.00")
    books.line(checking, date(2024, 12, 30), "40.00")  # Monday of the first week, before the range
    books.line(checking, date(2025, 1, 1), "10.00")  # Wednesday
    books.line(checking, date(2025, 1, 5), "5.00", TransactionType.DEBIT)  # Sunday
    books.line(checking, date(2025, 1, 6), "20.00")  # Monday
    books.line(checking, date(2025, 1, 14), "7.00")  # Tuesday, the range's last day
    books.line(checking, date(2025, 1, 15), "1000.00")  # the same week, after the range

    flow = books.flow(date(2025, 1, 1), date(2025, 1, 14), granularity="week")

    assert flow.data == [
        realised(date(2024, 12, 30), "10.00", "5.00", "145.00"),
        realised(date(2025, 1, 6), "20.00", "0", "165.00"),
        realised(date(2025, 1, 13), "7.00", "0", "172.00"),
    ]


def test_months_start_on_the_first_and_empty_months_are_there(books):
    checking = books.bank(opening="0.00")
    books.line(checking, date(2024, 11, 20), "300.00")
    books.line(checking, date(2024, 11, 25), "100.00", TransactionType.DEBIT)
    books.line(checking, date(2025, 2, 3), "50.00")

    flow = books.flow(date(2024, 11, 15), date(2025, 2, 10), granularity="month")

    assert flow.data == [
        realised(date(2024, 11, 1), "300.00", "100.00", "200.00"),
        realised(date(2024, 12, 1), "0", "0", "200.00"),
        realised(date(2025, 1, 1), "0", "0", "200.00"),
        realised(date(2025, 2, 1), "50.00", "0", "250.00"),
    ]


def test_without_a_bank_account_every_day_is_zero(books):
    flow = books.flow(date(2025, 3, 1), date(2025, 3, 3))

    assert flow.data == [realised(date(2025, 3, day), "0", "0", "0") for day in (1, 2, 3)]


# --- One currency, one bank account ---------------------------------------------------------------


def test_only_the_bank_accounts_in_the_currency_count_by_default_the_companys(books):
    checking = books.bank(opening="100.00", currency="USD")
    savings = books.bank(opening="50.00", currency="USD", name="Savings")
    reais = books.bank(opening="7000.00", currency="BRL", name="Itaú")
    books.line(checking, date(2025, 5, 1), "10.00")
    books.line(savings, date(2025, 5, 1), "5.00")
    books.line(reais, date(2025, 5, 1), "800.00")

    in_dollars = books.flow(date(2025, 5, 1), date(2025, 5, 1))
    in_reais = books.flow(date(2025, 5, 1), date(2025, 5, 1), currency="BRL")

    assert in_dollars.data == [realised(date(2025, 5, 1), "15.00", "0", "165.00")]
    assert (in_reais.currency, in_reais.data) == ("BRL", [realised(date(2025, 5, 1), "800.00", "0", "7800.00")])


def test_a_brazilian_companys_cash_flow_is_in_reais_unless_asked_otherwise(books):
    books.company(country="BR", default_currency="BRL")
    books.bank(opening="7000.00", currency="BRL")
    books.bank(opening="100.00", currency="USD")

    flow = books.flow(date(2025, 5, 1), date(2025, 5, 1))

    assert (flow.currency, flow.data) == ("BRL", [realised(date(2025, 5, 1), "0", "0", "7000.00")])


def test_one_bank_accounts_flow_is_its_own_lines_in_its_own_currency(books):
    checking = books.bank(opening="100.00")
    reais = books.bank(opening="7000.00", currency="BRL", name="Itaú")
    books.line(checking, date(2025, 5, 1), "10.00")
    books.line(reais, date(2025, 5, 1), "800.00")
    books.line(reais, date(2025, 5, 2), "300.00", TransactionType.DEBIT)

    flow = books.flow(date(2025, 5, 1), date(2025, 5, 2), bank_account=reais)

    assert flow.currency == "BRL"
    assert flow.data == [
        realised(date(2025, 5, 1), "800.00", "0", "7800.00"), realised(date(2025, 5, 2), "0", "300.00", "7500.00")
    ]


def test_a_bank_account_is_not_shown_in_another_currency(books):
    reais = books.bank(currency="BRL")

    with pytest.raises(DomainError) as refusal:
        books.flow(date(2025, 5, 1), date(2025, 5, 2), bank_account=reais, currency="USD")

    assert refusal.value.field == "currency"
    assert "BRL" in refusal.value.message


# --- Projection -----------------------------------------------------------------------------------------


def test_the_projection_starts_from_todays_balance_and_expects_what_is_overdue_today(books):
    today = books.today()
    checking = books.bank(opening="1000.00")
    books.line(checking, today - timedelta(days=3), "200.00")
    books.line(checking, today, "50.00", TransactionType.DEBIT)
    books.receivable("300.00", today - timedelta(days=5))  # overdue: expected today
    books.receivable("80.00", today - timedelta(days=1), status=AccountStatus.OVERDUE, paid="30.00")  # 50 left
    books.payable("120.00", today + timedelta(days=2))
    books.receivable("400.00", today + timedelta(days=3), currency="BRL")  # another currency
    books.receivable("500.00", today + timedelta(days=1), status=AccountStatus.PAID, paid="500.00")
    books.payable("600.00", today + timedelta(days=1), status=AccountStatus.CANCELLED)
    books.receivable("700.00", today + timedelta(days=30))  # after the range

    flow = books.flow(today - timedelta(days=1), today + timedelta(days=3), projection=True)

    assert flow.data[:2] == [
        realised(today - timedelta(days=1), "0", "0", "1200.00"), realised(today, "0", "50.00", "1150.00")
    ]
    assert flow.projection == [
        projected(today, "350.00", "0", "1500.00"),
        projected(today + timedelta(days=1), "0", "0", "1500.00"),
        projected(today + timedelta(days=2), "0", "120.00", "1380.00"),
        projected(today + timedelta(days=3), "0", "0", "1380.00"),
    ]


def test_a_range_that_starts_later_carries_what_is_expected_before_it(books):
    today = books.today()
    books.bank(opening="1000.00")
    books.receivable("100.00", today + timedelta(days=2))  # before the range
    books.payable("40.00", today + timedelta(days=11))

    flow = books.flow(today + timedelta(days=10), today + timedelta(days=12), projection=True)

    assert flow.projection == [
        projected(today + timedelta(days=10), "0", "0", "1100.00"),
        projected(today + timedelta(days=11), "0", "40.00", "1060.00"),
        projected(today + timedelta(days=12), "0", "0", "1060.00"),
    ]


def test_a_range_over_before_today_has_no_projection(books):
    today = books.today()
    books.receivable("100.00", today)

    flow = books.flow(today - timedelta(days=10), today - timedelta(days=1), projection=True)

    assert len(flow.data) == 10
    assert flow.projection == []


def test_the_projection_by_month_starts_with_todays_month(books):
    today = books.today()
    books.bank(opening="10.00")
    books.receivable("100.00", today)
    next_month = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    books.payable("30.00", next_month + timedelta(days=3))

    flow = books.flow(today.replace(day=1) - timedelta(days=40), next_month + timedelta(days=5),
                      granularity="month", projection=True)

    assert flow.projection == [
        projected(today.replace(day=1), "100.00", "0", "110.00"),
        projected(next_month, "0", "30.00", "80.00"),
    ]
    assert [period.date for period in flow.data][-2:] == [today.replace(day=1), next_month]


# --- Lateness ---------------------------------------------------------------------------------------------


def test_a_customer_who_always_pays_ten_days_late_is_expected_ten_days_after_the_due_date(books):
    today = books.today()
    late = books.customer("Always Late Ltd")
    for months_ago in (1, 2, 3):
        due = today - timedelta(days=30 * months_ago + 20)
        books.paid_receivable(late, due, due + timedelta(days=10))
    books.receivable("250.00", today + timedelta(days=2), customer=late)
    books.receivable("90.00", today + timedelta(days=2), customer=books.customer("New Customer"))
    books.payable("60.00", today + timedelta(days=2))

    flow = books.flow(today, today + timedelta(days=14), projection=True)

    moving = {
        period.date - today: period for period in flow.projection if period.expected_inflow + period.expected_outflow
    }
    assert moving == {
        timedelta(days=2): projected(today + timedelta(days=2), "90.00", "60.00", "30.00"),
        timedelta(days=12): projected(today + timedelta(days=12), "250.00", "0", "280.00"),
    }


def test_the_typical_delay_is_the_median_not_the_mean(books):
    today = books.today()
    customer = books.customer("Mostly Late Co")
    for delay in (2, 10, 30):  # mean 14, median 10
        due = today - timedelta(days=90 + delay)
        books.paid_receivable(customer, due, due + timedelta(days=delay))
    books.receivable("100.00", today + timedelta(days=1), customer=customer)

    flow = books.flow(today, today + timedelta(days=20), projection=True)

    assert [period.date - today for period in flow.projection if period.expected_inflow] == [timedelta(days=11)]


def test_a_late_customers_overdue_receivable_is_expected_after_its_usual_delay_an_early_payer_never_before_today(books):
    today = books.today()
    late, early = books.customer("Late Payer"), books.customer("Early Payer")
    books.paid_receivable(late, today - timedelta(days=60), today - timedelta(days=50))  # 10 days late
    books.paid_receivable(early, today - timedelta(days=60), today - timedelta(days=65))  # 5 days early
    books.receivable("100.00", today - timedelta(days=3), customer=late, status=AccountStatus.OVERDUE)
    books.receivable("40.00", today + timedelta(days=2), customer=early)

    flow = books.flow(today, today + timedelta(days=10), projection=True)

    inflows = {period.date - today: period.expected_inflow for period in flow.projection if period.expected_inflow}
    assert inflows == {timedelta(days=0): Decimal("40.00"), timedelta(days=7): Decimal("100.00")}


def test_the_day_a_customer_paid_is_the_companys_day(books):
    """Paid at 01:00 UTC is the evening before in New York: 9 days late there, not 10."""
    books.company(timezone="America/New_York")
    today = books.today()
    customer = books.customer("Night Payer")
    due = today - timedelta(days=40)
    books.receivable("100.00", due, customer=customer, paid="100.00", status=AccountStatus.PAID,
                     paid_at=datetime.combine(due + timedelta(days=10), time(1), tzinfo=UTC))
    books.receivable("100.00", today + timedelta(days=1), customer=customer)

    flow = books.flow(today, today + timedelta(days=20), projection=True)

    assert [period.date - today for period in flow.projection if period.expected_inflow] == [timedelta(days=10)]


# --- Refused ranges -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("start", "end", "granularity", "field", "message"), [
    (date(2025, 2, 1), date(2025, 1, 31), "day", "end_date", "The end date must be on or after the start date."),
    (date(2025, 1, 1), date(2028, 1, 2), "day", "end_date", "A cash flow by day covers at most 3 years"),
    (date(2025, 1, 1), date(2035, 1, 2), "week", "end_date", "A cash flow by week covers at most 10 years"),
    (date(2000, 1, 1), date(2030, 1, 2), "month", "end_date", "A cash flow by month covers at most 30 years"),
    (date(1899, 12, 31), date(1900, 1, 2), "day", "start_date", "Enter a date between the years 1900 and 2199."),
    (date(2199, 12, 1), date(2200, 1, 1), "day", "end_date", "Enter a date between the years 1900 and 2199."),
    (date(2025, 1, 1), date(2025, 1, 2), "year", "granularity", "Choose day, week or month."),
])
def test_it_refuses_ranges_it_does_not_answer(books, start, end, granularity, field, message):
    with pytest.raises(DomainError) as refusal:
        books.flow(start, end, granularity=granularity)

    assert refusal.value.field == field
    assert refusal.value.message.startswith(message)


@pytest.mark.parametrize(("start", "end", "granularity", "periods"), [
    (date(2025, 1, 1), date(2028, 1, 1), "day", 1096),
    (date(2024, 2, 29), date(2027, 2, 28), "day", 1096),
    (date(2025, 1, 1), date(2035, 1, 1), "week", 523),
    (date(2000, 1, 1), date(2030, 1, 1), "month", 361),
])
def test_the_longest_ranges_are_answered(books, start, end, granularity, periods):
    assert len(books.flow(start, end, granularity=granularity).data) == periods
