"""Issuing an invoice with its fiscal document, end to end through the API: `POST
/api/v1/invoicing/invoices/{id}/issue/` for a draft of 10 lines, in the sandbox, for a Brazilian
company (its receivable in finance, the numbered NF-e built, signed, checked against its schema,
authorised with its protocol, the XML and the DANFE PDF stored) and for a Mexican one (the CFDI
sealed with SAT's test CSD, validated, stamped, the XML and its PDF stored).

Timed in this process, warm, through DRF's test client (authentication, tenant, plan gate, the
service's transaction, the answer with its signed links), one draft per call. The DANFE and the
CFDI's PDF are a worker's task queued on commit (to an in-memory broker here, nobody consumes
it): they are timed apart, as the worker runs them.

    .venv/bin/python bench/fiscal_issue_api.py [--rounds 20]
"""

import argparse
import os
import statistics
import tempfile
from datetime import timedelta
from decimal import Decimal
from time import perf_counter

from finance_cashflow import p95
from harness import PASSWORD, bench_database, ms, server_description, setup_django

LINES = 10
COMPANIES = {
    "BR": ({"country": "BR", "legal_name": "Padaria Sao Jose Ltda", "tax_id": "11222333000181", "state": "SP",
            "city": "Aluminio", "address": "Rua Paulo Dias, 586 - Centro", "postal_code": "18125-000",
            "tax_regime": "simples_nacional", "state_registration": "110.042.490.114"},
           {"name": "Joana Prado", "email": "joana@example.com", "company": "Mercado Brooklin Ltda",
            "tax_id": "81493979000189", "country": "BR", "state": "SP", "city": "Sao Paulo",
            "address": "Rua Samuel Morse, 135 - Brooklin", "postal_code": "04576-060",
            "state_registration": "460.429.771.334"},
           {"ncm": "19052090"}, "BRL"),
    "MX": ({"country": "MX", "legal_name": "Escuela Kemper Urgate", "tax_id": "EKU9003173C9", "tax_regime": "601",
            "postal_code": "42501"},
           {"name": "Rosa Ibarra", "email": "rosa@example.com", "company": "Universidad Robotica Espanola",
            "tax_id": "URE180429TM6", "country": "MX", "postal_code": "86991", "tax_regime": "601",
            "cfdi_use": "G03"},
           {"sat_product_code": "84111500", "tax_rate": Decimal(16)}, "MXN"),
}


def line(label: str, samples: list[float]) -> str:
    return f"  {label:<34} median {ms(statistics.median(samples)):>9}, p95 {ms(p95(samples)):>9} over {len(samples)}"


def main() -> None:
    os.environ["CELERY_BROKER_URL"] = "memory://localhost//"  # queued, not run in the request (production's way)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20, help="invoices issued for each country")
    args = parser.parse_args()

    with bench_database("innexar_bench_fiscal"), tempfile.TemporaryDirectory() as media:
        setup_django(fast_password_hasher=True)
        from django.conf import settings
        from django.utils import timezone
        from rest_framework.test import APIClient

        from modules.accounts.signup import tenant_signup
        from modules.accounts.tokens import tokens_for_user
        from modules.crm.services import contact_create
        from modules.invoicing.fiscal_documents import fiscal_pdf_make
        from modules.invoicing.fiscal_settings import fiscal_settings_update
        from modules.invoicing.services import invoice_create
        from modules.tenancy.scope import tenant_scope
        from modules.tenancy.services import company_profile_update

        settings.MEDIA_ROOT = media
        print(server_description())
        print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}\n")
        print(f"POST issue/ of a draft of {LINES} lines, in the sandbox")
        for country, (company, customer_fields, codes, currency) in COMPANIES.items():
            subdomain = f"benchfiscal{country.lower()}"
            signup = tenant_signup(
                name=f"Bench Fiscal {country}", subdomain=subdomain, plan="professional", admin_name="Bench Admin",
                admin_email=f"admin@{subdomain}.example.com", admin_password=PASSWORD,
            )
            tenant, admin = signup.tenant, signup.admin
            company_profile_update(actor=admin, tenant=tenant, changes=dict(company))
            with tenant_scope(tenant):
                fiscal_settings_update(actor=admin, changes={"enabled": True, "payment_method": "pix"})
                customer = contact_create(actor=admin, **customer_fields)
                today = timezone.localdate()
                drafts = [
                    invoice_create(
                        actor=admin, customer=customer, issue_date=today, due_date=today + timedelta(days=30),
                        currency=currency, items=[
                            {"description": f"Line {index}", "quantity": Decimal(index + 1),
                             "unit_price": Decimal("12.50"), **codes} for index in range(LINES)
                        ],
                    ) for _ in range(args.rounds + 1)
                ]
            client = APIClient(HTTP_HOST=f"{subdomain}.localhost")
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_for_user(admin)['access']}")
            samples = []
            for index, draft in enumerate(drafts):
                started = perf_counter()
                answer = client.post(f"/api/v1/invoicing/invoices/{draft.pk}/issue/")
                elapsed = perf_counter() - started
                assert answer.status_code == 200, answer.content[:500]
                if index:  # the first warms the schemas, templates and certificates
                    samples.append(elapsed)
            print(line(f"{country}: " + ("NF-e authorised" if country == "BR" else "CFDI stamped"), samples))
            pdfs = []
            with tenant_scope(tenant):
                for draft in drafts[1:]:
                    started = perf_counter()
                    fiscal_pdf_make(invoice_id=draft.pk)
                    pdfs.append(perf_counter() - started)
            print(line(f"{country}: " + ("its DANFE (task)" if country == "BR" else "its PDF (task)"), pdfs))


if __name__ == "__main__":
    main()
