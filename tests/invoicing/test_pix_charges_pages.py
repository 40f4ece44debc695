"""The PIX pages: the invoice page's PIX dialog (its panel fetched by htmx, a page of its own
without JavaScript) showing the QR code and the copy-and-paste text, one charge's page, and the
PIX settings page (managers and admins) showing the webhook secret once."""

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from modules.invoicing.brazil.pix import brcode_parse
from modules.invoicing.models import Pix, PixSettings
from tests.invoicing.charges_fixtures import *  # noqa: F403 (its fixtures)
from tests.invoicing.charges_fixtures import PIX_KEY

HTMX = {"HTTP_HX_REQUEST": "true"}


def signed_in(team, user, language="en") -> Client:
    client = Client(HTTP_HOST=team.host)
    client.cookies["django_language"] = language
    client.force_login(user)
    return client


@pytest.fixture
def member(team_a):
    return signed_in(team_a, team_a.user)


def test_the_dialog_opens_on_the_invoice_page_with_a_link_that_works_without_javascript(charges_a):
    invoice = charges_a.invoice()
    draft = charges_a.invoice(status="draft")

    with translation.override("es"):
        html = render_to_string("invoicing/partials/_pix_dialog.html", {"invoice": invoice})

    url = f"/invoicing/invoices/{invoice.pk}/pix/"
    assert f'href="{url}"' in html and f'hx-get="{url}"' in html
    assert f'<dialog id="pix-dialog-{invoice.pk}"' in html and f"PIX de la factura {invoice.number}" in html
    assert render_to_string("invoicing/partials/_pix_dialog.html", {"invoice": draft}).strip() == ""


def test_the_panel_makes_a_charge_and_shows_its_qr_code_and_text(member, charges_a):
    charges_a.pix_settings()
    invoice = charges_a.invoice(total="5999.00")
    url = f"/invoicing/invoices/{invoice.pk}/pix/"

    panel = member.get(url, **HTMX).content.decode()
    made = member.post(url, {"type": "dynamic", "expires_in_hours": "48"}, **HTMX)

    assert 'value="dynamic"' in panel and "R$5,999.00" in panel
    pix = charges_a.query(lambda: Pix.objects.get())
    page = made.content.decode()
    assert made.status_code == 200 and 'src="data:image/png;base64,' in page and pix.qr_code_text in page
    assert f'data-copy="#pix-text-{pix.pk}"' in page
    assert brcode_parse(pix.qr_code_text).amount == pix.amount == invoice.total


def test_without_javascript_the_charge_is_shown_on_its_page(member, charges_a):
    charges_a.pix_settings()
    invoice = charges_a.invoice()

    response = member.post(f"/invoicing/invoices/{invoice.pk}/pix/", {"type": "static"})

    pix = charges_a.query(lambda: Pix.objects.get())
    assert response.status_code == 302 and response["Location"] == f"/invoicing/pix/{pix.pk}/"
    assert pix.qr_code_text in member.get(response["Location"]).content.decode()


def test_the_panel_says_when_pix_is_not_set_up(member, charges_a):
    invoice = charges_a.invoice()

    page = member.get(f"/invoicing/invoices/{invoice.pk}/pix/", **HTMX).content.decode()

    assert "PIX is not set up yet" in page and 'name="type"' not in page


def test_a_refusal_is_shown_in_the_panel(member, charges_a):
    charges_a.pix_settings()
    invoice = charges_a.invoice(currency="USD")

    response = member.post(f"/invoicing/invoices/{invoice.pk}/pix/", {"type": "dynamic"}, **HTMX)

    assert response.status_code == 422 and "this invoice is in USD" in response.content.decode()


def test_the_settings_page_shows_the_webhook_secret_once(team_a, charges_a):
    manager = signed_in(team_a, team_a.manager, language="pt-br")

    form = manager.get("/invoicing/settings/pix/").content.decode()
    saved = manager.post("/invoicing/settings/pix/", {
        "key": PIX_KEY, "merchant_name": "Padaria", "merchant_city": "Recife", "psp": "sandbox"}).content.decode()
    again = manager.get("/invoicing/settings/pix/").content.decode()

    secret = charges_a.query(lambda: PixSettings.objects.get().webhook_secret)
    assert "Configurações de PIX" in form and "http://alpha.localhost:8000/webhooks/pix/" in form
    assert secret in saved and "Copie agora" in saved
    assert secret not in again and "Há um segredo de webhook configurado." in again


def test_a_bad_key_is_shown_beside_its_field(team_a, charges_a):
    manager = signed_in(team_a, team_a.admin)

    response = manager.post("/invoicing/settings/pix/", {
        "key": "123", "merchant_name": "Padaria", "merchant_city": "Recife", "psp": "sandbox"})

    assert response.status_code == 422 and "This is not a PIX key" in response.content.decode()
    assert charges_a.query(lambda: PixSettings.objects.count()) == 0


def test_members_do_not_reach_the_settings(member):
    assert member.get("/invoicing/settings/pix/").status_code == 403
