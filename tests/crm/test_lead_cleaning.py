"""A lead typed into a form or the API and a lead read from a CSV row are cleaned by one function
(services.lead_fields_clean): the same input is stored the same way, or refused with the same
words, whichever way it came in."""

import io

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from modules.crm import services
from modules.crm.imports import leads_import
from modules.crm.models import Lead

HEADER = "name,email,phone,status,tags,score\n"


def _stored(lead: Lead) -> tuple:
    return (lead.name, lead.email, lead.phone, lead.status, lead.tags, lead.score, lead.score_is_manual,
            lead.closed_at is not None)


def test_a_lead_is_stored_alike_from_the_service_and_from_a_file(team_a):
    with tenant_context(team_a.tenant):
        typed = services.lead_create(
            actor=team_a.admin, name="  Ana Souza ", email=" Ana.Souza@Example.COM ", phone="+55 (11) 98765-4321",
            status="lost", tags=["vip", " VIP", "hot "], score=70,
        )
        typed_values = _stored(typed)
        typed.delete()
        report = leads_import(actor=team_a.admin, file=io.BytesIO((
            HEADER + '  Ana Souza ," Ana.Souza@Example.COM ",+55 (11) 98765-4321,lost,"vip; VIP;hot ",70\n'
        ).encode()))
        imported = Lead.objects.get()

    assert report.imported == 1
    assert _stored(imported) == typed_values == (
        "Ana Souza", "ana.souza@example.com", "+5511987654321", "lost", ["vip", "hot"], 70, True, True
    )


@pytest.mark.parametrize(("typed", "cell", "message"), [
    ({"phone": "12"}, {"phone": "12"},
     "Enter a valid phone number, in international format (+5511987654321) or your country's format."),
    ({"status": "converted"}, {"status": "converted"},
     "A new lead cannot start as converted: create it, then convert it."),
    ({"tags": [f"t{n}" for n in range(21)]}, {"tags": ";".join(f"t{n}" for n in range(21))},
     "A record can have at most 20 tags."),
])
def test_a_lead_is_refused_alike_from_the_service_and_from_a_file(team_a, typed, cell, message):
    row = {"name": "Bia", "email": "bia@example.com", "phone": "", "status": "", "tags": "", "score": "", **cell}
    with tenant_context(team_a.tenant):
        with pytest.raises(ValidationError) as refused:
            services.lead_create(actor=team_a.admin, name="Bia", email="bia@example.com", **typed)
        line = ",".join(f'"{row[column]}"' for column in HEADER.strip().split(","))
        report = leads_import(actor=team_a.admin, file=io.BytesIO((HEADER + line + "\n").encode()))

    assert refused.value.messages == [message]
    assert report.imported == 0
    assert report.errors[0]["error"].endswith(message)
