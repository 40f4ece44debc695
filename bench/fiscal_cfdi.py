"""How long Mexico's CFDI 4.0 takes: build + seal + validate one invoice of 10 lines (the issue's
goal: under 300 ms), stamping it in the sandbox, and its printed PDF.

The invoice is pre-flighted, built with SAT's rounding, sealed with SAT's test CSD of EKU9003173C9
(RSA 2048, SHA-256), validated against cfdv40.xsd and SAT's arithmetic, `--runs` times (default
100) after 5 untimed warm-up runs, with a different folio each time; the script prints the median,
p95 and fastest run, and the parts of the whole (the XSD validation alone, the cadena original and
signature alone). No database: these are plain functions (Django's settings load for gettext and
templates only).

    .venv/bin/python bench/fiscal_cfdi.py [--runs 100]
"""

import argparse
import math
import os
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from time import perf_counter

from harness import Samples, ms

# Settings want a database URL; nothing here connects to it.
os.environ.setdefault("DATABASE_URL", "postgresql://bench@127.0.0.1:1/unused")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innexar.settings")
import django  # noqa: E402

django.setup()

from lxml import etree  # noqa: E402

from modules.invoicing.fiscal_mx.cfdi import invoice_seal  # noqa: E402
from modules.invoicing.fiscal_mx.csd import sandbox_csd  # noqa: E402
from modules.invoicing.fiscal_mx.inputs import Invoice, Issuer, Iva, Line, Receiver, Withholding  # noqa: E402
from modules.invoicing.fiscal_mx.pac import SandboxPac  # noqa: E402
from modules.invoicing.fiscal_mx.pdf import cfdi_pdf  # noqa: E402
from modules.invoicing.fiscal_mx.schemas import cadena_original, xsd_errors  # noqa: E402

ISSUED_AT = datetime.now(UTC).replace(microsecond=0)
CSD = sandbox_csd("EKU9003173C9")
INVOICE = Invoice(
    issuer=Issuer("EKU9003173C9", "ESCUELA KEMPER URGATE", "601"),
    receiver=Receiver("URE180429TM6", "UNIVERSIDAD ROBOTICA ESPAÑOLA", "86991", "601", "G03"),
    lines=tuple(
        Line(f"Servicio profesional {n}", Decimal(n), Decimal("1234.567891"), sat_product_code="80101500",
             service=True, discount=Decimal("10.00"), iva=[Iva.RATE_16, Iva.RATE_8, Iva.RATE_0][n % 3],
             withholdings=(Withholding("ISR", Decimal("0.100000")),) if n % 2 else ())
        for n in range(1, 11)
    ),
    place_of_issue="42501", issued_at=ISSUED_AT, payment_method="PUE", payment_form="03", currency="MXN",
    series="B",
)


def p95(samples: Samples) -> float:
    ordered = sorted(samples.seconds)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def measure(label: str, work, runs: int, warmup: int = 5) -> Samples:
    for run in range(warmup):
        work(run)
    samples = Samples(label)
    for run in range(runs):
        started = perf_counter()
        work(run)
        samples.add(perf_counter() - started)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=100)
    runs = parser.parse_args().runs
    print(f"{runs} runs each (PDF: {max(runs // 5, 1)}), {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    sealed = invoice_seal(INVOICE, csd=CSD)
    root = etree.fromstring(sealed.xml)
    pac = SandboxPac()
    stamped = pac.stamp(sealed.xml).xml
    rows = [
        measure("CFDI, 10 lines: pre-flight + build + seal + XSD", lambda run: invoice_seal(
            replace(INVOICE, folio=str(run)), csd=CSD), runs),
        measure("  of which the XSD validation", lambda run: xsd_errors(root), runs),
        measure("  of which cadena original + signature", lambda run: CSD.signer.sign_sha256(
            cadena_original(root).encode()), runs),
        measure("sandbox stamp (TFD 1.1)", lambda run: pac.stamp(sealed.xml), runs),
        measure("printed PDF (WeasyPrint)", lambda run: cfdi_pdf(stamped), max(runs // 5, 1), warmup=2),
    ]
    print(f"{'':50} {'median':>10} {'p95':>10} {'fastest':>10}")
    for samples in rows:
        print(f"{samples.label:50} {ms(samples.median):>10} {ms(p95(samples)):>10} {ms(samples.min):>10}")
    verdict = "meets" if rows[0].median < 0.300 else "MISSES"
    print(f"{rows[0].label}: {verdict} the 300 ms goal (median {ms(rows[0].median)}, p95 {ms(p95(rows[0]))})")


if __name__ == "__main__":
    main()
