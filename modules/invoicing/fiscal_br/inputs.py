"""What a fiscal document is built from: plain values, filled by the invoicing module from the
company's settings, the customer, the invoice and its lines. Nothing here is checked: `preflight`
names everything missing or wrong at once, before a document is built.

Field names follow our models and the issue (`state_registration`, `city_code`, `tax_regime`,
`ncm`, `cfop`, `service_code`); the NF-e tag each one becomes is given beside it.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from .codes import HOMOLOGATION


@dataclass(frozen=True)
class Address:
    street: str         # xLgr
    number: str         # nro ("S/N" when the street has none)
    district: str       # xBairro
    city: str           # xMun
    city_code: str      # cMun: the IBGE code, 7 digits with its check digit
    state: str          # UF
    postal_code: str    # CEP, 8 digits
    complement: str = ""  # xCpl
    phone: str = ""       # fone, 6 to 14 digits with the area code


@dataclass(frozen=True)
class Emitter:
    """The company issuing. `tax_regime`: simples_nacional, simples_nacional_excess, normal or mei.

    simples_credit_rate: the ICMS credit rate a Simples Nacional company may pass on to a buyer
    that resells (pCredSN, its Simples bracket's ICMS share); left empty, no credit is granted.
    pis_cofins_regime: "cumulative" (lucro presumido) or "non_cumulative" (lucro real), for the
    regime normal, which pays PIS and COFINS apart from any Simples.
    """

    tax_id: str         # CNPJ
    name: str           # xNome
    address: Address
    tax_regime: str
    state_registration: str = ""      # IE, or ISENTO
    trade_name: str = ""              # xFant
    municipal_registration: str = ""  # IM (NFS-e)
    simples_credit_rate: Decimal | None = None
    pis_cofins_regime: str = ""


@dataclass(frozen=True)
class Recipient:
    """The customer. state_registration: their IE, ISENTO, or empty when they are not registered
    for ICMS. final_consumer: whether they buy for their own use (indFinal); when left None, a
    customer not registered for ICMS is a final consumer and a registered one is not."""

    tax_id: str         # CPF or CNPJ
    name: str
    address: Address
    state_registration: str = ""
    email: str = ""
    final_consumer: bool | None = None


@dataclass(frozen=True)
class Item:
    """One invoice line. ncm: 8 digits, or "00" for a service. cfop: left empty, the default rule
    of `taxes.default_cfop` applies. icms_rate: the ICMS rate (pICMS) the line is taxed at, which
    companies outside the Simples Nacional must give. origin: the goods' origin (orig, 0 national).
    A service line's LC 116 code goes on an NFS-e's `Service`, never on an NF-e."""

    code: str           # cProd
    description: str    # xProd
    ncm: str            # NCM
    quantity: Decimal   # qCom / qTrib, up to 4 decimals
    unit_price: Decimal  # vUnCom / vUnTrib, up to 10 decimals
    unit: str = "UN"    # uCom / uTrib
    discount: Decimal = Decimal("0")  # vDesc
    cfop: str = ""
    origin: str = "0"
    icms_rate: Decimal | None = None


@dataclass(frozen=True)
class Payment:
    """How the invoice is paid: method is one of finance's payment methods (cash, bank_transfer,
    credit_card, pix, boleto) or invoicing's card rail; deferred when it falls due after issue."""

    method: str
    deferred: bool = False


@dataclass(frozen=True)
class TechnicalResponsible:
    """The software house answering for the system that issues (infRespTec): the states that
    demand it refuse an NF-e without it (rejection 972)."""

    cnpj: str
    contact: str
    email: str
    phone: str


@dataclass(frozen=True)
class NFeInput:
    """An NF-e (model 55) to build. numeric_code (cNF) is drawn once per document with
    `access_key.numeric_code_new` and kept with it, so that the document, rebuilt, keeps its key.
    presence (indPres): 9 "operação não presencial, outros", the case of an invoice sent to a
    customer; 2 for an online sale."""

    emitter: Emitter
    recipient: Recipient
    items: tuple[Item, ...]
    payment: Payment
    series: int
    number: int
    issued_at: datetime
    numeric_code: str
    environment: int = HOMOLOGATION
    operation: str = "Venda de mercadoria"  # natOp
    presence: str = "9"
    additional_info: str = ""  # infCpl, after the notes the law requires
    technical_responsible: TechnicalResponsible | None = None


@dataclass(frozen=True)
class Service:
    """The service of an NFS-e. service_code: cTribNac, the national code of 6 digits (LC 116 item,
    subitem and the national desdobro, "01.07.01"); nbs: the NBS code (9 digits); city and
    city_code: the municipality where it is rendered and its IBGE code; iss_rate: the ISS rate in
    percent, which the national system takes from the municipality's own table."""

    service_code: str
    description: str
    amount: Decimal
    city: str
    city_code: str
    iss_rate: Decimal | None = None
    nbs: str = ""
    discount: Decimal = Decimal("0")  # unconditional discount (vDescIncond)


@dataclass(frozen=True)
class DPSInput:
    """A DPS (Declaração de Prestação de Serviço) of the NFS-e Padrão Nacional to build.
    competence: the day the service was rendered (dCompet), the issue day when left None."""

    provider: Emitter
    service: Service
    series: int
    number: int
    issued_at: datetime
    taker: Recipient | None = None
    competence: date | None = None
    environment: int = HOMOLOGATION
