"""Before anything is built or sent: every datum a CFDI cannot be issued without, named at once.

`invoice_preflight` and `payment_preflight` collect every problem of the issuer, the receiver, each
line, the payment terms and the CSD, and raise one FiscalDataError listing them with the path of
the input at fault, in the active language. The rules are SAT's: RFC format and check digit
(python-stdnum), c_RegimenFiscal for a persona física (13-character RFC) or moral (12), c_UsoCFDI
for the receiver's person type and regime, postal codes that exist in c_CodigoPostal, product and
unit keys that exist in c_ClaveProdServ and c_ClaveUnidad, and the public-in-general receiver as
the Guía de llenado fixes it (XAXX010101000, "PUBLICO EN GENERAL", regime 616, use S01, the place
of issue as its address, InformacionGlobal with the period it covers).
"""

import re
import uuid as uuid_module
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError
from stdnum.mx import rfc as stdnum_rfc

from .catalogs import REGIMES, USES, currency_decimals, in_catalog
from .csd import Csd, csd_problems
from .errors import Problem, raise_problems
from .inputs import (
    FOREIGN_RFC,
    GENERIC_PRODUCT_CODE,
    PAYMENT_USE,
    PUBLIC_NAME,
    PUBLIC_REGIME,
    PUBLIC_RFC,
    PUBLIC_USE,
    SERVICE_UNIT,
    TO_BE_DEFINED,
    GlobalInfo,
    Invoice,
    Issuer,
    Line,
    Payment,
    Receiver,
    Related,
)

_POSTAL_CODE = re.compile(r"[0-9]{5}")
_PRODUCT_CODE = re.compile(r"[0-9]{8}")
_WITHHOLDING_LIMITS = {"ISR": Decimal("0.35"), "IVA": Decimal("0.16")}  # c_TasaOCuota ranges


def invoice_preflight(invoice: Invoice, *, csd: Csd | None) -> None:
    problems = [
        *_issuer_problems(invoice.issuer),
        *_place_problems(invoice.place_of_issue, invoice.issued_at),
        *_receiver_problems(invoice.receiver, invoice.place_of_issue),
        *_global_problems(invoice),
        *_terms_problems(invoice),
        *_currency_problems(invoice.currency, invoice.exchange_rate, "currency", "exchange_rate"),
        *_text_problems("series", invoice.series, 25),
        *_text_problems("folio", invoice.folio, 40),
        *_related_problems(invoice.related),
        *_lines_problems(invoice),
    ]
    if _aware(invoice.issued_at):
        problems += csd_problems(csd, rfc=invoice.issuer.rfc, at=invoice.issued_at)
    raise_problems(problems)


def payment_preflight(payment: Payment, *, csd: Csd | None) -> None:
    problems = [
        *_issuer_problems(payment.issuer),
        *_place_problems(payment.place_of_issue, payment.issued_at),
        *_receiver_problems(payment.receiver, payment.place_of_issue, payment=True),
        *_currency_problems(payment.currency, payment.exchange_rate, "currency", "exchange_rate"),
        *_text_problems("series", payment.series, 25),
        *_text_problems("folio", payment.folio, 40),
        *_related_problems(payment.related),
    ]
    if not in_catalog("c_FormaPago", payment.payment_form) or payment.payment_form == TO_BE_DEFINED:
        problems.append(Problem("payment_form", _("Say how the payment was received (a SAT payment form "
                                                  "such as 03 transfer or 01 cash; 99 is not allowed).")))
    if not _aware(payment.paid_at):
        problems.append(Problem("paid_at", _("The payment date needs a time zone.")))
    if not payment.invoices:
        problems.append(Problem("invoices", _("A payment must settle at least one invoice.")))
    for index, paid in enumerate(payment.invoices):
        path = f"invoices[{index}]"
        invoice = paid.document.invoice
        if invoice.payment_method != "PPD":
            problems.append(Problem(f"{path}.uuid", _("Only invoices issued as PPD (payment in installments "
                                                      "or deferred) receive a payment complement.")))
        if invoice.currency != payment.currency:
            problems.append(Problem(f"{path}.uuid", _("The payment must be in the invoice's currency "
                                                      "(%(currency)s).") % {"currency": invoice.currency}))
        if invoice.receiver.rfc != payment.receiver.rfc:
            problems.append(Problem(f"{path}.uuid", _("The invoice was issued to another RFC (%(rfc)s).")
                                    % {"rfc": invoice.receiver.rfc}))
        if not _is_uuid(paid.document.uuid):
            problems.append(Problem(f"{path}.uuid", _("The invoice has no valid fiscal folio (UUID): "
                                                      "stamp it first.")))
        if paid.installment < 1:
            problems.append(Problem(f"{path}.installment", _("The installment number starts at 1.")))
        if not Decimal(0) < paid.amount <= paid.previous_balance:
            problems.append(Problem(f"{path}.amount", _("The amount paid must be more than zero and no more "
                                                         "than the balance due (%(balance)s).")
                                    % {"balance": paid.previous_balance}))
    if _aware(payment.issued_at):
        problems += csd_problems(csd, rfc=payment.issuer.rfc, at=payment.issued_at)
    raise_problems(problems)


# --- People ----------------------------------------------------------------------------------


def _rfc_problem(path: str, value: str, *, generic_allowed: bool) -> Problem | None:
    if generic_allowed and value == PUBLIC_RFC:
        return None
    if value == FOREIGN_RFC:
        return Problem(path, _("Invoices to foreign customers (RFC XEXX010101000) are not supported yet."))
    if len(value) not in (12, 13):
        return Problem(path, _("The RFC must have 12 characters (company) or 13 (individual)."))
    try:
        stdnum_rfc.validate(value, validate_check_digits=True)
    except ValidationError:
        return Problem(path, _("The RFC %(rfc)s is not valid: check its letters, date and check digit.")
                       % {"rfc": value})
    return None


def _regime_problem(path: str, rfc: str, regime: str) -> Problem | None:
    kinds = REGIMES.get(regime)
    if kinds is None:
        return Problem(path, _("%(code)s is not a tax regime in SAT's catalog (c_RegimenFiscal).")
                       % {"code": regime or "—"})
    individual = len(rfc) == 13
    if not kinds[0 if individual else 1]:
        if individual:
            return Problem(path, _("Tax regime %(code)s is not for individuals (personas físicas).")
                           % {"code": regime})
        return Problem(path, _("Tax regime %(code)s is not for companies (personas morales).") % {"code": regime})
    return None


def _name_problem(path: str, name: str) -> Problem | None:
    if not name.strip():
        return Problem(path, _("The name is required, as it appears in SAT's registry."))
    if "|" in name or len(name) > 300:
        return Problem(path, _("The name may not contain “|” nor exceed 300 characters."))
    return None


def _issuer_problems(issuer: Issuer) -> list[Problem]:
    problems = [
        _rfc_problem("issuer.rfc", issuer.rfc, generic_allowed=False),
        _name_problem("issuer.name", issuer.name),
    ]
    if problems[0] is None:
        problems.append(_regime_problem("issuer.tax_regime", issuer.rfc, issuer.tax_regime))
    return [problem for problem in problems if problem]


def _postal_code_problem(path: str, value: str) -> Problem | None:
    if not _POSTAL_CODE.fullmatch(value or ""):
        return Problem(path, _("The postal code must have 5 digits."))
    if not in_catalog("c_CodigoPostal", value):
        return Problem(path, _("The postal code %(code)s is not in SAT's catalog.") % {"code": value})
    return None


def _receiver_problems(receiver: Receiver, place_of_issue: str, *, payment: bool = False) -> list[Problem]:
    rfc_problem = _rfc_problem("receiver.rfc", receiver.rfc, generic_allowed=True)
    problems = [rfc_problem, _name_problem("receiver.name", receiver.name),
                _postal_code_problem("receiver.postal_code", receiver.postal_code)]
    if rfc_problem is None and receiver.rfc != PUBLIC_RFC:
        problems.append(_regime_problem("receiver.tax_regime", receiver.rfc, receiver.tax_regime))
        if not payment:
            problems.append(_use_problem(receiver))
    if receiver.rfc == PUBLIC_RFC:
        if receiver.tax_regime != PUBLIC_REGIME:
            problems.append(Problem("receiver.tax_regime", _("The public in general (XAXX010101000) has tax "
                                                             "regime 616.")))
        if not payment and receiver.cfdi_use != PUBLIC_USE:
            problems.append(Problem("receiver.cfdi_use", _("The public in general (XAXX010101000) uses S01 "
                                                           "(no tax effects).")))
        if receiver.postal_code != place_of_issue:
            problems.append(Problem("receiver.postal_code", _("For the public in general the receiver's postal "
                                                              "code is the place of issue (%(code)s).")
                                    % {"code": place_of_issue}))
    return [problem for problem in problems if problem]


def _use_problem(receiver: Receiver) -> Problem | None:
    use = USES.get(receiver.cfdi_use)
    if use is None or receiver.cfdi_use == PAYMENT_USE:
        return Problem("receiver.cfdi_use", _("%(code)s is not a use of the CFDI for an invoice (c_UsoCFDI).")
                       % {"code": receiver.cfdi_use or "—"})
    individual = len(receiver.rfc) == 13
    if not use[0 if individual else 1]:
        return Problem("receiver.cfdi_use", _("Use %(code)s is only for individuals (personas físicas).")
                       % {"code": receiver.cfdi_use})
    if receiver.tax_regime in REGIMES and receiver.tax_regime not in use[2]:
        return Problem("receiver.cfdi_use", _("Use %(code)s is not allowed for a receiver in tax regime "
                                              "%(regime)s; SAT's catalog allows it for %(regimes)s.")
                       % {"code": receiver.cfdi_use, "regime": receiver.tax_regime,
                          "regimes": ", ".join(sorted(use[2]))})
    return None


def _place_problems(place_of_issue: str, issued_at: datetime) -> list[Problem]:
    problems = [_postal_code_problem("place_of_issue", place_of_issue)]
    if not _aware(issued_at):
        problems.append(Problem("issued_at", _("The issue date needs a time zone.")))
    return [problem for problem in problems if problem]


def _aware(moment: datetime) -> bool:
    return moment.tzinfo is not None and moment.utcoffset() is not None


def _global_problems(invoice: Invoice) -> list[Problem]:
    receiver, info = invoice.receiver, invoice.global_info
    public = receiver.rfc == PUBLIC_RFC and receiver.name == PUBLIC_NAME
    if info is None:
        if public:
            return [Problem("global_info", _("A CFDI to the public in general needs the period it covers "
                                             "(periodicity, months and year)."))]
        return []
    if not public:
        return [Problem("global_info", _("Only a CFDI to the public in general (XAXX010101000, "
                                         "PUBLICO EN GENERAL) carries the global information."))]
    problems = _period_problems(info, invoice.issued_at)
    for index, line in enumerate(invoice.lines):
        if line.sat_product_code != GENERIC_PRODUCT_CODE or line.unit_code != SERVICE_UNIT:
            problems.append(Problem(f"lines[{index}].sat_product_code",
                                    _("A global CFDI's lines use product key 01010101 and unit ACT.")))
    return problems


def _period_problems(info: GlobalInfo, issued_at: datetime) -> list[Problem]:
    problems = []
    if not in_catalog("c_Periodicidad", info.periodicity):
        problems.append(Problem("global_info.periodicity", _("The periodicity must be 01 (daily) to 05 "
                                                             "(bimonthly).")))
    bimonthly = info.periodicity == "05"
    months = {f"{month:02d}" for month in (range(13, 19) if bimonthly else range(1, 13))}
    if info.months not in months:
        if bimonthly:
            message = _("A bimonthly period is one of 13 (January–February) to 18 (November–December).")
        else:
            message = _("The month must be 01 to 12.")
        problems.append(Problem("global_info.months", message))
    if _aware(issued_at) and info.year not in (issued_at.year, issued_at.year - 1):
        problems.append(Problem("global_info.year", _("The year must be the issue year or the one before.")))
    return problems


# --- Terms and lines -------------------------------------------------------------------------


def _terms_problems(invoice: Invoice) -> list[Problem]:
    problems = []
    if invoice.payment_method not in ("PUE", "PPD"):
        problems.append(Problem("payment_method", _("The payment method must be PUE (paid in full) or "
                                                    "PPD (in installments or deferred).")))
    form = invoice.payment_form
    if invoice.payment_method == "PPD" and form not in (None, TO_BE_DEFINED):
        problems.append(Problem("payment_form", _("A PPD invoice has payment form 99 (to be defined); the "
                                                  "actual form goes in each payment's complement.")))
    if invoice.payment_method == "PUE" and (form is None or form == TO_BE_DEFINED):
        problems.append(Problem("payment_form", _("Say how the invoice is paid (a SAT payment form such as "
                                                  "03 transfer or 04 credit card).")))
    elif form is not None and not in_catalog("c_FormaPago", form):
        problems.append(Problem("payment_form", _("%(code)s is not a payment form in SAT's catalog "
                                                  "(c_FormaPago).") % {"code": form}))
    if invoice.export != "01":
        problems.append(Problem("export", _("Export invoices need the foreign trade complement, which is not "
                                            "supported yet.")))
    return problems


def _currency_problems(currency: str, rate: Decimal | None, path: str, rate_path: str) -> list[Problem]:
    if currency == "XXX" or currency_decimals(currency) is None:
        return [Problem(path, _("%(code)s is not a currency in SAT's catalog (c_Moneda).") % {"code": currency})]
    if currency == "MXN":
        if rate not in (None, Decimal(1)):
            return [Problem(rate_path, _("An invoice in pesos has no exchange rate."))]
        return []
    if rate is None or rate <= 0:
        return [Problem(rate_path, _("Give the exchange rate of %(code)s to pesos.") % {"code": currency})]
    return []


def _text_problems(path: str, value: str | None, length: int) -> list[Problem]:
    if value is not None and ("|" in value or not 0 < len(value) <= length):
        return [Problem(path, _("Up to %(count)d characters, without “|”.") % {"count": length})]
    return []


def _is_uuid(value: str) -> bool:
    try:
        return len(value) == 36 and bool(uuid_module.UUID(value))
    except ValueError:
        return False


def _related_problems(related: Related | None) -> list[Problem]:
    if related is None:
        return []
    problems = []
    if not in_catalog("c_TipoRelacion", related.relation):
        problems.append(Problem("related.relation", _("%(code)s is not a relation type in SAT's catalog "
                                                      "(c_TipoRelacion).") % {"code": related.relation}))
    if not related.uuids or not all(_is_uuid(value) for value in related.uuids):
        problems.append(Problem("related.uuids", _("Give the fiscal folios (UUID) of the related CFDI.")))
    return problems


def _lines_problems(invoice: Invoice) -> list[Problem]:
    if not invoice.lines:
        return [Problem("lines", _("The invoice needs at least one line."))]
    decimals = currency_decimals(invoice.currency) or 2
    problems = []
    for index, line in enumerate(invoice.lines):
        problems += _line_problems(f"lines[{index}]", line, decimals)
    return problems


def _places(value: Decimal) -> int:
    return max(-value.as_tuple().exponent, 0)


def _line_problems(path: str, line: Line, decimals: int) -> list[Problem]:
    problems = []
    if not line.description.strip() or "|" in line.description or len(line.description) > 1000:
        problems.append(Problem(f"{path}.description", _("Describe the line (up to 1,000 characters, "
                                                         "without “|”).")))
    if line.quantity <= 0 or _places(line.quantity) > 6:
        problems.append(Problem(f"{path}.quantity", _("The quantity must be more than zero, with up to 6 "
                                                      "decimals.")))
    if line.unit_price <= 0 or _places(line.unit_price) > 6:
        problems.append(Problem(f"{path}.unit_price", _("The unit price must be more than zero, with up to "
                                                        "6 decimals.")))
    elif line.discount < 0 or _places(line.discount) > decimals or line.discount > line.quantity * line.unit_price:
        problems.append(Problem(f"{path}.discount", _("The discount must be between zero and the line's "
                                                      "amount, in cents.")))
    if not _PRODUCT_CODE.fullmatch(line.sat_product_code or ""):
        problems.append(Problem(f"{path}.sat_product_code", _("The SAT product key (ClaveProdServ) has 8 "
                                                              "digits.")))
    elif not in_catalog("c_ClaveProdServ", line.sat_product_code):
        problems.append(Problem(f"{path}.sat_product_code", _("%(code)s is not in SAT's product catalog "
                                                              "(c_ClaveProdServ).") % {"code": line.sat_product_code}))
    if line.unit_code is None:
        problems.append(Problem(f"{path}.sat_unit_code", _("Give the SAT unit key (ClaveUnidad), or say whether "
                                                           "the line is a service (ACT) or goods (H87).")))
    elif not in_catalog("c_ClaveUnidad", line.unit_code):
        problems.append(Problem(f"{path}.sat_unit_code", _("%(code)s is not in SAT's unit catalog "
                                                           "(c_ClaveUnidad).") % {"code": line.unit_code}))
    problems += _text_problems(f"{path}.unit_name", line.unit_name, 20)
    problems += _text_problems(f"{path}.product_code", line.product_code, 100)
    problems += _line_tax_problems(path, line)
    return problems


def _line_tax_problems(path: str, line: Line) -> list[Problem]:
    problems = []
    taxed = line.iva is not None or bool(line.withholdings)
    if not taxed and line.tax_object is None:
        problems.append(Problem(f"{path}.tax_object", _("Say whether the line is subject to tax: give its IVA "
                                                        "or its tax object (01, 03 or 04).")))
    if taxed and line.tax_object is not None:
        problems.append(Problem(f"{path}.tax_object", _("A line with taxes is tax object 02; leave the tax "
                                                        "object out.")))
    for held in line.withholdings:
        limit = _WITHHOLDING_LIMITS.get(held.tax)
        if limit is None or not Decimal(0) < held.rate <= limit or _places(held.rate) > 6:
            problems.append(Problem(f"{path}.withholdings", _("Withholdings are ISR (a rate up to 0.35) or IVA "
                                                              "(up to 0.16), with up to 6 decimals.")))
    return problems
