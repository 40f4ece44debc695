"""Analytics fixtures: the records the figures are read from, written straight into one team's
schema with the dates and statuses a test needs (the modules' own services would date them today)."""

import uuid
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from modules.analytics.models import Report
from modules.crm.models import Contact, Deal, Lead
from modules.finance.models import Account, AccountType
from modules.inventory.models import Product
from modules.invoicing.models import Invoice, InvoiceItem
from modules.projects.models import Project, Task, TimeEntry
from modules.tenancy.models import CompanyProfile
from tests.conftest import Workspace

from .reports_fixtures import seeded  # noqa: F401 (a fixture of the report tests and pages)


class Books(Workspace):
    """One team's invoices, leads, deals, receivables, products and time, as the reports read them."""

    def company(self, **fields) -> None:
        CompanyProfile.objects.filter(tenant=self.team.tenant).update(**fields)

    def zone(self):
        return self.run(timezone.get_current_timezone)

    def customer(self, name: str = "Ana Souza", email: str | None = None) -> Contact:
        email = email or f"{uuid.uuid4().hex[:10]}@example.com"
        return self.query(lambda: Contact.objects.create(name=name, email=email))

    def invoice(self, total: str, day: date, *, status: str = "issued", currency: str = "USD",
                customer: Contact | None = None, items: list[tuple] = ()) -> Invoice:
        customer = customer or self.customer()

        def work():
            invoice = Invoice.objects.create(
                number=f"INV-T-{uuid.uuid4().hex[:10]}", customer=customer, issue_date=day, due_date=day,
                currency=currency, status=status, total=Decimal(total), subtotal=Decimal(total),
            )
            for product, quantity, line_total in items:
                InvoiceItem.objects.create(
                    invoice=invoice, description=product.name, product=product, quantity=Decimal(quantity),
                    unit_price=Decimal(line_total) / Decimal(quantity), total=Decimal(line_total),
                )
            return invoice
        return self.query(work)

    def lead(self, at: datetime, *, status: str = "new", source: str = "website") -> Lead:
        def work():
            lead = Lead.objects.create(name="Lead", email=f"{uuid.uuid4().hex[:10]}@example.com", status=status,
                                       source=source)
            Lead.objects.filter(pk=lead.pk).update(created_at=at)
            return lead
        return self.query(work)

    def deal(self, value: str, stage: str, *, probability: int = 50, currency: str = "USD", at: datetime) -> Deal:
        customer = self.customer()

        def work():
            deal = Deal.objects.create(title="Deal", contact=customer, value=Decimal(value), currency=currency,
                                       stage=stage, probability=probability)
            Deal.objects.filter(pk=deal.pk).update(created_at=at)
            return deal
        return self.query(work)

    def receivable(self, amount: str, due: date, *, paid: str = "0.00", status: str = "pending",
                   currency: str = "USD", customer: Contact | None = None) -> Account:
        return self.query(lambda: Account.objects.create(
            type=AccountType.RECEIVABLE, name="Receivable", amount=Decimal(amount), paid_amount=Decimal(paid),
            currency=currency, due_date=due, status=status, customer=customer,
        ))

    def product(self, sku: str, name: str, *, stock: str = "0", average_cost: str = "0") -> Product:
        return self.query(lambda: Product.objects.create(
            sku=sku, name=name, stock=Decimal(stock), average_cost=Decimal(average_cost),
        ))

    def hours(self, project_name: str, hours: str, day: date, *, user=None) -> TimeEntry:
        def work():
            project = Project.objects.filter(name=project_name).first() or Project.objects.create(
                name=project_name, start_date=date(2025, 1, 1), currency="USD"
            )
            task = Task.objects.create(project=project, title="Work")
            return TimeEntry.objects.create(task=task, user=user or self.team.admin, hours=Decimal(hours), date=day)
        return self.query(work)

    def reports(self) -> list[Report]:
        return self.query(lambda: list(Report.objects.order_by("created_at")))


@pytest.fixture
def books(team_a) -> Books:
    return Books(team_a)


@pytest.fixture(autouse=True)
def files_in_a_temporary_folder(settings, tmp_path):
    """The report files go where the test's other files go, not into the project's media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
