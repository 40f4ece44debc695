"""What the boleto and PIX tests stand on, made in one team's workspace: issued invoices with their
receivable (made with the ORM, as the invoices' own services are another part's), bank accounts
set up for boletos, the company's tax ID, the PIX settings, and return files as banks write them.

Import the fixtures into a test module: `from tests.invoicing.charges_fixtures import charges_a`.
"""

import itertools
import json
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from modules.core.webhooks import timestamped_signature
from modules.crm.models import Contact
from modules.finance.models import Account, AccountType, BankAccount
from modules.invoicing import boletos, pix_charges
from modules.invoicing.models import Invoice
from modules.tenancy.models import CompanyProfile

# Each bank's account as its manager would hand it over (the library's own test values).
BANK_ACCOUNTS = {
    "bb": {"bank_code": "001", "agency": "1234-5", "account_number": "56789-0", "boleto_wallet": "17",
           "boleto_agreement": "1234567"},
    "itau": {"bank_code": "341", "agency": "0057", "account_number": "12345-7", "boleto_wallet": "109",
             "boleto_agreement": "12345"},
    "bradesco": {"bank_code": "237", "agency": "3381-0", "account_number": "1234567-2", "boleto_wallet": "09",
                 "boleto_agreement": "4567890"},
    "sicredi": {"bank_code": "748", "agency": "0165.02", "account_number": "12345-6", "boleto_wallet": "11",
                "boleto_agreement": "00623"},
}
PAYER = {"name": "José da Conceição", "document": "529.982.247-25", "address": "Rua das Flores, 123",
         "district": "Centro", "zip_code": "01001-000", "city": "São Paulo", "state": "SP"}
PIX_KEY = "123e4567-e12b-12d1-a456-426655440000"
_numbers = itertools.count(1)


class Charges:
    """Make what a boleto or PIX test needs in one team's workspace."""

    def __init__(self, team):
        self.team = team

    def invoice(self, *, total="5999.00", currency="BRL", status="issued", due_in_days=30, language="en",
                issued_days_ago=0, **fields) -> Invoice:
        number = f"INV-T-{next(_numbers):05d}"
        today = timezone.localdate() - timedelta(days=issued_days_ago)
        with tenant_context(self.team.tenant):
            customer = Contact.objects.create(name="Carlos Mendes", email=f"{number.lower()}@example.com",
                                              company=fields.pop("company", ""))
            invoice = Invoice.objects.create(
                number=number, customer=customer, issue_date=today, due_date=today + timedelta(days=due_in_days),
                currency=currency, status=status, total=Decimal(total), subtotal=Decimal(total), language=language,
                issued_at=timezone.now() if status != "draft" else None, **fields,
            )
            if status != "draft":
                invoice.receivable = Account.objects.create(
                    type=AccountType.RECEIVABLE, description=f"Invoice {number}", reference=number,
                    amount=Decimal(total), currency=currency, due_date=invoice.due_date, customer=customer,
                    invoice_id=invoice.pk,
                )
                invoice.save(update_fields=["receivable"])
            return invoice

    def bank_account(self, bank="bradesco", **fields) -> BankAccount:
        values = {"name": f"{bank.title()} collection", "bank": bank, "currency": "BRL", **BANK_ACCOUNTS[bank],
                  **fields}
        with tenant_context(self.team.tenant):
            return BankAccount.objects.create(**values)

    def company(self, **fields) -> CompanyProfile:
        values = {"legal_name": "Padaria São José Ltda", "tax_id": "11.222.333/0001-81", "country": "BR",
                  "address": "Av. Paulista, 1000", "city": "São Paulo", "state": "SP", "postal_code": "01310-100",
                  **fields}
        CompanyProfile.objects.filter(tenant=self.team.tenant).update(**values)
        return CompanyProfile.objects.get(tenant=self.team.tenant)

    def boleto(self, invoice=None, *, bank="bradesco", payer=PAYER, **fields):
        invoice = invoice or self.invoice()
        with tenant_context(self.team.tenant):
            return boletos.boleto_create(actor=self.team.admin, invoice=invoice, bank=bank, payer=payer, **fields)

    def pix_settings(self, **changes) -> pix_charges.SavedPixSettings:
        values = {"key": PIX_KEY, "merchant_name": "Padaria São José", "merchant_city": "São Paulo", **changes}
        with tenant_context(self.team.tenant):
            return pix_charges.pix_settings_save(actor=self.team.admin, changes=values)

    def pix(self, invoice=None, *, type="dynamic", **fields):
        with tenant_context(self.team.tenant):
            return pix_charges.pix_create(actor=self.team.admin, type=type, invoice=invoice, **fields)

    def query(self, read):
        """Run an ORM read in the team's schema: `charges.query(lambda: Boleto.objects.count())`."""
        with tenant_context(self.team.tenant):
            return read()


@pytest.fixture(autouse=True)
def files_in_a_temporary_folder(settings, tmp_path):
    """The boletos' PDFs go where the test's other files go, not into the project's media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def charges_a(team_a) -> Charges:
    return Charges(team_a)


@pytest.fixture
def charges_b(team_b) -> Charges:
    return Charges(team_b)


def in_days(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


# --- Return files, as a bank writes them (FEBRABAN CNAB 240, positions from 1) ------------------


def record(*fields: tuple[int, str]) -> str:
    """A 240-character line with each value written from its position on, the rest blank."""
    line = [" "] * 240
    for start, value in fields:
        line[start - 1:start - 1 + len(value)] = value
    return "".join(line)


def title_id(bank: str, our_number: str) -> str:
    """The boleto's identification (G069) as the return's segment T writes it: Bradesco's wallet,
    5 zeros, nosso número and digit; Sicredi's 9 digits; Itaú's wallet, number and DAC."""
    wallet, rest = our_number.split("/")
    number, digit = rest.split("-")
    if bank == "bradesco":
        return wallet.zfill(3) + "00000" + number + digit
    return wallet + number + digit


def return_file(bank_code: str, items: list[tuple[str, str]], *, file_number: int = 42) -> bytes:
    details = [line for pair in items for line in pair]
    lines = [record((1, bank_code + "00000"), (18, "2"), (19, "11222333000181"), (143, "2"), (144, "14122025"),
                    (152, "050000"), (158, f"{file_number:06d}")),
             record((1, bank_code + "00011T01"), (14, "042"))]
    lines += details
    lines.append(record((1, bank_code + "00015"), (18, f"{len(details) + 2:06d}")))
    lines.append(record((1, bank_code + "99999"), (18, "000001"), (24, f"{len(lines) + 1:06d}")))
    return ("\r\n".join(lines) + "\r\n").encode("latin-1")


def t_u(bank_code: str, title: str, occurrence: str, *, paid: Decimal = Decimal(0), paid_on: str = "12122025",
        reasons: str = "") -> tuple[str, str]:
    """Segments T and U of one boleto: `occurrence` 06 paid (with `paid`, in reais), 02 entry
    confirmed, 03 rejected (with `reasons`)."""
    centavos = int(paid * 100)
    t = record((1, bank_code + "00013"), (9, "00001T"), (16, occurrence), (18, "03381"), (24, "000001234567"),
               (38, title), (58, "1"), (59, "INV"), (74, "15122025"), (82, f"{centavos:015d}"), (106, "INV"),
               (131, "09"), (199, "000000000000290"), (214, reasons))
    u = record((1, bank_code + "00013"), (9, "00002U"), (16, occurrence), (18, "0" * 15), (33, "0" * 45),
               (78, f"{centavos:015d}"), (93, f"{max(centavos - 290, 0):015d}"), (108, "0" * 30),
               (138, paid_on if centavos else "00000000"), (146, "15122025" if centavos else "00000000"))
    return t, u


# --- PIX notifications -----------------------------------------------------------------------


def signed(event: dict, secret: str, *, timestamp: int | None = None) -> tuple[bytes, str]:
    body = json.dumps(event).encode()
    return body, timestamped_signature(body, secret, int(time.time()) if timestamp is None else timestamp)
