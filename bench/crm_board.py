"""The pipeline board page with thousands of open deals: GET /crm/pipeline/ must answer in under 200 ms.

Seeds one workspace with `--deals` open deals (spread over prospect, proposal and negotiation, in
two currencies) and as many won and lost, then, signed in as its admin, times `--rounds`
sequential requests of the whole page through Django's handler (middleware, session, view,
template), in this process. It prints the median, p90 and fastest request, the queries one
request makes at a tenth of the deals and at all of them (the count must not grow), and the
time of a card's move (POST .../move/, which answers with every column's totals).

    .venv/bin/python bench/crm_board.py [--deals 2000] [--rounds 50]
"""

import argparse
from time import perf_counter

from harness import PASSWORD, Samples, bench_database, ms, server_description, setup_django

SUBDOMAIN = "benchboard"
BOARD = "/crm/pipeline/"


def seed_deals(schema: str, count: int, *, stages: tuple[str, ...]) -> None:
    """`count` deals made by PostgreSQL itself (generate_series), each with its own contact."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f'SET search_path TO "{schema}", public')
        cursor.execute("SELECT coalesce(max(id), 0) FROM crm_contact")
        start = cursor.fetchone()[0] + 1
        cursor.execute(f"""
            INSERT INTO crm_contact (name, email, phone, company, position, tags, notes, created_at, updated_at)
            SELECT 'Contact ' || n, 'contact' || n || '@example.com', '', 'Company ' || (n % 300), '',
                   ARRAY[]::varchar[], '', now(), now()
            FROM generate_series({start}, {start + count - 1}) AS n
        """)
        stage_array = "ARRAY[" + ",".join(f"'{stage}'" for stage in stages) + "]"
        cursor.execute(f"""
            INSERT INTO crm_deal (title, contact_id, value, currency, stage, probability, expected_close_date,
                                  lost_reason, position, created_at, updated_at)
            SELECT 'Deal ' || contact.id || ' for ' || contact.company, contact.id,
                   ((contact.id * 7919) % 50000 + 100)::numeric(14, 2) + 0.5,
                   (ARRAY['USD', 'BRL'])[1 + contact.id % 2], ({stage_array})[1 + contact.id % {len(stages)}],
                   40, current_date + (contact.id % 120)::int, '', 0, now(), now() - contact.id * interval '1 second'
            FROM crm_contact AS contact WHERE contact.id >= {start}
        """)
        cursor.execute("VACUUM ANALYZE crm_deal")
        cursor.execute("SET search_path TO public")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deals", type=int, default=2000, help="open deals on the board")
    parser.add_argument("--rounds", type=int, default=50, help="sequential requests timed")
    args = parser.parse_args()

    with bench_database("innexar_bench_board"):
        setup_django(fast_password_hasher=True)
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django_tenants.utils import tenant_context

        from modules.accounts.signup import tenant_signup
        from modules.crm.models import Deal

        print(server_description())
        signup = tenant_signup(
            name="Bench Board", subdomain=SUBDOMAIN, plan="professional", admin_name="Bench Admin",
            admin_email="admin@benchboard.example.com", admin_password=PASSWORD,
        )
        client = Client(HTTP_HOST=f"{SUBDOMAIN}.localhost")
        client.force_login(signup.admin)

        def board_queries() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(BOARD).status_code == 200
            return len(queries)

        schema = signup.tenant.schema_name
        seed_deals(schema, args.deals // 10, stages=("prospect", "proposal", "negotiation"))
        client.get(BOARD)  # a session's first page also fills per-tenant caches (the time zone)
        few = board_queries()
        seed_deals(schema, args.deals - args.deals // 10, stages=("prospect", "proposal", "negotiation"))
        seed_deals(schema, args.deals, stages=("closed_won", "closed_lost"))
        many = board_queries()

        samples = Samples(BOARD)
        for _ in range(5):
            client.get(BOARD)  # warm the connection, the template cache and the translations
        for _ in range(args.rounds):
            started = perf_counter()
            response = client.get(BOARD)
            samples.add(perf_counter() - started)
        cards, page_kib = response.content.count(b'class="deal-card"'), len(response.content) / 1024

        with tenant_context(signup.tenant):
            deal_ids = list(Deal.objects.filter(stage="prospect").values_list("pk", flat=True)[:20])
        connection.set_schema_to_public()
        moves = Samples("move")
        for number, deal_id in enumerate(deal_ids):
            stage = ("proposal", "prospect")[number % 2]
            started = perf_counter()
            moved = client.post(f"/crm/pipeline/deals/{deal_id}/move/", {"stage": stage, "position": 0})
            assert moved.status_code == 200
            moves.add(perf_counter() - started)

        print(f"{args.deals:,} open deals ({cards:,} cards drawn, the latest 30 won and lost included), "
              f"{page_kib:,.0f} KiB of HTML")
        print(f"GET {BOARD}: median {ms(samples.median)}, p90 {ms(samples.p90)}, fastest {ms(samples.min)} "
              f"over {args.rounds} requests (goal: under 200 ms)")
        print(f"queries per request: {few} with {args.deals // 10:,} open deals, {many} with {args.deals:,}")
        print(f"POST a card's move: median {ms(moves.median)}, p90 {ms(moves.p90)}")


if __name__ == "__main__":
    main()
