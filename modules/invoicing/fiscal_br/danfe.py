"""The DANFE (Documento Auxiliar da NF-e) as a PDF, read from the NF-e's own XML.

It is drawn from the authorised nfeProc, not from our inputs, so that what is printed is what
SEFAZ authorised, whoever built the XML (us, or a provider such as Focus NFe). The layout follows
the MOC's Anexo II ("Manual de Especificações Técnicas do DANFE"): the receipt stub (canhoto);
the emitter, "DANFE", entry/exit, number, series and page; the key in Code 128 C and in groups
of four; the nature of the operation and the authorisation protocol; the recipient; the tax
totals; the transport; the products; the additional information. It is a legal document in
Portuguese, so its labels are not translated. In homologation, and while no protocol is known,
it says it has no fiscal value.
"""

from datetime import datetime
from decimal import Decimal

import weasyprint
from django.template.loader import render_to_string
from lxml import etree

from .access_key import access_key_parse
from .code128 import code128_svg
from .codes import HOMOLOGATION
from .schemas import xml_parse

NS = {"n": "http://www.portalfiscal.inf.br/nfe"}
TEMPLATE = "invoicing/danfe.html"
ICMS_GROUP_CODE = ("CST", "CSOSN")
PAYMENT_NAMES = {  # the tPag table's own names (leiaute 4.00, YA02)
    "01": "Dinheiro", "02": "Cheque", "03": "Cartão de Crédito", "04": "Cartão de Débito", "05": "Crédito Loja",
    "15": "Boleto Bancário", "16": "Depósito Bancário", "17": "Pagamento Instantâneo (PIX)",
    "18": "Transferência bancária, Carteira Digital", "90": "Sem pagamento", "99": "Outros",
}
FREIGHT_NAMES = {  # modFrete (X02)
    "0": "Contratação do Frete por conta do Remetente (CIF)", "1": "Contratação do Frete por conta do "
    "Destinatário (FOB)", "2": "Contratação do Frete por conta de Terceiros", "3": "Transporte Próprio por conta do "
    "Remetente", "4": "Transporte Próprio por conta do Destinatário", "9": "Sem Ocorrência de Transporte",
}


def _text(element: etree._Element | None, path: str) -> str:
    return (element.findtext(path, namespaces=NS) or "") if element is not None else ""


def brazilian_number(value: str, places: int = 2) -> str:
    """'1234.5' as '1.234,50', the way the DANFE writes amounts."""
    if not value:
        return ""
    return f"{Decimal(value):,.{places}f}".translate(str.maketrans(",.", ".,"))


def _tax_id(value: str) -> str:
    if len(value) == 14:
        return f"{value[:2]}.{value[2:5]}.{value[5:8]}/{value[8:12]}-{value[12:]}"
    if len(value) == 11:
        return f"{value[:3]}.{value[3:6]}.{value[6:9]}-{value[9:]}"
    return value


def _when(value: str) -> dict:
    if not value:
        return {"date": "", "time": ""}
    moment = datetime.fromisoformat(value)
    return {"date": moment.strftime("%d/%m/%Y"), "time": moment.strftime("%H:%M:%S")}


def _party(element: etree._Element | None, address_tag: str) -> dict:
    address = element.find(f"n:{address_tag}", NS) if element is not None else None
    postal_code = _text(address, "n:CEP")
    return {
        "name": _text(element, "n:xNome"), "trade_name": _text(element, "n:xFant"),
        "tax_id": _tax_id(_text(element, "n:CNPJ") or _text(element, "n:CPF")),
        "state_registration": _text(element, "n:IE"),
        "street": ", ".join(part for part in (_text(address, "n:xLgr"), _text(address, "n:nro"),
                                              _text(address, "n:xCpl")) if part),
        "district": _text(address, "n:xBairro"), "city": _text(address, "n:xMun"), "state": _text(address, "n:UF"),
        "postal_code": f"{postal_code[:5]}-{postal_code[5:]}" if postal_code else "",
        "phone": _text(address, "n:fone"),
    }


def _item(det: etree._Element) -> dict:
    icms = det.find("n:imposto/n:ICMS", NS)[0]
    code = next(icms.findtext(f"n:{tag}", namespaces=NS) for tag in ICMS_GROUP_CODE
                if icms.find(f"n:{tag}", NS) is not None)
    return {
        "code": _text(det, "n:prod/n:cProd"), "description": _text(det, "n:prod/n:xProd"),
        "ncm": _text(det, "n:prod/n:NCM"), "situation": _text(icms, "n:orig") + code,
        "cfop": _text(det, "n:prod/n:CFOP"), "unit": _text(det, "n:prod/n:uCom"),
        "quantity": brazilian_number(_text(det, "n:prod/n:qCom"), 4),
        "unit_price": brazilian_number(_text(det, "n:prod/n:vUnCom"), 4),
        "total": brazilian_number(_text(det, "n:prod/n:vProd")),
        "discount": brazilian_number(_text(det, "n:prod/n:vDesc") or "0"),
        "icms_base": brazilian_number(_text(icms, "n:vBC") or "0"),
        "icms_value": brazilian_number(_text(icms, "n:vICMS") or "0"),
        "icms_rate": brazilian_number(_text(icms, "n:pICMS") or "0"),
    }


def danfe_context(xml: bytes) -> dict:
    """What the DANFE prints, read from an nfeProc (or an NFe not yet authorised)."""
    root = xml_parse(xml)
    info = root.find(".//n:infNFe", NS)
    ide, totals = info.find("n:ide", NS), info.find("n:total/n:ICMSTot", NS)
    protocol = root.find(".//n:protNFe/n:infProt", NS)
    key = access_key_parse(info.get("Id"))
    authorized = protocol is not None and _text(protocol, "n:cStat") in ("100", "150")
    received = _when(_text(protocol, "n:dhRecbto"))
    freight = _text(info, "n:transp/n:modFrete")
    issued = _when(_text(ide, "n:dhEmi"))
    return {
        "key": key.formatted, "barcode": code128_svg(key.value, width_mm=95, height_mm=11),
        "number": f"{int(key.number):011,d}".replace(",", "."), "series": key.series,
        "direction": _text(ide, "n:tpNF"), "operation": _text(ide, "n:natOp"),
        "issued": issued, "homologation": _text(ide, "n:tpAmb") == str(HOMOLOGATION),
        "protocol": f"{_text(protocol, 'n:nProt')} - {received['date']} {received['time']}" if authorized else "",
        "emitter": _party(info.find("n:emit", NS), "enderEmit"),
        "recipient": _party(info.find("n:dest", NS), "enderDest"),
        "items": [_item(det) for det in info.findall("n:det", NS)],
        "totals": {tag: brazilian_number(_text(totals, f"n:{tag}") or "0")
                   for tag in ("vBC", "vICMS", "vBCST", "vST", "vProd", "vFrete", "vSeg", "vDesc", "vOutro",
                               "vIPI", "vPIS", "vCOFINS", "vNF")},
        "payments": [{"name": PAYMENT_NAMES.get(_text(payment, "n:tPag"), _text(payment, "n:tPag")),
                      "deferred": _text(payment, "n:indPag") == "1",
                      "amount": brazilian_number(_text(payment, "n:vPag"))}
                     for payment in info.findall("n:pag/n:detPag", NS)],
        "freight": f"{freight} - {FREIGHT_NAMES.get(freight, '')}",
        "additional_info": _text(info, "n:infAdic/n:infCpl"),
    }


def danfe_html(xml: bytes) -> str:
    return render_to_string(TEMPLATE, danfe_context(xml))


def danfe_pdf(xml: bytes) -> bytes:
    """The DANFE of an NF-e as an A4 PDF."""
    return weasyprint.HTML(string=danfe_html(xml)).write_pdf()
