"""The NFS-e Padrão Nacional's DPS (Declaração de Prestação de Serviço), layout 1.01: built with
nfelib's bindings, signed as the NF-e is, checked against the national schema.

- Id: "DPS" + the issuing city's IBGE code (7) + the kind of federal registration (1: CPF,
  2: CNPJ) + the CNPJ, or the CPF with three zeros before it (14) + the series (5) + the number
  (15): 45 characters, 42 digits (the schema's TSIdDPS). The 50-digit code of the issue is the
  NFS-e's own key, which the national system gives the NFS-e it generates from the DPS.
- The provider (prest) is issuing (tpEmit 1), so only its CNPJ or CPF, municipal registration
  and tax regime are written: its name and address come from the national register (CNC).
  The regime: opSimpNac 1 not in the Simples, 2 MEI, 3 ME/EPP; an ME/EPP over the sublimit pays
  ISS apart (regApTribSN 2), one within it pays everything in the Simples (regApTribSN 1).
- The service: cTribNac (LC 116 item, subitem, national desdobro), its description and NBS,
  rendered in cLocPrestacao; ISS is due (tribISSQN 1) and not withheld by the customer
  (tpRetISSQN 1); no estimate of taxes (indTotTrib 0, Decreto 8.264/2014).
- The ISS rate (pAliq) is left out: the schema's own note says the national system takes it from
  the municipality's table where the municipality has joined, which it has where a DPS can be
  issued at all. `sandbox.dps_authorize` applies the company's rate as that table would.
"""

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from lxml import etree
from nfelib.nfse.bindings.v1_0 import tipos_complexos_v1_01 as layout
from nfelib.nfse.bindings.v1_0 import tipos_simples_v1_01 as simple
from nfelib.nfse.bindings.v1_0.dps_v1_01 import Dps
from xsdata.formats.dataclass.serializers.tree import TreeSerializer

from .codes import DEFAULT_TIMEZONE, STATE_TIMEZONES
from .inputs import DPSInput, Recipient
from .nfe import digits_or_letters
from .preflight import service_code_normalize
from .schemas import schema_check, xml_bytes
from .signing import Certificate, element_sign
from .text import digits_only, fiscal_text

NFSE_NAMESPACE = "http://www.sped.fazenda.gov.br/nfse"
LAYOUT_VERSION = "1.01"
PROGRAM_VERSION = "Innexar 1.0"
SIMPLES_OPTION = {"normal": "1", "mei": "2", "simples_nacional": "3", "simples_nacional_excess": "3"}
SIMPLES_ASSESSMENT = {"simples_nacional": "1", "simples_nacional_excess": "2"}
_SERIALIZER = TreeSerializer()


@dataclass(frozen=True)
class IssuedDPS:
    id: str
    xml: bytes


def dps_id(document: DPSInput) -> str:
    registration = digits_or_letters(document.provider.tax_id)
    kind = "1" if len(registration) == 11 else "2"
    return (f"DPS{document.provider.address.city_code}{kind}{registration.zfill(14)}"
            f"{document.series:05d}{document.number:015d}")


def _local(document: DPSInput):
    zone = STATE_TIMEZONES.get(document.provider.address.state, DEFAULT_TIMEZONE)
    return document.issued_at.astimezone(ZoneInfo(zone)).replace(microsecond=0)


def _federal_registration(tax_id: str) -> dict:
    registration = digits_or_letters(tax_id)
    return {"CPF": registration} if len(registration) == 11 else {"CNPJ": registration}


def _taker(taker: Recipient) -> layout.TcinfoPessoa:
    address = taker.address
    return layout.TcinfoPessoa(
        **_federal_registration(taker.tax_id), xNome=fiscal_text(taker.name, 300),
        end=layout.Tcendereco(
            endNac=layout.TcenderNac(cMun=address.city_code, CEP=digits_only(address.postal_code)),
            xLgr=fiscal_text(address.street, 255), nro=fiscal_text(address.number, 60),
            xCpl=fiscal_text(address.complement, 156) or None, xBairro=fiscal_text(address.district, 60)),
        fone=digits_only(address.phone) or None, email=fiscal_text(taker.email, 80) or None,
    )


def _values(document: DPSInput) -> layout.TcinfoValores:
    service = document.service
    return layout.TcinfoValores(
        vServPrest=layout.TcvservPrest(vServ=f"{service.amount:.2f}"),
        vDescCondIncond=layout.TcvdescCondIncond(vDescIncond=f"{service.discount:.2f}") if service.discount else None,
        trib=layout.TcinfoTributacao(
            tribMun=layout.TctribMunicipal(tribISSQN=simple.TstribIssqn("1"), tpRetISSQN=simple.TstipoRetIssqn("1")),
            totTrib=layout.TctribTotal(indTotTrib=simple.TstipoIndTotTrib("0")),
        ),
    )


def dps_element(document: DPSInput) -> etree._Element:
    """The DPS element, unsigned."""
    provider = document.provider
    service = document.service
    issued = _local(document)
    regime = provider.tax_regime
    assessment = SIMPLES_ASSESSMENT.get(regime)
    dps = Dps(versao=LAYOUT_VERSION, infDPS=layout.TcinfDps(
        Id=dps_id(document), tpAmb=simple.TstipoAmbiente(str(document.environment)), dhEmi=issued.isoformat(),
        verAplic=PROGRAM_VERSION, serie=str(document.series), nDPS=str(document.number),
        dCompet=(document.competence or issued.date()).isoformat(), tpEmit=simple.TsemitenteDps("1"),
        cLocEmi=provider.address.city_code,
        prest=layout.TcinfoPrestador(
            **_federal_registration(provider.tax_id), IM=fiscal_text(provider.municipal_registration, 15) or None,
            regTrib=layout.TcregTrib(
                opSimpNac=simple.TsopSimpNac(SIMPLES_OPTION[regime]),
                regApTribSN=simple.TsregimeApuracaoSimpNac(assessment) if assessment else None,
                regEspTrib=simple.TsregEspTrib("0"),
            ),
        ),
        toma=_taker(document.taker) if document.taker else None,
        serv=layout.Tcserv(
            locPrest=layout.TclocPrest(cLocPrestacao=service.city_code),
            cServ=layout.Tccserv(cTribNac=service_code_normalize(service.service_code),
                                 xDescServ=fiscal_text(service.description, 2000), cNBS=digits_only(service.nbs)),
        ),
        valores=_values(document),
    ))
    return _SERIALIZER.render(dps, ns_map={None: NFSE_NAMESPACE}).getroot()


def dps_issue(document: DPSInput, certificate: Certificate) -> IssuedDPS:
    """The DPS of a pre-flighted document, signed and checked against the national schema."""
    root = dps_element(document)
    element_sign(root[0], certificate)
    schema_check(root, "DPS")
    return IssuedDPS(root[0].get("Id"), xml_bytes(root))
