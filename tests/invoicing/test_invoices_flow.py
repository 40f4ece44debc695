"""An invoice's life: draft → issued (its receivable in finance, its fiscal document where the
country has an issuer) → paid, or cancelled; overdue, read as of the company's midnight and stored
once by the hourly task, with one event."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from modules.core.exceptions import DomainError
from modules.core.files import tenant_file_path
from modules.finance.models import Account, Payment
from modules.invoicing.fiscal import FiscalResult, fiscal_issuer, fiscal_issuer_register
from modules.invoicing.models import CheckoutSession, Invoice, InvoicePayment, Pix
from modules.invoicing.tasks import invoices_mark_overdue_all
from modules.workspace.registry import beat_schedule

from .conftest import company_in, item

URL = "/api/v1/invoicing/invoices/"


def receivable_of(invoicing, invoice) -> Account:
    return invoicing.query(lambda: Account.objects.get(invoice_id=invoice.pk))


# --- Issue -----------------------------------------------------------------------------------------


def test_issuing_creates_the_receivable_in_finance_and_links_it(admin_api, invoicing_a):
    customer = invoicing_a.customer(name="Beatriz Santos")
    invoice = invoicing_a.invoice(customer=customer, currency="BRL", items=[item("Consultoria", "2", "1500.00")])

    response = admin_api.post(f"{URL}{invoice.pk}/issue/")

    assert response.status_code == 200
    issued = response.json()
    assert issued["status"] == "issued"
    receivable = receivable_of(invoicing_a, invoice)
    assert issued["receivable_id"] == receivable.pk
    assert (receivable.type, receivable.amount, receivable.currency, receivable.due_date) == (
        "receivable", Decimal("3000.00"), "BRL", invoice.due_date
    )
    assert (receivable.reference, receivable.customer_id, receivable.status, receivable.name) == (
        invoice.number, customer.pk, "pending", f"Invoice {invoice.number}"
    )
    assert invoicing_a.fresh(invoice).issued_at is not None
    assert [event.payload["id"] for event in invoicing_a.events("invoice.issued")] == [invoice.pk]
    assert [event.payload["invoice_id"] for event in invoicing_a.events("account.created")] == [invoice.pk]


def test_without_a_fiscal_issuer_for_the_country_an_invoice_has_no_fiscal_document(admin_api, invoicing_a):
    invoice = invoicing_a.invoice()

    issued = admin_api.post(f"{URL}{invoice.pk}/issue/").json()

    assert [issued[field] for field in ("nfe_number", "nfe_key", "nfe_status", "nfe_xml_url", "cfdi_uuid")] == [
        None, None, None, None, None,
    ]


@pytest.fixture
def brazilian_issuer(team_a, settings, tmp_path):
    """An NF-e issuer for Brazil in place of the registered one: it files the XML and answers."""
    settings.MEDIA_ROOT = tmp_path
    company_in(team_a, country="BR", tax_id="11222333000181")
    seen = []

    def issue(invoice):
        seen.append(invoice.number)
        xml = default_storage.save(
            tenant_file_path(connection.tenant.pk, "nfe", f"{invoice.number}.xml"), ContentFile(b"<nfeProc/>")
        )
        return FiscalResult(
            nfe_number="000123", nfe_key="35251111222333000145550010001234561234567890", nfe_status="authorized",
            nfe_xml=xml,
        )

    registered = fiscal_issuer("BR")
    fiscal_issuer_register("BR", issue)
    yield seen
    fiscal_issuer_register("BR", registered)


def test_the_companys_country_issuer_fills_the_fiscal_fields_and_its_files_are_signed_links(
    admin_api, client, team_a, invoicing_a, brazilian_issuer
):
    invoice = invoicing_a.invoice(currency="BRL")

    issued = admin_api.post(f"{URL}{invoice.pk}/issue/").json()

    assert brazilian_issuer == [invoice.number]
    assert (issued["nfe_number"], issued["nfe_key"], issued["nfe_status"], issued["nfe_pdf_url"]) == (
        "000123", "35251111222333000145550010001234561234567890", "authorized", None
    )
    link = issued["nfe_xml_url"]
    assert link.startswith(f"http://{team_a.host}")
    download = client.get(urlsplit(link).path, HTTP_HOST=team_a.host)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"<nfeProc/>"


def test_an_issuer_that_refuses_leaves_the_draft_as_it_was(admin_api, team_a, invoicing_a):
    company_in(team_a, country="MX")

    def refuse(invoice):
        raise DomainError("El SAT rechazó el CFDI: RFC del receptor inválido.", code="cfdi_refused")

    registered = fiscal_issuer("MX")
    fiscal_issuer_register("MX", refuse)
    try:
        invoice = invoicing_a.invoice(currency="MXN")
        response = admin_api.post(f"{URL}{invoice.pk}/issue/")
    finally:
        fiscal_issuer_register("MX", registered)

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["El SAT rechazó el CFDI: RFC del receptor inválido."]}
    assert invoicing_a.fresh(invoice).status == "draft"
    assert invoicing_a.query(lambda: Account.objects.count()) == 0
    assert invoicing_a.events("invoice.issued") == []


def test_an_invoice_is_issued_once(admin_api, invoicing_a):
    invoice = invoicing_a.issued()

    response = admin_api.post(f"{URL}{invoice.pk}/issue/")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["This invoice was already issued."]}
    assert invoicing_a.query(lambda: Account.objects.count()) == 1


def test_an_invoice_of_nothing_is_not_issued(admin_api, invoicing_a):
    invoice = invoicing_a.invoice(items=[item("Free trial", "1", "50.00", discount="50.00")])

    response = admin_api.post(f"{URL}{invoice.pk}/issue/")

    assert response.status_code == 400
    assert response.json() == {"items": ["An invoice whose total is zero cannot be issued."]}
    assert invoicing_a.fresh(invoice).status == "draft"


# --- Cancel ----------------------------------------------------------------------------------------


def test_cancelling_cancels_the_receivable_and_withdraws_pending_charges(admin_api, invoicing_a):
    invoice = invoicing_a.issued()

    def charges():
        Pix.objects.create(invoice_id=invoice.pk, type="dynamic", txid="a" * 26, key="pix@example.com",
                           qr_code_text="000201")
        CheckoutSession.objects.create(invoice_id=invoice.pk, session_id="cs_test_1", url="https://pay.example.com/1",
                                       amount=invoice.total)

    invoicing_a.query(charges)

    response = admin_api.post(f"{URL}{invoice.pk}/cancel/", {"reason": "Cliente cancelou pedido"})

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["cancel_reason"]) == ("cancelled", "Cliente cancelou pedido")
    receivable = receivable_of(invoicing_a, invoice)
    assert (receivable.status, receivable.cancel_reason) == ("cancelled", "Cliente cancelou pedido")
    assert invoicing_a.query(lambda: [
        status for model in (Pix, CheckoutSession) for status in model.objects.values_list("status", flat=True)
    ]) == ["cancelled", "cancelled"]
    [event] = invoicing_a.events("invoice.cancelled")
    assert event.payload["reason"] == "Cliente cancelou pedido"


def test_a_draft_may_be_cancelled_to_keep_its_number_in_the_books(admin_api, invoicing_a):
    invoice = invoicing_a.invoice()

    response = admin_api.post(f"{URL}{invoice.pk}/cancel/", {"reason": "Raised by mistake"})

    assert response.json()["status"] == "cancelled"
    assert invoicing_a.query(lambda: Account.objects.count()) == 0


@pytest.mark.parametrize(("data", "answer"), [
    ({}, {"reason": ["This field is required."]}),
    ({"reason": "   "}, {"reason": ["This field may not be blank."]}),
])
def test_a_cancellation_says_why(admin_api, invoicing_a, data, answer):
    invoice = invoicing_a.issued()

    response = admin_api.post(f"{URL}{invoice.pk}/cancel/", data)

    assert (response.status_code, response.json()) == (400, answer)
    assert invoicing_a.fresh(invoice).status == "issued"


def test_a_paid_invoice_cannot_be_cancelled_nor_a_cancelled_one_again(admin_api, invoicing_a):
    paid = invoicing_a.paid()
    cancelled = invoicing_a.issued()
    admin_api.post(f"{URL}{cancelled.pk}/cancel/", {"reason": "Duplicate"})

    refusals = [admin_api.post(f"{URL}{invoice.pk}/cancel/", {"reason": "Again"}) for invoice in (paid, cancelled)]

    assert [(response.status_code, response.json()) for response in refusals] == [
        (400, {"non_field_errors": ["A paid invoice cannot be cancelled."]}),
        (400, {"non_field_errors": ["This invoice is already cancelled."]}),
    ]
    assert receivable_of(invoicing_a, paid).status == "paid"
    assert invoicing_a.fresh(cancelled).cancel_reason == "Duplicate"


def test_a_refused_cancellation_is_translated(api, team_a, invoicing_a):
    paid = invoicing_a.paid()
    client = api(host=team_a.host, user=team_a.admin, language="es")

    response = client.post(f"{URL}{paid.pk}/cancel/", {"reason": "Otra vez"})

    assert response.json() == {"non_field_errors": ["Una factura pagada no se puede cancelar."]}


# --- Paid by hand ----------------------------------------------------------------------------------


def test_a_manual_payment_settles_the_invoice_and_its_receivable(admin_api, invoicing_a):
    invoice = invoicing_a.issued(items=[item("Audit", "1", "1200.00")])

    response = admin_api.post(
        f"{URL}{invoice.pk}/mark_paid/", {"paid_at": "2025-11-20T14:00:00Z", "method": "pix"}
    )

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["paid_at"]) == ("paid", "2025-11-20T14:00:00Z")
    receivable = receivable_of(invoicing_a, invoice)
    assert (receivable.status, receivable.paid_amount, receivable.payment_method) == (
        "paid", Decimal("1200.00"), "pix"
    )
    payment = invoicing_a.query(lambda: InvoicePayment.objects.get(invoice_id=invoice.pk))
    assert (payment.rail, payment.amount, payment.settled_invoice) == ("manual", Decimal("1200.00"), True)
    assert invoicing_a.query(lambda: Payment.objects.get(account=receivable).amount) == Decimal("1200.00")
    assert [event.payload["payment"]["rail"] for event in invoicing_a.events("invoice.paid")] == ["manual"]


@pytest.mark.parametrize(("kind", "message"), [
    ("draft", "Issue the invoice before recording its payment."),
    ("paid", "This invoice is already paid."),
    ("cancelled", "This invoice is cancelled: it cannot be paid."),
])
def test_only_an_open_invoice_is_marked_paid(admin_api, invoicing_a, kind, message):
    invoice = invoicing_a.paid() if kind == "paid" else invoicing_a.invoice()
    if kind == "cancelled":
        admin_api.post(f"{URL}{invoice.pk}/cancel/", {"reason": "Gone"})

    response = admin_api.post(f"{URL}{invoice.pk}/mark_paid/", {"method": "cash"})

    assert (response.status_code, response.json()) == (400, {"non_field_errors": [message]})
    assert invoicing_a.query(lambda: InvoicePayment.objects.count()) == (1 if kind == "paid" else 0)


@pytest.mark.parametrize(("data", "answer"), [
    ({"method": "cash", "paid_at": "2999-01-01T00:00:00Z"}, {"paid_at": ["A payment cannot be dated in the future."]}),
    ({"method": "cheque"}, {"method": ['"cheque" is not a valid choice.']}),
    ({}, {"method": ["This field is required."]}),
])
def test_a_manual_payment_is_refused_when_it_cannot_have_happened(admin_api, invoicing_a, data, answer):
    invoice = invoicing_a.issued()

    response = admin_api.post(f"{URL}{invoice.pk}/mark_paid/", data)

    assert (response.status_code, response.json()) == (400, answer)
    assert invoicing_a.fresh(invoice).status == "issued"
    assert receivable_of(invoicing_a, invoice).status == "pending"


# --- Overdue at the company's midnight -------------------------------------------------------------

DUE = datetime(2026, 3, 10).date()
LATE_EVENING = datetime(2026, 3, 11, 2, 30, tzinfo=UTC)  # 23:30 on March 10 in São Paulo (UTC−3)
JUST_AFTER_MIDNIGHT = datetime(2026, 3, 11, 3, 30, tzinfo=UTC)  # 00:30 on March 11 there


@pytest.fixture
def sao_paulo_invoice(team_a, invoicing_a, clock):
    company_in(team_a, country="BR")  # São Paulo's time zone comes with the country
    clock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    return invoicing_a.issued(currency="BRL", issue_date=DUE - timedelta(days=30), due_date=DUE)


def status_read(admin_api, invoice) -> tuple[str, list[int]]:
    """The invoice's status, and which invoices the list's overdue filter finds."""
    one = admin_api.get(f"{URL}{invoice.pk}/").json()["status"]
    overdue = [row["id"] for row in admin_api.get(URL, {"status": "overdue"}).json()["results"]]
    return one, overdue


def stored(invoicing, invoice) -> str:
    return invoicing.query(lambda: Invoice.objects.get(pk=invoice.pk).status)


def test_at_half_past_eleven_on_the_due_date_it_is_not_late_yet(admin_api, invoicing_a, sao_paulo_invoice, clock):
    clock(LATE_EVENING)  # already March 11 in UTC

    assert status_read(admin_api, sao_paulo_invoice) == ("issued", [])
    invoices_mark_overdue_all()
    assert stored(invoicing_a, sao_paulo_invoice) == "issued"
    assert invoicing_a.events("invoice.overdue") == []


def test_after_midnight_it_is_overdue_before_the_task_and_the_task_records_it_once(
    admin_api, invoicing_a, sao_paulo_invoice, clock
):
    clock(JUST_AFTER_MIDNIGHT)

    assert status_read(admin_api, sao_paulo_invoice) == ("overdue", [sao_paulo_invoice.pk])
    assert stored(invoicing_a, sao_paulo_invoice) == "issued"  # readers do not wait for the task
    invoices_mark_overdue_all()
    invoices_mark_overdue_all()  # an hour later: nothing is recorded twice

    assert stored(invoicing_a, sao_paulo_invoice) == "overdue"
    [event] = invoicing_a.events("invoice.overdue")
    assert (event.payload["id"], event.payload["status"], event.actor_id) == (sao_paulo_invoice.pk, "overdue", None)
    assert status_read(admin_api, sao_paulo_invoice) == ("overdue", [sao_paulo_invoice.pk])


def test_an_overdue_invoice_is_still_paid_and_cancelled(admin_api, invoicing_a, sao_paulo_invoice, clock):
    late = invoicing_a.issued(currency="BRL", issue_date=DUE - timedelta(days=30), due_date=DUE)
    clock(JUST_AFTER_MIDNIGHT)
    invoices_mark_overdue_all()

    paid = admin_api.post(f"{URL}{sao_paulo_invoice.pk}/mark_paid/", {"method": "boleto"})
    cancelled = admin_api.post(f"{URL}{late.pk}/cancel/", {"reason": "Written off"})

    assert (paid.json()["status"], cancelled.json()["status"]) == ("paid", "cancelled")
    assert receivable_of(invoicing_a, sao_paulo_invoice).status == "paid"
    assert receivable_of(invoicing_a, late).status == "cancelled"


def test_drafts_paid_and_cancelled_invoices_are_never_marked_overdue(admin_api, invoicing_a, sao_paulo_invoice, clock):
    dates = {"currency": "BRL", "issue_date": DUE - timedelta(days=30), "due_date": DUE}
    draft = invoicing_a.invoice(**dates)
    paid = invoicing_a.paid(**dates)
    cancelled = invoicing_a.issued(**dates)
    admin_api.post(f"{URL}{cancelled.pk}/cancel/", {"reason": "Gone"})

    clock(JUST_AFTER_MIDNIGHT)
    invoices_mark_overdue_all()

    assert [stored(invoicing_a, invoice) for invoice in (draft, paid, cancelled)] == ["draft", "paid", "cancelled"]
    assert [event.payload["id"] for event in invoicing_a.events("invoice.overdue")] == [sao_paulo_invoice.pk]


def test_the_overdue_task_runs_every_hour():
    entry = beat_schedule()["invoicing-invoices-overdue"]

    assert entry["task"] == "invoicing.invoices_mark_overdue_all"
    assert entry["schedule"].minute == {10}
    assert len(entry["schedule"].hour) == 24
