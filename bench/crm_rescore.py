"""Lead scoring at scale: train one tenant's model on its closed leads, rescore its open leads.

One tenant gets `--open` open leads (default 100,000) and `--closed` closed ones (default 5,000),
with activities, loaded with COPY (untimed). The data is varied and realistic: sources, company
or not, business or webmail addresses, phones, job titles in three languages, tags, activities
of different ages. Outcomes of the closed leads are drawn from a hidden rule, so the learned
model can be checked against it. Each timed round first zeroes the open leads' scores
(untimed), then times score_model_train() and leads_rescore(), which then rewrites every
score; a further leads_rescore() with nothing to change times reading and scoring alone.

    .venv/bin/python bench/crm_rescore.py [--open 100000] [--closed 5000] [--rounds 3]
"""

import argparse
import math
import os
import random
from datetime import UTC, datetime, timedelta
from statistics import mean
from time import perf_counter

from harness import PASSWORD, Samples, bench_database, ms, server_description, setup_django

SOURCES = {"website": 40, "social": 20, "ads": 20, "referral": 10, "other": 10}
COMPANIES = ["Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Tyrell", "Soylent", "Hooli", "Vandelay"]
FREE_DOMAINS = ["gmail.com", "hotmail.com", "outlook.com", "yahoo.com.br", "uol.com.br", "icloud.com"]
POSITIONS = [
    "CEO", "Founder", "Diretora Comercial", "Dueño", "Gerente General", "VP Sales",
    "Sales Manager", "Gerente de Compras", "Coordenadora de TI", "Head of Marketing", "Jefe de Ventas",
    "Analista Financeiro", "Software Engineer", "Assistente Administrativo", "Vendedor", "",
]
TAGS = ["vip", "newsletter", "event-2025", "trial", "partner", "inbound", "webinar", "cold"]
# The hidden rule the closed leads' outcomes follow: log-odds of conversion per trait.
TRUTH = {
    "source": {"referral": 1.6, "website": 0.4, "ads": -0.3, "social": -0.6, "other": -0.9},
    "company": 0.7, "business_email": 0.8, "phone": 0.5, "executive": 0.9, "manager": 0.4,
    "per_activity": 0.35, "vip": 1.0, "cold": -1.2, "base": -2.6,
}
LEAD_COLUMNS = (
    "name", "email", "phone", "company", "position", "tags", "notes", "created_at", "updated_at",
    "source", "status", "score", "score_is_manual", "closed_at",
)
ACTIVITY_COLUMNS = (
    "type", "subject", "description", "related_to_type", "related_to_id", "completed", "created_at",
)


def create_tenant():
    from django.db import connection

    from modules.accounts.signup import tenant_signup
    from modules.tenancy.schemas import spare_pool_replenish

    spare_pool_replenish(size=1)
    signup = tenant_signup(
        name="Bench Leads", subdomain="bench-leads", plan="professional", admin_name="Admin",
        admin_email="admin@bench-leads.example.com", admin_password=PASSWORD,
    )
    connection.set_tenant(signup.tenant)
    return signup.tenant


def fake_lead(rng: random.Random, number: int) -> dict:
    company = rng.choice(COMPANIES) if rng.random() < 0.7 else ""
    free_email = not company or rng.random() < 0.3
    domain = rng.choice(FREE_DOMAINS) if free_email else f"{company.lower()}{number % 500}.com.br"
    position = rng.choice(POSITIONS)
    return {
        "name": f"Lead {number}",
        "email": f"lead{number}@{domain}",
        "phone": f"+55119{number:08d}" if rng.random() < 0.65 else "",
        "company": company,
        "position": position,
        "tags": rng.sample(TAGS, k=rng.choice([0, 0, 1, 1, 2, 3])),
        "source": rng.choices(list(SOURCES), weights=list(SOURCES.values()))[0],
        "activities": rng.choice([0, 0, 0, 1, 1, 2, 3, 4, 6]),
        "executive": position in POSITIONS[:6],
        "manager": position in POSITIONS[6:11],
    }


def hidden_conversion_odds(lead: dict) -> float:
    log_odds = TRUTH["base"] + TRUTH["source"][lead["source"]] + TRUTH["per_activity"] * min(lead["activities"], 5)
    log_odds += TRUTH["company"] * bool(lead["company"]) + TRUTH["phone"] * bool(lead["phone"])
    log_odds += TRUTH["business_email"] * (lead["email"].split("@")[1] not in FREE_DOMAINS)
    log_odds += TRUTH["executive"] * lead["executive"] + TRUTH["manager"] * lead["manager"]
    log_odds += TRUTH["vip"] * ("vip" in lead["tags"]) + TRUTH["cold"] * ("cold" in lead["tags"])
    return log_odds


def load_leads(open_count: int, closed_count: int, rng: random.Random) -> dict[str, float]:
    """COPY the leads, then their activities; returns each open lead's hidden log-odds by email."""
    from django.db import connection

    now = datetime.now(UTC)
    hidden: dict[str, float] = {}
    activities_per_email: dict[str, tuple[int, datetime]] = {}
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY crm_lead ({', '.join(LEAD_COLUMNS)}) FROM STDIN") as copy:
            for number in range(open_count + closed_count):
                lead = fake_lead(rng, number)
                created_at = now - timedelta(days=rng.uniform(1, 400))
                log_odds = hidden_conversion_odds(lead)
                if number < closed_count:
                    converted = rng.random() < 1 / (1 + math.exp(-log_odds))
                    status, closed_at = ("converted" if converted else "lost"), created_at + timedelta(days=20)
                    last_activity_at = closed_at - timedelta(days=rng.uniform(0, 15))
                else:
                    status, closed_at = rng.choice(["new", "new", "contacted", "qualified"]), None
                    hidden[lead["email"]] = log_odds
                    last_activity_at = now - timedelta(days=rng.uniform(0, 60))
                activities_per_email[lead["email"]] = (lead["activities"], last_activity_at)
                copy.write_row([
                    lead["name"], lead["email"], lead["phone"], lead["company"], lead["position"], lead["tags"], "",
                    created_at, closed_at or created_at, lead["source"], status, 0, False, closed_at,
                ])
        cursor.execute("SELECT id, email FROM crm_lead")
        ids = {email: lead_id for lead_id, email in cursor.fetchall()}
        with cursor.copy(f"COPY crm_activity ({', '.join(ACTIVITY_COLUMNS)}) FROM STDIN") as copy:
            for email, (count, last_at) in activities_per_email.items():
                for step in range(count):
                    at = last_at - timedelta(days=3 * step)
                    copy.write_row(["call", f"Call {step + 1}", "", "lead", ids[email], True, at])
        cursor.execute("ANALYZE crm_lead; ANALYZE crm_activity")
        cursor.execute("SELECT count(*) FROM crm_activity")
        print(f"  {cursor.fetchone()[0]:,} activities")
    return hidden


def zero_open_scores() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("UPDATE crm_lead SET score = 0 WHERE status NOT IN ('converted', 'lost')")
        cursor.execute("VACUUM ANALYZE crm_lead")  # every round starts from the same table


def timed(function) -> tuple[float, object]:
    start = perf_counter()
    result = function()
    return perf_counter() - start, result


def agreement_with_the_hidden_rule(hidden: dict[str, float]) -> list[tuple[float, float]]:
    """Mean model score of the open leads per fifth of the hidden rule's odds, lowest first."""
    from modules.crm.models import Lead

    scores = dict(Lead.objects.filter(email__in=hidden.keys()).values_list("email", "score"))
    ranked = sorted(hidden, key=hidden.get)
    fifth = len(ranked) // 5
    groups = [ranked[index * fifth:(index + 1) * fifth] for index in range(5)]
    return [
        (mean(1 / (1 + math.exp(-hidden[email])) for email in group), mean(scores[email] for email in group))
        for group in groups
    ]


def run(open_count: int, closed_count: int, rounds: int) -> None:
    from modules.crm.models import Lead
    from modules.crm.scoring import lead_score_compute, leads_rescore, score_model_train

    print(f"Lead scoring benchmark: {server_description()}")
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start")
    start = perf_counter()
    create_tenant()
    hidden = load_leads(open_count, closed_count, random.Random(2025))
    print(
        f"setup, untimed: {open_count:,} open and {closed_count:,} closed leads with COPY "
        f"in {perf_counter() - start:.1f} s"
    )

    train, rescore, unchanged = Samples("score_model_train()"), Samples("leads_rescore()"), Samples("again")
    for _ in range(rounds):
        zero_open_scores()
        seconds, model = timed(score_model_train)
        train.add(seconds)
        seconds, changed = timed(leads_rescore)
        rescore.add(seconds)
        seconds, nothing = timed(leads_rescore)
        unchanged.add(seconds)
    if model.converted + model.lost != closed_count or nothing != 0:
        raise SystemExit(f"trained on {model.converted + model.lost} leads, second rescore changed {nothing}")

    one_lead = Lead.objects.filter(status="new").first()
    single = Samples("lead_score_compute(lead)")
    for _ in range(200):
        single.add(timed(lambda: lead_score_compute(one_lead))[0])

    print()
    print(f"closed leads learned from: {model.converted:,} converted, {model.lost:,} lost")
    print(f"{'median of ' + str(rounds) + ' rounds':<58}{'seconds':>10}{'leads/s':>12}")
    rows = [
        (f"score_model_train() on {closed_count:,} closed leads", train.median, closed_count),
        (f"leads_rescore() over {open_count:,} open leads, {changed:,} changed", rescore.median, open_count),
        (f"leads_rescore() over {open_count:,} open leads, none to change", unchanged.median, open_count),
        ("score_model_train() + leads_rescore(): the retrain task", train.median + rescore.median, open_count),
    ]
    for label, seconds, leads in rows:
        print(f"{label:<58}{seconds:>10.2f}{leads / seconds:>12,.0f}")
    print(f"one lead, lead_score_compute() with the model load and activity query: median {ms(single.median)}")

    print()
    print("does the model agree with the hidden rule the outcomes were drawn from? open leads by fifth:")
    print(f"{'hidden conversion probability':>32}{'mean model score':>20}")
    for probability, score in agreement_with_the_hidden_rule(hidden):
        print(f"{probability * 100:>31.0f}%{score:>20.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--open", type=int, default=100_000, help="open leads to rescore (default 100,000)")
    parser.add_argument("--closed", type=int, default=5_000, help="closed leads to learn from (default 5,000)")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds (default 3)")
    args = parser.parse_args()
    if args.open < 5 or args.closed < 1 or args.rounds < 1:
        parser.error("--open must be at least 5, --closed and --rounds at least 1")

    with bench_database():
        setup_django(fast_password_hasher=True)
        run(args.open, args.closed, args.rounds)


if __name__ == "__main__":
    main()
