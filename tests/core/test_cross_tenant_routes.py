"""Every route of a workspace that names a record, API and pages alike, generated from the URL
configuration: another workspace's admin gets "not found" for our records, and nothing of ours
changes. A new route that names a record fails here until it says which record it names."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.forms.models import model_to_dict
from django.urls import get_resolver
from django.urls.resolvers import URLResolver
from django_tenants.utils import tenant_context

from modules.accounts.models import User
from modules.analytics.models import Report
from modules.core.models import ImportJob
from modules.crm.models import Activity, Contact, Deal, Lead
from modules.finance.models import Account, BankAccount, BankFeed, Category, Transaction
from modules.inventory import services as inventory
from modules.inventory.models import InventoryCount, Product, StockMovement
from modules.invoicing.models import Boleto, Invoice, Pix, Subscription
from modules.invoicing.subscriptions import subscription_create
from modules.projects.models import Project, Task
from modules.tenancy.scope import tenant_scope
from modules.webhooks.models import Endpoint
from modules.webhooks.services import endpoint_create
from tests.crm.conftest import Crm
from tests.finance.conftest import Finance
from tests.invoicing.conftest import Invoicing, item
from tests.projects.conftest import Projects

# The path before the id says what the id names; the longest match wins.
RECORD_KINDS = {
    "api/v1/^users/": "user",
    "settings/team/": "user",
    "api/v1/^crm/leads/": "lead",
    "api/v1/^crm/leads/import/": "import",
    "crm/leads/": "lead",
    "crm/leads/import/": "import",
    "api/v1/^crm/contacts/": "contact",
    "crm/contacts/": "contact",
    "api/v1/^crm/deals/": "deal",
    "crm/deals/": "deal",
    "crm/pipeline/deals/": "deal",
    "api/v1/^crm/activities/": "activity",
    "crm/activities/": "activity",
    "api/v1/^finance/transactions/": "transaction",
    "api/v1/^finance/transactions/import/": "statement import",
    "finance/statements/import/": "statement import",
    "api/v1/^finance/bank-feeds/": "bank account",
    "finance/statements/": "bank account",
    "finance/reconciliation/lines/": "transaction",
    "api/v1/^finance/accounts/": "account",
    "finance/accounts/": "account",
    "api/v1/^finance/categories/": "category",
    "finance/categories/": "category",
    "api/v1/^finance/bank-accounts/": "bank account",
    "finance/bank-accounts/": "bank account",
    "api/v1/^invoicing/invoices/": "invoice",
    "api/v1/^invoicing/boletos/": "boleto",
    "invoicing/boletos/": "boleto",
    "api/v1/^invoicing/pix/": "pix",
    "invoicing/pix/": "pix",
    "invoicing/invoices/": "invoice",
    "api/v1/^invoicing/subscriptions/": "subscription",
    "invoicing/subscriptions/": "subscription",
    "api/v1/^inventory/products/": "product",
    "inventory/products/": "product",
    "api/v1/^inventory/movements/": "movement",
    "api/v1/^inventory/inventories/": "count",
    "inventory/counts/": "count",
    "api/v1/^projects/": "project",
    "api/v1/^projects/tasks/": "task",
    "projects/": "project",
    "projects/tasks/": "task",
    "api/v1/^analytics/reports/": "report",
    "analytics/reports/": "report",
    "api/v1/^webhooks/": "webhook",
    "webhooks/endpoints/": "webhook",
}
# Routes whose parameters are not a record of the workspace (a signed token, for instance).
# file_download: tests/tenancy/test_company_settings_api.py;
# invitation_accept: tests/workspace/test_invitation_accept.py; the pay page's (invoicing_pay):
# tests/invoicing/test_paypage.py; a provider's name: tests/tenancy/test_inbound_webhooks.py and
# tests/invoicing/test_pix_charges_webhook.py.
NOT_RECORDS = {
    "password_reset_confirm", "invitation_accept", "file_download", "tenant_inbound_webhook",
    "pay_page", "pay_card", "pay_sandbox",
}
PAGE_METHODS = ("get", "post")
BODIES = {"patch": {"name": "Hijacked", "title": "Hijacked", "subject": "Hijacked", "role": "admin"}}


def _patterns(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def _record_routes() -> list[tuple[str, str, str, str]]:
    """(kind, path template with {id}, method, name) for every route of a workspace with an id in it."""
    routes = []
    for route, pattern in _patterns(get_resolver("innexar.urls_tenant").url_patterns):
        if "<" not in route or pattern.name in NOT_RECORDS:
            continue
        prefix = route.split("<")[0].split("(?P")[0]
        kinds = [key for key in RECORD_KINDS if prefix.startswith(key)]
        assert kinds, f"{route} ({pattern.name}) names a record: say which in RECORD_KINDS"
        kind = RECORD_KINDS[max(kinds, key=len)]
        # The id however the route reads it: DRF's (?P<pk>...) with its pattern, a page's <int:...>.
        template = re.sub(r"\(\?P<\w+>[^)]*\)|<(?:int|uuid):\w+>", "{id}", route)
        template = "/" + template.replace("^", "").replace("$", "")
        assert "<" not in template and "(?P" not in template, f"{route}: an id parameter other than pk"
        actions = getattr(pattern.callback, "actions", None)
        if actions:  # a DRF route: the methods its viewset answers
            methods = [method for method in actions if method in pattern.callback.cls.http_method_names]
        else:
            methods = PAGE_METHODS
        for method in methods:
            routes.append((kind, template, method, pattern.name))
    return routes


ROUTES = _record_routes()


@pytest.fixture
def alpha_records(team_a, team_b):
    # The outsider is on a plan with every module, so what refuses our ids is the schema, not the plan gate.
    team_b.tenant.plan = "enterprise"
    team_b.tenant.save(update_fields=["plan"])
    crm_a = Crm(team_a)
    lead = crm_a.lead(name="Alpha secret lead")
    deal = crm_a.deal(title="Alpha secret deal")
    activity = crm_a.activity(related_to_type="lead", related_to_id=lead.pk, subject="Alpha secret call")
    with tenant_context(team_a.tenant):
        job = ImportJob.objects.create(kind="crm.leads", created_by_id=team_a.admin.pk, file_name="alpha-secret.csv")
        statement_import = ImportJob.objects.create(
            kind="finance.statements", created_by_id=team_a.admin.pk, file_name="alpha-secret.ofx"
        )
        bank_account = BankAccount.objects.create(
            name="Alpha secret bank", account_number="1", currency="BRL", plaid_account_id="sandbox-checking-a"
        )
        BankFeed.objects.create(bank_account=bank_account, provider="sandbox", access_token="access-sandbox-x")
        line = Transaction.objects.create(
            bank_account=bank_account, date=date(2025, 1, 2), description="Alpha secret line",
            amount=Decimal("10.00"), type="debit", dedupe_key="alpha-secret",
        )
        invoice = Invoice.objects.create(
            number="INV-ALPHA-SECRET", customer_id=deal.contact_id, issue_date=date(2025, 1, 2),
            due_date=date(2025, 2, 1), currency="USD", status="issued", total=Decimal("10.00"),
            notes="Alpha secret invoice",
        )
        boleto = Boleto.objects.create(
            invoice=invoice, bank="bradesco", bank_account=bank_account, our_number="09/00000000001-P",
            barcode="2" * 44, digitable_line="Alpha secret line", due_date=date(2025, 2, 2), amount=Decimal("10.00"),
        )
        pix = Pix.objects.create(invoice=invoice, type="static", txid="AlphaSecret1", key="alpha-secret@example.com",
                                 qr_code_text="Alpha secret code", amount=Decimal("10.00"))
    finance_a = Finance(team_a)
    category = finance_a.category(name="Alpha secret category")
    account = finance_a.account(description="Alpha secret account", category=category)
    invoice = Invoicing(team_a).invoice(items=[item("Alpha secret item")], notes="Alpha secret notes")
    with tenant_context(team_a.tenant), tenant_scope(team_a.tenant):
        subscription = subscription_create(
            actor=team_a.admin, customer=Contact.objects.get(pk=deal.contact_id), plan="Alpha secret plan",
            amount=Decimal("10.00"), currency="USD", billing_cycle="monthly", billing_day=1,
        )
    with tenant_context(team_a.tenant), tenant_scope(team_a.tenant):
        product = inventory.product_create(actor=team_a.admin, sku="ALPHA-SECRET", name="Alpha secret product")
        movement = inventory.stock_move(actor=team_a.admin, product=product, type="in", quantity=Decimal(5),
                                        reason="purchase", reference="Alpha secret")
        count = inventory.count_create(actor=team_a.admin, date=date(2025, 1, 2), notes="Alpha secret count")
        webhook, _ = endpoint_create(actor=team_a.admin, url="https://127.0.0.1/alpha-secret", events=["*"])
    projects_a = Projects(team_a)
    project = projects_a.project(name="Alpha secret project")
    task = projects_a.task(project, title="Alpha secret task")
    with tenant_context(team_a.tenant):
        report = Report.objects.create(type="sales_by_customer", format="csv", start_date=date(2025, 1, 1),
                                       end_date=date(2025, 1, 31), language="en", created_by_id=team_a.admin.pk,
                                       error="Alpha secret report")
    return {"project": project.pk, "task": task.pk, "report": report.pk,
            "lead": lead.pk, "contact": deal.contact_id, "deal": deal.pk, "activity": activity.pk,
            "import": job.pk, "user": team_a.user.pk, "statement import": statement_import.pk,
            "bank account": bank_account.pk, "transaction": line.pk, "account": account.pk, "category": category.pk,
            "invoice": invoice.pk, "subscription": subscription.pk, "boleto": boleto.pk, "pix": pix.pk,
            "product": product.pk, "movement": movement.pk, "count": count.pk, "webhook": webhook.pk}


def _snapshot(team, records) -> dict:
    with tenant_context(team.tenant):
        return {
            kind: model_to_dict(model.objects.get(pk=records[kind]))
            for kind, model in [("lead", Lead), ("contact", Contact), ("deal", Deal), ("activity", Activity),
                                ("import", ImportJob), ("statement import", ImportJob),
                                ("bank account", BankAccount), ("transaction", Transaction), ("account", Account),
                                ("category", Category), ("invoice", Invoice),
                                ("subscription", Subscription), ("boleto", Boleto), ("pix", Pix),
                                ("product", Product), ("movement", StockMovement), ("count", InventoryCount),
                                ("project", Project), ("task", Task), ("report", Report),
                                ("webhook", Endpoint)]
        } | {"user": model_to_dict(User.objects.get(pk=records["user"]))}


def test_every_route_that_names_a_record_is_covered():
    assert len({name for *_, name in ROUTES}) >= 29  # today's routes; a new one is covered by construction


@pytest.mark.parametrize(("kind", "template", "method", "name"), ROUTES, ids=lambda part: str(part))
def test_another_workspace_does_not_find_our_record(api, client, team_a, team_b, alpha_records,
                                                    kind, template, method, name):
    url = template.format(id=alpha_records[kind])
    if url.startswith("/api/"):
        response = getattr(api(host=team_b.host, user=team_b.admin), method)(url, BODIES.get(method))
        assert response.status_code == 404, (url, response.status_code)
        assert response.json() == {"detail": "Not found."}
    else:
        client.force_login(team_b.admin)
        response = getattr(client, method)(url, HTTP_HOST=team_b.host)
        # A page that only takes POST says so to a GET (405) before looking anything up.
        assert response.status_code in (404, 405), (url, response.status_code)
    assert b"Alpha secret" not in response.content and b"alpha-secret" not in response.content


def test_nothing_of_ours_changed_after_every_attempt(api, client, team_a, team_b, alpha_records):
    before = _snapshot(team_a, alpha_records)
    client.force_login(team_b.admin)
    intruder = api(host=team_b.host, user=team_b.admin)

    for kind, template, method, _name in ROUTES:
        url = template.format(id=alpha_records[kind])
        if url.startswith("/api/"):
            getattr(intruder, method)(url, BODIES.get(method))
        else:
            getattr(client, method)(url, {"name": "Hijacked", "stage": "won", "status": "lost"}, HTTP_HOST=team_b.host)

    assert _snapshot(team_a, alpha_records) == before
