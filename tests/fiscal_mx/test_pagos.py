"""The payment CFDI (Pagos 2.0) for PPD invoices: SAT's schema, the balances and the taxes paid."""

from datetime import timedelta
from decimal import Decimal

import pytest
from lxml import etree

from modules.invoicing.fiscal_mx.cfdi import invoice_seal
from modules.invoicing.fiscal_mx.errors import FiscalDataError
from modules.invoicing.fiscal_mx.inputs import PaidInvoice, Payment, StampedInvoice
from modules.invoicing.fiscal_mx.pagos import payment_seal
from modules.invoicing.fiscal_mx.schemas import xsd_errors
from modules.invoicing.fiscal_mx.seal import cfdi_verify

from .conftest import ISSUED_AT, ISSUER, RECEIVER, STAMPED_AT, invoice

CFDI = "{http://www.sat.gob.mx/cfd/4}"
PAGO = "{http://www.sat.gob.mx/Pagos20}"


@pytest.fixture
def stamped_ppd(csd, sandbox_pac):
    ppd = invoice(payment_method="PPD", payment_form=None)
    stamp = sandbox_pac.stamp(invoice_seal(ppd, csd=csd).xml)
    return StampedInvoice(ppd, stamp.uuid)


def _payment(document: StampedInvoice, *paid: PaidInvoice) -> Payment:
    return Payment(issuer=ISSUER, receiver=RECEIVER, place_of_issue="42501",
                   issued_at=STAMPED_AT + timedelta(days=1), paid_at=ISSUED_AT + timedelta(days=1),
                   payment_form="03", currency="MXN", invoices=paid, series="P", folio="1",
                   operation_number="SPEI-0042")


def test_a_partial_payment_validates_against_pagos20_and_carries_its_share_of_the_taxes(csd, stamped_ppd,
                                                                                       sandbox_pac):
    payment = _payment(stamped_ppd, PaidInvoice(stamped_ppd, installment=1, previous_balance=Decimal("394.39"),
                                                amount=Decimal("200.00")))

    sealed = payment_seal(payment, csd=csd)
    stamped = sandbox_pac.stamp(sealed.xml)

    root = etree.fromstring(stamped.xml)
    assert xsd_errors(root) == [] and cfdi_verify(stamped.xml)
    assert (root.get("TipoDeComprobante"), root.get("Moneda"), root.get("SubTotal"), root.get("Total")) == (
        "P", "XXX", "0", "0")
    assert root.find(f"{CFDI}Receptor").get("UsoCFDI") == "CP01"
    pago = root.find(f"{CFDI}Complemento/{PAGO}Pagos/{PAGO}Pago")
    assert (pago.get("FormaDePagoP"), pago.get("Monto"), pago.get("TipoCambioP"), pago.get("NumOperacion")) == (
        "03", "200.00", "1", "SPEI-0042")
    document = pago.find(f"{PAGO}DoctoRelacionado")
    assert {name: document.get(name) for name in ("IdDocumento", "NumParcialidad", "ImpSaldoAnt", "ImpPagado",
                                                  "ImpSaldoInsoluto", "ObjetoImpDR")} == {
        "IdDocumento": stamped_ppd.uuid, "NumParcialidad": "1", "ImpSaldoAnt": "394.39", "ImpPagado": "200.00",
        "ImpSaldoInsoluto": "194.39", "ObjetoImpDR": "02"}
    # 200.00 of 394.39: base 99.01 → 50.21 (IVA 16% 8.03; ISR 10% 5.02; IVA withheld 5.36), base 300 → 152.13.
    transfers = [(tax.get("BaseDR"), tax.get("TasaOCuotaDR"), tax.get("ImporteDR"))
                 for tax in document.iterfind(f"{PAGO}ImpuestosDR/{PAGO}TrasladosDR/{PAGO}TrasladoDR")]
    assert transfers == [("50.21", "0.160000", "8.03"), ("152.13", "0.000000", "0.00")]
    withheld = [(tax.get("ImpuestoDR"), tax.get("ImporteDR"))
                for tax in document.iterfind(f"{PAGO}ImpuestosDR/{PAGO}RetencionesDR/{PAGO}RetencionDR")]
    assert withheld == [("001", "5.02"), ("002", "5.36")]
    totals = root.find(f"{CFDI}Complemento/{PAGO}Pagos/{PAGO}Totales")
    assert dict(totals.attrib) == {
        "TotalRetencionesIVA": "5.36", "TotalRetencionesISR": "5.02", "TotalTrasladosBaseIVA16": "50.21",
        "TotalTrasladosImpuestoIVA16": "8.03", "TotalTrasladosBaseIVA0": "152.13",
        "TotalTrasladosImpuestoIVA0": "0.00", "MontoTotalPagos": "200.00"}


def test_the_last_installment_leaves_nothing_due(csd, stamped_ppd):
    last = _payment(stamped_ppd, PaidInvoice(stamped_ppd, installment=2, previous_balance=Decimal("194.39"),
                                             amount=Decimal("194.39")))

    root = etree.fromstring(payment_seal(last, csd=csd).xml)

    document = root.find(f"{CFDI}Complemento/{PAGO}Pagos/{PAGO}Pago/{PAGO}DoctoRelacionado")
    assert (document.get("NumParcialidad"), document.get("ImpSaldoInsoluto")) == ("2", "0.00")
    assert xsd_errors(root) == []


def test_a_payment_names_what_it_cannot_be_issued_without(csd, stamped_ppd):
    pue = StampedInvoice(invoice(), stamped_ppd.uuid)
    wrong = _payment(stamped_ppd,
                     PaidInvoice(pue, installment=0, previous_balance=Decimal("100"), amount=Decimal("150")))

    with pytest.raises(FiscalDataError) as error:
        payment_seal(wrong, csd=csd)

    assert error.value.as_dict() == {
        "invoices[0].uuid": ["Only invoices issued as PPD (payment in installments or deferred) receive a payment "
                             "complement."],
        "invoices[0].installment": ["The installment number starts at 1."],
        "invoices[0].amount": ["The amount paid must be more than zero and no more than the balance due (100)."],
    }
