"""The pre-flight names every missing or invalid datum at once, with the path of the input at
fault, in the language of the request."""

from dataclasses import replace
from decimal import Decimal

import pytest
from django.utils import translation

from modules.invoicing.fiscal_mx.errors import FiscalDataError
from modules.invoicing.fiscal_mx.inputs import GlobalInfo, Issuer, Iva, Line, Receiver
from modules.invoicing.fiscal_mx.preflight import invoice_preflight

from .conftest import RECEIVER, invoice


def _problems(subject, csd) -> dict:
    with pytest.raises(FiscalDataError) as error:
        invoice_preflight(subject, csd=csd)
    return error.value.as_dict()


def test_a_good_invoice_passes(csd):
    invoice_preflight(invoice(), csd=csd)


def test_everything_wrong_is_named_at_once_with_its_path(csd):
    broken = invoice(
        issuer=Issuer(rfc="EKU9003173C8", name="", tax_regime="601"),
        receiver=Receiver(rfc="URE180429TM6", name="UNIVERSIDAD ROBOTICA ESPAÑOLA", postal_code="8699",
                          tax_regime="601", cfdi_use="D01"),
        place_of_issue="00001",
        payment_method="PUE", payment_form=None,
        lines=(
            Line("Asesoría", Decimal("1"), Decimal("100"), sat_product_code="1234", iva=Iva.RATE_16),
            Line("Caja", Decimal("0"), Decimal("10"), sat_product_code="99999999", service=False),
        ),
    )

    problems = _problems(broken, csd)

    assert problems == {
        "issuer.rfc": ["The RFC EKU9003173C8 is not valid: check its letters, date and check digit."],
        "issuer.name": ["The name is required, as it appears in SAT's registry."],
        "place_of_issue": ["The postal code 00001 is not in SAT's catalog."],
        "receiver.postal_code": ["The postal code must have 5 digits."],
        "receiver.cfdi_use": ["Use D01 is only for individuals (personas físicas)."],
        "payment_form": ["Say how the invoice is paid (a SAT payment form such as 03 transfer or 04 credit card)."],
        "lines[0].sat_product_code": ["The SAT product key (ClaveProdServ) has 8 digits."],
        "lines[0].sat_unit_code": ["Give the SAT unit key (ClaveUnidad), or say whether the line is a service "
                                   "(ACT) or goods (H87)."],
        "lines[1].quantity": ["The quantity must be more than zero, with up to 6 decimals."],
        "lines[1].sat_product_code": ["99999999 is not in SAT's product catalog (c_ClaveProdServ)."],
        "lines[1].tax_object": ["Say whether the line is subject to tax: give its IVA or its tax object "
                                "(01, 03 or 04)."],
        "csd": ["The CSD belongs to RFC EKU9003173C9, not to the company's RFC EKU9003173C8."],
    }


@pytest.mark.parametrize("language, messages", [
    ("es", {
        "receiver.cfdi_use": ["El uso G03 no se permite para un receptor en el régimen fiscal 605; el catálogo del "
                              "SAT lo permite para 601, 603, 606, 612, 620, 621, 622, 623, 624, 625, 626."],
        "receiver.tax_regime": ["El régimen fiscal 605 no aplica a personas morales."],
        "issuer.tax_regime": ["El régimen fiscal 612 no aplica a personas morales."],
        "lines[0].sat_unit_code": ["ZZZ no está en el catálogo de unidades del SAT (c_ClaveUnidad)."],
    }),
    ("pt-br", {
        "receiver.cfdi_use": ["O uso G03 não é permitido para um receptor no regime fiscal 605; o catálogo do SAT o "
                              "permite para 601, 603, 606, 612, 620, 621, 622, 623, 624, 625, 626."],
        "receiver.tax_regime": ["O regime fiscal 605 não se aplica a pessoas jurídicas (personas morales)."],
        "issuer.tax_regime": ["O regime fiscal 612 não se aplica a pessoas jurídicas (personas morales)."],
        "lines[0].sat_unit_code": ["ZZZ não está no catálogo de unidades do SAT (c_ClaveUnidad)."],
    }),
])
def test_the_messages_speak_the_requests_language(csd, language, messages):
    wrong = invoice(issuer=replace(invoice().issuer, tax_regime="612"),
                    receiver=replace(RECEIVER, tax_regime="605"),
                    lines=(replace(invoice().lines[0], sat_unit_code="ZZZ"),))

    with translation.override(language):
        problems = _problems(wrong, csd)

    assert problems == messages


def test_a_use_for_individuals_fits_an_individual_in_a_matching_regime(csd):
    person = replace(RECEIVER, rfc="FUNK671228PH6", name="KARLA FUENTE NOLASCO", tax_regime="612", cfdi_use="D01")

    invoice_preflight(invoice(receiver=person), csd=csd)


def test_the_public_in_general_is_as_sat_fixes_it(csd):
    careless = invoice(
        receiver=Receiver(rfc="XAXX010101000", name="PUBLICO EN GENERAL", postal_code="86991", tax_regime="601",
                          cfdi_use="G03"),
        lines=(Line("Venta", Decimal("1"), Decimal("100"), sat_product_code="43231500", service=True,
                    iva=Iva.RATE_16),),
    )

    assert _problems(careless, csd) == {
        "receiver.tax_regime": ["The public in general (XAXX010101000) has tax regime 616."],
        "receiver.cfdi_use": ["The public in general (XAXX010101000) uses S01 (no tax effects)."],
        "receiver.postal_code": ["For the public in general the receiver's postal code is the place of issue "
                                 "(42501)."],
        "global_info": ["A CFDI to the public in general needs the period it covers (periodicity, months and "
                        "year)."],
    }


def test_the_global_period_follows_sats_catalogs(csd):
    public = invoice(receiver=Receiver.public_in_general("42501"),
                     global_info=GlobalInfo(periodicity="05", months="11", year=2024),
                     lines=(Line("Venta", Decimal("1"), Decimal("100"), sat_product_code="43231500", service=True,
                                 iva=Iva.RATE_16),))

    assert _problems(public, csd) == {
        "global_info.months": ["A bimonthly period is one of 13 (January–February) to 18 (November–December)."],
        "global_info.year": ["The year must be the issue year or the one before."],
        "lines[0].sat_product_code": ["A global CFDI's lines use product key 01010101 and unit ACT."],
    }


def test_global_information_is_only_for_the_public_in_general(csd):
    assert _problems(invoice(global_info=GlobalInfo("04", "11", 2026)), csd) == {
        "global_info": ["Only a CFDI to the public in general (XAXX010101000, PUBLICO EN GENERAL) carries the "
                        "global information."],
    }


def test_payment_terms_currency_and_taxes_follow_the_law(csd):
    odd = invoice(payment_method="PPD", payment_form="03", currency="USD",
                  lines=(invoice().lines[0],
                         Line("Regalo", Decimal("1"), Decimal("1"), service=True, iva=Iva.RATE_16,
                              withholdings=(replace(invoice().lines[0].withholdings[0], rate=Decimal("0.5")),))))

    assert _problems(odd, csd) == {
        "payment_form": ["A PPD invoice has payment form 99 (to be defined); the actual form goes in each "
                         "payment's complement."],
        "exchange_rate": ["Give the exchange rate of USD to pesos."],
        "lines[1].withholdings": ["Withholdings are ISR (a rate up to 0.35) or IVA (up to 0.16), with up to 6 "
                                  "decimals."],
    }


def test_a_foreign_customer_is_not_supported_yet(csd):
    foreign = replace(RECEIVER, rfc="XEXX010101000")

    assert _problems(invoice(receiver=foreign), csd) == {
        "receiver.rfc": ["Invoices to foreign customers (RFC XEXX010101000) are not supported yet."],
    }
