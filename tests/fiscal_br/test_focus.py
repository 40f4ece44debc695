"""Focus NFe through our adapter, against a local server answering in Focus's own formats: a note
sent, polled until SEFAZ answers, its XML fetched; SEFAZ's rejection shown in the user's language
with SEFAZ's words, corrected and sent again under the same reference and number; cancelled and
corrected; and Focus's own errors."""

from dataclasses import replace
from decimal import Decimal

import pytest
from django.utils import translation

from modules.invoicing.fiscal_br.errors import FiscalDataError
from modules.invoicing.fiscal_br.nfe import nfe_issue
from modules.invoicing.fiscal_br.provider_focus import FocusError, FocusNFe, focus_payload
from modules.invoicing.fiscal_br.results import AUTHORIZED, CANCELLED, DENIED, PROCESSING, REJECTED
from modules.invoicing.fiscal_br.sandbox import nfe_authorize

from .conftest import company, consumer_elsewhere, invoice, line
from .focus_fake import REJECTION_598, FakeFocus

TOKEN = "token-de-homologacao-123"


@pytest.fixture
def documents():
    """The note each reference stands for, as the test sends it."""
    return {}


@pytest.fixture
def fake(httpserver, documents, certificate):
    def authorise(ref):
        answer = nfe_authorize(nfe_issue(documents[ref], certificate).xml)
        return answer.key, answer.xml

    focus = FakeFocus(TOKEN, authorise)
    focus.install(httpserver)
    return focus


@pytest.fixture
def client(httpserver):
    return FocusNFe(TOKEN, base_url=httpserver.url_for("").rstrip("/"))


def no_wait(_seconds):
    """Polling without the seconds between queries."""


def test_the_payload_carries_what_our_xml_carries():
    document = invoice(emitter=company(tax_regime="normal", pis_cofins_regime="cumulative"),
                       items=(line(1, icms_rate=Decimal("18")), line(2, quantity=Decimal("1.5"),
                                                                      icms_rate=Decimal("12"))))

    payload = focus_payload(document)

    assert (payload["numero"], payload["serie"], payload["regime_tributario_emitente"]) == ("1234", "1", "3")
    assert payload["cnpj_emitente"] == "11222333000181" and payload["cnpj_destinatario"] == "81493979000189"
    assert payload["nome_destinatario"] == "NF-E EMITIDA EM AMBIENTE DE HOMOLOGACAO - SEM VALOR FISCAL"
    assert payload["indicador_inscricao_estadual_destinatario"] == "1"
    assert payload["inscricao_estadual_destinatario"] == "460429771334"
    assert payload["codigo_municipio_emitente"] == "3501152" and payload["local_destino"] == "1"
    assert [item["icms_valor"] for item in payload["items"]] == ["4.81", "1.60"]
    assert [item["cfop"] for item in payload["items"]] == ["5102", "5102"]
    assert payload["icms_valor_total"] == "6.41" and payload["valor_total"] == "40.05"
    assert payload["formas_pagamento"] == [{"indicador_pagamento": "0", "forma_pagamento": "17",
                                            "valor_pagamento": "40.05", "tipo_integracao": "2"}]


def test_a_simples_note_sends_its_csosn_and_credit():
    payload = focus_payload(invoice(emitter=company(simples_credit_rate=Decimal("2.70")),
                                    recipient=consumer_elsewhere()))

    assert payload["cpf_destinatario"] == "52998224725" and "cnpj_destinatario" not in payload
    assert {item["icms_situacao_tributaria"] for item in payload["items"]} == {"102"}
    assert {item["pis_situacao_tributaria"] for item in payload["items"]} == {"49"}
    assert payload["local_destino"] == "2" and payload["consumidor_final"] == "1"


def test_a_note_is_sent_polled_until_authorised_and_comes_with_its_xml(fake, client, documents):
    documents["inv-1"] = invoice()

    sent = client.send("inv-1", documents["inv-1"])
    answer = client.wait("inv-1", sleep=no_wait)

    assert sent.outcome == PROCESSING
    assert (answer.outcome, answer.code, answer.number) == (AUTHORIZED, "100", "1234")
    assert answer.key.startswith("3526") and len(answer.key) == 44
    assert answer.xml.startswith(b"<?xml") and b"<nfeProc" in answer.xml
    assert answer.protocol and answer.protocol.encode() in answer.xml
    assert [method for method, _path in fake.requests] == ["POST", "GET", "GET", "GET"]
    assert fake.requests[0][1] == "/v2/nfe?ref=inv-1"


@pytest.mark.parametrize("language, words", [
    ("pt-br", "SEFAZ rejeitou a NF-e (598: "), ("es", "SEFAZ rechazó la NF-e (598: ")])
def test_a_rejection_reaches_the_user_in_their_language_with_sefazs_words_and_is_sent_again(
        fake, client, documents, language, words):
    wrong = invoice(environment=1)  # a production note sent to the homologation token
    documents["inv-2"] = wrong

    client.send("inv-2", replace(wrong))
    rejected = client.wait("inv-2", sleep=no_wait)

    assert (rejected.outcome, rejected.code) == (REJECTED, "598")
    with translation.override(language):
        assert rejected.message.startswith(words + REJECTION_598)

    documents["inv-2"] = fixed = replace(wrong, environment=2)
    client.send("inv-2", fixed)
    authorised = client.wait("inv-2", sleep=no_wait)

    assert authorised.outcome == AUTHORIZED and authorised.number == "1234"
    resent = [fake.notes["inv-2"].payload["numero"], fake.notes["inv-2"].sent]
    assert resent == ["1234", 2]  # the same reference and number, the second time


def test_an_authorised_reference_is_not_sent_twice(fake, client, documents):
    documents["inv-3"] = invoice()
    client.send("inv-3", documents["inv-3"])
    client.wait("inv-3", sleep=no_wait)

    with translation.override("pt-br"), pytest.raises(FocusError) as refused:
        client.send("inv-3", documents["inv-3"])

    assert refused.value.code == "nfe_autorizada" and refused.value.status == 422
    assert refused.value.message == "O Focus NFe recusou o pedido (nfe_autorizada: Nota fiscal já autorizada)."


def test_a_denied_note_is_told_apart_from_a_rejected_one(fake, client, documents):
    fake.irregular.add("81493979000189")
    documents["inv-4"] = invoice()

    client.send("inv-4", documents["inv-4"])
    denied = client.wait("inv-4", sleep=no_wait)

    assert (denied.outcome, denied.code) == (DENIED, "302")
    with translation.override("pt-br"):
        assert "número foi usado" in denied.message


def test_polling_gives_up_after_its_attempts(fake, client, documents):
    documents["inv-5"] = invoice()
    client.send("inv-5", documents["inv-5"])

    assert client.wait("inv-5", attempts=1, sleep=no_wait).outcome == PROCESSING


def test_an_authorised_note_is_cancelled(fake, client, documents):
    documents["inv-6"] = invoice()
    client.send("inv-6", documents["inv-6"])
    client.wait("inv-6", sleep=no_wait)

    cancelled = client.cancel("inv-6", "Cliente desistiu da compra antes da entrega")

    assert (cancelled.registered, cancelled.code) == (True, "135")
    assert ("DELETE", "/v2/nfe/inv-6") in fake.requests
    assert client.status("inv-6").outcome == CANCELLED


def test_a_short_reason_is_refused_before_calling_focus(fake, client, documents):
    documents["inv-7"] = invoice()
    client.send("inv-7", documents["inv-7"])
    calls = len(fake.requests)

    with pytest.raises(FiscalDataError):
        client.cancel("inv-7", "curto")

    assert len(fake.requests) == calls


def test_cancelling_a_note_not_authorised_is_focus_refusal(fake, client, documents):
    documents["inv-8"] = invoice()
    client.send("inv-8", documents["inv-8"])

    with pytest.raises(FocusError) as refused:
        client.cancel("inv-8", "Cliente desistiu da compra antes da entrega")

    assert refused.value.code == "nfe_nao_autorizada"


def test_correction_letters_are_numbered_by_focus(fake, client, documents):
    documents["inv-9"] = invoice()
    client.send("inv-9", documents["inv-9"])
    client.wait("inv-9", sleep=no_wait)

    first = client.correct("inv-9", "Corrige o complemento do endereço de entrega")
    second = client.correct("inv-9", "Corrige o complemento do endereço: sala 2")

    assert (first.registered, first.sequence, second.sequence) == (True, 1, 2)
    with translation.override("pt-br"):
        assert second.message.startswith("A carta de correção 2 foi registrada")


def test_a_wrong_token_is_focus_permission_error(fake, httpserver):
    client = FocusNFe("another-token", base_url=httpserver.url_for("").rstrip("/"))

    with translation.override("es"), pytest.raises(FocusError) as refused:
        client.status("inv-1")

    assert refused.value.status == 403
    assert refused.value.message == "Focus NFe rechazó la solicitud (permissao_negada: Acesso negado: token inválido)."


def test_focus_schema_errors_carry_their_details(fake, client):
    document = invoice()
    payload_without_recipient = focus_payload(document)
    payload_without_recipient.pop("cnpj_destinatario")

    with pytest.raises(FocusError) as refused:
        client._request("POST", "/v2/nfe", params={"ref": "x"}, json=payload_without_recipient)

    assert refused.value.code == "erro_validacao_schema"
    assert "cnpj_destinatario ou cpf_destinatario" in refused.value.message
    assert refused.value.errors[0]["campo"] is None


def test_only_files_on_focus_own_server_are_fetched(fake, client):
    with pytest.raises(FocusError):
        client.download("@attacker.example/steal.xml")
    with pytest.raises(FocusError):
        client.download("//attacker.example/steal.xml")

    assert fake.requests == []


def test_an_unreachable_focus_is_said_so():
    client = FocusNFe(TOKEN, base_url="http://127.0.0.1:9", timeout=2)

    with translation.override("pt-br"), pytest.raises(FocusError) as refused:
        client.status("inv-1")

    assert refused.value.message == "Não foi possível falar com o Focus NFe: tente de novo em alguns minutos."
