"""How long Brazil's payment artefacts take: one boleto (barcode, digitable line and the SVG of its
bars) and one PIX code (BR Code payload and its QR code as a PNG data URI). Goal: under 20 ms each.

Each is built `--runs` times (default 1000) after 20 untimed warm-up runs, with a different nosso
número, amount and txid every time; the script prints the median, p90 and fastest run, and the
parts of each (the SVG alone, the PNG alone). No database: these are plain functions.

    .venv/bin/python bench/brpay.py [--runs 1000]
"""

import argparse
import os
from datetime import date, timedelta
from decimal import Decimal
from time import perf_counter

from harness import Samples, ms

from modules.invoicing.brazil.boleto import CollectionAccount, barcode_svg, boleto_build
from modules.invoicing.brazil.pix import pix_static_payload, qr_png_data_uri

ACCOUNT = CollectionAccount("bb", agency="1234", account="56789", wallet="17", agreement="1234567")
PIX_KEY = "123e4567-e12b-12d1-a456-426655440000"


def boleto(run: int) -> str:
    built = boleto_build(ACCOUNT, sequence=run, due_date=date(2026, 1, 5) + timedelta(days=run % 365),
                         amount=Decimal(5999 + run).scaleb(-2))
    return barcode_svg(built.barcode)


def pix(run: int) -> str:
    payload = pix_static_payload(PIX_KEY, merchant_name="Padaria São José Ltda", merchant_city="São Paulo",
                                 amount=Decimal(5999 + run).scaleb(-2), txid=f"FATURA{run}")
    return qr_png_data_uri(payload)


def measure(label: str, work, runs: int) -> Samples:
    for run in range(20):
        work(run)
    samples = Samples(label)
    for run in range(runs):
        started = perf_counter()
        work(run)
        samples.add(perf_counter() - started)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1000)
    runs = parser.parse_args().runs
    print(f"{runs} runs each, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    barcode = boleto_build(ACCOUNT, sequence=1, due_date=date(2026, 1, 5), amount=Decimal("59.99")).barcode
    payload = pix_static_payload(PIX_KEY, merchant_name="Padaria", merchant_city="Recife", amount=Decimal("59.99"))
    rows = [
        measure("boleto: barcode + digitable line + SVG", boleto, runs),
        measure("  of which the SVG", lambda run: barcode_svg(barcode), runs),
        measure("PIX: BR Code payload + QR PNG", pix, runs),
        measure("  of which the QR PNG", lambda run: qr_png_data_uri(payload), runs),
    ]
    print(f"{'':42} {'median':>10} {'p90':>10} {'fastest':>10}")
    for samples in rows:
        print(f"{samples.label:42} {ms(samples.median):>10} {ms(samples.p90):>10} {ms(samples.min):>10}")
    for samples in (rows[0], rows[2]):
        verdict = "meets" if samples.median < 0.020 else "MISSES"
        print(f"{samples.label}: {verdict} the 20 ms goal (median {ms(samples.median)})")


if __name__ == "__main__":
    main()
