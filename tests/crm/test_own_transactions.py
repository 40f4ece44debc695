"""Every CRM write that locks rows (select_for_update) or waits for the commit (on_commit) opens
the transaction it needs.

pytest-django runs each test inside a transaction, which hides a missing `transaction.atomic`:
the bulk status change answered 500 in production ("select_for_update cannot be used outside of
a transaction") while its page tests passed. So here every request and service call runs on a
connection of its own, in autocommit as a server's does, and commits for real. That is what
`django_db(transaction=True)` would give, without its flush at the end, which would also wipe
the tenants the session committed (tests/conftest.py): what these tests commit in alpha is
removed by the `committed` fixture instead.
"""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context
from rest_framework.test import APIClient

from modules.accounts.models import User
from modules.accounts.tokens import tokens_for_user
from modules.crm import services
from modules.crm.models import Activity, Contact, Deal, Lead, LeadScoreModel, LeadStatus, Stage
from modules.events.models import Event
from tests.conftest import on_own_connection

DOMAIN = "own-transaction.test"
HTMX = {"HTTP_HX_REQUEST": "true"}


@dataclass
class Records:
    lead: Lead
    other_lead: Lead
    contact: Contact
    deal: Deal
    activity: Activity


class Committed:
    """Alpha's records and requests, each on a connection of its own (autocommit)."""

    def __init__(self, team):
        self.team = team
        self.page = Client(HTTP_HOST=team.host)
        self.api = APIClient(HTTP_HOST=team.host)
        self.api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_for_user(team.admin)['access']}")

    def run(self, function):
        def in_alpha():
            with tenant_context(self.team.tenant):
                return function()

        return on_own_connection(in_alpha)

    def records(self) -> Records:
        admin = self.team.admin

        def make():
            lead = services.lead_create(actor=admin, name="Ana Committed", email=f"ana@{DOMAIN}")
            other_lead = services.lead_create(actor=admin, name="Bia Committed", email=f"bia@{DOMAIN}")
            contact = services.contact_create(actor=admin, name="Caio Committed", email=f"caio@{DOMAIN}")
            deal = services.deal_create(
                actor=admin, title="Committed deal", contact=contact, value=Decimal("100.00"), currency="BRL"
            )
            activity = services.activity_create(
                actor=admin, type="call", subject="Committed call", related_to_type="lead", related_to_id=lead.pk
            )
            return Records(lead, other_lead, contact, deal, activity)

        return self.run(make)

    def request(self, client, method: str, path: str, data=None, **extra):
        if client is self.api:
            extra.setdefault("format", "json")
        return on_own_connection(lambda: getattr(client, method)(path, data, **extra))


@pytest.fixture
def committed(team_a):
    helper = Committed(team_a)
    last_login = team_a.admin.last_login  # force_login sets it
    on_own_connection(helper.page.force_login, team_a.admin)
    started = timezone.now()
    yield helper

    def clean():
        helper.page.logout()  # deletes the session
        User.objects.filter(pk=team_a.admin.pk).update(last_login=last_login)
        with tenant_context(team_a.tenant):
            Activity.objects.filter(created_at__gte=started).delete()
            Deal.objects.filter(contact__email__iendswith=f"@{DOMAIN}").delete()
            Lead.objects.filter(email__iendswith=f"@{DOMAIN}").delete()
            Contact.objects.filter(email__iendswith=f"@{DOMAIN}").delete()
            Event.objects.filter(occurred_at__gte=started).delete()
            LeadScoreModel.objects.all().delete()  # outcomes changed: alpha's model retrained on commit

    on_own_connection(clean)


def fresh(committed, record):
    return committed.run(lambda: type(record).objects.filter(pk=record.pk).first())


# --- The bulk status change, through its page and its service ---------------------------------------


def test_the_bulk_status_change_applies_through_the_page(committed):
    records = committed.records()
    response = committed.request(
        committed.page, "post", "/crm/leads/status/",
        {"leads": [records.lead.pk, records.other_lead.pk], "status": LeadStatus.LOST}, **HTMX,
    )

    assert response.status_code == 200, response.content.decode()[:2000]
    assert "2 leads changed." in response.content.decode()
    assert fresh(committed, records.lead).status == fresh(committed, records.other_lead).status == LeadStatus.LOST
    # The retrain the change scheduled ran once it had committed, so it learned from both leads.
    assert committed.run(lambda: LeadScoreModel.objects.get().lost) == 2


def test_the_bulk_status_service_opens_its_own_transaction(committed):
    records = committed.records()
    change = committed.run(lambda: services.leads_set_status(
        actor=committed.team.admin, lead_ids=[records.lead.pk, records.other_lead.pk], status=LeadStatus.QUALIFIED,
    ))

    assert change.changed == 2
    assert fresh(committed, records.other_lead).status == LeadStatus.QUALIFIED


def test_a_conversion_called_alone_opens_its_own_transaction(committed):
    records = committed.records()
    conversion = committed.run(lambda: services.lead_convert(actor=committed.team.admin, lead=records.lead))

    assert fresh(committed, records.lead).status == LeadStatus.CONVERTED
    assert fresh(committed, conversion.deal).lead_id == records.lead.pk


# --- Every other page and API write that locks what it changes --------------------------------------
# Each case: (client, method, path, data) built from the records, and what the database holds after.

PAGE_WRITES = {
    "lead status": (
        lambda r: ("post", f"/crm/leads/{r.lead.pk}/status/", {"status": LeadStatus.QUALIFIED}),
        lambda c, r: fresh(c, r.lead).status == LeadStatus.QUALIFIED,
    ),
    "lead score": (
        lambda r: ("post", f"/crm/leads/{r.lead.pk}/score/", {"score": "77"}),
        lambda c, r: fresh(c, r.lead).score == 77,
    ),
    "lead convert": (
        lambda r: ("post", f"/crm/leads/{r.lead.pk}/convert/", {"currency": "BRL"}),
        lambda c, r: fresh(c, r.lead).status == LeadStatus.CONVERTED,
    ),
    "lead delete": (
        lambda r: ("post", f"/crm/leads/{r.lead.pk}/delete/", {}),
        lambda c, r: fresh(c, r.lead) is None,
    ),
    "contact edit": (
        lambda r: ("post", f"/crm/contacts/{r.contact.pk}/edit/", {"name": "Caio Renamed", "email": r.contact.email}),
        lambda c, r: fresh(c, r.contact).name == "Caio Renamed",
    ),
    "contact delete refused": (
        lambda r: ("post", f"/crm/contacts/{r.contact.pk}/delete/", {}),  # it has a deal: refused, 422
        lambda c, r: fresh(c, r.contact) is not None,
    ),
    "deal move": (
        lambda r: ("post", f"/crm/pipeline/deals/{r.deal.pk}/move/", {"stage": Stage.PROPOSAL, "position": "0"}),
        lambda c, r: fresh(c, r.deal).stage == Stage.PROPOSAL,
    ),
    "deal won": (
        lambda r: ("post", f"/crm/pipeline/deals/{r.deal.pk}/won/", {}),
        lambda c, r: fresh(c, r.deal).stage == Stage.CLOSED_WON,
    ),
    "deal lost": (
        lambda r: ("post", f"/crm/pipeline/deals/{r.deal.pk}/lost/", {"lost_reason": "Price"}),
        lambda c, r: fresh(c, r.deal).stage == Stage.CLOSED_LOST,
    ),
    "deal delete": (
        lambda r: ("post", f"/crm/deals/{r.deal.pk}/delete/", {}),
        lambda c, r: fresh(c, r.deal) is None,
    ),
    "activity complete": (
        lambda r: ("post", f"/crm/activities/{r.activity.pk}/complete/", {"from": "timeline"}),
        lambda c, r: fresh(c, r.activity).completed,
    ),
}

API = "/api/v1/crm"
API_WRITES = {
    "lead patch": (
        lambda r: ("patch", f"{API}/leads/{r.lead.pk}/", {"status": LeadStatus.LOST}),
        lambda c, r: fresh(c, r.lead).status == LeadStatus.LOST,
    ),
    "lead delete": (
        lambda r: ("delete", f"{API}/leads/{r.lead.pk}/", None),
        lambda c, r: fresh(c, r.lead) is None,
    ),
    "lead convert": (
        lambda r: ("post", f"{API}/leads/{r.lead.pk}/convert/", {}),
        lambda c, r: fresh(c, r.lead).status == LeadStatus.CONVERTED,
    ),
    "contact patch": (
        lambda r: ("patch", f"{API}/contacts/{r.contact.pk}/", {"company": "Padaria"}),
        lambda c, r: fresh(c, r.contact).company == "Padaria",
    ),
    "contact delete refused": (
        lambda r: ("delete", f"{API}/contacts/{r.contact.pk}/", None),
        lambda c, r: fresh(c, r.contact) is not None,
    ),
    "deal patch": (
        lambda r: ("patch", f"{API}/deals/{r.deal.pk}/", {"stage": Stage.NEGOTIATION}),
        lambda c, r: fresh(c, r.deal).stage == Stage.NEGOTIATION,
    ),
    "deal delete": (
        lambda r: ("delete", f"{API}/deals/{r.deal.pk}/", None),
        lambda c, r: fresh(c, r.deal) is None,
    ),
    "deal won": (
        lambda r: ("post", f"{API}/deals/{r.deal.pk}/mark_won/", {}),
        lambda c, r: fresh(c, r.deal).stage == Stage.CLOSED_WON,
    ),
    "deal lost": (
        lambda r: ("post", f"{API}/deals/{r.deal.pk}/mark_lost/", {"lost_reason": "Price"}),
        lambda c, r: fresh(c, r.deal).stage == Stage.CLOSED_LOST,
    ),
    "activity patch": (
        lambda r: ("patch", f"{API}/activities/{r.activity.pk}/", {"subject": "Call back"}),
        lambda c, r: fresh(c, r.activity).subject == "Call back",
    ),
    "activity complete": (
        lambda r: ("post", f"{API}/activities/{r.activity.pk}/complete/", {}),
        lambda c, r: fresh(c, r.activity).completed,
    ),
    "activity delete": (
        lambda r: ("delete", f"{API}/activities/{r.activity.pk}/", None),
        lambda c, r: fresh(c, r.activity) is None,
    ),
}


@pytest.mark.parametrize("case", PAGE_WRITES, ids=list(PAGE_WRITES))
def test_each_page_write_commits_outside_a_test_transaction(committed, case):
    build, holds = PAGE_WRITES[case]
    records = committed.records()
    method, path, data = build(records)

    response = committed.request(committed.page, method, path, data, **HTMX)

    assert response.status_code in (200, 204, 302, 422), response.content.decode()[:2000]
    assert holds(committed, records)


@pytest.mark.parametrize("case", API_WRITES, ids=list(API_WRITES))
def test_each_api_write_commits_outside_a_test_transaction(committed, case):
    build, holds = API_WRITES[case]
    records = committed.records()
    method, path, data = build(records)

    response = committed.request(committed.api, method, path, data)

    assert response.status_code < 500, response.content.decode()[:2000]
    assert holds(committed, records)
