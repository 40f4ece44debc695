"""The demo workspace's ledger: categories, receivables from the CRM's contacts and payables to
named vendors over the last four months and the next two (paid, partly paid, overdue, to come),
two bank accounts and three months of statement lines, some reconciled against those accounts and
a dozen waiting to be, as a bank statement would leave them.

Accounts, categories and bank accounts go through the services (the same events a real workspace
has); statement lines are written as an imported file leaves them, and the payments they carry go
through payments.payment_apply, as reconciling does. Runs inside the demo tenant's schema, after
the CRM's demo (its contacts are the customers).
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from modules.accounts.models import User
from modules.crm.models import Contact

from . import services
from .models import Account, AccountStatus, AccountType, BankAccount, Transaction, TransactionSource, TransactionType
from .payments import payment_apply
from .selectors import company_currency

# name, type, children
_CATEGORIES = [
    ("Sales", "income", ["Product sales", "Services"]),
    ("Consulting", "income", []),
    ("Other income", "income", []),
    ("Payroll", "expense", []),
    ("Rent", "expense", []),
    ("Software", "expense", ["Hosting"]),
    ("Marketing", "expense", []),
    ("Suppliers", "expense", []),
    ("Utilities", "expense", []),
    ("Taxes", "expense", []),
    ("Bank fees", "expense", []),
]
_COLORS = {
    "Sales": "#10b981", "Product sales": "#34d399", "Services": "#059669", "Consulting": "#0ea5e9",
    "Other income": "#84cc16", "Payroll": "#ef4444", "Rent": "#f97316", "Software": "#8b5cf6", "Hosting": "#a78bfa",
    "Marketing": "#ec4899", "Suppliers": "#f59e0b", "Utilities": "#eab308", "Taxes": "#64748b",
    "Bank fees": "#94a3b8",
}

# What each receivable is for, and its category.
_SERVICES = [
    ("Implementation, phase 1", "Services"), ("Annual licence", "Product sales"), ("Training workshop", "Services"),
    ("Quarterly support plan", "Services"), ("Hardware bundle", "Product sales"), ("Process review", "Consulting"),
    ("Data migration", "Consulting"), ("Additional seats", "Product sales"),
]
# vendor, what for, category, usual amount, every month?
_VENDORS = [
    ("Congress Avenue Properties", "Office rent", "Rent", "4200.00", True),
    ("Brightline Payroll", "Payroll", "Payroll", "18500.00", True),
    ("CloudNest Hosting", "Servers and backups", "Hosting", "640.00", True),
    ("Austin Energy", "Electricity", "Utilities", "410.00", True),
    ("PaperTrail Supplies", "Office supplies", "Suppliers", "380.00", False),
    ("AdReach Media", "Online ads campaign", "Marketing", "2500.00", False),
    ("Texas Comptroller", "Sales tax", "Taxes", "3100.00", False),
    ("Harbor Freight Logistics", "Freight", "Suppliers", "1250.00", False),
    ("Keystone Insurance", "Liability insurance", "Suppliers", "890.00", False),
]
# Two bank accounts in the company's currency: the operating account and the reserve.
_BANKS = {
    "BRL": [("Conta Corrente BB", "Banco do Brasil", "001", "1234-5", "45678-9"),
            ("Reserva Itaú", "Itaú Unibanco", "341", "0987", "12345-6")],
    "MXN": [("Cuenta operativa BBVA", "BBVA México", "", "0112", "0123456789"),
            ("Reserva Banorte", "Banorte", "", "0451", "0987654321")],
}
_DEFAULT_BANKS = [("Operating account", "Frost Bank", "", "", "7720-114598"),
                  ("Reserve account", "Frost Bank", "", "", "7720-339021")]
# Everyday lines that settle no account: (description, type, low, high)
_EVERYDAY = [
    ("CARD SALES PAYOUT", TransactionType.CREDIT, 300, 2400),
    ("POS DEPOSIT", TransactionType.CREDIT, 80, 900),
    ("MONTHLY SERVICE FEE", TransactionType.DEBIT, 15, 35),
    ("WIRE FEE", TransactionType.DEBIT, 12, 30),
    ("CARD PURCHASE OFFICE DEPOT", TransactionType.DEBIT, 20, 260),
    ("CARD PURCHASE UBER", TransactionType.DEBIT, 12, 80),
    ("CARD PURCHASE AMAZON MKTPL", TransactionType.DEBIT, 25, 400),
    ("INTEREST PAYMENT", TransactionType.CREDIT, 2, 40),
]
STATEMENT_DAYS = 90
LINES_WANTED = 150
WAITING_LINES = 12


@dataclass
class _Ledger:
    actor: User
    today: date
    rng: random.Random
    currency: str
    operating: BankAccount
    reserve: BankAccount
    lines: int = 0

    def line(self, *, bank_account: BankAccount, day: date, description: str, amount: Decimal,
             type: str) -> Transaction:
        """A statement line as an imported file leaves it."""
        self.lines += 1
        return Transaction.objects.create(
            bank_account=bank_account, date=day, description=description, amount=amount, type=type,
            source=TransactionSource.FILE, dedupe_key=f"demo-{self.lines}",
        )

    def pay(self, account: Account, amount: Decimal, day: date) -> None:
        """Money in or out on `day`: through a reconciled statement line when the bank account's
        statement covers that day and currency, else marked paid by hand."""
        paid_at = timezone.make_aware(datetime.combine(day, time(10)))
        in_statement = account.currency == self.currency and (self.today - day).days < STATEMENT_DAYS
        if not in_statement:
            if amount == account.remaining:
                services.account_mark_paid(
                    actor=self.actor, account=account, paid_at=paid_at, payment_method="bank_transfer"
                )
            else:
                payment_apply(account=account, amount=amount, paid_at=paid_at, method="bank_transfer",
                              actor=self.actor)
            return
        incoming = account.type == AccountType.RECEIVABLE
        words = "DEPOSIT FROM" if incoming else "PAYMENT TO"
        party = account.customer.name if account.customer_id else account.vendor
        line = self.line(
            bank_account=self.operating, day=day, description=f"{words} {party.upper()} {account.reference}",
            amount=amount, type=TransactionType.CREDIT if incoming else TransactionType.DEBIT,
        )
        payment_apply(account=account, amount=amount, paid_at=paid_at, method="bank_transfer", actor=self.actor,
                      transaction=line)
        line.reconciled_amount, line.reconciled, line.matched_account = amount, True, account
        line.save(update_fields=["reconciled_amount", "reconciled", "matched_account"])


def finance_demo_load(*, actor: User, team: list[User]) -> None:
    rng = random.Random(2027)  # the same demo on every machine
    currency = company_currency()
    categories = _categories_make(actor)
    operating, reserve = _bank_accounts_make(actor, currency)
    ledger = _Ledger(actor=actor, today=timezone.localdate(), rng=rng, currency=currency, operating=operating,
                     reserve=reserve)
    people = [actor, *team]
    open_accounts = _receivables_make(ledger, categories, people) + _payables_make(ledger, categories)
    _waiting_lines_make(ledger, open_accounts)
    _everyday_lines_make(ledger)


def _categories_make(actor: User) -> dict:
    made = {}
    for name, kind, children in _CATEGORIES:
        made[name] = services.category_create(actor=actor, name=name, type=kind, color=_COLORS[name])
        for child in children:
            made[child] = services.category_create(
                actor=actor, name=child, type=kind, parent=made[name], color=_COLORS[child]
            )
    return made


def _bank_accounts_make(actor: User, currency: str) -> tuple[BankAccount, BankAccount]:
    banks = _BANKS.get(currency, _DEFAULT_BANKS)
    opening = (Decimal("48000.00"), Decimal("120000.00"))
    return tuple(
        services.bank_account_create(
            actor=actor, name=name, bank=bank, bank_code=code, agency=agency, account_number=number,
            currency=currency, opening_balance=balance,
        )
        for (name, bank, code, agency, number), balance in zip(banks, opening, strict=True)
    )


def _settle(ledger: _Ledger, account: Account, *, late_chance: float) -> bool:
    """Pay a due account in full (on time or a few days late), in part, or not yet; True while it stays open."""
    rng, due = ledger.rng, account.due_date
    if due > ledger.today:
        if rng.random() < 0.12:  # a deposit ahead of the due date
            ledger.pay(account, (account.amount * Decimal("0.3")).quantize(Decimal("0.01")), ledger.today - timedelta(
                days=rng.randint(1, 10)))
        return True
    roll = rng.random()
    if roll < late_chance:
        return True  # overdue
    if roll < late_chance + 0.1:
        ledger.pay(account, (account.amount * Decimal("0.4")).quantize(Decimal("0.01")),
                   min(due + timedelta(days=rng.randint(0, 5)), ledger.today))
        return True  # partly paid, the rest overdue
    ledger.pay(account, account.amount, min(due + timedelta(days=rng.randint(-3, 6)), ledger.today))
    return False


def _receivables_make(ledger: _Ledger, categories: dict, people: list[User]) -> list[Account]:
    """Forty invoices to the CRM's customers, due every four or five days from four months ago to
    two months ahead; customers at a Brazilian or Mexican address are billed in their currency."""
    rng, open_accounts = ledger.rng, []
    customers = list(Contact.objects.order_by("pk")) or [None]
    first_due = ledger.today - timedelta(days=120)
    for number in range(40):
        customer = customers[number % len(customers)]
        what, category = _SERVICES[number % len(_SERVICES)]
        domain = customer.email.rsplit(".", 1)[-1] if customer else ""
        currency = {"br": "BRL", "mx": "MXN"}.get(domain, ledger.currency)
        account = services.account_create(
            actor=ledger.actor, type=AccountType.RECEIVABLE, name=what, category=categories[category],
            amount=Decimal(rng.randrange(800, 12000, 50)), currency=currency,
            due_date=first_due + timedelta(days=number * 9 // 2 + rng.randint(0, 2)),
            customer=customer, reference=f"INV-{ledger.today.year}-{number + 101:03}",
            assigned_to=people[number % len(people)],
        )
        if _settle(ledger, account, late_chance=0.2):
            open_accounts.append(account)
    return open_accounts


def _payables_make(ledger: _Ledger, categories: dict) -> list[Account]:
    """The monthly bills (rent, payroll, hosting, power) of three months back to two ahead, and a few others."""
    rng, open_accounts, bills = ledger.rng, [], []
    month = ledger.today.replace(day=1)
    months = [(month - timedelta(days=28 * back)).replace(day=1) for back in range(3, 0, -1)]
    months += [month, (month + timedelta(days=32)).replace(day=1), (month + timedelta(days=63)).replace(day=1)]
    for vendor, what, category, usual, monthly in _VENDORS:
        if monthly:
            bills += [(vendor, what, category, usual, start + timedelta(days=9)) for start in months]
        else:
            bills.append((vendor, what, category, usual, ledger.today + timedelta(days=rng.randint(-110, 50))))
    for number, (vendor, what, category, usual, due) in enumerate(sorted(bills, key=lambda bill: bill[4])):
        amount = Decimal(usual) * Decimal(rng.randint(92, 108)) / 100
        account = services.account_create(
            actor=ledger.actor, type=AccountType.PAYABLE, name=what, vendor=vendor, category=categories[category],
            amount=amount.quantize(Decimal("0.01")), currency=ledger.currency, due_date=due,
            reference=f"BILL-{5500 + number * 7}",
        )
        if _settle(ledger, account, late_chance=0.08):
            open_accounts.append(account)
    return open_accounts


def _waiting_lines_make(ledger: _Ledger, open_accounts: list[Account]) -> None:
    """A dozen recent lines that settle open accounts, by their amount and reference, and that
    nobody has reconciled yet: what the reconciliation screen suggests."""
    candidates = [
        account for account in open_accounts
        if account.currency == ledger.currency and account.status != AccountStatus.PAID and not account.paid_amount
    ]
    for account in ledger.rng.sample(candidates, min(WAITING_LINES, len(candidates))):
        incoming = account.type == AccountType.RECEIVABLE
        party = account.customer.name if account.customer_id else account.vendor
        ledger.line(
            bank_account=ledger.operating, day=ledger.today - timedelta(days=ledger.rng.randint(0, 10)),
            description=f"{'DEPOSIT FROM' if incoming else 'PAYMENT TO'} {party.upper()} {account.reference}",
            amount=account.remaining, type=TransactionType.CREDIT if incoming else TransactionType.DEBIT,
        )


def _everyday_lines_make(ledger: _Ledger) -> None:
    """Card payouts, fees and small purchases until the statement has about LINES_WANTED lines,
    and a monthly transfer to the reserve account."""
    rng = ledger.rng
    for back in (75, 45, 15):
        day = ledger.today - timedelta(days=back)
        amount = Decimal("5000.00")
        ledger.line(bank_account=ledger.operating, day=day, description="TRANSFER TO RESERVE", amount=amount,
                    type=TransactionType.DEBIT)
        ledger.line(bank_account=ledger.reserve, day=day, description="TRANSFER FROM OPERATING", amount=amount,
                    type=TransactionType.CREDIT)
    while ledger.lines < LINES_WANTED:
        description, kind, low, high = rng.choice(_EVERYDAY)
        ledger.line(
            bank_account=ledger.operating, day=ledger.today - timedelta(days=rng.randint(0, STATEMENT_DAYS - 1)),
            description=description, amount=Decimal(rng.randint(low * 100, high * 100)) / 100, type=kind,
        )
