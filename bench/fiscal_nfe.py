"""How long Brazil's fiscal documents take: one NF-e of 10 lines built, signed and checked against
the official schema (goal: under 300 ms), its parts, the sandbox's authorisation, a DPS of the
NFS-e, and the DANFE as a PDF.

The NF-e is a regime-normal sale (ICMS, PIS and COFINS on every line, the heaviest case), each run
with another number and key. The document is built `--runs` times (default 100) after 10 untimed
warm-up runs (the first compiles the XSDs); the DANFE, slower, `--pdf-runs` times (default 20).
The script prints the median, p95 and fastest run. No database is touched: Django is set up for
its templates and translations only.

    .venv/bin/python bench/fiscal_nfe.py [--runs 100] [--pdf-runs 20]
"""

import argparse
import math
import os
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from time import perf_counter

from harness import Samples, ms

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innexar.settings")
import django  # noqa: E402 - after the settings module is named

django.setup()

from lxml import etree  # noqa: E402

from modules.invoicing.fiscal_br.access_key import numeric_code_new  # noqa: E402
from modules.invoicing.fiscal_br.danfe import danfe_pdf  # noqa: E402
from modules.invoicing.fiscal_br.inputs import (  # noqa: E402
    Address,
    DPSInput,
    Emitter,
    Item,
    NFeInput,
    Payment,
    Recipient,
    Service,
)
from modules.invoicing.fiscal_br.nfe import nfe_element, nfe_issue  # noqa: E402
from modules.invoicing.fiscal_br.nfse import dps_issue  # noqa: E402
from modules.invoicing.fiscal_br.sandbox import nfe_authorize, sandbox_certificate  # noqa: E402
from modules.invoicing.fiscal_br.schemas import schema_errors  # noqa: E402
from modules.invoicing.fiscal_br.signing import element_sign  # noqa: E402

GOAL = 0.300
COMPANY = Emitter(
    tax_id="11222333000181", name="Distribuidora Paulista de Alimentos Ltda", trade_name="Paulista Alimentos",
    address=Address("Avenida Paulista", "1578", "Bela Vista", "São Paulo", "3550308", "SP", "01310-200"),
    tax_regime="normal", pis_cofins_regime="non_cumulative", state_registration="110.042.490.114",
    municipal_registration="12345678",
)
CUSTOMER = Recipient(
    tax_id="81493979000189", name="Mercado Brooklin Ltda", state_registration="460.429.771.334",
    address=Address("Rua Samuel Morse", "135", "Brooklin", "São Paulo", "3550308", "SP", "04576-060"),
)
CERTIFICATE = sandbox_certificate(COMPANY.tax_id, COMPANY.name)


def invoice(number: int) -> NFeInput:
    items = tuple(Item(code=f"SKU-{line:03d}", description=f"Produto de mercearia número {line}", ncm="19052090",
                       quantity=Decimal(line) + Decimal("0.5"), unit_price=Decimal("12.3456") + line,
                       discount=Decimal("0.10") * line, icms_rate=Decimal("18")) for line in range(1, 11))
    return NFeInput(emitter=COMPANY, recipient=CUSTOMER, items=items, payment=Payment("boleto", deferred=True),
                    series=1, number=number, issued_at=datetime.now(UTC) - timedelta(minutes=1),
                    numeric_code=numeric_code_new(number))


def service(number: int) -> DPSInput:
    return DPSInput(provider=COMPANY, taker=CUSTOMER, series=1, number=number, issued_at=datetime.now(UTC),
                    service=Service("01.07.01", "Suporte técnico em informática", Decimal("1500.00"), "São Paulo",
                                    "3550308", iss_rate=Decimal("2.9"), nbs="115022000"))


def measure(label: str, work, runs: int, warm_up: int) -> Samples:
    for run in range(warm_up):
        work(10**6 + run)
    samples = Samples(label)
    for run in range(1, runs + 1):
        started = perf_counter()
        work(run)
        samples.add(perf_counter() - started)
    return samples


def p95(samples: Samples) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(samples.seconds)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def signed_tree(number: int) -> etree._Element:
    root, *_ = nfe_element(invoice(number))
    element_sign(root[0], CERTIFICATE)
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--pdf-runs", type=int, default=20)
    arguments = parser.parse_args()
    runs = arguments.runs
    print(f"{runs} runs ({arguments.pdf_runs} for the DANFE), {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}")
    signed = nfe_issue(invoice(1), CERTIFICATE).xml
    authorised = nfe_authorize(signed)
    prebuilt = signed_tree(2)
    unsigned = {number: nfe_element(invoice(number))[0] for number in [*range(1, runs + 1), *range(10**6, 10**6 + 10)]}
    rows = [
        measure("NF-e, 10 lines: build + sign + XSD", lambda number: nfe_issue(invoice(number), CERTIFICATE),
                runs, 10),
        measure("  of which building (nfelib bindings)", lambda number: nfe_element(invoice(number)), runs, 10),
        measure("  of which signing", lambda number: element_sign(unsigned[number][0], CERTIFICATE), runs, 10),
        measure("  of which the XSD check", lambda _number: schema_errors(prebuilt, "NFe"), runs, 10),
        measure("sandbox authorisation (nfeProc)", lambda _number: nfe_authorize(signed), runs, 3),
        measure("DPS of the NFS-e: build + sign + XSD", lambda number: dps_issue(service(number), CERTIFICATE),
                runs, 10),
        measure("DANFE PDF, 10 lines (WeasyPrint)", lambda _number: danfe_pdf(authorised.xml), arguments.pdf_runs, 2),
    ]
    print(f"{'':42} {'median':>10} {'p95':>10} {'fastest':>10}")
    for samples in rows:
        print(f"{samples.label:42} {ms(samples.median):>10} {ms(p95(samples)):>10} {ms(samples.min):>10}")
    nfe = rows[0]
    verdict = "meets" if p95(nfe) < GOAL else "MISSES"
    print(f"{nfe.label}: {verdict} the 300 ms goal (median {ms(nfe.median)}, p95 {ms(p95(nfe))})")


if __name__ == "__main__":
    main()
