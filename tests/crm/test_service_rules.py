"""Rules the services keep whatever door a call comes through (a task, a page, the API): the API's
serializers check some of them first, so these tests call the services directly."""

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django_tenants.utils import tenant_context

from modules.core.exceptions import DomainError
from modules.crm import services
from modules.crm.models import Contact, Lead
from modules.events.models import Event
from tests.conftest import on_own_connection


@pytest.mark.parametrize("value", [Decimal("0"), Decimal("-5.00"), None])
def test_a_deal_is_worth_more_than_nothing(team_a, crm_a, value):
    contact = crm_a.contact()
    with tenant_context(team_a.tenant), pytest.raises(ValidationError) as refused:
        services.deal_create(actor=team_a.admin, title="Free", contact=contact, value=value, currency="USD")

    assert refused.value.message_dict == {"value": ["Enter an amount greater than zero."]}


def test_a_deal_of_one_dollar_is_a_deal(crm_a):
    assert crm_a.deal(value="1.00").value == Decimal("1.00")


@pytest.mark.parametrize("tags", ["vip", ["vip", 3], [None]])
def test_tags_are_a_list_of_text(team_a, tags):
    with tenant_context(team_a.tenant), pytest.raises(ValidationError) as refused:
        services.lead_create(actor=team_a.admin, name="Ana", email="ana.tags@example.com", tags=tags)

    assert refused.value.message_dict == {"tags": ["Tags must be a list of text values."]}


def test_tags_are_trimmed_kept_once_whatever_their_case_and_twenty_of_fifty_letters_fit(crm_a):
    tags = ["  vip   client ", "VIP Client", "   ", "x" * 50, *[f"tag {number}" for number in range(18)]]

    lead = crm_a.lead(tags=tags)

    assert lead.tags == ["vip client", "x" * 50, *[f"tag {number}" for number in range(18)]]


# --- What each refusal says, in the language of whoever is asking ----------------------------
# The API, the pages and the import show these sentences as they are: each is checked word for
# word in English and in Portuguese.


def _lead_twice(crm):
    crm.lead(email="twice@example.com")
    crm.lead(email="TWICE@example.com")


def _contact_twice(crm):
    crm.contact(email="twice@example.com")
    crm.contact(email="Twice@example.com")


def _contact_taking_a_used_email(crm):
    crm.contact(email="used@example.com")
    crm.contact(email="free@example.com")
    with tenant_context(crm.team.tenant):
        contact = Contact.objects.get(email="free@example.com")
        services.contact_update(actor=crm.team.admin, contact=contact, changes={"email": "used@example.com"})


REFUSALS = [
    (_lead_twice, "email", "A lead with this email already exists.", "Já existe um lead com este e-mail."),
    (_contact_twice, "email", "A contact with this email already exists.", "Já existe um contato com este e-mail."),
    (_contact_taking_a_used_email, "email",
     "A contact with this email already exists.", "Já existe um contato com este e-mail."),
    (lambda crm: crm.lead(tags=["x" * 51]), "tags",
     "Each tag can have at most 50 characters.", "Cada tag pode ter no máximo 50 caracteres."),
    (lambda crm: crm.lead(tags=[f"tag {number}" for number in range(21)]), "tags",
     "A record can have at most 20 tags.", "Um registro pode ter no máximo 20 tags."),
    (lambda crm: crm.lead(tags="vip"), "tags",
     "Tags must be a list of text values.", "As tags devem ser uma lista de textos."),
    (lambda crm: crm.lead(status="converted"), "status",
     "A new lead cannot start as converted: create it, then convert it.",
     "Um novo lead não pode começar como convertido: crie-o e depois converta-o."),
    (lambda crm: crm.deal(value="0"), "value",
     "Enter an amount greater than zero.", "Informe um valor maior que zero."),
    (lambda crm: crm.deal(value="1000.5", currency="CLP"), "value",
     "CLP amounts are whole numbers, with no decimal places.",
     "Valores em CLP são números inteiros, sem casas decimais."),
    (lambda crm: crm.deal(value="10.005", currency="BRL"), "value",
     "BRL amounts have at most 2 decimal places.", "Valores em BRL têm no máximo 2 casas decimais."),
    (lambda crm: crm.activity(related_to_type="lead", related_to_id=999999), "related_to_id",
     "No lead with this id exists.", "Não existe lead com este id."),
    (lambda crm: crm.activity(related_to_type="contact", related_to_id=999999), "related_to_id",
     "No contact with this id exists.", "Não existe contato com este id."),
    (lambda crm: crm.activity(related_to_type="deal", related_to_id=999999), "related_to_id",
     "No deal with this id exists.", "Não existe negócio com este id."),
]


@pytest.mark.parametrize("make, field, english, portuguese", REFUSALS)
@pytest.mark.parametrize("language", ["en", "pt-br"])
def test_each_refusal_names_its_field_and_says_why_in_the_users_language(
    crm_a, make, field, english, portuguese, language
):
    with translation.override(language), pytest.raises(ValidationError) as refused:
        make(crm_a)

    assert refused.value.message_dict == {field: [english if language == "en" else portuguese]}


@pytest.mark.parametrize("language, one, two", [
    ("en", "This contact has 1 deal. Delete or reassign it before deleting the contact.",
     "This contact has 2 deals. Delete or reassign them before deleting the contact."),
    ("pt-br", "Este contato tem 1 negócio. Exclua-o ou transfira-o antes de excluir o contato.",
     "Este contato tem 2 negócios. Exclua-os ou transfira-os antes de excluir o contato."),
])
def test_a_contact_with_deals_stays_and_the_refusal_counts_them(team_a, crm_a, language, one, two):
    contact, other = crm_a.contact(), crm_a.contact()
    crm_a.deal(contact=contact)
    crm_a.deal(contact=other)
    crm_a.deal(contact=other)

    with translation.override(language), tenant_context(team_a.tenant):
        refusals = [services.contact_delete_refusal(contact), services.contact_delete_refusal(other)]
        with pytest.raises(DomainError) as refused:
            services.contact_delete(actor=team_a.admin, contact=contact)

    assert refusals == [one, two]
    assert refused.value.message == one
    assert crm_a.query(lambda: Contact.objects.filter(pk__in=[contact.pk, other.pk]).count()) == 2


def test_a_contact_without_deals_has_nothing_in_the_way(team_a, crm_a):
    contact = crm_a.contact()
    crm_a.deal()  # another contact's

    with tenant_context(team_a.tenant):
        assert services.contact_delete_refusal(contact) == ""
        services.contact_delete(actor=team_a.admin, contact=contact)

    assert not crm_a.query(lambda: Contact.objects.filter(pk=contact.pk).exists())


def test_of_two_people_adding_one_email_at_once_the_second_hears_it_is_taken(team_a):
    """Both pass the check before either commits; the unique index stops the second, which gets
    the same answer as if it had come later. Each side commits for real on a connection of its
    own; the lead is removed after."""
    def in_alpha(function):
        def run():
            with tenant_context(team_a.tenant):
                return function()
        return on_own_connection(run)

    def add(name):
        return services.lead_create(actor=team_a.admin, name=name, email="both@acme.com")

    first_added, may_commit = threading.Event(), threading.Event()

    def add_and_hold():
        with transaction.atomic():
            add("First")
            first_added.set()
            may_commit.wait(timeout=10)

    def add_second():
        try:
            with translation.override("pt-br"):
                add("Second")
        except ValidationError as refused:
            return refused.message_dict
        return "added"

    started = timezone.now()
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            first = pool.submit(in_alpha, add_and_hold)
            assert first_added.wait(timeout=10)
            second = pool.submit(in_alpha, add_second)
            with pytest.raises(TimeoutError):
                second.result(timeout=0.5)  # its insert waits on the index entry of the first
            may_commit.set()
            first.result(timeout=10)
            assert second.result(timeout=10) == {"email": ["Já existe um lead com este e-mail."]}
        assert in_alpha(lambda: list(Lead.objects.filter(email="both@acme.com").values_list("name", flat=True))) == [
            "First"
        ]
    finally:
        may_commit.set()
        in_alpha(lambda: (
            Lead.objects.filter(email="both@acme.com").delete(), Event.objects.filter(occurred_at__gte=started).delete()
        ))
