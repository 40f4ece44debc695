"""The demo workspace's CRM: leads from three markets, a pipeline with deals in every stage,
activities due this week, and enough won and lost history for the lead score to have learned.

Everything goes through the services, so the demo has the same events, history and scores a
real workspace would. Runs inside the demo tenant's schema.
"""

import random
import unicodedata
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from modules.accounts.models import User

from . import services
from .models import Lead, LeadStatus, Stage
from .scoring import leads_rescore, score_model_train

_PEOPLE = [
    # name, company, position, email domain, phone, source, tags
    ("Olivia Bennett", "Bennett Dental Group", "Owner", "bennettdental.com", "+15125550143", "referral", ["dental"]),
    ("Lucas Almeida", "Almeida Engenharia", "Diretor", "almeidaeng.com.br", "+5511987650101", "website", []),
    ("Sofía Ramírez", "Café Ramírez", "Dueña", "caferamirez.mx", "+525512345678", "social", ["retail"]),
    ("Ethan Walker", "Walker Logistics", "Operations Manager", "walkerlogistics.com", "+17135550188", "ads", []),
    ("Beatriz Santos", "Santos & Filhos", "Gerente Financeira", "santosfilhos.com.br", "+5521998761234", "referral",
     ["vip"]),
    ("Diego Morales", "", "", "gmail.com", "", "social", []),
    ("Hannah Kim", "Kim Architecture", "Principal", "kimarch.com", "+14155550199", "website", ["design"]),
    ("Rafael Costa", "Costa Agro", "CEO", "costaagro.com.br", "+5562991234567", "referral", ["agro", "vip"]),
    ("Valentina Cruz", "Cruz Boutique", "Owner", "hotmail.com", "+523312345678", "ads", ["retail"]),
    ("Noah Turner", "", "Student", "yahoo.com", "", "other", []),
    ("Camila Rocha", "Rocha Contabilidade", "Sócia", "rochacontabil.com.br", "+5531987654321", "website", []),
    ("Mateo Herrera", "Herrera Construcciones", "Director General", "herreracons.mx", "+528112345678",
     "referral", ["construction"]),
    ("Grace Liu", "Liu Imports", "Purchasing Manager", "liuimports.com", "+12065550177", "ads", []),
    ("Pedro Nunes", "", "", "uol.com.br", "+5511912345678", "social", []),
    ("Isabella Flores", "Flores Eventos", "Coordinadora", "floreseventos.mx", "+525587654321", "website", ["events"]),
    ("Jacob Reed", "Reed Fitness", "Founder", "reedfitness.com", "+13055550122", "social", []),
    ("Larissa Mendes", "Mendes Moda", "Compradora", "gmail.com", "", "ads", ["retail"]),
    ("Samuel Ortiz", "Ortiz Transportes", "Gerente", "ortiztransportes.mx", "+526641234567", "other", []),
    ("Chloe Adams", "Adams Law Office", "Partner", "adamslaw.com", "+16175550134", "referral", ["legal"]),
    ("Thiago Ribeiro", "Ribeiro Tech", "CTO", "ribeirotech.com.br", "+5541998765432", "website", ["tech"]),
]

# Closed history: (source, has company, business email, converted?) — referrals and business
# emails convert more often here, as they do for most small B2B sellers.
_HISTORY = (
    [("referral", True, True, True)] * 9 + [("referral", False, False, False)] * 2
    + [("website", True, True, True)] * 6 + [("website", False, False, False)] * 6
    + [("ads", True, False, True)] * 2 + [("ads", False, False, False)] * 7
    + [("social", False, False, True)] * 2 + [("social", False, False, False)] * 6
)

_DEALS = [
    # title, contact index, value, currency, stage, days to close
    ("Dental clinic management suite", 0, "18500.00", "USD", Stage.PROPOSAL, 12),
    ("Implantação ERP obras", 1, "92000.00", "BRL", Stage.NEGOTIATION, 20),
    ("Punto de venta para 3 cafeterías", 2, "145000.00", "MXN", Stage.PROSPECT, 45),
    ("Fleet tracking rollout", 3, "32000.00", "USD", Stage.PROSPECT, 60),
    ("Renovação anual + treinamento", 4, "24000.00", "BRL", Stage.CLOSED_WON, -5),
    ("Design studio licences", 6, "7200.00", "USD", Stage.PROPOSAL, 18),
    ("Gestão de safra 2027", 7, "158000.00", "BRL", Stage.NEGOTIATION, 9),
    ("Tienda en línea", 8, "38000.00", "MXN", Stage.CLOSED_LOST, -12),
    ("Escritório contábil: 12 usuários", 10, "14400.00", "BRL", Stage.PROSPECT, 30),
    ("Control de obra", 11, "410000.00", "MXN", Stage.PROPOSAL, 25),
    ("Import compliance add-on", 12, "9600.00", "USD", Stage.CLOSED_WON, -20),
    ("Legal practice CRM", 18, "12000.00", "USD", Stage.NEGOTIATION, 7),
]

_ACTIVITIES = [
    ("call", "Discovery call", 1), ("email", "Send proposal PDF", 0), ("meeting", "On-site demo", 3),
    ("task", "Prepare pricing for 25 seats", 2), ("call", "Follow up on contract review", -1),
]


_FIRST = ["Ana", "Bruno", "Carla", "Daniel", "Elena", "Felipe", "Gabriela", "Henry", "Irene", "Jorge", "Karen",
          "Leonardo", "Mónica", "Nathan", "Otávio", "Patricia"]
_LAST = ["Pereira", "Johnson", "Castillo", "Moreira", "Wright", "Navarro", "Teixeira", "Parker", "Vargas"]


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def crm_demo_load(*, actor: User, team: list[User]) -> None:
    rng = random.Random(2026)  # the same demo on every machine
    now = timezone.now()
    people = [actor, *team]

    for index, (source, has_company, business, converted) in enumerate(_HISTORY):
        first, last = _FIRST[index % len(_FIRST)], _LAST[index % len(_LAST)]
        company = f"{last} {rng.choice(['Supply', 'Group', 'Servicios', 'Comércio', 'Partners'])}"
        domain = f"{_ascii(company).replace(' ', '')}.com" if business else "gmail.com"
        lead = services.lead_create(
            actor=actor, name=f"{first} {last}", email=f"{_ascii(first)}.{_ascii(last)}{index}@{domain}",
            company=company if has_company else "", source=source,
        )
        # Leads that were worked on converted more often: the engagement the score learns.
        for _ in range(rng.randint(1, 3) if converted else rng.randint(0, 1)):
            done = services.activity_create(
                actor=actor, type=rng.choice(["call", "email", "meeting"]), subject=f"Follow-up with {first}",
                related_to_type="lead", related_to_id=lead.pk, due_date=now - timedelta(days=rng.randint(5, 60)),
            )
            services.activity_complete(actor=actor, activity=done)
        services.lead_update(
            actor=actor, lead=lead, changes={"status": LeadStatus.CONVERTED if converted else LeadStatus.LOST}
        )

    contacts = []
    for index, (name, company, position, domain, phone, source, tags) in enumerate(_PEOPLE):
        email = f"{_ascii(name.split()[0])}@{domain}"
        lead = services.lead_create(
            actor=actor, name=name, email=email, company=company, position=position, phone=phone, source=source,
            tags=tags, assigned_to=people[index % len(people)],
            status=rng.choice([LeadStatus.NEW, LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.QUALIFIED]),
        )
        if any(deal[1] == index for deal in _DEALS):
            contacts.append((index, services.lead_convert(actor=actor, lead=lead).contact))
    by_index = dict(contacts)

    for title, contact_index, value, currency, stage, days in _DEALS:
        deal = services.deal_create(
            actor=actor, title=title, contact=by_index[contact_index], value=Decimal(value), currency=currency,
            expected_close_date=(now + timedelta(days=days)).date(), assigned_to=people[contact_index % len(people)],
        )
        if stage == Stage.CLOSED_WON:
            services.deal_mark_won(actor=actor, deal=deal)
        elif stage == Stage.CLOSED_LOST:
            services.deal_mark_lost(actor=actor, deal=deal, lost_reason="Chose a cheaper local provider")
        elif stage != Stage.PROSPECT:
            services.deal_move(actor=actor, deal=deal, stage=stage)
        for kind, subject, due_in in _ACTIVITIES[: 1 + contact_index % 3]:
            services.activity_create(
                actor=actor, type=kind, subject=subject, related_to_type="deal", related_to_id=deal.pk,
                due_date=now + timedelta(days=due_in, hours=rng.randint(1, 8)),
                assigned_to=people[rng.randrange(len(people))],
            )

    for lead in Lead.objects.filter(status__in=[LeadStatus.NEW, LeadStatus.CONTACTED])[:6]:
        services.activity_create(
            actor=actor, type="call", subject=f"Intro call with {lead.name}", related_to_type="lead",
            related_to_id=lead.pk, due_date=now + timedelta(days=rng.randint(0, 6)),
        )
    score_model_train()
    leads_rescore()
