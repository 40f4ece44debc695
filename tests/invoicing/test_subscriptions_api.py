"""/api/v1/invoicing/subscriptions/: create (the first billing date from the start, the trial and
the billing day), list with filters and pages, change, cancel both ways, pause and resume; every
refusal a translated 400 that writes nothing; another workspace's subscriptions are not found."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from modules.invoicing import subscriptions
from modules.invoicing.models import Subscription

URL = "/api/v1/invoicing/subscriptions/"
# Mid-day in UTC: the same date in every zone a team may be in.
NOON = datetime(2026, 1, 31, 15, tzinfo=UTC)


def body(customer_id: int, **fields) -> dict:
    """The spec's example."""
    return {
        "customer_id": customer_id, "plan": "Professional", "amount": "79.00", "currency": "USD",
        "billing_cycle": "monthly", "billing_day": 1, "trial_days": 14, **fields,
    }


def subscribe(invoicing, **fields) -> Subscription:
    """A monthly 79.00 USD subscription billed on the 1st, started today, unless told otherwise."""
    customer = fields.pop("customer", None) or invoicing.customer()
    fields = {"plan": "Professional", "amount": Decimal("79.00"), "currency": "USD", "billing_cycle": "monthly",
              "billing_day": 1, **fields}
    return invoicing.run(lambda: subscriptions.subscription_create(
        actor=invoicing.team.admin, customer=customer, **fields
    ))


def stored(invoicing, subscription) -> Subscription:
    return invoicing.query(lambda: Subscription.objects.get(pk=subscription.pk))


def count(invoicing) -> int:
    return invoicing.query(Subscription.objects.count)


# --- Create --------------------------------------------------------------------------------------


def test_it_creates_the_specs_example_billing_first_after_the_trial(admin_api, invoicing_a, clock):
    clock(NOON)
    customer = invoicing_a.customer(name="Carla Mendes", email="carla@example.com", company="Mendes Ltda")

    response = admin_api.post(URL, body(customer.pk))

    assert response.status_code == 201
    subscription = response.json()
    assert subscription["customer"] == {
        "id": customer.pk, "name": "Carla Mendes", "email": "carla@example.com", "company": "Mendes Ltda"
    }
    assert {key: subscription[key] for key in (
        "plan", "amount", "currency", "billing_cycle", "billing_day", "status", "trial_ends_at", "started_at",
        "next_billing_date", "cancel_at", "stripe_subscription_id",
    )} == {
        "plan": "Professional", "amount": "79.00", "currency": "USD", "billing_cycle": "monthly", "billing_day": 1,
        "status": "active", "trial_ends_at": "2026-02-14", "started_at": "2026-01-31",
        # The trial ends on Feb 14: the first 1st on or after it.
        "next_billing_date": "2026-03-01", "cancel_at": None, "stripe_subscription_id": None,
    }
    assert invoicing_a.events("subscription.created")[-1].payload["next_billing_date"] == "2026-03-01"


@pytest.mark.parametrize(("started_at", "billing_day", "next_billing_date"), [
    ("2026-01-31", 28, "2026-02-28"),  # Jan 31: the 28th comes next in February
    ("2026-01-28", 28, "2026-01-28"),  # on the billing day itself: billed that day
    ("2026-12-15", 10, "2027-01-10"),  # across the year
    ("2026-03-01", 1, "2026-03-01"),
])
def test_without_a_trial_the_first_bill_is_the_first_billing_day_on_or_after_the_start(
    admin_api, invoicing_a, started_at, billing_day, next_billing_date
):
    customer = invoicing_a.customer()

    response = admin_api.post(URL, body(customer.pk, trial_days=0, started_at=started_at, billing_day=billing_day))

    assert response.status_code == 201
    assert (response.json()["trial_ends_at"], response.json()["next_billing_date"]) == (None, next_billing_date)


def test_the_start_is_today_in_the_companys_time_zone(admin_api, invoicing_a, clock):
    clock(NOON)
    customer = invoicing_a.customer()

    response = admin_api.post(URL, body(customer.pk, trial_days=0))

    assert response.json()["started_at"] == invoicing_a.today().isoformat()


@pytest.mark.parametrize(("change", "field"), [
    ({"billing_day": 29}, "billing_day"),
    ({"billing_day": 0}, "billing_day"),
    ({"billing_cycle": "weekly"}, "billing_cycle"),
    ({"amount": "0.00"}, "amount"),
    ({"amount": "abc"}, "amount"),
    ({"currency": "XXX"}, "currency"),
    ({"plan": "   "}, "plan"),
    ({"trial_days": -1}, "trial_days"),
    ({"customer_id": 999999}, "customer_id"),
    ({"started_at": "31/01/2026"}, "started_at"),
])
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(admin_api, invoicing_a, change, field):
    customer = invoicing_a.customer()

    response = admin_api.post(URL, {**body(customer.pk), **change})

    assert response.status_code == 400
    assert field in response.json()
    assert count(invoicing_a) == 0


@pytest.mark.parametrize(("language", "message"), [
    ("pt-BR", "Esta assinatura já está pausada."), ("es", "Esta suscripción ya está en pausa."),
])
def test_a_refusal_is_written_in_the_readers_language(api, team_a, invoicing_a, language, message):
    subscription = subscribe(invoicing_a)
    client = api(host=team_a.host, user=team_a.admin, language=language)
    client.post(f"{URL}{subscription.pk}/pause/")

    response = client.post(f"{URL}{subscription.pk}/pause/")

    assert response.json() == {"non_field_errors": [message]}


def test_another_workspaces_contact_is_no_customer(admin_api, invoicing_b):
    stranger = invoicing_b.customer()

    response = admin_api.post(URL, body(stranger.pk))

    assert response.status_code == 400
    assert "customer_id" in response.json()


# --- List ----------------------------------------------------------------------------------------


def test_the_list_filters_by_status_and_customer_and_is_paged(admin_api, invoicing_a):
    carla, bruno = invoicing_a.customer(name="Carla"), invoicing_a.customer(name="Bruno")
    first = subscribe(invoicing_a, customer=carla)
    second = subscribe(invoicing_a, customer=bruno)
    paused = subscribe(invoicing_a, customer=carla)
    invoicing_a.run(lambda: subscriptions.subscription_pause(actor=None, subscription=stored(invoicing_a, paused)))

    def ids(query: str) -> list[int]:
        return sorted(row["id"] for row in admin_api.get(f"{URL}?{query}").json()["results"])

    assert ids("status=active") == sorted([first.pk, second.pk])
    assert ids("status=paused") == [paused.pk]
    assert ids(f"customer_id={carla.pk}") == sorted([first.pk, paused.pk])
    assert ids(f"status=active&customer_id={carla.pk}") == [first.pk]
    page = admin_api.get(f"{URL}?page_size=2").json()
    assert (page["count"], len(page["results"])) == (3, 2)
    assert admin_api.get(f"{URL}?status=sleeping").status_code == 400


def test_the_lists_queries_do_not_grow_with_its_page_size(admin_api, invoicing_a):
    for _ in range(6):
        subscribe(invoicing_a)

    def queries(size: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert len(admin_api.get(f"{URL}?page_size={size}").json()["results"]) == size
        return len(captured)

    queries(1)  # the session and the workspace's settings, read once
    assert queries(2) == queries(6)


# --- Change, cancel, pause, resume ---------------------------------------------------------------


def test_a_patch_changes_the_plan_and_amount_with_its_event(admin_api, invoicing_a):
    subscription = subscribe(invoicing_a)

    response = admin_api.patch(f"{URL}{subscription.pk}/", {"plan": "Enterprise", "amount": "199.00"})

    assert response.status_code == 200
    assert (response.json()["plan"], response.json()["amount"]) == ("Enterprise", "199.00")
    assert invoicing_a.events("subscription.updated")[-1].changes["amount"] == {"old": "79.00", "new": "199.00"}


def test_a_subscription_is_not_deleted_but_cancelled(admin_api, invoicing_a):
    subscription = subscribe(invoicing_a)

    assert admin_api.delete(f"{URL}{subscription.pk}/").status_code == 405
    assert count(invoicing_a) == 1


def test_cancel_immediate_stops_it_now(admin_api, invoicing_a, clock):
    clock(NOON)
    subscription = subscribe(invoicing_a)

    response = admin_api.post(f"{URL}{subscription.pk}/cancel/", {"cancel_at": "immediate"})

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["cancel_at"]) == ("cancelled", "2026-01-31")
    assert stored(invoicing_a, subscription).cancelled_at == NOON
    assert invoicing_a.events("subscription.cancelled")[-1].payload["status"] == "cancelled"


def test_cancel_at_the_end_of_the_period_keeps_it_active_until_its_next_billing_date(admin_api, invoicing_a):
    subscription = subscribe(invoicing_a, started_at=date(2026, 1, 10), billing_day=10)

    response = admin_api.post(f"{URL}{subscription.pk}/cancel/", {"cancel_at": "end_of_period"})

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["cancel_at"]) == ("active", "2026-01-10")
    assert invoicing_a.events("subscription.cancelled")[-1].changes["cancel_at"] == {"old": None, "new": "2026-01-10"}


@pytest.mark.parametrize("data", [{}, {"cancel_at": "tomorrow"}])
def test_cancel_needs_how(admin_api, invoicing_a, data):
    subscription = subscribe(invoicing_a)

    response = admin_api.post(f"{URL}{subscription.pk}/cancel/", data)

    assert response.status_code == 400
    assert "cancel_at" in response.json()
    assert stored(invoicing_a, subscription).status == "active"


def test_a_cancelled_subscription_cannot_be_cancelled_paused_or_changed(admin_api, invoicing_a):
    subscription = subscribe(invoicing_a)
    admin_api.post(f"{URL}{subscription.pk}/cancel/", {"cancel_at": "immediate"})

    for response in (
        admin_api.post(f"{URL}{subscription.pk}/cancel/", {"cancel_at": "immediate"}),
        admin_api.post(f"{URL}{subscription.pk}/pause/"),
        admin_api.patch(f"{URL}{subscription.pk}/", {"plan": "Other"}),
    ):
        assert response.status_code == 400
        assert response.json() == {"non_field_errors": ["This subscription was cancelled."]}
    assert stored(invoicing_a, subscription).plan == "Professional"


def test_pause_then_resume_bills_from_the_next_billing_day_after_today(admin_api, invoicing_a, clock):
    subscription = subscribe(invoicing_a, started_at=date(2026, 1, 5), billing_day=5)
    clock(datetime(2026, 4, 20, 15, tzinfo=UTC))

    paused = admin_api.post(f"{URL}{subscription.pk}/pause/")
    resumed = admin_api.post(f"{URL}{subscription.pk}/resume/")

    assert paused.json()["status"] == "paused"
    # Jan 5 was never billed while paused; the next 5th from Apr 20 is May 5.
    assert (resumed.json()["status"], resumed.json()["next_billing_date"]) == ("active", "2026-05-05")
    assert len(invoicing_a.events("subscription.paused")) == len(invoicing_a.events("subscription.resumed")) == 1


def test_pause_twice_and_resume_of_an_active_one_are_refused(admin_api, invoicing_a):
    subscription = subscribe(invoicing_a)

    assert admin_api.post(f"{URL}{subscription.pk}/resume/").json() == {
        "non_field_errors": ["Only a paused subscription can be resumed."]
    }
    admin_api.post(f"{URL}{subscription.pk}/pause/")
    assert admin_api.post(f"{URL}{subscription.pk}/pause/").json() == {
        "non_field_errors": ["This subscription is already paused."]
    }


# --- Other workspaces ----------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "data"), [
    ("get", "", None),
    ("patch", "", {"plan": "Hijacked"}),
    ("post", "cancel/", {"cancel_at": "immediate"}),
    ("post", "pause/", {}),
    ("post", "resume/", {}),
])
def test_another_workspaces_subscription_is_not_found_and_stays_as_it_was(
    outsider_api, invoicing_a, method, path, data
):
    subscription = subscribe(invoicing_a)
    if path == "resume/":
        invoicing_a.run(lambda: subscriptions.subscription_pause(
            actor=None, subscription=stored(invoicing_a, subscription)
        ))
    before = invoicing_a.query(lambda: Subscription.objects.filter(pk=subscription.pk).values().get())

    response = getattr(outsider_api, method)(f"{URL}{subscription.pk}/{path}", data)

    assert response.status_code == 404
    assert invoicing_a.query(lambda: Subscription.objects.filter(pk=subscription.pk).values().get()) == before


def test_another_workspaces_list_shows_none_of_ours(outsider_api, invoicing_a):
    subscribe(invoicing_a)

    assert outsider_api.get(URL).json()["count"] == 0
