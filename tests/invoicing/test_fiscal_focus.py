"""An NF-e through Focus NFe, against a local server answering in Focus's formats: sent when the
invoice is issued, asked about in the background until SEFAZ answers, a rejection shown to the user
in their language with SEFAZ's code and words, then the corrected note sent again under the same
number and authorised; a denial keeps its number used."""

import pytest

from modules.invoicing.fiscal_br.nfe import nfe_issue
from modules.invoicing.fiscal_br.sandbox import nfe_authorize
from tests.fiscal_br.conftest import invoice as nfe_document
from tests.fiscal_br.conftest import make_certificate
from tests.fiscal_br.focus_fake import REJECTION_598, FakeFocus

from .fiscal import BRAZILIAN_CUSTOMER, COMPANY_CNPJ, SETTINGS_URL, URL, brazilian_company, bread, fiscal_on

TOKEN = "token-de-homologacao-123"


@pytest.fixture
def focus(httpserver, team_a, settings, tmp_path):
    """Focus's fake; its authorised XML is an NF-e of the note's number, as SEFAZ would return it."""
    settings.MEDIA_ROOT = tmp_path
    certificate = make_certificate(COMPANY_CNPJ)

    def authorise(ref):
        payload = fake.notes[ref].payload
        answer = nfe_authorize(nfe_issue(nfe_document(number=int(payload["numero"])), certificate).xml)
        return answer.key, answer.xml

    fake = FakeFocus(TOKEN, authorise)
    fake.install(httpserver)
    brazilian_company(team_a)
    fiscal_on(team_a, payment_method="boleto", provider="focus_nfe", provider_token=TOKEN,
              provider_base_url=httpserver.url_for("").rstrip("/"))
    return fake


def issue(client, invoice, capture):
    with capture(execute=True):  # the polling task runs once the issue commits
        return client.post(f"{URL}{invoice.pk}/issue/")


def test_focus_answers_later_and_the_nfe_is_authorised_in_the_background(
    admin_api, invoicing_a, focus, django_capture_on_commit_callbacks
):
    invoice = invoicing_a.invoice(customer=invoicing_a.customer(**BRAZILIAN_CUSTOMER), currency="BRL",
                                  items=[bread()])

    answered = issue(admin_api, invoice, django_capture_on_commit_callbacks).json()
    later = admin_api.get(f"{URL}{invoice.pk}/").json()

    assert (answered["status"], answered["nfe_status"], answered["nfe_number"]) == ("issued", "pending", "000001")
    assert (later["nfe_status"], later["nfe_number"]) == ("authorized", "000001")
    assert later["nfe_xml_url"] and later["nfe_pdf_url"]
    assert focus.notes[f"{invoice.number}-nfe"].payload["numero"] == "1"


def test_a_rejection_is_shown_in_portuguese_and_the_corrected_note_goes_again_under_its_number(
    api, admin_api, team_a, invoicing_a, focus, django_capture_on_commit_callbacks
):
    # In production Focus writes the customer's name, which SEFAZ's homologation refuses (598).
    admin_api.patch(SETTINGS_URL, {"environment": "production"})
    invoice = invoicing_a.invoice(customer=invoicing_a.customer(**BRAZILIAN_CUSTOMER), currency="BRL",
                                  items=[bread()])
    issue(admin_api, invoice, django_capture_on_commit_callbacks)

    rejected = api(host=team_a.host, user=team_a.admin, language="pt-BR").get(f"{URL}{invoice.pk}/").json()
    admin_api.patch(SETTINGS_URL, {"environment": "homologation"})
    issue(admin_api, invoice, django_capture_on_commit_callbacks)
    authorised = admin_api.get(f"{URL}{invoice.pk}/").json()

    assert (rejected["status"], rejected["nfe_status"], rejected["nfe_number"]) == ("issued", None, "000001")
    assert rejected["fiscal_message"] == (
        f"SEFAZ rejeitou a NF-e (598: {REJECTION_598}). Corrija e envie de novo: ela mantém o número."
    )
    assert (authorised["nfe_status"], authorised["nfe_number"]) == ("authorized", "000001")
    assert focus.notes[f"{invoice.number}-nfe"].sent == 2
    assert admin_api.get(SETTINGS_URL).json()["nfe_next_number"] == 2


def test_a_denied_nfe_keeps_its_number_used(admin_api, invoicing_a, focus, django_capture_on_commit_callbacks):
    focus.irregular.add("81493979000189")
    invoice = invoicing_a.invoice(customer=invoicing_a.customer(**BRAZILIAN_CUSTOMER), currency="BRL",
                                  items=[bread()])

    issue(admin_api, invoice, django_capture_on_commit_callbacks)
    denied = admin_api.get(f"{URL}{invoice.pk}/").json()

    assert (denied["nfe_status"], denied["nfe_number"]) == ("denied", "000001")
    assert denied["fiscal_message"].startswith("SEFAZ denied the NF-e (302: Uso Denegado")
    assert admin_api.get(SETTINGS_URL).json()["nfe_next_number"] == 2


def test_an_nfe_issued_through_focus_is_corrected_and_cancelled_through_focus(
    admin_api, invoicing_a, focus, django_capture_on_commit_callbacks
):
    invoice = invoicing_a.invoice(customer=invoicing_a.customer(**BRAZILIAN_CUSTOMER), currency="BRL",
                                  items=[bread()])
    issue(admin_api, invoice, django_capture_on_commit_callbacks)
    ref = f"{invoice.number}-nfe"

    corrected = admin_api.post(f"{URL}{invoice.pk}/correction/",
                               {"correction": "Onde se lê balcão, leia-se entrega no endereço do cliente"})
    cancelled = admin_api.post(f"{URL}{invoice.pk}/cancel/", {"reason": "Pedido cancelado pelo cliente"})

    assert corrected.status_code == 200 and focus.notes[ref].corrections == 1
    assert cancelled.status_code == 200
    assert (cancelled.json()["nfe_status"], focus.notes[ref].status) == ("cancelled", "cancelado")
    assert [(event["kind"], event["code"]) for event in cancelled.json()["fiscal_events"]] == [
        ("correction", "135"), ("cancellation", "135")
    ]
    assert ("DELETE", f"/v2/nfe/{ref}") in focus.requests
