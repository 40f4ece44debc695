"""The payment CFDI (TipoDeComprobante P) with the Pagos 2.0 complement ("complemento para
recepción de pagos", REP), issued for each payment received against PPD invoices.

The Comprobante is the fixed shell SAT's Guía de llenado prescribes (Moneda XXX, SubTotal and Total
0, one Concepto 84111506 "Pago" in unit ACT, UsoCFDI CP01, no FormaPago nor MetodoPago); the
complement carries the payment (FechaPago, FormaDePagoP, MonedaP, Monto) and, for each invoice it
settles, a DoctoRelacionado: the invoice's UUID, the installment number, the balance before
(ImpSaldoAnt), the amount paid (ImpPagado), the balance left (ImpSaldoInsoluto) and the taxes the
payment covers. Those are the invoice's taxes in the proportion paid: BaseDR is each tax's base ×
ImpPagado / Total of the invoice, ImporteDR is BaseDR × TasaOCuotaDR, both rounded half up to the
currency's decimals as every CFDI amount. Pagos' totals (ImpuestosP, Totales) are their sums.
"""

from collections import defaultdict
from decimal import Decimal

from satcfdi.create.cfd import cfdi40, pago20

from .amounts import TaxAmount, line_amounts, round_half_up
from .catalogs import currency_decimals
from .cfdi import local_time, related_node
from .csd import Csd
from .inputs import Invoice, PaidInvoice, Payment
from .preflight import payment_preflight
from .seal import SealedCfdi, comprobante_seal


def invoice_taxes(invoice: Invoice) -> tuple[list[TaxAmount], list[TaxAmount], Decimal]:
    """The invoice's transferred and withheld taxes grouped as the Comprobante lists them (by tax,
    factor and rate), and its Total."""
    decimals = currency_decimals(invoice.currency)
    groups = {"transfers": defaultdict(lambda: [Decimal(0), Decimal(0)]),
              "withholdings": defaultdict(lambda: [Decimal(0), Decimal(0)])}
    total = Decimal(0)
    for line in invoice.lines:
        amounts = line_amounts(line, decimals)
        total += amounts.base
        for kind in groups:
            for tax in getattr(amounts, kind):
                group = groups[kind][(tax.tax, tax.factor, tax.rate)]
                group[0] += tax.base
                group[1] += tax.amount or 0
                total += (tax.amount or 0) * (-1 if kind == "withholdings" else 1)
    transfers, withholdings = (
        [TaxAmount(tax, factor, rate, base, None if factor == "Exento" else amount)
         for (tax, factor, rate), (base, amount) in groups[kind].items()]
        for kind in ("transfers", "withholdings")
    )
    return transfers, withholdings, total


def _share(tax: TaxAmount, paid: Decimal, total: Decimal, decimals: int, node):
    base = round_half_up(tax.base * paid / total, decimals)
    amount = None if tax.factor == "Exento" else round_half_up(base * tax.rate, decimals)
    return node(base_dr=base, impuesto_dr=tax.tax, tipo_factor_dr=tax.factor, tasa_o_cuota_dr=tax.rate,
                importe_dr=amount)


def _docto(paid: PaidInvoice) -> pago20.DoctoRelacionado:
    invoice = paid.document.invoice
    decimals = currency_decimals(invoice.currency)
    transfers, withholdings, total = invoice_taxes(invoice)
    taxes = None
    if transfers or withholdings:
        taxes = pago20.ImpuestosDR(
            traslados_dr=[_share(tax, paid.amount, total, decimals, pago20.TrasladoDR) for tax in transfers] or None,
            retenciones_dr=[_share(tax, paid.amount, total, decimals, pago20.RetencionDR)
                            for tax in withholdings] or None,
        )
    return pago20.DoctoRelacionado(
        id_documento=paid.document.uuid,
        serie=invoice.series,
        folio=invoice.folio,
        moneda_dr=invoice.currency,
        equivalencia_dr=Decimal(1),
        num_parcialidad=paid.installment,
        imp_saldo_ant=paid.previous_balance,
        imp_pagado=paid.amount,
        objeto_imp_dr="02" if taxes else invoice.lines[0].tax_object.value,
        impuestos_dr=taxes,
    )


def payment_comprobante(payment: Payment) -> cfdi40.Comprobante:
    """The unsealed payment Comprobante of a pre-flighted payment."""
    complement = pago20.Pagos(pago=[pago20.Pago(
        fecha_pago=local_time(payment.paid_at, payment.place_of_issue),
        forma_de_pago_p=payment.payment_form,
        moneda_p=payment.currency,
        # The Guía de llenado of Pagos 2.0 asks for TipoCambioP "1" when the payment is in pesos.
        tipo_cambio_p=payment.exchange_rate if payment.currency != "MXN" else Decimal(1),
        num_operacion=payment.operation_number,
        docto_relacionado=[_docto(paid) for paid in payment.invoices],
    )])
    # Totales are in pesos: the payment's amounts times its exchange rate, to the cent.
    complement["Totales"] = {name: round_half_up(Decimal(value), 2) for name, value in complement["Totales"].items()}
    return cfdi40.Comprobante.pago(
        emisor=cfdi40.Emisor(rfc=payment.issuer.rfc, nombre=payment.issuer.name,
                             regimen_fiscal=payment.issuer.tax_regime),
        lugar_expedicion=payment.place_of_issue,
        receptor=cfdi40.Receptor(rfc=payment.receiver.rfc, nombre=payment.receiver.name,
                                 domicilio_fiscal_receptor=payment.receiver.postal_code,
                                 regimen_fiscal_receptor=payment.receiver.tax_regime, uso_cfdi="CP01"),
        complemento_pago=complement,
        cfdi_relacionados=related_node(payment.related),
        serie=payment.series,
        folio=payment.folio,
        fecha=local_time(payment.issued_at, payment.place_of_issue),
    )


def payment_seal(payment: Payment, *, csd: Csd | None) -> SealedCfdi:
    """Pre-flight, build and seal a payment CFDI. Raises FiscalDataError naming every missing datum."""
    payment_preflight(payment, csd=csd)
    return comprobante_seal(payment_comprobante(payment), csd, at=payment.issued_at, decimals=0)
