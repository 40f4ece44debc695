"""What a CFDI 4.0 is made of, as plain values: the caller maps its invoice, company and contact
onto these, and the rest of the package turns them into SAT's XML.

Names follow the rest of the project (English, the issue's field names where it has them); each
field says which CFDI attribute it becomes. Defaults are only those the law gives: ClaveProdServ
`01010101` ("No existe en el catálogo"), ClaveUnidad `ACT` for a service and `H87` (pieza) for
goods, FormaPago `99` ("Por definir") for a PPD invoice, as SAT's Guía de llenado requires, and
Exportacion `01` ("No aplica"). Nothing else is guessed: what is missing is named by the pre-flight.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

PUBLIC_RFC = "XAXX010101000"  # "RFC genérico" for sales to the public in general
FOREIGN_RFC = "XEXX010101000"  # "RFC genérico" for foreign customers
PUBLIC_NAME = "PUBLICO EN GENERAL"
PUBLIC_REGIME = "616"  # Sin obligaciones fiscales
PUBLIC_USE = "S01"  # Sin efectos fiscales
PAYMENT_USE = "CP01"  # UsoCFDI of a payment CFDI

GENERIC_PRODUCT_CODE = "01010101"
SERVICE_UNIT = "ACT"  # Actividad
GOODS_UNIT = "H87"  # Pieza
TO_BE_DEFINED = "99"  # FormaPago "Por definir"


class Iva(StrEnum):
    """The IVA a line carries (Traslado, Impuesto 002): the rate as TasaOCuota, or exempt."""

    RATE_16 = "0.160000"
    RATE_8 = "0.080000"  # the northern and southern border region stimulus
    RATE_0 = "0.000000"
    EXEMPT = "Exento"


class TaxObject(StrEnum):
    """c_ObjetoImp for a line without taxes; a line with taxes is always `02`."""

    NOT_SUBJECT = "01"  # No objeto de impuesto
    SUBJECT_NOT_BROKEN_DOWN = "03"  # Sí objeto del impuesto y no obligado al desglose
    SUBJECT_NOT_CAUSING = "04"  # Sí objeto del impuesto y no causa impuesto


@dataclass(frozen=True)
class Withholding:
    """A Retencion on a line: `tax` "ISR" (001) or "IVA" (002), `rate` as TasaOCuota (e.g.
    Decimal("0.100000") ISR on fees, Decimal("0.106667") two thirds of the IVA)."""

    tax: str
    rate: Decimal


@dataclass(frozen=True)
class Issuer:
    """cfdi:Emisor."""

    rfc: str  # Rfc
    name: str  # Nombre, as the RFC registry (Constancia de Situación Fiscal) spells it
    tax_regime: str  # RegimenFiscal, c_RegimenFiscal (601, 612, 626, ...)


@dataclass(frozen=True)
class Receiver:
    """cfdi:Receptor."""

    rfc: str  # Rfc
    name: str  # Nombre
    postal_code: str  # DomicilioFiscalReceptor
    tax_regime: str  # RegimenFiscalReceptor
    cfdi_use: str  # UsoCFDI, c_UsoCFDI (G01, G03, S01, ...)

    @classmethod
    def public_in_general(cls, place_of_issue: str) -> "Receiver":
        """The receiver of a sale to the public in general, as SAT's Guía de llenado fixes it: its
        fiscal address is the place of issue."""
        return cls(rfc=PUBLIC_RFC, name=PUBLIC_NAME, postal_code=place_of_issue,
                   tax_regime=PUBLIC_REGIME, cfdi_use=PUBLIC_USE)


@dataclass(frozen=True)
class Line:
    """cfdi:Concepto. `quantity` and `unit_price` up to 6 decimals, `discount` in the currency's.

    `service` picks the unit code when `sat_unit_code` is left out (ACT or H87); one of the two
    must be given. `tax_object` is needed only when the line carries no tax (`iva` None and no
    `withholdings`): a line with taxes is ObjetoImp 02."""

    description: str  # Descripcion
    quantity: Decimal  # Cantidad
    unit_price: Decimal  # ValorUnitario
    sat_product_code: str = GENERIC_PRODUCT_CODE  # ClaveProdServ
    sat_unit_code: str | None = None  # ClaveUnidad
    service: bool | None = None
    unit_name: str | None = None  # Unidad
    product_code: str | None = None  # NoIdentificacion (SKU)
    discount: Decimal = Decimal(0)  # Descuento
    iva: Iva | None = None
    withholdings: tuple[Withholding, ...] = ()
    tax_object: TaxObject | None = None

    @property
    def unit_code(self) -> str | None:
        if self.sat_unit_code:
            return self.sat_unit_code
        if self.service is None:
            return None
        return SERVICE_UNIT if self.service else GOODS_UNIT


@dataclass(frozen=True)
class GlobalInfo:
    """cfdi:InformacionGlobal of a sale to the public in general: `periodicity` c_Periodicidad
    (01 daily ... 05 bimonthly), `months` c_Meses (01-12, or 13-18 for two-month periods), `year`."""

    periodicity: str
    months: str
    year: int


@dataclass(frozen=True)
class Related:
    """cfdi:CfdiRelacionados: `relation` c_TipoRelacion (04 "Sustitución de los CFDI previos" for
    the invoice that replaces one cancelled with reason 01) and the UUIDs."""

    relation: str
    uuids: tuple[str, ...]


@dataclass(frozen=True)
class Invoice:
    """A CFDI of TipoDeComprobante I (ingreso).

    `issued_at` is an aware datetime; the document's Fecha is it in the time zone of the place of
    issue (SAT's c_CodigoPostal gives each postal code its zone). `payment_form` is c_FormaPago:
    required for PUE, always `99` for PPD (left out, it becomes 99)."""

    issuer: Issuer
    receiver: Receiver
    lines: tuple[Line, ...]
    place_of_issue: str  # LugarExpedicion (postal code of the head office or branch)
    issued_at: datetime  # Fecha
    payment_method: str  # MetodoPago: PUE or PPD
    currency: str  # Moneda (ISO 4217 as c_Moneda lists it)
    payment_form: str | None = None  # FormaPago
    exchange_rate: Decimal | None = None  # TipoCambio, required unless MXN
    export: str = "01"  # Exportacion
    series: str | None = None  # Serie
    folio: str | None = None  # Folio
    payment_terms: str | None = None  # CondicionesDePago
    global_info: GlobalInfo | None = None  # InformacionGlobal
    related: Related | None = None  # CfdiRelacionados


@dataclass(frozen=True)
class StampedInvoice:
    """What a payment needs of the invoice it pays: the invoice as issued and its fiscal UUID."""

    invoice: Invoice
    uuid: str


@dataclass(frozen=True)
class PaidInvoice:
    """pago20:DoctoRelacionado: one invoice (PPD) a payment settles, in whole or in part.
    `installment` is NumParcialidad (1 for the first payment), `previous_balance` ImpSaldoAnt,
    `amount` ImpPagado; the balance left (ImpSaldoInsoluto) and the taxes paid follow."""

    document: StampedInvoice
    installment: int
    previous_balance: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Payment:
    """A CFDI of TipoDeComprobante P with the Pagos 2.0 complement: one payment received
    (`paid_at` FechaPago, `payment_form` FormaDePagoP, `currency` MonedaP) settling `invoices`."""

    issuer: Issuer
    receiver: Receiver
    place_of_issue: str
    issued_at: datetime
    paid_at: datetime
    payment_form: str
    currency: str
    invoices: tuple[PaidInvoice, ...]
    exchange_rate: Decimal | None = None  # TipoCambioP, required unless MXN
    operation_number: str | None = None  # NumOperacion (bank reference)
    series: str | None = None
    folio: str | None = None
    related: Related | None = None
