"""`POST /api/v1/invoicing/boletos/remittance/`: the CNAB 240 remittance of a bank account's boletos
not sent yet, numbered per account; the boletos remember the file they went in, which can be
written again from its number. Managers and admins only."""

from decimal import Decimal

import pytest

from modules.events.models import Event
from modules.invoicing.models import Boleto
from tests.invoicing.charges_fixtures import *  # noqa: F403 (its fixtures)
from tests.invoicing.charges_fixtures import PAYER

URL = "/api/v1/invoicing/boletos/remittance/"


@pytest.fixture
def manager(api, team_a):
    return api(host=team_a.host, user=team_a.manager)


def lines_of(response) -> list[str]:
    return b"".join(response.streaming_content if response.streaming else [response.content]).decode(
        "ascii").split("\r\n")[:-1]


def at(line: str, start: int, end: int) -> str:
    return line[start - 1:end]


@pytest.fixture
def sent_twice(charges_a):
    """Two pending boletos of a Bradesco account, a paid one and one of another account."""
    charges_a.company()
    account = charges_a.bank_account("bradesco")
    boletos = [charges_a.boleto(charges_a.invoice(total=total)) for total in ("5999.00", "10.50")]
    paid = charges_a.boleto()
    charges_a.query(lambda: Boleto.objects.filter(pk=paid.pk).update(status="paid"))
    charges_a.bank_account("sicredi")
    charges_a.boleto(bank="sicredi")
    return account, boletos


def test_the_remittance_registers_the_accounts_pending_boletos(manager, charges_a, sent_twice):
    account, boletos = sent_twice

    response = manager.post(URL, {"bank_account_id": account.pk})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == f'attachment; filename="remessa-bradesco-{account.pk}-000001.rem"'
    assert (response["X-Remittance-Number"], response["X-Boletos"]) == ("1", "2")
    lines = lines_of(response)
    assert all(len(line) == 240 for line in lines)
    kinds = [at(line, 8, 8) + (at(line, 14, 14) if at(line, 8, 8) == "3" else "") for line in lines]
    assert kinds == ["0", "1", "3P", "3Q", "3P", "3Q", "5", "9"]
    header, p1, q1, p2 = lines[0], lines[2], lines[3], lines[4]
    assert at(header, 1, 3) == "237" and at(header, 19, 32) == "11222333000181"
    assert at(header, 158, 163) == "000001"  # the file's number at the bank (NSA)
    assert [at(p, 38, 57) for p in (p1, p2)] == [
        "009" + "00000" + boleto.our_number[3:14] + boleto.our_number[-1] for boleto in boletos]
    assert [at(p, 86, 100) for p in (p1, p2)] == ["000000000599900", "000000000001050"]
    assert at(q1, 19, 33) == "000052998224725" and at(q1, 34, 73).rstrip() == "JOSE DA CONCEICAO"
    assert at(lines[-2], 18, 23) == "000006" and at(lines[-1], 24, 29) == "000008"  # the trailers' counts
    assert charges_a.query(lambda: sorted(Boleto.objects.filter(remittance_number=1).values_list("pk", flat=True))) \
        == sorted(boleto.pk for boleto in boletos)
    assert charges_a.query(lambda: Event.objects.filter(name="boleto.remitted").count()) == 2


def test_the_next_remittance_holds_only_what_was_not_sent(manager, charges_a, sent_twice):
    account, _boletos = sent_twice
    manager.post(URL, {"bank_account_id": account.pk})

    nothing = manager.post(URL, {"bank_account_id": account.pk})
    newer = charges_a.boleto()
    second = manager.post(URL, {"bank_account_id": account.pk})

    assert nothing.status_code == 400
    assert nothing.json() == {"bank_account_id": ["No boleto of this bank account is waiting to be sent."]}
    assert (second["X-Remittance-Number"], second["X-Boletos"]) == ("2", "1")
    assert charges_a.query(lambda: Boleto.objects.get(pk=newer.pk).remittance_number) == 2


def test_a_remittance_is_written_again_from_its_number(manager, charges_a, sent_twice):
    account, _boletos = sent_twice
    first = lines_of(manager.post(URL, {"bank_account_id": account.pk}))

    again = manager.post(URL, {"bank_account_id": account.pk, "remittance_number": 1})
    unknown = manager.post(URL, {"bank_account_id": account.pk, "remittance_number": 9})

    # The same boletos in the same file number; only the moment it was written differs.
    assert [line[:143] + line[157:] for line in lines_of(again)] == [line[:143] + line[157:] for line in first]
    assert unknown.status_code == 400 and list(unknown.json()) == ["remittance_number"]
    assert charges_a.query(lambda: Event.objects.filter(name="boleto.remitted").count()) == 2


def test_a_banco_do_brasil_account_without_its_wallets_variation_is_refused_clearly(manager, charges_a):
    charges_a.company()
    account = charges_a.bank_account("bb")  # wallet "17": BB's files name its variation too
    charges_a.boleto(bank="bb")

    response = manager.post(URL, {"bank_account_id": account.pk})

    assert response.status_code == 400
    assert response.json() == {"bank": [
        "The bank account “Bb collection”: Banco do Brasil registers boletos under the wallet's variation: write"
        " the wallet with it, 17 and 019 as 17019."]}
    assert charges_a.query(lambda: Boleto.objects.filter(remittance_number__isnull=False).count()) == 0


def test_a_banco_do_brasil_remittance(manager, charges_a):
    charges_a.company()
    account = charges_a.bank_account("bb", boleto_wallet="17019")
    boleto = charges_a.boleto(bank="bb", amount=Decimal("5999.00"))

    lines = lines_of(manager.post(URL, {"bank_account_id": account.pk}))

    assert [len(line) for line in lines] == [240] * 6
    assert at(lines[0], 1, 3) == "001" and at(lines[0], 33, 52) == "001234567" + "0014" + "17" + "019" + "  "
    assert at(lines[0], 53, 58) == "012345" and at(lines[0], 59, 71) == "0000000567890"
    assert at(lines[2], 38, 57) == boleto.our_number.ljust(20)  # 17 digits: convênio and sequence
    assert at(lines[2], 58, 58) == "7"  # C006: wallet 17, simple
    assert at(lines[4], 18, 23) == "000004" and at(lines[5], 24, 29) == "000006"


def test_an_itau_remittance(manager, charges_a):
    charges_a.company()
    account = charges_a.bank_account("itau")
    boleto = charges_a.boleto(bank="itau", amount=Decimal("5999.00"))

    lines = lines_of(manager.post(URL, {"bank_account_id": account.pk}))

    wallet, number, digit = boleto.our_number.replace("/", "-").split("-")
    assert at(lines[0], 1, 3) == "341" and at(lines[0], 53, 72) == "00057 000000012345 " + at(lines[0], 72, 72)
    assert at(lines[2], 38, 49) == wallet + number + digit
    assert at(lines[4], 24, 46) == "000001" + "00000000000599900"  # one boleto of 5,999.00


def test_boletos_without_the_payers_document_and_address_are_named(manager, charges_a):
    charges_a.company()
    account = charges_a.bank_account("bradesco")
    lacking = charges_a.boleto(payer={})
    charges_a.boleto(payer=PAYER)

    response = manager.post(URL, {"bank_account_id": account.pk})

    assert response.status_code == 400
    assert lacking.our_number in response.json()["bank_account_id"][0]
    assert charges_a.query(lambda: Boleto.objects.filter(remittance_number__isnull=False).count()) == 0


def test_the_company_needs_its_tax_id(manager, charges_a):
    charges_a.company(tax_id="")
    account = charges_a.bank_account("bradesco")
    charges_a.boleto()

    response = manager.post(URL, {"bank_account_id": account.pk})

    assert response.status_code == 400 and "tax ID" in response.json()["bank_account_id"][0]


def test_a_sicredi_remittance(manager, charges_a):
    charges_a.company()
    account = charges_a.bank_account("sicredi")
    boleto = charges_a.boleto(bank="sicredi", amount=Decimal("5999.00"))

    lines = lines_of(manager.post(URL, {"bank_account_id": account.pk}))

    assert at(lines[0], 1, 3) == "748" and at(lines[0], 53, 57) == "00165"
    assert at(lines[2], 38, 46) == boleto.our_number.replace("/", "").replace("-", "")


def test_only_managers_and_admins_send_remittances(api, team_a, charges_a, sent_twice):
    account, _boletos = sent_twice

    response = api(host=team_a.host, user=team_a.user).post(URL, {"bank_account_id": account.pk})

    assert response.status_code == 403
    assert charges_a.query(lambda: Boleto.objects.filter(remittance_number__isnull=False).count()) == 0


def test_another_workspaces_bank_account_does_not_exist_here(api, team_b, charges_a, sent_twice):
    account, _boletos = sent_twice

    response = api(host=team_b.host, user=team_b.admin).post(URL, {"bank_account_id": account.pk})

    assert response.status_code == 400 and list(response.json()) == ["bank_account_id"]
    assert charges_a.query(lambda: Boleto.objects.filter(remittance_number__isnull=False).count()) == 0
