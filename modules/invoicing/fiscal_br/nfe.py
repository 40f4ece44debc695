"""The NF-e 4.00 (model 55): built from the inputs with nfelib's bindings, signed, and checked
against the official schema before anything leaves.

What each group carries, and why (leiaute 4.00 as NT 2025.002 left it; field ids in brackets):

- ide [B]: an outgoing (tpNF 1), normal (finNFe 1, tpEmis 1) sale, printed as a portrait DANFE
  (tpImp 1), issued by our own program (procEmi 0); dhEmi in the emitter state's local time;
  idDest 1 inside the state, 2 between states; indFinal and indPres as the inputs say, and
  indIntermed 0 (sold by the company itself) whenever the sale is not in person, as NT 2020.006
  demands for indPres 2, 3, 4 and 9.
- emit [C] / dest [E]: CNPJ, names, addresses with the IBGE city code, IE and CRT; the
  recipient's indIEDest (1 with its IE, 2 ISENTO, 9 not registered). In homologation SEFAZ
  refuses any recipient name but its own sentence (rejection 598), so that one is written.
- det [H-Q]: the product (no GTIN: "SEM GTIN"), quantities in the commercial and taxable unit
  alike, and the taxes of `taxes` (ICMS by CSOSN or CST, PIS and COFINS); no IPI group: we do
  not issue for manufacturers paying IPI.
- total [W]: ICMSTot adds up the lines exactly; every other total is zero.
- transp [X]: modFrete 9, no transport (an invoice, not a shipment).
- pag [YA]: one payment of the whole amount; electronic means carry card/tpIntegra 2 (the
  payment is recorded in our books when it arrives, not integrated with a terminal).
- infAdic [Z]: the notes the law requires of a Simples Nacional company, then the invoice's own.
- infRespTec [ZD]: when given (several states refuse an NF-e without it, rejection 972).
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from lxml import etree
from nfelib.nfe.bindings.v4_0 import leiaute_nfe_v4_00 as layout
from nfelib.nfe.bindings.v4_0.nfe_v4_00 import Nfe
from nfelib.nfe.bindings.v4_0.tipos_basico_v4_00 import Tamb, TcodUfIbge, Tmod, Tuf, TufEmi
from xsdata.formats.dataclass.serializers.tree import TreeSerializer

from modules.core.brazil.state_registration import state_registration_normalize

from .access_key import NFE_MODEL, NORMAL_EMISSION, AccessKey, access_key_build
from .codes import (
    BRAZIL_COUNTRY_CODE,
    CRT_BY_TAX_REGIME,
    DEFAULT_TIMEZONE,
    ELECTRONIC_PAYMENT_CODES,
    HOMOLOGATION,
    HOMOLOGATION_RECIPIENT_NAME,
    PAYMENT_CODES,
    STATE_CODES,
    STATE_TIMEZONES,
)
from .inputs import Address, NFeInput
from .schemas import schema_check, xml_bytes
from .signing import Certificate, element_sign
from .taxes import (
    Line,
    Totals,
    interstate,
    legal_notes,
    lines_compute,
    recipient_contributor_indicator,
    recipient_final_consumer,
    totals_compute,
)
from .text import digits_only, fiscal_text

NFE_NAMESPACE = "http://www.portalfiscal.inf.br/nfe"
LAYOUT_VERSION = "4.00"
PROGRAM_VERSION = "Innexar 1.0"  # verProc
NOT_IN_PERSON = ("2", "3", "4", "9")
Inf = layout.Tnfe.InfNfe
Tax = Inf.Det.Imposto
_SERIALIZER = TreeSerializer()


@dataclass(frozen=True)
class IssuedNFe:
    """A signed NF-e that follows the schema, with what its DANFE and records need."""

    key: AccessKey
    xml: bytes
    lines: list[Line]
    totals: Totals


def local_issue_time(document: NFeInput) -> datetime:
    """The issue time in the emitter's state, as dhEmi and the key's AAMM are written."""
    zone = STATE_TIMEZONES.get(document.emitter.address.state, DEFAULT_TIMEZONE)
    return document.issued_at.astimezone(ZoneInfo(zone)).replace(microsecond=0)


def nfe_key(document: NFeInput) -> AccessKey:
    address = document.emitter.address
    return access_key_build(state_code=STATE_CODES[address.state], issued_on=local_issue_time(document).date(),
                            cnpj=digits_or_letters(document.emitter.tax_id), series=document.series,
                            number=document.number, numeric_code=document.numeric_code)


def digits_or_letters(tax_id: str) -> str:
    """A CNPJ or CPF without its punctuation (an alphanumeric CNPJ keeps its letters)."""
    return "".join(char for char in tax_id.upper() if char.isalnum())


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _rate(value: Decimal) -> str:
    return f"{value:.4f}"


def _ide(document: NFeInput, key: AccessKey) -> Inf.Ide:
    not_in_person = document.presence in NOT_IN_PERSON
    return Inf.Ide(
        cUF=TcodUfIbge(key.state_code), cNF=key.numeric_code, natOp=fiscal_text(document.operation, 60),
        mod=Tmod(NFE_MODEL), serie=str(document.series), nNF=str(document.number),
        dhEmi=local_issue_time(document).isoformat(), tpNF=layout.IdeTpNf("1"),
        idDest=layout.IdeIdDest("2" if interstate(document) else "1"), cMunFG=document.emitter.address.city_code,
        tpImp=layout.IdeTpImp("1"), tpEmis=layout.IdeTpEmis(NORMAL_EMISSION), cDV=key.check_digit,
        tpAmb=Tamb(str(document.environment)), finNFe=layout.TfinNfe("1"),
        indFinal=layout.IdeIndFinal("1" if recipient_final_consumer(document.recipient) else "0"),
        indPres=layout.IdeIndPres(document.presence),
        indIntermed=layout.IdeIndIntermed("0") if not_in_person else None,
        procEmi=layout.TprocEmi("0"), verProc=PROGRAM_VERSION,
    )


def _address_fields(address: Address) -> dict:
    return dict(
        xLgr=fiscal_text(address.street, 60), nro=fiscal_text(address.number, 60),
        xCpl=fiscal_text(address.complement, 60) or None, xBairro=fiscal_text(address.district, 60),
        cMun=address.city_code, xMun=fiscal_text(address.city, 60), CEP=digits_only(address.postal_code),
        fone=digits_only(address.phone) or None,
    )


def _emit(document: NFeInput) -> Inf.Emit:
    emitter = document.emitter
    address = emitter.address
    fields = _address_fields(address)
    phone = fields.pop("fone")
    return Inf.Emit(
        CNPJ=digits_or_letters(emitter.tax_id), xNome=fiscal_text(emitter.name, 60),
        xFant=fiscal_text(emitter.trade_name, 60) or None,
        enderEmit=layout.TenderEmi(**fields, UF=TufEmi(address.state), cPais=layout.TenderEmiCPais(BRAZIL_COUNTRY_CODE),
                                   xPais=layout.TenderEmiXPais("Brasil"), fone=phone),
        IE=state_registration_normalize(address.state, emitter.state_registration),
        CRT=layout.EmitCrt(CRT_BY_TAX_REGIME[emitter.tax_regime]),
    )


def _dest(document: NFeInput) -> Inf.Dest:
    recipient = document.recipient
    tax_id = digits_or_letters(recipient.tax_id)
    indicator = recipient_contributor_indicator(recipient)
    homologation = document.environment == HOMOLOGATION
    return Inf.Dest(
        CNPJ=tax_id if len(tax_id) == 14 else None, CPF=tax_id if len(tax_id) == 11 else None,
        xNome=HOMOLOGATION_RECIPIENT_NAME if homologation else fiscal_text(recipient.name, 60),
        enderDest=layout.Tendereco(**_address_fields(recipient.address), UF=Tuf(recipient.address.state),
                                   cPais=BRAZIL_COUNTRY_CODE, xPais="Brasil"),
        indIEDest=layout.DestIndIedest(indicator),
        IE=state_registration_normalize(recipient.address.state, recipient.state_registration) if indicator == "1"
        else None,
        email=fiscal_text(recipient.email, 60) or None,
    )


def _icms(line: Line) -> Tax.Icms:
    origin = layout.Torig(line.item.origin)
    if line.icms.code == "101":
        return Tax.Icms(ICMSSN101=Tax.Icms.Icmssn101(
            orig=origin, CSOSN=layout.Icmssn101Csosn("101"), pCredSN=_rate(line.icms.rate),
            vCredICMSSN=_money(line.icms.value)))
    if line.icms.code == "102":
        return Tax.Icms(ICMSSN102=Tax.Icms.Icmssn102(orig=origin, CSOSN=layout.Icmssn102Csosn("102")))
    return Tax.Icms(ICMS00=Tax.Icms.Icms00(
        orig=origin, CST=layout.Icms00Cst("00"), modBC=layout.Icms00ModBc("3"), vBC=_money(line.icms.base),
        pICMS=_rate(line.icms.rate), vICMS=_money(line.icms.value)))


def _pis(line: Line) -> Tax.Pis:
    pis = line.pis
    if pis.code == "01":
        return Tax.Pis(PISAliq=Tax.Pis.Pisaliq(CST=layout.PisaliqCst("01"), vBC=_money(pis.base),
                                                pPIS=_rate(pis.rate), vPIS=_money(pis.value)))
    return Tax.Pis(PISOutr=Tax.Pis.Pisoutr(CST=layout.PisoutrCst(pis.code), vBC=_money(pis.base),
                                            pPIS=_rate(pis.rate), vPIS=_money(pis.value)))


def _cofins(line: Line) -> Tax.Cofins:
    cofins = line.cofins
    if cofins.code == "01":
        return Tax.Cofins(COFINSAliq=Tax.Cofins.Cofinsaliq(
            CST=layout.CofinsaliqCst("01"), vBC=_money(cofins.base), pCOFINS=_rate(cofins.rate),
            vCOFINS=_money(cofins.value)))
    return Tax.Cofins(COFINSOutr=Tax.Cofins.Cofinsoutr(
        CST=layout.CofinsoutrCst(cofins.code), vBC=_money(cofins.base), pCOFINS=_rate(cofins.rate),
        vCOFINS=_money(cofins.value)))


def _det(line: Line) -> Inf.Det:
    item = line.item
    unit = fiscal_text(item.unit, 6)
    quantity = f"{item.quantity:.4f}"
    price = f"{item.unit_price:.10f}"
    return Inf.Det(
        nItem=str(line.number),
        prod=Inf.Det.Prod(
            cProd=fiscal_text(item.code, 60), cEAN="SEM GTIN", xProd=fiscal_text(item.description, 120),
            NCM=item.ncm, CFOP=line.cfop, uCom=unit, qCom=quantity, vUnCom=price, vProd=_money(line.gross),
            cEANTrib="SEM GTIN", uTrib=unit, qTrib=quantity, vUnTrib=price,
            vDesc=_money(line.discount) if line.discount else None, indTot=layout.ProdIndTot("1"),
        ),
        imposto=Tax(ICMS=_icms(line), PIS=_pis(line), COFINS=_cofins(line)),
    )


def _total(totals: Totals) -> Inf.Total:
    zero = "0.00"
    return Inf.Total(ICMSTot=Inf.Total.Icmstot(
        vBC=_money(totals.icms_base), vICMS=_money(totals.icms), vICMSDeson=zero, vFCP=zero, vBCST=zero, vST=zero,
        vFCPST=zero, vFCPSTRet=zero, vProd=_money(totals.products), vFrete=zero, vSeg=zero,
        vDesc=_money(totals.discount), vII=zero, vIPI=zero, vIPIDevol=zero, vPIS=_money(totals.pis),
        vCOFINS=_money(totals.cofins), vOutro=zero, vNF=_money(totals.total),
    ))


def _pag(document: NFeInput, totals: Totals) -> Inf.Pag:
    code = PAYMENT_CODES[document.payment.method]
    card = Inf.Pag.DetPag.Card(tpIntegra=layout.CardTpIntegra("2")) if code in ELECTRONIC_PAYMENT_CODES else None
    return Inf.Pag(detPag=[Inf.Pag.DetPag(
        indPag=layout.DetPagIndPag("1" if document.payment.deferred else "0"), tPag=code,
        vPag=_money(totals.total), card=card,
    )])


def _inf_adic(document: NFeInput, totals: Totals) -> Inf.InfAdic | None:
    notes = [*legal_notes(document, totals), fiscal_text(document.additional_info, 5000)]
    text = fiscal_text(" | ".join(note for note in notes if note), 5000)
    return Inf.InfAdic(infCpl=text) if text else None


def _resp_tec(document: NFeInput) -> layout.TinfRespTec | None:
    responsible = document.technical_responsible
    if responsible is None:
        return None
    return layout.TinfRespTec(CNPJ=digits_or_letters(responsible.cnpj), xContato=fiscal_text(responsible.contact, 60),
                              email=fiscal_text(responsible.email, 60), fone=digits_only(responsible.phone))


def nfe_element(document: NFeInput) -> tuple[etree._Element, AccessKey, list[Line], Totals]:
    """The NFe element, unsigned, and what it was computed from."""
    key = nfe_key(document)
    lines = lines_compute(document)
    totals = totals_compute(lines)
    nfe = Nfe(infNFe=Inf(
        versao=LAYOUT_VERSION, Id=f"NFe{key.value}", ide=_ide(document, key), emit=_emit(document),
        dest=_dest(document), det=[_det(line) for line in lines], total=_total(totals),
        transp=Inf.Transp(modFrete=layout.TranspModFrete("9")), pag=_pag(document, totals),
        infAdic=_inf_adic(document, totals), infRespTec=_resp_tec(document),
    ))
    return _SERIALIZER.render(nfe, ns_map={None: NFE_NAMESPACE}).getroot(), key, lines, totals


def nfe_issue(document: NFeInput, certificate: Certificate) -> IssuedNFe:
    """The NF-e of a pre-flighted document, signed with `certificate` and checked against the
    official schema (an error here is ours, not the user's: pre-flight names theirs)."""
    root, key, lines, totals = nfe_element(document)
    element_sign(root[0], certificate)
    schema_check(root, "NFe")
    return IssuedNFe(key, xml_bytes(root), lines, totals)
