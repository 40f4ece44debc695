"""The homologation sandbox: an authoriser of our own that answers as SEFAZ (and, for the NFS-e,
the national system) would, deterministically, for companies not yet issuing for real.

It checks what the authorisers check first, with their codes and words (MOC 7.0, table of
rejections): the schema (225), the signature (297), the key against the fields it is made of
(502), the environment (252: the sandbox only homologates), the homologation recipient name
(598) and the certificate's CNPJ root against the emitter's (213). A document that passes is
authorised (100) and returned with its protocol:

- nfeProc: the signed NFe and a protNFe whose nProt is shaped like SEFAZ's (1, the state's
  code, the year, ten digits) and drawn from the key, whose dhRecbto is the issue time, and whose
  digVal is the signature's DigestValue, as SEFAZ's is; the same NF-e always gets the same
  protocol, so a resend after a lost answer finds what the first send got;
- events: procEventoNFe with retEvento 135 and a protocol drawn from the event's Id;
- NFS-e: from a signed DPS, the NFS-e the national system would generate, numbered as its DPS,
  keyed with a 50-digit key (NFS + 50) and signed by the sandbox as the system signs its own.
"""

import base64
import hashlib
from datetime import datetime
from decimal import Decimal

from cryptography import x509
from lxml import etree
from nfelib.nfse.bindings.v1_0 import tipos_complexos_v1_01 as nfse_layout
from nfelib.nfse.bindings.v1_0 import tipos_simples_v1_01 as nfse_simple
from nfelib.nfse.bindings.v1_0.nfse_v1_01 import Nfse
from signxml import DigestAlgorithm, SignatureConfiguration, SignatureMethod, XMLVerifier
from signxml.exceptions import InvalidInput, InvalidSignature
from xsdata.formats.dataclass.serializers.tree import TreeSerializer

from .access_key import access_key_parse, check_digit
from .codes import HOMOLOGATION, HOMOLOGATION_RECIPIENT_NAME
from .errors import FiscalDataError
from .inputs import DPSInput
from .nfe_events import CANCELLATION, DESCRIPTIONS, Event, local_time
from .nfse import NFSE_NAMESPACE
from .results import AUTHORIZED, REJECTED, Authorization, EventResult
from .schemas import schema_check, schema_errors, xml_bytes, xml_parse
from .signing import DSIG, certificate_cnpj, element_sign, sandbox_certificate, signature_digest
from .taxes import cents, percent_of
from .text import fiscal_text

NFE = "http://www.portalfiscal.inf.br/nfe"
SANDBOX_VERSION = "INNEXAR-SANDBOX-1"
NATIONAL_SYSTEM = "Sefin Nacional"  # the national NFS-e system, which generates and signs the NFS-e
NATIONAL_SYSTEM_CNPJ = "33683111000107"  # SERPRO's, which runs it: the sandbox signs in its stead
AUTHORIZED_REASON = "Autorizado o uso da NF-e"
REJECTIONS = {
    "225": "Rejeição: Falha no Schema XML da NFe",
    "297": "Rejeição: Assinatura difere do calculado",
    "502": "Rejeição: Erro na Chave de Acesso - Campo Id não corresponde à concatenação dos campos correspondentes",
    "252": "Rejeição: Ambiente informado diverge do Ambiente de recebimento",
    "598": "Rejeição: NF-e emitida em ambiente de homologação com Razão Social do destinatário diferente de "
           "NF-E EMITIDA EM AMBIENTE DE HOMOLOGACAO - SEM VALOR FISCAL",
    "213": "Rejeição: CNPJ-Base do Emitente difere do CNPJ-Base do Certificado Digital",
}
_SHA1_ONLY = SignatureConfiguration(signature_methods=frozenset({SignatureMethod.RSA_SHA1}),
                                    digest_algorithms=frozenset({DigestAlgorithm.SHA1}))
_SERIALIZER = TreeSerializer()


def _drawn(seed: str, digits: int) -> str:
    """`digits` digits drawn from `seed`, the same every time."""
    return str(int(hashlib.sha256(seed.encode()).hexdigest(), 16) % 10**digits).zfill(digits)


def signature_signer(document: bytes) -> x509.Certificate | None:
    """The certificate whose key signed `document`, when its signature holds (None otherwise).

    signxml checks it, not our signer: the same C14N done twice by one hand would agree with
    itself even if wrong. signxml canonicalizes with lxml's c14n, which writes a stray xmlns=""
    on grandchildren of the signed element (see `signing.c14n`); no fiscal document has an empty
    default namespace, so it drops them, with signxml's own switch for that.
    """
    root = xml_parse(document)
    encoded = root.findtext(f".//{{{DSIG}}}X509Certificate")
    if not encoded:
        return None
    certificate = x509.load_der_x509_certificate(base64.b64decode(encoded))
    verifier = XMLVerifier()
    verifier.excise_empty_xmlns_declarations = True
    try:
        verifier.verify(document, x509_cert=certificate, expect_config=_SHA1_ONLY)
    except (InvalidSignature, InvalidInput):
        return None
    return certificate


def _rejection(code: str, key: str = "") -> Authorization:
    return Authorization(REJECTED, code, REJECTIONS[code], key=key)


def _nfe_rejection(root: etree._Element, document: bytes) -> Authorization | None:
    info = root.find(f"{{{NFE}}}infNFe")
    if schema_errors(root, "NFe") or info is None:
        return _rejection("225")
    key = info.get("Id", "")[3:]
    signer = signature_signer(document)
    if signer is None:
        return _rejection("297", key)
    ide = info.find(f"{{{NFE}}}ide")
    emitter_cnpj = info.findtext(f"{{{NFE}}}emit/{{{NFE}}}CNPJ")
    fields = (ide.findtext(f"{{{NFE}}}cUF") + ide.findtext(f"{{{NFE}}}dhEmi")[2:7].replace("-", "") + emitter_cnpj
              + ide.findtext(f"{{{NFE}}}mod") + ide.findtext(f"{{{NFE}}}serie").zfill(3)
              + ide.findtext(f"{{{NFE}}}nNF").zfill(9) + ide.findtext(f"{{{NFE}}}tpEmis")
              + ide.findtext(f"{{{NFE}}}cNF") + ide.findtext(f"{{{NFE}}}cDV"))
    try:
        access_key_parse(key)
    except FiscalDataError:
        return _rejection("502", key)
    if fields != key:
        return _rejection("502", key)
    if ide.findtext(f"{{{NFE}}}tpAmb") != str(HOMOLOGATION):
        return _rejection("252", key)
    if info.findtext(f"{{{NFE}}}dest/{{{NFE}}}xNome") != HOMOLOGATION_RECIPIENT_NAME:
        return _rejection("598", key)
    signer_cnpj = certificate_cnpj(signer)
    if signer_cnpj is None or signer_cnpj[:8] != emitter_cnpj[:8]:
        return _rejection("213", key)
    return None


def _e(parent: etree._Element, tag: str, text: str | None = None, **attributes) -> etree._Element:
    child = etree.SubElement(parent, f"{{{NFE}}}{tag}", attributes)
    child.text = text
    return child


def nfe_authorize(document: bytes) -> Authorization:
    """SEFAZ's answer to a signed NF-e: a rejection, or the NF-e authorised in an nfeProc."""
    root = xml_parse(document)
    rejection = _nfe_rejection(root, document)
    if rejection:
        return rejection
    info = root[0]
    key = info.get("Id")[3:]
    received = info.findtext(f"{{{NFE}}}ide/{{{NFE}}}dhEmi")
    protocol = f"1{key[:2]}{key[2:4]}{_drawn(key, 10)}"
    proc = etree.Element(f"{{{NFE}}}nfeProc", versao="4.00", nsmap={None: NFE})
    proc.append(root)
    info_prot = _e(_e(proc, "protNFe", versao="4.00"), "infProt")
    for tag, text in (("tpAmb", str(HOMOLOGATION)), ("verAplic", SANDBOX_VERSION), ("chNFe", key),
                      ("dhRecbto", received), ("nProt", protocol), ("digVal", signature_digest(root)),
                      ("cStat", "100"), ("xMotivo", AUTHORIZED_REASON)):
        _e(info_prot, tag, text)
    schema_check(proc, "nfeProc")
    return Authorization(AUTHORIZED, "100", AUTHORIZED_REASON, key=key, protocol=protocol,
                         received_at=datetime.fromisoformat(received),
                         xml=xml_bytes(proc),
                         number=str(int(key[25:34])))


def event_register(event: Event, *, at: datetime) -> EventResult:
    """SEFAZ's answer to a signed event: the event registered (135) in a procEventoNFe."""
    document = etree.tostring(event.element)
    kind = "cancellation" if event.kind == CANCELLATION else "correction"
    if signature_signer(document) is None:
        return EventResult(False, "297", REJECTIONS["297"], kind, sequence=event.sequence)
    event_id = event.element[0].get("Id")
    protocol = f"1{event.key[:2]}{event.key[2:4]}{_drawn(event_id, 10)}"
    proc = etree.Element(f"{{{NFE}}}procEventoNFe", versao="1.00", nsmap={None: NFE})
    proc.append(event.element)
    info = _e(_e(proc, "retEvento", versao="1.00"), "infEvento")
    for tag, text in (("tpAmb", str(HOMOLOGATION)), ("verAplic", SANDBOX_VERSION), ("cOrgao", event.key[:2]),
                      ("cStat", "135"), ("xMotivo", "Evento registrado e vinculado a NF-e"), ("chNFe", event.key),
                      ("tpEvento", event.kind), ("xEvento", DESCRIPTIONS[event.kind]),
                      ("nSeqEvento", str(event.sequence)), ("dhRegEvento", local_time(event.key, at)),
                      ("nProt", protocol)):
        _e(info, tag, text)
    schema_check(proc, kind)
    return EventResult(True, "135", "Evento registrado e vinculado a NF-e", kind, protocol=protocol,
                       sequence=event.sequence, xml=xml_bytes(proc))


def nfse_key(dps: DPSInput, number: int, issued_on: str) -> str:
    """The NFS-e's 50 digits: city (7), generating environment (1, 2 the national system), kind
    of registration (1), registration (14), NFS-e number (13), AAMM (4), a code drawn from the
    DPS (9) and a check digit, modulo 11 as the NF-e's."""
    registration = "".join(char for char in dps.provider.tax_id if char.isdigit())
    kind = "1" if len(registration) == 11 else "2"
    body = (f"{dps.provider.address.city_code}2{kind}{registration.zfill(14)}{number:013d}"
            f"{issued_on[2:4]}{issued_on[5:7]}{_drawn(f'{dps.series}/{dps.number}', 9)}")
    return body + check_digit(body)


def dps_authorize(document: DPSInput, signed_dps: bytes) -> Authorization:
    """The national system's answer to a signed DPS: the NFS-e it generates, numbered as the DPS,
    with the ISS of the company's rate (its municipality's table, in the sandbox)."""
    root = xml_parse(signed_dps)
    if schema_errors(root, "DPS"):
        return Authorization(REJECTED, "E1235", "Falha no esquema XML da DPS", document="NFS-e",
                             authority=NATIONAL_SYSTEM)
    if signature_signer(signed_dps) is None:
        return Authorization(REJECTED, "E0714", "Assinatura digital da DPS inválida", document="NFS-e",
                             authority=NATIONAL_SYSTEM)
    provider, service = document.provider, document.service
    issued = root.findtext(f"{{{NFSE_NAMESPACE}}}infDPS/{{{NFSE_NAMESPACE}}}dhEmi")
    key = nfse_key(document, document.number, issued)
    base = cents(service.amount - service.discount)
    rate = service.iss_rate or Decimal("0")
    address = provider.address
    registration = "".join(char for char in provider.tax_id if char.isdigit())
    nfse = Nfse(versao="1.01", infNFSe=nfse_layout.TcinfNfse(
        Id=f"NFS{key}", xLocEmi=fiscal_text(address.city, 150), xLocPrestacao=fiscal_text(service.city, 150),
        nNFSe=str(document.number), cLocIncid=address.city_code, xLocIncid=fiscal_text(address.city, 150),
        xTribNac=fiscal_text(service.description, 600), verAplic=SANDBOX_VERSION,
        ambGer=nfse_simple.TsambGeradorNfse("2"), tpEmis=nfse_simple.TstipoEmissao("1"),
        cStat=nfse_simple.Tstat("100"), dhProc=issued, nDFSe=str(document.number),
        emit=nfse_layout.Tcemitente(
            **({"CPF": registration} if len(registration) == 11 else {"CNPJ": registration}),
            IM=fiscal_text(provider.municipal_registration, 15) or None, xNome=fiscal_text(provider.name, 300),
            enderNac=nfse_layout.TcenderecoEmitente(
                xLgr=fiscal_text(address.street, 255), nro=fiscal_text(address.number, 60),
                xBairro=fiscal_text(address.district, 60), cMun=address.city_code,
                UF=nfse_simple.Tsuf(address.state), CEP="".join(c for c in address.postal_code if c.isdigit()))),
        valores=nfse_layout.TcvaloresNfse(vBC=f"{base:.2f}", pAliqAplic=f"{rate:.2f}",
                                          vISSQN=f"{percent_of(base, rate):.2f}", vLiq=f"{base:.2f}"),
    ))
    tree = _SERIALIZER.render(nfse, ns_map={None: NFSE_NAMESPACE}).getroot()
    tree[0].append(root)  # the DPS closes infNFSe
    element_sign(tree[0], sandbox_certificate(NATIONAL_SYSTEM_CNPJ, "SANDBOX NFS-E NACIONAL"))
    schema_check(tree, "NFSe")
    return Authorization(AUTHORIZED, "100", "NFS-e gerada", key=key, protocol=key, document="NFS-e",
                         authority=NATIONAL_SYSTEM,
                         received_at=datetime.fromisoformat(issued), number=str(document.number),
                         xml=xml_bytes(tree))

