"""Deleting a contact asks every module that refers to it (core.references): the CRM's deals, and
any other module registered the same way, each with its count, instead of a 500 from PROTECT."""

import pytest
from django.utils.translation import ngettext

from modules.core import references
from modules.crm.models import Activity, Contact


@pytest.fixture
def activities_refer_to_contacts():
    """Stands for a module installed later (invoices, projects): it counts its own records."""
    references.referrer_register(
        Contact, "test.activities",
        count=lambda contact: Activity.objects.filter(related_to_type="contact", related_to_id=contact.pk).count(),
        message=lambda count: ngettext(
            "This contact has %(count)d activity.", "This contact has %(count)d activities.", count
        ) % {"count": count},
    )
    yield
    del references.REFERRERS[Contact]["test.activities"]


def test_deleting_a_contact_lists_every_module_that_refers_to_it(admin_api, crm_a, activities_refer_to_contacts):
    contact = crm_a.contact()
    crm_a.deal(contact=contact)
    crm_a.deal(contact=contact)
    for _ in range(3):
        crm_a.activity(related_to_type="contact", related_to_id=contact.pk)

    response = admin_api.delete(f"/api/v1/crm/contacts/{contact.pk}/")

    assert response.status_code == 400
    message = response.json()["non_field_errors"][0]
    assert "This contact has 2 deals. Delete or reassign them before deleting the contact." in message
    assert "This contact has 3 activities." in message
    assert crm_a.query(lambda: Contact.objects.filter(pk=contact.pk).exists())


def test_a_module_with_no_records_about_the_contact_lets_it_go(admin_api, crm_a, activities_refer_to_contacts):
    contact = crm_a.contact()
    crm_a.activity(related_to_type="contact", related_to_id=contact.pk)

    refused = admin_api.delete(f"/api/v1/crm/contacts/{contact.pk}/")
    assert refused.status_code == 400
    assert refused.json()["non_field_errors"][0] == "This contact has 1 activity."

    crm_a.query(lambda: Activity.objects.filter(related_to_id=contact.pk).delete())
    assert admin_api.delete(f"/api/v1/crm/contacts/{contact.pk}/").status_code == 204
    assert not crm_a.query(lambda: Contact.objects.filter(pk=contact.pk).exists())
