"""The CFDI 4.0 Comprobante of an invoice (TipoDeComprobante I), built with satcfdi's objects.

`invoice_seal` is the whole way from inputs to a sealed document: the pre-flight, the Comprobante
with SAT's rounding (amounts.py), the seal with the CSD (seal.py), then SAT's schema and the
amounts checked on the very bytes that leave. A document that fails either check is a bug of ours,
never sent: it raises DocumentInvalid with what failed.
"""

from datetime import datetime
from decimal import ROUND_HALF_UP, localcontext
from zoneinfo import ZoneInfo

from satcfdi.catalogs import codigo_postal_uso_horario
from satcfdi.create.cfd import cfdi40

from .amounts import TaxAmount, line_amounts
from .catalogs import currency_decimals
from .csd import Csd
from .inputs import Invoice, Line, Related
from .preflight import invoice_preflight
from .seal import SealedCfdi, comprobante_seal

# c_CodigoPostal names each postal code's time zone; these are the IANA zones that keep those
# clocks since the 2022 law that ended daylight saving time except along the US border (satcfdi's
# own table sends Baja California to Matamoros, two hours ahead, which a PAC refuses as a Fecha in
# the future).
TIME_ZONES = {
    "Tiempo del Centro": ZoneInfo("America/Mexico_City"),
    "Tiempo del Centro en Frontera": ZoneInfo("America/Matamoros"),
    "Tiempo del Pacífico": ZoneInfo("America/Mazatlan"),
    "Tiempo del Noroeste": ZoneInfo("America/Tijuana"),
    "Tiempo del Sureste": ZoneInfo("America/Cancun"),
}


def local_time(moment: datetime, place_of_issue: str) -> datetime:
    """Fecha: `moment` as the clock reads at the place of issue, to the second, without offset."""
    zone = TIME_ZONES[codigo_postal_uso_horario(place_of_issue)]
    return moment.astimezone(zone).replace(tzinfo=None, microsecond=0)


def related_node(related: Related | None) -> cfdi40.CfdiRelacionados | None:
    if related is None:
        return None
    return cfdi40.CfdiRelacionados(tipo_relacion=related.relation, cfdi_relacionado=list(related.uuids))


def _tax(amount: TaxAmount, node):
    return node(impuesto=amount.tax, tipo_factor=amount.factor, tasa_o_cuota=amount.rate,
                importe=amount.amount, base=amount.base)


def _concepto(line: Line, decimals: int) -> cfdi40.Concepto:
    amounts = line_amounts(line, decimals)
    taxes = None
    if amounts.transfers or amounts.withholdings:
        taxes = cfdi40.Impuestos(
            traslados=[_tax(amount, cfdi40.Traslado) for amount in amounts.transfers] or None,
            retenciones=[_tax(amount, cfdi40.Retencion) for amount in amounts.withholdings] or None,
        )
    return cfdi40.Concepto(
        clave_prod_serv=line.sat_product_code,
        cantidad=line.quantity,
        clave_unidad=line.unit_code,
        descripcion=line.description,
        valor_unitario=line.unit_price,
        objeto_imp="02" if taxes else line.tax_object.value,
        no_identificacion=line.product_code,
        unidad=line.unit_name,
        descuento=amounts.amount - amounts.base or None,
        impuestos=taxes,
    )


def invoice_comprobante(invoice: Invoice) -> cfdi40.Comprobante:
    """The unsealed Comprobante of a pre-flighted invoice."""
    decimals = currency_decimals(invoice.currency)
    info = invoice.global_info
    # satcfdi rounds each line's Importe with round(); SAT's rounding is half up.
    with localcontext(rounding=ROUND_HALF_UP):
        return cfdi40.Comprobante(
            emisor=cfdi40.Emisor(rfc=invoice.issuer.rfc, nombre=invoice.issuer.name,
                                 regimen_fiscal=invoice.issuer.tax_regime),
            lugar_expedicion=invoice.place_of_issue,
            receptor=cfdi40.Receptor(
                rfc=invoice.receiver.rfc, nombre=invoice.receiver.name,
                domicilio_fiscal_receptor=invoice.receiver.postal_code,
                regimen_fiscal_receptor=invoice.receiver.tax_regime, uso_cfdi=invoice.receiver.cfdi_use,
            ),
            conceptos=[_concepto(line, decimals) for line in invoice.lines],
            moneda=invoice.currency,
            tipo_de_comprobante="I",
            exportacion=invoice.export,
            serie=invoice.series,
            folio=invoice.folio,
            forma_pago=invoice.payment_form or "99",
            condiciones_de_pago=invoice.payment_terms,
            tipo_cambio=invoice.exchange_rate if invoice.currency != "MXN" else None,
            metodo_pago=invoice.payment_method,
            informacion_global=info and cfdi40.InformacionGlobal(periodicidad=info.periodicity,
                                                                 meses=info.months, ano=info.year),
            cfdi_relacionados=related_node(invoice.related),
            fecha=local_time(invoice.issued_at, invoice.place_of_issue),
        )


def invoice_seal(invoice: Invoice, *, csd: Csd | None) -> SealedCfdi:
    """Pre-flight, build and seal an invoice. Raises FiscalDataError naming every missing datum."""
    invoice_preflight(invoice, csd=csd)
    return comprobante_seal(invoice_comprobante(invoice), csd, at=invoice.issued_at,
                            decimals=currency_decimals(invoice.currency))
