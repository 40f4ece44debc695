"""An overdue invoice's payment reminder (invoicing's dunning) goes on WhatsApp too when the
workspace has connected it and the customer has a phone; without WhatsApp, only the email."""

from datetime import date

import pytest
from django_tenants.utils import tenant_context

from modules.integrations.models import WhatsAppMessage
from tests.invoicing.conftest import clock, invoicing_a  # noqa: F401  (fixtures)
from tests.invoicing.test_subscriptions_api import subscribe
from tests.invoicing.test_subscriptions_billing import at, bill

from .fake_meta import TEMPLATES
from .test_whatsapp import connected

pytestmark = pytest.mark.usefixtures("enterprise")


@pytest.fixture
def run(invoicing_a, clock, django_capture_on_commit_callbacks):  # noqa: F811
    def on(day: date) -> None:
        clock(at(day))
        with django_capture_on_commit_callbacks(execute=True):
            bill(invoicing_a)
    return on


def overdue_customer(invoicing):
    customer = invoicing.customer(name="Ana Souza", email="ana@example.com", phone="+55 11 91234-5678")
    subscribe(invoicing, customer=customer, started_at=date(2026, 1, 1), billing_day=1)


def test_the_reminder_of_an_overdue_invoice_goes_on_whatsapp_when_connected(
    api, team_a, meta, invoicing_a, run, mailoutbox  # noqa: F811
):
    connected(api, team_a)
    overdue_customer(invoicing_a)

    run(date(2026, 1, 9))  # due Jan 8

    assert len(mailoutbox) == 1
    [sent] = meta.sent
    assert sent["to"] == "5511912345678"
    assert (sent["template"]["name"], sent["template"]["language"]["code"]) in TEMPLATES
    assert sent["template"]["language"]["code"] == "pt_BR"  # the invoice's language
    parameters = {p["parameter_name"]: p["text"] for p in sent["template"]["components"][0]["parameters"]}
    assert parameters["customer_name"] == "Ana Souza"
    assert parameters["amount"] == "US$ 79,00"  # written as the Portuguese reader writes it
    with tenant_context(team_a.tenant):
        message = WhatsAppMessage.objects.get()
    assert message.invoice_id is not None and message.template == "payment_reminder"

    run(date(2026, 1, 10))  # the same pace as the email: not the next day
    assert len(meta.sent) == 1


def test_without_whatsapp_only_the_email_goes(team_a, meta, invoicing_a, run, mailoutbox):  # noqa: F811
    overdue_customer(invoicing_a)

    run(date(2026, 1, 9))

    assert len(mailoutbox) == 1
    assert meta.sent == []


def test_a_reminder_template_meta_refuses_leaves_the_email_and_nothing_else(
    api, team_a, meta, invoicing_a, run, mailoutbox, settings, caplog  # noqa: F811
):
    settings.WHATSAPP_REMINDER_TEMPLATE = "not_approved_yet"
    connected(api, team_a)
    overdue_customer(invoicing_a)

    run(date(2026, 1, 9))

    assert len(mailoutbox) == 1
    assert meta.sent == []
    with tenant_context(team_a.tenant):
        assert not WhatsAppMessage.objects.exists()
    assert "WhatsApp reminder of invoice" in caplog.text
