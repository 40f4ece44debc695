"""What each line of an NF-e is taxed, and the totals: the one computation the XML (`nfe`) and the
provider's payload (`provider_focus`) both write, so that they cannot disagree.

The rules, by the company's tax regime (CRT):

- ICMS. A Simples Nacional company (CRT 1) or MEI (CRT 4) pays ICMS inside the Simples and
  writes a CSOSN: 101 when it passes the ICMS credit of its bracket on to a buyer registered for
  ICMS (pCredSN, LC 123/2006 art. 23), 102 otherwise; a MEI never grants credit. A company over
  the sublimit (CRT 2) or in the regime normal (CRT 3) writes CST 00, taxed in full on the
  operation's value (modBC 3) at the line's own ICMS rate, which it must give: rates depend on
  the goods and the states and have no default.
- PIS and COFINS. Inside the Simples (CRT 1, 2 and 4) they are paid in the DAS, not on the
  document: CST 49 "outras operações de saída", no base, no value. In the regime normal they are
  CST 01 at the rates of law: cumulative (lucro presumido) 0.65% and 3% (Lei 9.715/1998 art. 8,
  Lei 9.718/1998 art. 8), non-cumulative (lucro real) 1.65% and 7.6% (Lei 10.637/2002 art. 2,
  Lei 10.833/2003 art. 2), on the line's value less its ICMS (STF, RE 574.706, Tema 69).
- CFOP, when a line gives none: 5102 "venda de mercadoria adquirida de terceiros" inside the
  state; between states, 6102 to a buyer registered for ICMS and 6108 to one that is not (the
  CFOP table's own split since EC 87/2015). These are the resale CFOPs: a manufacturer selling
  its own production (5101/6101) sets its lines' CFOP. Services (NCM "00") are not written on an
  NF-e: they go on an NFS-e (see `preflight`), so 5933/6933 never arise here.
- Amounts: a line's value is quantity × unit price, and every tax value is rounded half up to
  the centavo, line by line; totals are the sums of the lines' rounded values, which is what
  SEFAZ adds up when it checks them (rejections 531-610).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from modules.core.brazil.state_registration import EXEMPT, state_registration_normalize

from .codes import SIMPLES_ICMS_REGIMES, SIMPLES_PIS_COFINS_REGIMES
from .inputs import Item, NFeInput, Recipient

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
PIS_COFINS_RATES = {  # (PIS, COFINS) in percent
    "cumulative": (Decimal("0.65"), Decimal("3.00")),
    "non_cumulative": (Decimal("1.65"), Decimal("7.60")),
}


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(base: Decimal, rate: Decimal) -> Decimal:
    return cents(base * rate / 100)


@dataclass(frozen=True)
class Tax:
    """One tax of a line: its situation code (CST or CSOSN), base, rate and value."""

    code: str
    base: Decimal = ZERO
    rate: Decimal = ZERO
    value: Decimal = ZERO


@dataclass(frozen=True)
class Line:
    number: int       # nItem
    item: Item
    cfop: str
    gross: Decimal    # vProd
    discount: Decimal  # vDesc
    icms: Tax         # CSOSN 101 carries the credit rate and value granted; 102 nothing; CST 00 all
    pis: Tax
    cofins: Tax

    @property
    def simples(self) -> bool:
        return len(self.icms.code) == 3


@dataclass(frozen=True)
class Totals:
    products: Decimal   # vProd
    discount: Decimal   # vDesc
    icms_base: Decimal  # vBC
    icms: Decimal       # vICMS
    pis: Decimal        # vPIS
    cofins: Decimal     # vCOFINS
    simples_credit: Decimal  # the ICMS credit granted under CSOSN 101, for the legal note

    @property
    def total(self) -> Decimal:
        """vNF: products less discounts (no freight, insurance, IPI or ST are charged here)."""
        return self.products - self.discount


def recipient_contributor_indicator(recipient: Recipient) -> str:
    """indIEDest: 1 registered for ICMS (the IE goes with it), 2 a contributor exempt from
    registration (ISENTO), 9 not a contributor."""
    registration = state_registration_normalize(recipient.address.state, recipient.state_registration)
    if registration == EXEMPT:
        return "2"
    return "1" if registration else "9"


def recipient_final_consumer(recipient: Recipient) -> bool:
    """indFinal: as the customer says, else whoever is not registered for ICMS buys for their own
    use (SEFAZ refuses a sale to a non-contributor that is not to a final consumer, rejection 696)."""
    if recipient.final_consumer is not None:
        return recipient.final_consumer
    return recipient_contributor_indicator(recipient) == "9"


def interstate(document: NFeInput) -> bool:
    return document.emitter.address.state != document.recipient.address.state


def default_cfop(document: NFeInput) -> str:
    if not interstate(document):
        return "5102"
    return "6108" if recipient_contributor_indicator(document.recipient) == "9" else "6102"


def _icms(document: NFeInput, item: Item, net: Decimal) -> Tax:
    emitter = document.emitter
    if emitter.tax_regime in SIMPLES_ICMS_REGIMES:
        credit_rate = emitter.simples_credit_rate
        buyer_takes_credit = recipient_contributor_indicator(document.recipient) == "1"
        if credit_rate and emitter.tax_regime != "mei" and buyer_takes_credit:
            return Tax("101", net, credit_rate, percent_of(net, credit_rate))
        return Tax("102")
    return Tax("00", net, item.icms_rate, percent_of(net, item.icms_rate))


def _pis_cofins(document: NFeInput, net: Decimal, icms: Tax) -> tuple[Tax, Tax]:
    if document.emitter.tax_regime in SIMPLES_PIS_COFINS_REGIMES:
        return Tax("49"), Tax("49")
    pis_rate, cofins_rate = PIS_COFINS_RATES[document.emitter.pis_cofins_regime]
    base = net - icms.value
    return (Tax("01", base, pis_rate, percent_of(base, pis_rate)),
            Tax("01", base, cofins_rate, percent_of(base, cofins_rate)))


def lines_compute(document: NFeInput) -> list[Line]:
    lines = []
    for number, item in enumerate(document.items, start=1):
        gross = cents(item.quantity * item.unit_price)
        discount = cents(item.discount)
        icms = _icms(document, item, gross - discount)
        pis, cofins = _pis_cofins(document, gross - discount, icms)
        lines.append(Line(number, item, item.cfop or default_cfop(document), gross, discount, icms, pis, cofins))
    return lines


def totals_compute(lines: list[Line]) -> Totals:
    taxed = [line for line in lines if not line.simples]
    return Totals(
        products=sum((line.gross for line in lines), ZERO),
        discount=sum((line.discount for line in lines), ZERO),
        icms_base=sum((line.icms.base for line in taxed), ZERO),
        icms=sum((line.icms.value for line in taxed), ZERO),
        pis=sum((line.pis.value for line in lines), ZERO),
        cofins=sum((line.cofins.value for line in lines), ZERO),
        simples_credit=sum((line.icms.value for line in lines if line.simples), ZERO),
    )


def legal_notes(document: NFeInput, totals: Totals) -> list[str]:
    """What the law makes a Simples Nacional company print on its documents (Resolução CGSN
    140/2018, art. 59), and the credit it grants under CSOSN 101 (LC 123/2006, art. 23)."""
    if document.emitter.tax_regime not in SIMPLES_PIS_COFINS_REGIMES:
        return []
    notes = ["DOCUMENTO EMITIDO POR ME OU EPP OPTANTE PELO SIMPLES NACIONAL",
             "NÃO GERA DIREITO A CRÉDITO FISCAL DE IPI"]
    if totals.simples_credit:
        rate = document.emitter.simples_credit_rate
        notes.append(f"PERMITE O APROVEITAMENTO DO CRÉDITO DE ICMS NO VALOR DE R$ {_brl(totals.simples_credit)}, "
                     f"CORRESPONDENTE À ALÍQUOTA DE {_brl(rate)}%, NOS TERMOS DO ART. 23 DA LC 123/2006")
    return notes


def _brl(value: Decimal) -> str:
    """1234.5 as 1.234,50, the way the notes write amounts."""
    return f"{cents(value):,.2f}".translate(str.maketrans(",.", ".,"))
