"""Pre-flight: everything a tax authority would refuse, named at once before a document is built.

`nfe_preflight` and `dps_preflight` raise one `FiscalDataError` listing every problem, each with
the path of the input at fault and a message in the active language that starts with whose
datum it is ("Company: ...", "Item 3: ..."). Nothing is guessed where the law gives no default:
a missing IE, ICMS rate or payment method is named, never filled in.

What is checked, beyond presence and the schemas' lengths:
- CNPJ and CPF check digits (python-stdnum, alphanumeric CNPJ included); IE by each state's
  rule (`state_registration`), ISENTO where SEFAZ allows it (rejection 805 names the states
  that refuse an exempt customer); IBGE city codes' check digit and state (MOC);
- NCM of 8 digits; a service line (NCM "00") on an NF-e is refused: services go on an NFS-e
  (a "conjugated" NF-e with ISSQN exists only where a municipality has agreed to it);
- a given CFOP of 4 digits starting with 5 inside the state and 6 between states;
- interstate sales to consumers not registered for ICMS by companies outside the Simples:
  they need the destination's DIFAL group (EC 87/2015, rejection 694), which we do not compute;
- the issue time: aware, not ahead of SEFAZ's clock (rejection 703) nor older than 30 days
  (rejection 228);
- the certificate: present when signing needs the company's own, current, and issued to the
  company's CNPJ root (rejection 213).
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.br import cnpj as stdnum_cnpj
from stdnum.br import cpf as stdnum_cpf

from modules.core.brazil.state_registration import EXEMPT, state_registration_valid

from .access_key import numeric_code_acceptable
from .codes import (
    IBGE_CODES_WITHOUT_CHECK_DIGIT,
    PAYMENT_CODES,
    SIMPLES_ICMS_REGIMES,
    STATE_CODES,
    STATES_REFUSING_EXEMPT_RECIPIENTS,
    TAX_REGIMES,
)
from .errors import FiscalDataError, Problem
from .inputs import Address, DPSInput, Emitter, Item, NFeInput, Recipient, Service, TechnicalResponsible
from .signing import Certificate, certificate_problems
from .taxes import PIS_COFINS_RATES, interstate, recipient_contributor_indicator, recipient_final_consumer
from .text import digits_only, fiscal_text

MAX_LINES = 990
CLOCK_TOLERANCE = timedelta(minutes=5)
OLDEST_ISSUE = timedelta(days=30)
PRESENCE_CODES = ("1", "2", "3", "4", "5", "9")
ORIGIN_CODES = tuple("012345678")
ISS_RATES = (Decimal("2"), Decimal("5"))  # LC 116/2003: at least 2% (art. 8-A), at most 5% (art. 8, II)


class _Problems(list):
    def add(self, field: str, owner: str, message: str, **values) -> None:
        """Name a problem: `message` is a translated sentence, formatted with `values`."""
        self.append(Problem(field, _("%(owner)s: %(problem)s") % {"owner": owner, "problem": message % values}))


def _tax_id_valid(value: str, *, company_only: bool) -> bool:
    compact = "".join(char for char in value.upper() if char.isalnum())
    if len(compact) == 11 and not company_only:
        return stdnum_cpf.is_valid(compact)
    return len(compact) == 14 and stdnum_cnpj.is_valid(compact)


def ibge_city_code_valid(code: str) -> bool:
    """7 digits whose last is the IBGE check digit: modulo 10 of the first six, weights 1 and 2
    from the left, adding the digits of each product (the nine codes IBGE issued without a valid
    one excepted)."""
    if len(code) != 7 or not code.isdigit():
        return False
    if code in IBGE_CODES_WITHOUT_CHECK_DIGIT:
        return True
    total = sum(sum(divmod(int(digit) * (1 + position % 2), 10)) for position, digit in enumerate(code[:6]))
    return (10 - total % 10) % 10 == int(code[6])


def _address(problems: _Problems, address: Address, path: str, owner: str) -> None:
    for attribute, message in (
        ("street", _("the street is missing.")),
        ("number", _("the street number is missing (write S/N when there is none).")),
        ("district", _("the district is missing.")),
        ("city", _("the city is missing.")),
    ):
        if len(fiscal_text(getattr(address, attribute), 60)) < (1 if attribute == "number" else 2):
            problems.add(f"{path}.{attribute}", owner, message)
    state_known = address.state in STATE_CODES
    if not state_known:
        problems.add(f"{path}.state", owner, _("%(state)s is not a Brazilian state (UF)."), state=address.state or "-")
    code = address.city_code.strip()
    if not ibge_city_code_valid(code):
        problems.add(f"{path}.city_code", owner,
                     _("the IBGE city code must have 7 digits, the last its check digit (São Paulo is 3550308)."))
    elif state_known and code[:2] != STATE_CODES[address.state]:
        problems.add(f"{path}.city_code", owner, _("the IBGE city code %(code)s is not a city of %(state)s."),
                     code=code, state=address.state)
    if len(digits_only(address.postal_code)) != 8:
        problems.add(f"{path}.postal_code", owner, _("the postal code (CEP) must have 8 digits."))
    if address.phone and not 6 <= len(digits_only(address.phone)) <= 14:
        problems.add(f"{path}.phone", owner, _("the phone must have 6 to 14 digits, area code included."))


def _name(problems: _Problems, name: str, path: str, owner: str) -> None:
    if len(fiscal_text(name, 60)) < 2:
        problems.add(path, owner, _("the name is missing."))


def _emitter(problems: _Problems, emitter: Emitter, path: str, *, nfe: bool) -> None:
    """The company issuing: an NF-e's is a company registered for ICMS (CNPJ and IE); an NFS-e's
    may be a self-employed person (CPF) and owes ISS only."""
    owner = _("Company")
    if not _tax_id_valid(emitter.tax_id, company_only=nfe):
        problems.add(f"{path}.tax_id", owner, _("the CNPJ is not valid: check its digits.") if nfe
                     else _("the CNPJ or CPF is not valid: check its digits."))
    _name(problems, emitter.name, f"{path}.name", owner)
    _address(problems, emitter.address, f"{path}.address", owner)
    if emitter.tax_regime not in TAX_REGIMES:
        problems.add(f"{path}.tax_regime", owner, _("choose the tax regime: Simples Nacional, Simples Nacional "
                                                    "over the sublimit, regime normal or MEI."))
    if nfe:
        _emitter_nfe_taxes(problems, emitter, path, owner)
        _emitter_registration(problems, emitter, path, owner)


def _emitter_nfe_taxes(problems: _Problems, emitter: Emitter, path: str, owner: str) -> None:
    if emitter.tax_regime == "normal" and emitter.pis_cofins_regime not in PIS_COFINS_RATES:
        problems.add(f"{path}.pis_cofins_regime", owner, _("in the regime normal, choose how PIS and COFINS are "
                                                           "paid: cumulative (lucro presumido) or non-cumulative "
                                                           "(lucro real)."))
    if emitter.simples_credit_rate is not None:
        if emitter.tax_regime == "mei":
            problems.add(f"{path}.simples_credit_rate", owner, _("an MEI grants no ICMS credit: leave the credit "
                                                                 "rate empty."))
        elif not Decimal("0") < emitter.simples_credit_rate <= Decimal("100"):
            problems.add(f"{path}.simples_credit_rate", owner, _("the ICMS credit rate must be more than 0 and at "
                                                                 "most 100%%."))


def _emitter_registration(problems: _Problems, emitter: Emitter, path: str, owner: str) -> None:
    registration = emitter.state_registration.strip()
    if not registration:
        problems.add(f"{path}.state_registration", owner, _("the state registration (IE) is missing: enter it, or "
                                                            "ISENTO."))
    elif registration.upper() != EXEMPT and not state_registration_valid(emitter.address.state, registration):
        problems.add(f"{path}.state_registration", owner, _("the state registration (IE) %(value)s is not valid in "
                                                            "%(state)s."),
                     value=registration, state=emitter.address.state or "-")


def _recipient(problems: _Problems, recipient: Recipient, path: str) -> None:
    owner = _("Customer")
    if not _tax_id_valid(recipient.tax_id, company_only=False):
        problems.add(f"{path}.tax_id", owner, _("the CPF or CNPJ is not valid: check its digits."))
    _name(problems, recipient.name, f"{path}.name", owner)
    _address(problems, recipient.address, f"{path}.address", owner)
    registration = recipient.state_registration.strip()
    state = recipient.address.state
    if registration.upper() == EXEMPT:
        if state in STATES_REFUSING_EXEMPT_RECIPIENTS:
            problems.add(f"{path}.state_registration", owner, _("SEFAZ-%(state)s does not accept a customer marked "
                                                                "ISENTO: enter their IE, or leave it empty if they "
                                                                "are not registered for ICMS."), state=state)
    elif registration and not state_registration_valid(state, registration):
        problems.add(f"{path}.state_registration", owner, _("the state registration (IE) %(value)s is not valid in "
                                                            "%(state)s."), value=registration, state=state or "-")
    if recipient.email and ("@" not in recipient.email or len(recipient.email) > 60):
        problems.add(f"{path}.email", owner, _("the email address is not valid."))


def _item(problems: _Problems, item: Item, path: str, number: int, operation_prefix: str) -> None:
    owner = _("Item %(number)d") % {"number": number}
    if not fiscal_text(item.description, 120):
        problems.add(f"{path}.description", owner, _("the description is missing."))
    if not fiscal_text(item.code, 60):
        problems.add(f"{path}.code", owner, _("the product code is missing."))
    if not fiscal_text(item.unit, 6):
        problems.add(f"{path}.unit", owner, _("the unit is missing (UN, KG, H...)."))
    if item.ncm == "00":
        problems.add(f"{path}.ncm", owner, _("this line is a service (NCM 00): services go on an NFS-e, not an NF-e. "
                                             "Choose NFS-e in the fiscal settings, or give the product's NCM."))
    elif len(item.ncm) != 8 or not item.ncm.isdigit():
        problems.add(f"{path}.ncm", owner, _("the NCM must have 8 digits."))
    if item.cfop and (len(item.cfop) != 4 or not item.cfop.isdigit()):
        problems.add(f"{path}.cfop", owner, _("the CFOP must have 4 digits."))
    elif item.cfop and item.cfop[0] != operation_prefix:
        problems.add(f"{path}.cfop", owner, _("CFOP %(cfop)s does not fit this sale: its CFOP must start with "
                                              "%(prefix)s (5 inside the state, 6 between states)."),
                     cfop=item.cfop, prefix=operation_prefix)
    if item.quantity <= 0 or -item.quantity.as_tuple().exponent > 4:
        problems.add(f"{path}.quantity", owner, _("the quantity must be more than zero, with at most 4 decimals."))
    if item.unit_price < 0 or -item.unit_price.as_tuple().exponent > 10:
        problems.add(f"{path}.unit_price", owner, _("the unit price cannot be negative and has at most 10 decimals."))
    if item.discount < 0 or item.discount > item.quantity * item.unit_price:
        problems.add(f"{path}.discount", owner, _("the discount cannot be negative or more than the line's value."))
    if item.origin not in ORIGIN_CODES:
        problems.add(f"{path}.origin", owner, _("the goods' origin must be a digit from 0 to 8."))


def _item_icms_rate(problems: _Problems, item: Item, path: str, number: int) -> None:
    owner = _("Item %(number)d") % {"number": number}
    if item.icms_rate is None:
        problems.add(f"{path}.icms_rate", owner, _("the ICMS rate is missing: outside the Simples Nacional every line "
                                                   "needs its own."))
    elif not Decimal("0") <= item.icms_rate <= Decimal("100"):
        problems.add(f"{path}.icms_rate", owner, _("the ICMS rate must be between 0 and 100%%."))


def _technical_responsible(problems: _Problems, responsible: TechnicalResponsible, path: str) -> None:
    owner = _("Technical contact")
    if not _tax_id_valid(responsible.cnpj, company_only=True):
        problems.add(f"{path}.cnpj", owner, _("the CNPJ is not valid: check its digits."))
    _name(problems, responsible.contact, f"{path}.contact", owner)
    if "@" not in responsible.email:
        problems.add(f"{path}.email", owner, _("the email address is not valid."))
    if not 6 <= len(digits_only(responsible.phone)) <= 14:
        problems.add(f"{path}.phone", owner, _("the phone must have 6 to 14 digits, area code included."))


def _issue_time(problems: _Problems, issued_at: datetime, now: datetime) -> None:
    owner = _("Invoice")
    if timezone.is_naive(issued_at):
        problems.add("issued_at", owner, _("the issue time must carry its time zone."))
    elif issued_at > now + CLOCK_TOLERANCE:
        problems.add("issued_at", owner, _("the issue time is in the future."))
    elif issued_at < now - OLDEST_ISSUE:
        problems.add("issued_at", owner, _("the issue time is more than 30 days ago: SEFAZ refuses it."))


def _certificate(problems: _Problems, certificate: Certificate | None, tax_id: str, *, required: bool,
                 now: datetime) -> None:
    if certificate is None:
        if required:
            problems.add("certificate", _("Certificate"), _("upload the company's A1 certificate (.pfx) to issue in "
                                                            "production."))
        return
    company = "".join(char for char in tax_id.upper() if char.isalnum())
    problems.extend(certificate_problems(certificate, company, now))  # sentences that name the certificate


def _document_numbers(problems: _Problems, series: int, number: int, environment: int, *, highest_series: int,
                      highest_number: int) -> None:
    owner = _("Invoice")
    if not 0 <= series <= highest_series:
        problems.add("series", owner, _("the series must be between 0 and %(highest)d."), highest=highest_series)
    if not 1 <= number <= highest_number:
        problems.add("number", owner, _("the number must be between 1 and %(highest)d."), highest=highest_number)
    if environment not in (1, 2):
        problems.add("environment", owner, _("the environment must be production (1) or homologation (2)."))


def nfe_preflight(document: NFeInput, *, certificate: Certificate | None = None, certificate_required: bool = False,
                  now: datetime | None = None) -> None:
    """Raise FiscalDataError naming everything wrong with `document` as an NF-e. certificate:
    the company's, when it signs with its own; certificate_required: whether it must (in
    production, unless a provider signs for it)."""
    now = now or timezone.now()
    problems = _Problems()
    _emitter(problems, document.emitter, "emitter", nfe=True)
    _recipient(problems, document.recipient, "recipient")
    if not document.items:
        problems.add("items", _("Invoice"), _("an NF-e needs at least one line."))
    elif len(document.items) > MAX_LINES:
        problems.add("items", _("Invoice"), _("an NF-e has at most %(count)d lines."), count=MAX_LINES)
    operation_prefix = "6" if interstate(document) else "5"
    taxed_apart = document.emitter.tax_regime in TAX_REGIMES and document.emitter.tax_regime not in SIMPLES_ICMS_REGIMES
    for index, item in enumerate(document.items):
        _item(problems, item, f"items[{index}]", index + 1, operation_prefix)
        if taxed_apart:
            _item_icms_rate(problems, item, f"items[{index}]", index + 1)
    if taxed_apart and interstate(document) and recipient_final_consumer(document.recipient) \
            and recipient_contributor_indicator(document.recipient) == "9":
        problems.add("recipient", _("Customer"), _("a sale to a consumer in another state who is not registered for "
                                                   "ICMS needs the destination state's share of ICMS (DIFAL), which "
                                                   "Innexar does not compute yet."))
    if document.payment.method not in PAYMENT_CODES:
        problems.add("payment.method", _("Payment"), _("choose how the invoice is paid: cash, card, PIX, boleto or "
                                                       "bank transfer."))
    _document_numbers(problems, document.series, document.number, document.environment,
                      highest_series=889, highest_number=999_999_999)  # series 890-999 are the tax authority's
    if not numeric_code_acceptable(document.numeric_code, document.number):
        problems.add("numeric_code", _("Invoice"), _("the access key's random code (cNF) is one SEFAZ refuses: draw "
                                                     "a new one."))
    if not fiscal_text(document.operation, 60):
        problems.add("operation", _("Invoice"), _("the nature of the operation is missing."))
    if document.presence not in PRESENCE_CODES:
        problems.add("presence", _("Invoice"), _("the buyer's presence must be one of 1, 2, 3, 4, 5 or 9."))
    _issue_time(problems, document.issued_at, now)
    if document.technical_responsible:
        _technical_responsible(problems, document.technical_responsible, "technical_responsible")
    _certificate(problems, certificate, document.emitter.tax_id, required=certificate_required, now=now)
    if problems:
        raise FiscalDataError(problems)


def service_code_normalize(code: str) -> str:
    """cTribNac as the DPS writes it: "01.07.01" → "010701"."""
    return digits_only(code)


def _service(problems: _Problems, service: Service) -> None:
    owner = _("Service")
    if len(service_code_normalize(service.service_code)) != 6:
        problems.add("service.service_code", owner, _("the service code must be the national code of 6 digits: the "
                                                      "LC 116 item, subitem and desdobro (01.07.01)."))
    if len(digits_only(service.nbs)) != 9:
        problems.add("service.nbs", owner, _("the NBS code must have 9 digits."))
    if not fiscal_text(service.description, 2000):
        problems.add("service.description", owner, _("the description is missing."))
    if service.amount <= 0 or -service.amount.as_tuple().exponent > 2:
        problems.add("service.amount", owner, _("the amount must be more than zero, in centavos."))
    if service.discount < 0 or service.discount >= service.amount:
        problems.add("service.discount", owner, _("the discount cannot be negative or reach the amount."))
    if not ibge_city_code_valid(service.city_code):
        problems.add("service.city_code", owner, _("the IBGE code of the city where the service is rendered must "
                                                   "have 7 digits, the last its check digit."))
    if service.iss_rate is None or not ISS_RATES[0] <= service.iss_rate <= ISS_RATES[1]:
        problems.add("service.iss_rate", owner, _("the ISS rate must be between 2%% and 5%% (LC 116/2003)."))


def dps_preflight(document: DPSInput, *, certificate: Certificate | None = None, certificate_required: bool = False,
                  now: datetime | None = None) -> None:
    """Raise FiscalDataError naming everything wrong with `document` as a DPS of the NFS-e."""
    now = now or timezone.now()
    problems = _Problems()
    _emitter(problems, document.provider, "provider", nfe=False)
    if document.taker is not None:
        _recipient(problems, document.taker, "taker")
    _service(problems, document.service)
    # A DPS may be numbered to 15 digits, but the NFS-e it becomes holds 13 (TSNNFSe), and the
    # sandbox numbers the NFS-e as its DPS.
    _document_numbers(problems, document.series, document.number, document.environment,
                      highest_series=99_999, highest_number=9_999_999_999_999)
    _issue_time(problems, document.issued_at, now)
    _certificate(problems, certificate, document.provider.tax_id, required=certificate_required, now=now)
    if problems:
        raise FiscalDataError(problems)
