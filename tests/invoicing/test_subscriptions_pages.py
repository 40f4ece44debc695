"""The subscriptions page (/invoicing/subscriptions/): the list with its status filter, the
create form (the amount typed the reader's way), each row's pause, resume and cancel; refusals
inline (422) writing nothing; another workspace's subscriptions not found."""

from datetime import date
from decimal import Decimal

import pytest

from modules.invoicing.models import Subscription

from .test_subscriptions_api import stored, subscribe

URL = "/invoicing/subscriptions/"


def form(customer_id: int, **fields) -> dict:
    return {
        "customer": str(customer_id), "plan": "Profissional", "amount": "1.234,50", "currency": "BRL",
        "billing_cycle": "monthly", "billing_day": "5", "trial_days": "14", "started_at": "2026-01-31", **fields,
    }


@pytest.mark.parametrize(("language", "money"), [("en", "$79.00"), ("pt-br", "US$ 79,00")])
def test_the_list_renders_in_the_users_language_and_filters_by_status(member, invoicing_a, language, money):
    member.cookies["django_language"] = language
    subscribe(invoicing_a, plan="Starter")
    paused = subscribe(invoicing_a, plan="Enterprise")
    member.post(f"{URL}{paused.pk}/pause/")

    everything = member.get(URL).content.decode()
    only_paused = member.get(f"{URL}?status=paused").content.decode()

    assert f'<html lang="{language}"' in everything
    assert "Starter" in everything and "Enterprise" in everything and money in everything
    assert "Enterprise" in only_paused and "Starter" not in only_paused
    assert member.get(f"{URL}?status=sleeping").status_code == 422


def test_the_invoice_list_links_to_the_subscriptions(member):
    assert f'href="{URL}"' in member.get("/invoicing/invoices/").content.decode()


def test_a_subscription_is_created_with_the_amount_typed_the_readers_way(member, invoicing_a):
    member.cookies["django_language"] = "pt-br"
    customer = invoicing_a.customer()

    response = member.post(URL, form(customer.pk))

    assert response.status_code == 302
    created = invoicing_a.query(lambda: Subscription.objects.get())
    assert (created.amount, created.currency, created.trial_ends_at, created.next_billing_date) == (
        Decimal("1234.50"), "BRL", date(2026, 2, 14), date(2026, 3, 5)
    )
    assert invoicing_a.events("subscription.created")


@pytest.mark.parametrize(("change", "message"), [
    ({"amount": "1,234.50"}, "Informe um número como"),  # an English number for a Portuguese reader
    ({"amount": "0"}, "Informe um valor maior que zero."),
    ({"billing_day": "31"}, "Faça uma escolha válida."),
    ({"plan": ""}, "Este campo é obrigatório."),
])
def test_a_refused_form_comes_back_422_with_its_errors_and_nothing_is_written(member, invoicing_a, change, message):
    member.cookies["django_language"] = "pt-br"
    customer = invoicing_a.customer()

    response = member.post(URL, form(customer.pk, **change))

    assert response.status_code == 422
    assert message in response.content.decode()
    assert invoicing_a.query(Subscription.objects.count) == 0


def test_the_rows_buttons_pause_resume_and_cancel(member, invoicing_a):
    subscription = subscribe(invoicing_a, started_at=date(2026, 1, 10), billing_day=10)

    member.post(f"{URL}{subscription.pk}/pause/")
    assert stored(invoicing_a, subscription).status == "paused"
    member.post(f"{URL}{subscription.pk}/resume/")
    assert stored(invoicing_a, subscription).status == "active"
    member.post(f"{URL}{subscription.pk}/cancel/", {"cancel_at": "end_of_period"})
    assert stored(invoicing_a, subscription).cancel_at is not None
    assert "ends on" in member.get(URL).content.decode()

    refused = member.post(f"{URL}{subscription.pk}/cancel/", {"cancel_at": "immediate"}, follow=True)
    assert "This subscription is already set to end." in refused.content.decode()
    assert stored(invoicing_a, subscription).status == "active"


@pytest.mark.parametrize("path", ["cancel/", "pause/", "resume/"])
def test_another_workspaces_subscription_buttons_are_not_found(outsider, invoicing_a, path):
    subscription = subscribe(invoicing_a)

    assert outsider.post(f"{URL}{subscription.pk}/{path}", {"cancel_at": "immediate"}).status_code == 404
    assert stored(invoicing_a, subscription).status == "active"
