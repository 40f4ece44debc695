"""How long importing a spreadsheet of leads takes: leads_import on a 50,000-row CSV.

The file is what a Brazilian or Mexican team's Excel exports: Windows Latin-1, `;`-separated,
Portuguese headers, names with accents, choice values in English, Portuguese and Spanish, phones
in international format and in the workspace's national one (a tenth of them a company's
switchboard, repeated), tags, and about 2% bad rows (an invalid email or phone, an email seen
earlier in the file, an unknown source). The whole call is timed -- decoding, checking every
row, the duplicate lookup, scoring, the bulk insert and the lead.created events -- in a fresh
tenant, then once more with the same file, which must add nothing. Within the first import it
also prints the time of two steps: writing the leads (COPY) and recording their events.

    .venv/bin/python bench/crm_import.py [--rows 50000] [--seed 7]
"""

import argparse
import os
import random
import unicodedata
from time import perf_counter

from harness import PASSWORD, StepTimer, bench_database, server_description, setup_django

SUBDOMAIN = "benchimport"
HEADER = "Nome;E-mail;Telefone;Empresa;Cargo;Origem;Situação;Observações;Etiquetas"

FIRST = ["Ana", "Maria", "João", "José", "Conceição", "Lucía", "Juan", "Sofía", "Pedro", "Luis", "John", "Emily",
         "Michael", "Sarah", "Fernanda", "Rafael", "Camila", "Andrés", "Gabriel", "Valentina"]
LAST = ["Silva", "Gonçalves", "Oliveira", "Souza", "García", "Martínez", "López", "Hernández", "Smith", "Brown",
        "Pereira", "Peña", "Rodríguez", "González", "Ferreira", "Müller", "Gómez", "Díaz", "Carvalho", "Ribeiro"]
COMPANY = ["Padaria São José", "Construcciones Ñandú", "Acme Logistics", "Café Três Corações", "Agro Bahía",
           "Tech Labs", "Educação Viva", "Servicios Álamo", "", ""]
POSITION = ["Diretor", "Gerente de Compras", "CEO", "Analista", "Jefe de Ventas", "Owner", "", ""]
SOURCE = ["website", "Site", "indicação", "Referral", "referido", "redes sociais", "Social media", "anúncios",
          "publicidad", "outro", ""]
STATUS = ["novo", "New", "nuevo", "contatado", "Contactado", "qualificado", "perdido", ""]
TAGS = ["", "", "vip", "varejo|atacado", "vip;mayoreo", "evento 2025"]
US_AREAS = ["212", "305", "415", "512", "617", "713", "786", "917"]


def ascii_lower(text: str) -> str:
    """João.Müller → joao.muller: what email addresses look like."""
    return unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()


def phone(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.15:
        return ""
    if kind < 0.45:  # national: the workspace is in the US
        return f"({rng.choice(US_AREAS)}) {rng.randint(201, 989)}-{rng.randint(1000, 9999)}"
    if kind < 0.8:
        return f"+55 11 9{rng.randint(6000, 9999)}-{rng.randint(1000, 9999)}"
    return f"+52 55 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"


def csv_bytes(rows: int, seed: int) -> bytes:
    rng = random.Random(seed)
    switchboards = [phone(rng) or "+55 11 3003-1000" for _ in range(50)]
    lines, previous_email = [HEADER], "first@example.com"
    for index in range(rows):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        email = ascii_lower(f"{first}.{last}.{index}@empresa{index % 500}.com.br")
        number = rng.choice(switchboards) if rng.random() < 0.1 else phone(rng)
        source = rng.choice(SOURCE)
        bad = rng.random()
        if bad < 0.005:
            email = email.replace("@", " at ")
        elif bad < 0.01:
            number = "12345"
        elif bad < 0.015:
            email = previous_email
        elif bad < 0.02:
            source = "Feira"
        previous_email = email
        notes = "Ligar depois das 14h; pediu proposta" if rng.random() < 0.3 else ""
        lines.append(";".join([
            f"{first} {last}", email, number, rng.choice(COMPANY), rng.choice(POSITION), source,
            rng.choice(STATUS), notes and f'"{notes}"', rng.choice(TAGS),
        ]))
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def bench_tenant():
    from modules.accounts.signup import tenant_signup

    signup = tenant_signup(
        name="Bench Import", subdomain=SUBDOMAIN, plan="professional", admin_name="Bench Admin",
        admin_email=f"admin@{SUBDOMAIN}.example.com", admin_password=PASSWORD,
    )
    return signup.tenant, signup.admin


def timed_import(tenant, admin, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django_tenants.utils import tenant_context

    from modules.crm.imports import leads_import

    with tenant_context(tenant):
        start = perf_counter()
        report = leads_import(actor=admin, file=SimpleUploadedFile("leads.csv", data, content_type="text/csv"))
        return report, perf_counter() - start


def counts(tenant) -> tuple[int, int]:
    from django_tenants.utils import tenant_context

    from modules.crm.models import Lead
    from modules.events.models import Event

    with tenant_context(tenant):
        return Lead.objects.count(), Event.objects.filter(name="lead.created").count()


def run(rows: int, seed: int) -> None:
    print(f"Lead import benchmark: {server_description()}")
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start")
    data = csv_bytes(rows, seed)
    tenant, admin = bench_tenant()
    print(f"file: {rows:,} rows, {len(data) / 1024 / 1024:.1f} MB, cp1252, ';', Portuguese headers (untimed)")

    module = "modules.crm.imports"
    with StepTimer(module, "_leads_copy") as copy, StepTimer(module, "events_record") as recording:
        report, seconds = timed_import(tenant, admin, data)
    leads, events = counts(tenant)
    if leads != report.imported or events != report.imported or report.imported + len(report.errors) != rows:
        raise SystemExit(f"{report.imported} imported, {len(report.errors)} errors, {leads} leads, {events} events")
    print()
    print(f"first import:  {seconds:6.2f} s  {rows / seconds:8,.0f} rows/s  "
          f"({report.imported:,} imported, {len(report.errors):,} error rows)")
    print(f"  of which:    {copy.seconds:6.2f} s  writing the leads (COPY)")
    print(f"               {recording.seconds:6.2f} s  recording their lead.created events (events_record)")
    print(f"               {seconds - copy.seconds - recording.seconds:6.2f} s  "
          "the rest: reading, checking, the duplicate lookup, scoring, the events' payloads")
    for error in report.errors[:3]:
        print(f"               e.g. row {error['row']}: {error['error']}")

    again, seconds = timed_import(tenant, admin, data)
    if again.imported or counts(tenant) != (leads, events):
        raise SystemExit(f"the second import added {again.imported} leads")
    print(f"same file again: {seconds:4.2f} s  {rows / seconds:8,.0f} rows/s  (0 imported, as it must)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=50_000, help="rows in the file (default 50000)")
    parser.add_argument("--seed", type=int, default=7, help="random seed of the generated file (default 7)")
    args = parser.parse_args()
    if args.rows < 1:
        parser.error("--rows must be at least 1")

    # A database of its own: this benchmark may run beside the others without dropping theirs.
    with bench_database("innexar_bench_import"):
        setup_django(fast_password_hasher=True)
        run(args.rows, args.seed)


if __name__ == "__main__":
    main()
