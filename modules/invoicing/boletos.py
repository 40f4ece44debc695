"""Boletos for invoices, on the tested library in `brazil/`: made, printed, sent, settled.

- `boleto_create` draws a boleto for an issued invoice on the workspace's active bank account at
  the bank asked for, with its nosso número from a gapless sequence of that account
  (core.numbering, so a refused boleto gives its number back), and stores its PDF.
- `boleto_pdf` prints it on FEBRABAN's layout (payer's receipt and the compensation slip); the
  slip's titles are the layout's own, in Portuguese, the receipt's in the invoice's language.
- `boleto_remittance_export` writes the CNAB 240 remittance registering the account's boletos not
  sent yet, numbering the file per account (NSA) and remembering which went in it
  (`remittance_number`): the same file can be written again from that number.
- `boleto_return_import` reads the bank's CNAB 240 return and settles each paid boleto through
  `settlement.invoice_payment_receive`, keyed on the account and the nosso número, so importing
  a file twice changes nothing; it reports what became of each line.
"""

import base64
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.br import cnpj, cpf

from modules.core.exceptions import DomainError
from modules.core.files import tenant_file_path
from modules.core.money import format_money
from modules.core.numbering import sequence_next
from modules.core.signing import file_url
from modules.events.services import event_record
from modules.finance.models import BankAccount
from modules.tenancy.selectors import company_profile_current

from . import events
from .brazil.boleto import BANK_CODES, BANKS_BY_CODE, CollectionAccount, barcode_svg, boleto_build
from .brazil.cnab240 import Beneficiary, Charge, Payer, ReturnItem, remittance_build, return_parse
from .brazil.common import PaymentDataError, digits
from .charges import CHARGE_CURRENCY, charge_amount, invoice_chargeable
from .models import Boleto, BoletoBank, ChargeStatus, Invoice
from .settlement import invoice_payment_receive

# What each bank needs on the bank account, beside its agency and number, to issue boletos:
# Banco do Brasil and Sicredi put the agreement in the barcode, Bradesco in the remittance.
BANK_FIELDS = {
    "bb": ("boleto_agreement", "boleto_wallet"),
    "itau": ("boleto_wallet",),
    "bradesco": ("boleto_agreement", "boleto_wallet"),
    "sicredi": ("boleto_agreement", "boleto_wallet"),
}
BANK_FIELD_NAMES = {
    "boleto_agreement": gettext_lazy("boleto agreement (convênio)"),
    "boleto_wallet": gettext_lazy("boleto wallet (carteira)"),
}
# The bank's code and its check digit, as the slip's header prints it.
BANK_HEADER_CODES = {"bb": "001-9", "itau": "341-7", "bradesco": "237-2", "sicredi": "748-X"}
# The payer's details a bank needs to register a boleto (CNAB segment Q); the district may be blank.
PAYER_FIELDS = ("name", "document", "address", "district", "zip_code", "city", "state")
PAYER_REQUIRED_FOR_REMITTANCE = ("document", "address", "zip_code", "city", "state")
# The library's fields that are the bank account's set-up, not the request's.
ACCOUNT_FIELDS = {"agreement", "wallet", "agency", "account", "bank"}


# --- Making a boleto -------------------------------------------------------------------------


@transaction.atomic
def boleto_create(
    *, actor, invoice: Invoice, bank: str, due_date: date | None = None, amount: Decimal | None = None,
    payer: dict | None = None,
) -> Boleto:
    """A boleto for `invoice` (locked by the caller: `access_invoice(..., for_write=True)`), due on
    `due_date` (by default the invoice's own, or today for an invoice past it), of its total, with
    its PDF."""
    boleto = boleto_issue(invoice=invoice, bank=bank, due_date=due_date, amount=amount, payer=payer)
    boleto.pdf = boleto_pdf_store(boleto)
    boleto.save(update_fields=["pdf"])
    event_record(name=events.BOLETO_CREATED, payload=events.boleto_json(boleto), actor=actor)
    return boleto


def boleto_issue(
    *, invoice: Invoice, bank: str, due_date: date | None, amount: Decimal | None, payer: dict | None,
) -> Boleto:
    """The boleto checked, numbered and saved, before it is printed (boleto_create's first step,
    inside its transaction: a refusal after the numbering gives the number back)."""
    invoice_chargeable(invoice)
    amount = charge_amount(invoice, amount)
    due_date = due_date or max(invoice.due_date, timezone.localdate())
    if due_date < timezone.localdate():
        raise DomainError(_("A boleto cannot be due in the past."), field="due_date")
    payer = _payer_clean(invoice, payer or {})
    bank_account = boleto_bank_account(bank)
    built = _built(bank_account, bank, due_date=due_date, amount=amount)
    return Boleto.objects.create(
        invoice=invoice, bank=bank, bank_account=bank_account, our_number=built.nosso_numero, barcode=built.barcode,
        digitable_line=built.digitable_line, due_date=due_date, amount=amount, payer=payer,
    )


def boleto_bank_account(bank: str) -> BankAccount:
    """The workspace's active account in reais at `bank` that has what the bank needs to issue
    boletos (the first one, when several have); a refusal naming what to fill otherwise."""
    accounts = list(BankAccount.objects.filter(
        bank_code=BANK_CODES[bank], is_active=True, currency=CHARGE_CURRENCY
    ).order_by("id"))
    bank_name = BoletoBank(bank).label
    if not accounts:
        raise DomainError(
            _("There is no active bank account in reais at %(bank)s (bank code %(code)s): add one in Finance to "
              "issue its boletos.") % {"bank": bank_name, "code": BANK_CODES[bank]},
            field="bank", code="no_bank_account",
        )
    for account in accounts:
        if all(getattr(account, name) for name in BANK_FIELDS[bank]):
            return account
    missing = [str(BANK_FIELD_NAMES[name]) for name in BANK_FIELDS[bank] if not getattr(accounts[0], name)]
    raise DomainError(
        _("Fill the %(fields)s of the bank account “%(account)s” in Finance to issue %(bank)s boletos.")
        % {"fields": _(" and ").join(missing), "account": accounts[0].name, "bank": bank_name},
        field="bank", code="no_agreement",
    )


def collection_account(bank_account: BankAccount) -> CollectionAccount:
    """The bank account as the library reads a collection contract: agency and account without
    the check digits people write after a dash ("3381-0"). Banco do Brasil's wallet may carry its
    variação after its two digits ("17019": wallet 17, variação 019), which its remittances name."""
    bank, wallet, variation = BANKS_BY_CODE.get(bank_account.bank_code, ""), bank_account.boleto_wallet, ""
    if bank == "bb" and len(digits(wallet) or "") > 2:
        wallet, variation = digits(wallet)[:2], digits(wallet)[2:].zfill(3)
    return CollectionAccount(
        bank=bank, agency=_number_and_digit(bank_account.agency)[0],
        account=_number_and_digit(bank_account.account_number)[0], wallet=wallet,
        agreement=bank_account.boleto_agreement, variation=variation,
    )


def _number_and_digit(text: str) -> tuple[str, str]:
    number, _dash, digit = text.strip().rpartition("-")
    return (number, digit) if number else (text.strip(), "")


def _built(bank_account: BankAccount, bank: str, *, due_date: date, amount: Decimal):
    """The library's boleto with the account's next nosso número. Sicredi's carries the year and
    the byte 2 (made by the beneficiary), so its count starts again each year."""
    if bank == "sicredi":
        year = f"{timezone.localdate():%y}"
        sequence = f"{year}2{sequence_next(f'boleto:{bank_account.pk}:{year}'):05d}"
    else:
        sequence = str(sequence_next(f"boleto:{bank_account.pk}"))
    try:
        return boleto_build(collection_account(bank_account), sequence=sequence, due_date=due_date, amount=amount)
    except PaymentDataError as error:
        raise _refusal(error, bank_account) from None


def _refusal(error: PaymentDataError, bank_account: BankAccount) -> DomainError:
    """The library's refusal, on the request's field it is about: a fault of the bank account's
    set-up is told with the account's name, on `bank`."""
    if error.field == "sequence":
        return DomainError(
            _("The bank account “%(account)s” has used every nosso número its bank allows.")
            % {"account": bank_account.name},
            field="bank",
        )
    if error.field in ACCOUNT_FIELDS:
        return DomainError(
            _("The bank account “%(account)s”: %(problem)s") % {"account": bank_account.name, "problem": error.message},
            field="bank",
        )
    return DomainError(error.message, field=error.field)


def _payer_clean(invoice: Invoice, payer: dict) -> dict:
    """The payer as printed and registered: the customer's name unless another is given, a CPF or
    CNPJ that is one, a CEP of 8 digits and a state of 2 letters; every field a string."""
    cleaned = {name: str(payer.get(name) or "").strip() for name in PAYER_FIELDS}
    cleaned["name"] = cleaned["name"] or invoice.customer.company or invoice.customer.name
    if cleaned["document"]:
        document = digits(cleaned["document"]) or ""
        if not ((len(document) == 11 and cpf.is_valid(document)) or (len(document) == 14 and cnpj.is_valid(document))):
            raise DomainError(_("Enter the payer's valid CPF (11 digits) or CNPJ (14 digits)."), field="payer")
        cleaned["document"] = document
    if cleaned["zip_code"]:
        zip_code = digits(cleaned["zip_code"]) or ""
        if len(zip_code) != 8:
            raise DomainError(_("A CEP has 8 digits."), field="payer")
        cleaned["zip_code"] = zip_code
    if cleaned["state"]:
        if len(cleaned["state"]) != 2 or not cleaned["state"].isalpha():
            raise DomainError(_("The state is its two letters, such as SP."), field="payer")
        cleaned["state"] = cleaned["state"].upper()
    return cleaned


# --- The PDF ---------------------------------------------------------------------------------


def boleto_pdf_html(boleto: Boleto) -> str:
    """The page WeasyPrint prints: FEBRABAN's layout, the receipt's titles in the invoice's language."""
    with translation.override(boleto.invoice.language):
        return render_to_string("invoicing/boleto_pdf.html", _pdf_context(boleto))


def boleto_pdf(boleto: Boleto) -> bytes:
    from weasyprint import HTML  # heavy to import: only the processes that print pay for it

    return HTML(string=boleto_pdf_html(boleto)).write_pdf()


def boleto_pdf_store(boleto: Boleto) -> str:
    """Print the boleto and keep the PDF with the tenant's files; its stored name."""
    name = tenant_file_path(connection.tenant.pk, "boletos", f"boleto-{boleto.pk}.pdf")
    return default_storage.save(name, ContentFile(boleto_pdf(boleto)))


def boleto_pdf_url(boleto: Boleto) -> str | None:
    """A signed link to the boleto's PDF on the workspace's own host, valid for an hour."""
    if not boleto.pdf:
        return None
    tenant = connection.tenant
    return tenant.workspace_url(file_url(boleto.pdf, tenant_id=tenant.pk))


def _pdf_context(boleto: Boleto) -> dict:
    company = company_profile_current()
    bank_account = boleto.bank_account
    agency, agency_digit = _number_and_digit(bank_account.agency)
    account, account_digit = _number_and_digit(bank_account.account_number)
    collection = collection_account(bank_account)
    if boleto.bank == "sicredi":  # cooperative.post.beneficiary code, as Sicredi prints it
        beneficiary_code = f"{agency}.{bank_account.boleto_agreement}"
    else:
        beneficiary_code = f"{'-'.join(filter(None, (agency, agency_digit)))} / " \
                           f"{'-'.join(filter(None, (account, account_digit)))}"
    return {
        "boleto": boleto,
        "invoice": boleto.invoice,
        "payer": boleto.payer,
        "beneficiary": {
            "name": (company.legal_name or company.trade_name) if company else "",
            "document": company.tax_id if company else "",
            "address": ", ".join(filter(None, (company.address, company.city, company.state, company.postal_code)))
            if company else "",
        },
        "bank_name": BoletoBank(boleto.bank).label,
        "bank_code": BANK_HEADER_CODES[boleto.bank],
        "beneficiary_code": beneficiary_code,
        "wallet": "-".join(filter(None, (collection.wallet, collection.variation))),  # BB's "17-019"
        "amount": format_money(boleto.amount, CHARGE_CURRENCY, locale="pt_BR"),
        "bars": "data:image/svg+xml;base64," + base64.b64encode(barcode_svg(boleto.barcode).encode()).decode(),
    }


# --- The remittance (remessa) ----------------------------------------------------------------


@dataclass(frozen=True)
class Remittance:
    number: int  # the file's sequence at the bank (NSA)
    file_name: str
    content: bytes
    boletos: int


@transaction.atomic
def boleto_remittance_export(*, actor, bank_account: BankAccount, number: int | None = None) -> Remittance:
    """The CNAB 240 remittance of the account's pending boletos not sent yet, numbered next; or,
    with `number`, the file of that remittance written again (a download that was lost)."""
    if number is None:
        boletos = list(Boleto.objects.select_for_update(of=("self",)).select_related("invoice").filter(
            bank_account=bank_account, status=ChargeStatus.PENDING, remittance_number__isnull=True,
        ).order_by("id"))
        if not boletos:
            raise DomainError(_("No boleto of this bank account is waiting to be sent."), field="bank_account_id")
    else:
        boletos = list(Boleto.objects.select_related("invoice").filter(
            bank_account=bank_account, remittance_number=number,
        ).order_by("id"))
        if not boletos:
            raise DomainError(_("This bank account has no remittance with this number."), field="remittance_number")
    _payers_complete(boletos)
    file_number = number or sequence_next(f"remittance:{bank_account.pk}")
    try:
        content = remittance_build(
            _beneficiary(bank_account), [_remittance_charge(boleto, bank_account) for boleto in boletos],
            file_number=file_number, created_at=timezone.localtime(),
        )
    except PaymentDataError as error:
        raise _refusal(error, bank_account) from None
    if number is None:
        Boleto.objects.filter(pk__in=[boleto.pk for boleto in boletos]).update(remittance_number=file_number)
        for boleto in boletos:
            boleto.remittance_number = file_number
            event_record(name=events.BOLETO_REMITTED, payload=events.boleto_json(boleto), actor=actor)
    bank = BANKS_BY_CODE[bank_account.bank_code]
    return Remittance(
        number=file_number, file_name=f"remessa-{bank}-{bank_account.pk}-{file_number:06d}.rem", content=content,
        boletos=len(boletos),
    )


def _payers_complete(boletos: list[Boleto]) -> None:
    lacking = [boleto.our_number for boleto in boletos
               if not all(boleto.payer.get(name) for name in PAYER_REQUIRED_FOR_REMITTANCE)]
    if lacking:
        raise DomainError(
            _("The bank registers a boleto with its payer's CPF or CNPJ and address, which these lack: %(boletos)s.")
            % {"boletos": ", ".join(lacking)},
            field="bank_account_id",
        )


def _beneficiary(bank_account: BankAccount) -> Beneficiary:
    company = company_profile_current()
    if company is None or not company.tax_id:
        raise DomainError(
            _("Fill your company's tax ID (CNPJ or CPF) in the workspace settings: the bank registers boletos "
              "under it."),
            field="bank_account_id",
        )
    return Beneficiary(
        name=company.legal_name or company.trade_name or connection.tenant.name, document=company.tax_id,
        account=collection_account(bank_account), agency_digit=_number_and_digit(bank_account.agency)[1],
        account_digit=_number_and_digit(bank_account.account_number)[1],
    )


def _remittance_charge(boleto: Boleto, bank_account: BankAccount) -> Charge:
    payer = boleto.payer
    return Charge(
        sequence=_sequence_of(boleto, bank_account), due_date=boleto.due_date, amount=boleto.amount,
        issue_date=boleto.invoice.issue_date, document_number=boleto.invoice.number[:15],
        reference=boleto.invoice.number,
        payer=Payer(payer["name"], payer["document"], payer["address"], payer["district"], payer["zip_code"],
                    payer["city"], payer["state"]),
    )


def _sequence_of(boleto: Boleto, bank_account: BankAccount) -> str:
    """The sequence a boleto's nosso número was made from, read back from it as printed:
    Bradesco's "09/00000000123-P" is 00000000123, Itaú's "109/00000123-4" 00000123, Sicredi's
    "25/200001-3" 25200001, Banco do Brasil's the digits after its convênio ("12345670000000123"
    is 0000000123, "12345600012-X" 00012)."""
    if boleto.bank == "bb":
        number = boleto.our_number.rpartition("-")[0] or boleto.our_number
        return number[len(digits(bank_account.boleto_agreement) or ""):]
    printed = boleto.our_number.rpartition("-")[0]
    if boleto.bank == "sicredi":
        return printed.replace("/", "")
    return printed.partition("/")[2]


# --- The return (retorno) --------------------------------------------------------------------


class ReturnOutcome(models.TextChoices):
    PAID = "paid", gettext_lazy("Paid")
    ALREADY_PAID = "already_paid", gettext_lazy("Already paid")
    UNKNOWN = "unknown", gettext_lazy("Unknown nosso número")
    REFUSED = "refused", gettext_lazy("Refused")
    NOTED = "noted", gettext_lazy("Noted")  # not a payment: entry confirmed or rejected, written off, fees


@dataclass(frozen=True)
class ReturnLine:
    our_number: str
    occurrence: str
    occurrence_label: str
    outcome: str
    message: str
    amount_paid: Decimal
    boleto_id: int | None = None
    invoice_id: int | None = None


@dataclass(frozen=True)
class ReturnReport:
    bank: str
    file_number: int
    lines: list[ReturnLine]

    def count(self, outcome: str) -> int:
        return sum(1 for line in self.lines if line.outcome == outcome)


@transaction.atomic
def boleto_return_import(*, actor, bank_account: BankAccount, content: bytes) -> ReturnReport:
    """Read the bank's return file for `bank_account` and settle the boletos it reports paid."""
    try:
        returned = return_parse(content)
    except PaymentDataError as error:
        raise DomainError(error.message, field="file") from None
    account_bank = BANKS_BY_CODE.get(bank_account.bank_code)
    if returned.bank != account_bank:
        raise DomainError(
            _("This return file is from %(file_bank)s, and the bank account “%(account)s” is not.")
            % {"file_bank": BoletoBank(returned.bank).label, "account": bank_account.name},
            field="file",
        )
    boletos = {
        boleto.our_number: boleto
        for boleto in Boleto.objects.select_related("invoice").filter(
            bank_account=bank_account, our_number__in=[item.nosso_numero for item in returned.items]
        )
    }
    lines = [_return_line(item, boletos.get(item.nosso_numero), actor=actor) for item in returned.items]
    return ReturnReport(bank=returned.bank, file_number=returned.file_number, lines=lines)


def boleto_payment_id(boleto: Boleto) -> str:
    """The payment's id on the boleto rail: a nosso número is unique only within its account."""
    return f"{boleto.bank_account_id}:{boleto.our_number}"


def _return_line(item: ReturnItem, boleto: Boleto | None, *, actor) -> ReturnLine:
    line = {
        "our_number": item.nosso_numero, "occurrence": item.occurrence, "occurrence_label": item.occurrence_label,
        "amount_paid": item.amount_paid,
        "boleto_id": boleto.pk if boleto else None, "invoice_id": boleto.invoice_id if boleto else None,
    }
    if boleto is None:
        message = _("No boleto of this bank account has this nosso número.")
        return ReturnLine(**line, outcome=ReturnOutcome.UNKNOWN, message=message)
    if not item.paid:
        reasons = ", ".join(item.reasons)
        message = _("Reasons given by the bank: %(reasons)s.") % {"reasons": reasons} if reasons else ""
        return ReturnLine(**line, outcome=ReturnOutcome.NOTED, message=message)
    try:
        received = invoice_payment_receive(
            invoice_id=boleto.invoice_id, rail="boleto", external_id=boleto_payment_id(boleto),
            amount=item.amount_paid, paid_at=_paid_at(item), charge=boleto, actor=actor,
        )
    except DomainError as refusal:
        return ReturnLine(**line, outcome=ReturnOutcome.REFUSED, message=refusal.message)
    if received.duplicate:
        return ReturnLine(**line, outcome=ReturnOutcome.ALREADY_PAID, message=_("Recorded from an earlier file."))
    message = ""
    if received.credit is not None:
        message = _("%(amount)s kept as the customer's credit.") % {
            "amount": format_money(received.credit.amount, received.credit.currency)}
    return ReturnLine(**line, outcome=ReturnOutcome.PAID, message=message)


def _paid_at(item: ReturnItem) -> datetime:
    """The day the payer paid (the occurrence's date), else the day the bank credited it."""
    day = item.occurred_on or item.credited_on or timezone.localdate()
    return timezone.make_aware(datetime.combine(day, time(12)))
