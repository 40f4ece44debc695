"""The boleto pages: the invoice page's boleto dialog (its panel fetched by htmx, a page of its own
without JavaScript), the boletos list with the remittance download and the return upload
(managers and admins), and one boleto's page; in the reader's language."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from modules.invoicing.models import Boleto, Invoice
from tests.invoicing.charges_fixtures import *  # noqa: F403 (its fixtures)
from tests.invoicing.charges_fixtures import PAYER, in_days, return_file, t_u, title_id

HTMX = {"HTTP_HX_REQUEST": "true"}


def signed_in(team, user, language="en") -> Client:
    client = Client(HTTP_HOST=team.host)
    client.cookies["django_language"] = language  # the language the person picked
    client.force_login(user)
    return client


@pytest.fixture
def member(team_a):
    return signed_in(team_a, team_a.user)


@pytest.fixture
def manager(team_a):
    return signed_in(team_a, team_a.manager)


def test_the_dialog_opens_on_the_invoice_page_with_a_link_that_works_without_javascript(charges_a):
    invoice = charges_a.invoice()
    in_dollars = charges_a.invoice(currency="USD")

    html = render_to_string("invoicing/partials/_boleto_dialog.html", {"invoice": invoice})

    url = f"/invoicing/invoices/{invoice.pk}/boleto/"
    assert f'href="{url}"' in html and f'hx-get="{url}"' in html
    assert f'data-dialog="boleto-dialog-{invoice.pk}"' in html
    assert f'<dialog id="boleto-dialog-{invoice.pk}"' in html
    assert f"Boleto for invoice {invoice.number}" in html
    assert render_to_string("invoicing/partials/_boleto_dialog.html", {"invoice": in_dollars}).strip() == ""


def test_the_dialog_is_in_the_readers_language(charges_a):
    invoice = charges_a.invoice()

    with translation.override("pt-br"):
        html = render_to_string("invoicing/partials/_boleto_dialog.html", {"invoice": invoice})

    assert f"Boleto da fatura {invoice.number}" in html and 'aria-label="Fechar"' in html


def test_the_panel_makes_a_boleto_and_shows_its_line_and_pdf(member, charges_a):
    charges_a.bank_account("bradesco")
    invoice = charges_a.invoice(total="5999.00")
    url = f"/invoicing/invoices/{invoice.pk}/boleto/"

    panel = member.get(url, **HTMX)
    made = member.post(url, {"bank": "bradesco", "due_date": str(in_days(10)), "document": PAYER["document"]},
                       **HTMX)

    assert panel.status_code == 200 and 'name="bank"' in panel.content.decode()
    assert "<html" not in panel.content.decode()  # a fragment for the dialog
    assert "R$5,999.00" in panel.content.decode()
    boleto = charges_a.query(lambda: Boleto.objects.get())
    page = made.content.decode()
    assert made.status_code == 200 and boleto.digitable_line in page and "/files/" in page
    assert 'name="bank"' not in page  # made: the panel shows it rather than asking again
    assert boleto.payer["document"] == "52998224725"


def test_without_javascript_the_boleto_is_made_and_shown_on_its_page(member, charges_a):
    charges_a.bank_account("itau")
    invoice = charges_a.invoice()

    response = member.post(f"/invoicing/invoices/{invoice.pk}/boleto/",
                           {"bank": "itau", "due_date": str(in_days(10))})

    boleto = charges_a.query(lambda: Boleto.objects.get())
    assert response.status_code == 302 and response["Location"] == f"/invoicing/boletos/{boleto.pk}/"
    page = member.get(response["Location"]).content.decode()
    assert boleto.digitable_line in page and "Open the PDF" in page


def test_a_refusal_is_shown_in_the_panel(member, charges_a):
    invoice = charges_a.invoice()

    response = member.post(f"/invoicing/invoices/{invoice.pk}/boleto/",
                           {"bank": "sicredi", "due_date": str(in_days(10))}, **HTMX)

    assert response.status_code == 422
    assert "There is no active bank account in reais at Sicredi" in response.content.decode()
    assert charges_a.query(lambda: Boleto.objects.count()) == 0


def test_the_boletos_list_in_portuguese(charges_a, team_a):
    charges_a.bank_account("bradesco")
    boleto = charges_a.boleto()
    client = signed_in(team_a, team_a.manager, language="pt-br")

    page = client.get("/invoicing/boletos/").content.decode()

    assert boleto.our_number in page and "Pendente" in page
    assert "Enviar ao banco (remessa)" in page and "Ler o retorno do banco" in page


def test_members_see_the_list_without_the_bank_files(member, charges_a):
    page = member.get("/invoicing/boletos/").content.decode()

    assert "remittance-form" not in page and "return-form" not in page and "No boletos yet" in page
    assert member.post("/invoicing/boletos/remittance/", {}).status_code == 403
    assert member.post("/invoicing/boletos/return/", {}).status_code == 403


def test_the_remittance_is_downloaded_from_the_list(manager, charges_a):
    charges_a.company()
    account = charges_a.bank_account("bradesco")
    charges_a.boleto()

    response = manager.post("/invoicing/boletos/remittance/", {"bank_account": account.pk})
    nothing = manager.post("/invoicing/boletos/remittance/", {"bank_account": account.pk})

    assert response.status_code == 200 and response["Content-Type"] == "application/octet-stream"
    assert response.content.startswith(b"23700000")
    assert nothing.status_code == 422 and "No boleto of this bank account is waiting" in nothing.content.decode()


def test_a_return_file_is_read_from_the_list(manager, charges_a):
    account = charges_a.bank_account("bradesco")
    boleto = charges_a.boleto()
    content = return_file("237", [t_u("237", title_id("bradesco", boleto.our_number), "06", paid=Decimal("5999.00"))])

    response = manager.post("/invoicing/boletos/return/", {
        "bank_account": account.pk, "file": SimpleUploadedFile("CB141201.RET", content)}, **HTMX)

    page = response.content.decode()
    assert response.status_code == 200 and boleto.our_number in page and "Paid" in page
    assert charges_a.query(lambda: Invoice.objects.get(pk=boleto.invoice_id).status) == "paid"
