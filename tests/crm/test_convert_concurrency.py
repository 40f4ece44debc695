"""Two people converting the same lead at the same moment make one contact and one deal.

Each side runs in a thread of its own (its own connection) and commits for real; the lead is
committed first and everything is removed at the end."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from modules.core.exceptions import DomainError
from modules.crm import services
from modules.crm.models import Activity, Contact, Deal, DealStageChange, Lead, LeadScoreModel
from modules.events.models import AuditEntry, Event
from tests.conftest import on_own_connection


def _in_alpha(team, function):
    def run():
        with tenant_context(team.tenant):
            return function()

    return on_own_connection(run)


@pytest.fixture
def committed_lead(team_a):
    started = timezone.now()
    lead = _in_alpha(team_a, lambda: services.lead_create(actor=team_a.admin, name="Race", email="race@acme.com"))
    yield lead

    def clean():
        DealStageChange.objects.filter(deal__lead_id=lead.pk).delete()
        Deal.objects.filter(lead_id=lead.pk).delete()
        Lead.objects.filter(pk=lead.pk).delete()
        Contact.objects.filter(email="race@acme.com").delete()
        Activity.objects.filter(related_to_id=lead.pk).delete()
        Event.objects.filter(occurred_at__gte=started).delete()
        AuditEntry.objects.filter(occurred_at__gte=started).delete()
        LeadScoreModel.objects.all().delete()  # the conversion retrained alpha's model

    _in_alpha(team_a, clean)


def test_the_second_conversion_waits_for_the_first_and_is_refused(team_a, committed_lead):
    first_applied, may_commit = threading.Event(), threading.Event()

    def convert_and_hold():
        with transaction.atomic():
            lead = Lead.objects.get(pk=committed_lead.pk)
            services.lead_convert(actor=team_a.admin, lead=lead)
            first_applied.set()
            may_commit.wait(timeout=10)

    def convert():
        try:
            services.lead_convert(actor=team_a.manager, lead=Lead.objects.get(pk=committed_lead.pk))
            return "converted"
        except DomainError as error:
            return error.message

    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(_in_alpha, team_a, convert_and_hold)
        assert first_applied.wait(timeout=10)
        second = pool.submit(_in_alpha, team_a, convert)
        with pytest.raises(TimeoutError):
            second.result(timeout=0.5)  # it waits on the lead's row lock
        may_commit.set()
        first.result(timeout=10)
        assert second.result(timeout=10) == "This lead was already converted."

    deals = _in_alpha(team_a, lambda: Deal.objects.filter(lead_id=committed_lead.pk).count())
    contacts = _in_alpha(team_a, lambda: Contact.objects.filter(email="race@acme.com").count())
    assert (deals, contacts) == (1, 1)
