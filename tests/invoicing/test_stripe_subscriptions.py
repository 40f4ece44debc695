"""Card subscriptions that live in the workspace's Stripe account: creating one with `stripe: true`
makes its Customer, Price and Subscription in Stripe (the local fake, in Stripe's formats);
Stripe's webhooks then record each period Stripe bills as our issued invoice, paid by card once
however often Stripe delivers it; a failed payment makes it past due until paid; Stripe's
updates and deletion carry over; cancelling here cancels there; our billing run leaves it alone."""

import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from modules.finance.models import Account
from modules.invoicing import subscriptions
from modules.invoicing.models import Invoice, InvoicePayment, Subscription, SubscriptionPeriod

from .fake_stripe import (
    OTHER_SECRET_KEY,
    PUBLISHABLE_KEY,
    SECRET_KEY,
    WEBHOOK_SECRET,
    FakeStripe,
    deliver,
    subscription_changed,
    subscription_invoice,
)
from .test_stripe_webhook import BETA_SECRET, CONNECT
from .test_subscriptions_api import URL, body

DAY = 86400


@pytest.fixture
def stripe(httpserver, settings) -> FakeStripe:
    fake = FakeStripe(httpserver, settings)
    fake.accept(SECRET_KEY, "acct_1OaLphaAccount00")
    fake.accept(OTHER_SECRET_KEY, "acct_1OBetaAccount000")
    return fake


def connected(api, team, secret_key: str, webhook_secret: str) -> Client:
    """The team connected to Stripe with its webhook secret: the client Stripe posts with, on its host."""
    keys = {"publishable_key": PUBLISHABLE_KEY, "secret_key": secret_key, "webhook_secret": webhook_secret}
    assert api(host=team.host, user=team.admin).post(CONNECT, keys).status_code == 200
    return Client(HTTP_HOST=team.host)


@pytest.fixture
def alpha(api, team_a, stripe) -> Client:
    return connected(api, team_a, SECRET_KEY, WEBHOOK_SECRET)


@pytest.fixture
def beta(api, team_b, stripe) -> Client:
    return connected(api, team_b, OTHER_SECRET_KEY, BETA_SECRET)


@pytest.fixture
def customer(invoicing_a):
    return invoicing_a.customer(name="Carla Mendes", email="carla@example.com")


@pytest.fixture
def in_stripe(admin_api, alpha, customer, invoicing_a):
    """A monthly 79.00 USD subscription billed by card in Stripe, no trial."""
    response = admin_api.post(URL, body(customer.pk, trial_days=0, billing_day=_other_day(invoicing_a), stripe=True))
    assert response.status_code == 201, response.json()
    return invoicing_a.query(lambda: Subscription.objects.get(pk=response.json()["id"]))


def _other_day(invoicing) -> int:
    """A billing day that is not today: the first bill is later, on Stripe's billing anchor."""
    return 1 if invoicing.today().day != 1 else 2


def periods(invoicing, subscription) -> list[tuple]:
    """(period start, end, invoice status, total, receivable status, card payments) of each period."""
    def read():
        return [
            (period.period_start, period.period_end, period.invoice.status, period.invoice.total,
             Account.objects.get(pk=period.invoice.receivable_id).status,
             list(InvoicePayment.objects.filter(invoice=period.invoice).values_list("rail", "external_id", "amount")))
            for period in SubscriptionPeriod.objects.filter(subscription=subscription).select_related("invoice")
        ]
    return invoicing.query(read)


def stored(invoicing, subscription) -> Subscription:
    return invoicing.query(lambda: Subscription.objects.get(pk=subscription.pk))


def a_period(days_from_now: int = 0, *, length: int = 31) -> tuple[int, int]:
    start = int(time.time()) + days_from_now * DAY
    return start, start + length * DAY


def local_date(timestamp: int, invoicing):
    return invoicing.run(lambda: timezone.localtime(datetime.fromtimestamp(timestamp, tz=UTC)).date())


# --- Creating one ------------------------------------------------------------------------------


def test_creating_one_makes_its_customer_price_and_subscription_in_stripe(
    admin_api, alpha, stripe, customer, invoicing_a, team_a
):
    response = admin_api.post(URL, body(customer.pk, billing_cycle="quarterly", trial_days=14, stripe=True))

    assert response.status_code == 201
    made = stripe.billing_requests
    assert response.json()["stripe_subscription_id"] == next(iter(stripe.subscriptions))
    metadata = {"innexar_tenant": str(team_a.tenant.pk), "innexar_subscription_id": str(response.json()["id"])}
    assert made["customers"] == [{
        "name": "Carla Mendes", "email": "carla@example.com",
        **{f"metadata[{key}]": value for key, value in metadata.items()},
    }]
    price = made["prices"][0]
    assert {key: price[key] for key in ("currency", "unit_amount", "product_data[name]", "recurring[interval]",
                                        "recurring[interval_count]")} == {
        "currency": "usd", "unit_amount": "7900", "product_data[name]": "Professional", "recurring[interval]": "month",
        "recurring[interval_count]": "3",
    }
    request = made["subscriptions"][0]
    first_bill = datetime.fromisoformat(response.json()["next_billing_date"])
    assert local_date(int(request["trial_end"]), invoicing_a) == first_bill.date()  # free until the first bill
    customer_id, price_id = next(iter(stripe.customers)), next(iter(stripe.prices))
    assert {key: request[key] for key in ("customer", "items[0][price]", "payment_behavior",
                                          "payment_settings[payment_method_types][0]")} == {
        "customer": customer_id, "items[0][price]": price_id, "payment_behavior": "default_incomplete",
        "payment_settings[payment_method_types][0]": "card",
    }
    assert "billing_cycle_anchor" not in request


def test_without_a_trial_stripe_first_bills_on_the_billing_day_with_nothing_prorated(
    admin_api, alpha, stripe, customer, invoicing_a
):
    response = admin_api.post(URL, body(customer.pk, trial_days=0, billing_day=_other_day(invoicing_a), stripe=True))

    request = stripe.billing_requests["subscriptions"][0]
    assert (request["proration_behavior"], "trial_end" in request) == ("none", False)
    assert local_date(int(request["billing_cycle_anchor"]), invoicing_a).isoformat() == (
        response.json()["next_billing_date"]
    )


def test_without_stripe_connected_it_is_a_400_and_nothing_is_kept(admin_api, stripe, customer, invoicing_a):
    response = admin_api.post(URL, body(customer.pk, stripe=True))

    assert response.status_code == 400
    assert response.json() == {"stripe": ["Connect your Stripe account to bill a subscription by card in Stripe."]}
    assert invoicing_a.query(Subscription.objects.count) == 0


def test_stripe_out_of_reach_is_a_502_and_nothing_is_kept(admin_api, alpha, stripe, customer, invoicing_a):
    stripe.unavailable = True

    response = admin_api.post(URL, body(customer.pk, stripe=True))

    assert response.status_code == 502
    assert invoicing_a.query(Subscription.objects.count) == 0


def test_our_billing_run_leaves_it_to_stripe(in_stripe, invoicing_a, clock):
    clock(datetime.now(tz=UTC) + timedelta(days=100))

    assert invoicing_a.run(subscriptions.subscriptions_bill) == 0
    assert periods(invoicing_a, in_stripe) == []


# --- Stripe's invoices ---------------------------------------------------------------------------


def test_each_paid_stripe_invoice_is_our_invoice_paid_by_card_once(alpha, in_stripe, invoicing_a):
    start, end = a_period()
    paid = subscription_invoice("invoice.paid", "in_1QPaid0001", in_stripe.stripe_subscription_id, amount=7900,
                                period=(start, end))

    first = deliver(alpha, paid)
    settled = periods(invoicing_a, in_stripe)
    again = deliver(alpha, paid)
    other_delivery = deliver(alpha, subscription_invoice(
        "invoice.paid", "in_1QPaid0001", in_stripe.stripe_subscription_id, amount=7900, period=(start, end)
    ))

    assert [response.status_code for response in (first, again, other_delivery)] == [200, 200, 200]
    period_start, period_end = local_date(start, invoicing_a), local_date(end, invoicing_a) - timedelta(days=1)
    assert settled == [
        (period_start, period_end, "paid", Decimal("79.00"), "paid", [("card", "in_1QPaid0001", Decimal("79.00"))]),
    ]
    assert periods(invoicing_a, in_stripe) == settled
    assert stored(invoicing_a, in_stripe).next_billing_date == period_end + timedelta(days=1)
    item = invoicing_a.query(lambda: Invoice.objects.get(subscription_period__subscription=in_stripe).items.get())
    assert item.description == f"Professional — {period_start} – {period_end}"


def test_a_failed_payment_makes_it_past_due_until_stripe_collects(alpha, in_stripe, invoicing_a):
    start, end = a_period()
    subscription_id = in_stripe.stripe_subscription_id

    deliver(alpha, subscription_invoice("invoice.payment_failed", "in_1QFail0001", subscription_id, amount=7900,
                                        period=(start, end)))
    failed = (stored(invoicing_a, in_stripe).status, [row[2:5] for row in periods(invoicing_a, in_stripe)])
    deliver(alpha, subscription_invoice("invoice.payment_failed", "in_1QFail0001", subscription_id, amount=7900,
                                        period=(start, end)))  # Stripe's retry failed too
    deliver(alpha, subscription_invoice("invoice.paid", "in_1QFail0001", subscription_id, amount=7900,
                                        period=(start, end)))

    assert failed == ("past_due", [("issued", Decimal("79.00"), "pending")])
    assert stored(invoicing_a, in_stripe).status == "active"
    assert [row[2:] for row in periods(invoicing_a, in_stripe)] == [
        ("paid", Decimal("79.00"), "paid", [("card", "in_1QFail0001", Decimal("79.00"))]),
    ]
    assert [event.name for event in invoicing_a.events() if event.name.startswith("subscription.")] == [
        "subscription.created", "subscription.billed", "subscription.past_due", "subscription.updated",
    ]


def test_a_stripe_invoice_of_nothing_to_pay_records_nothing(alpha, in_stripe, invoicing_a):
    response = deliver(alpha, subscription_invoice(
        "invoice.paid", "in_1QTrial0001", in_stripe.stripe_subscription_id, amount=0, period=a_period()
    ))

    assert response.status_code == 200
    assert periods(invoicing_a, in_stripe) == []


def test_an_invoice_in_another_currency_is_not_recorded(alpha, in_stripe, invoicing_a):
    response = deliver(alpha, subscription_invoice(
        "invoice.paid", "in_1QOther0001", in_stripe.stripe_subscription_id, amount=7900, period=a_period(),
        currency="brl",
    ))

    assert response.status_code == 500  # Stripe keeps it, retries it, and shows it failing in its dashboard
    assert periods(invoicing_a, in_stripe) == []


# --- Stripe's subscription ------------------------------------------------------------------------


def test_stripes_updates_carry_over_and_its_deletion_cancels(alpha, stripe, in_stripe, invoicing_a):
    held = dict(stripe.subscriptions[in_stripe.stripe_subscription_id])
    period_end = int(time.time()) + 20 * DAY
    held["items"] = {"object": "list", "data": [{**held["items"]["data"][0], "current_period_end": period_end}]}

    deliver(alpha, subscription_changed("customer.subscription.updated", {**held, "status": "past_due"}))
    past_due = stored(invoicing_a, in_stripe)
    deliver(alpha, subscription_changed("customer.subscription.updated", {
        **held, "status": "active", "cancel_at_period_end": True, "cancel_at": period_end,
    }))
    ending = stored(invoicing_a, in_stripe)
    deleted = {**held, "status": "canceled", "canceled_at": period_end}
    deliver(alpha, subscription_changed("customer.subscription.deleted", deleted))
    deliver(alpha, subscription_changed("customer.subscription.deleted", deleted))  # delivered twice

    assert (past_due.status, past_due.next_billing_date) == ("past_due", local_date(period_end, invoicing_a))
    assert (ending.status, ending.cancel_at) == ("active", local_date(period_end, invoicing_a))
    cancelled = stored(invoicing_a, in_stripe)
    assert (cancelled.status, cancelled.cancelled_at) == ("cancelled", datetime.fromtimestamp(period_end, tz=UTC))
    assert [event.name for event in invoicing_a.events() if event.name.startswith("subscription.")] == [
        "subscription.created", "subscription.past_due", "subscription.updated", "subscription.cancelled",
    ]


def test_paused_in_stripe_it_is_paused_here(alpha, stripe, in_stripe, invoicing_a):
    held = stripe.subscriptions[in_stripe.stripe_subscription_id]

    deliver(alpha, subscription_changed("customer.subscription.updated", {
        **held, "status": "active", "pause_collection": {"behavior": "void", "resumes_at": None},
    }))

    assert stored(invoicing_a, in_stripe).status == "paused"


# --- Cancelling, pausing here ---------------------------------------------------------------------


def test_cancelling_it_here_cancels_it_in_stripe_now_or_at_the_periods_end(
    admin_api, alpha, stripe, customer, invoicing_a
):
    now = admin_api.post(URL, body(customer.pk, stripe=True)).json()
    later = admin_api.post(URL, body(customer.pk, stripe=True)).json()

    cancelled = admin_api.post(f"{URL}{now['id']}/cancel/", {"cancel_at": "immediate"})
    ending = admin_api.post(f"{URL}{later['id']}/cancel/", {"cancel_at": "end_of_period"})

    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")
    assert (ending.status_code, ending.json()["cancel_at"]) == (200, later["next_billing_date"])
    assert stripe.subscriptions[now["stripe_subscription_id"]]["status"] == "canceled"
    assert stripe.subscriptions[later["stripe_subscription_id"]]["cancel_at_period_end"] is True
    assert [request.method for request, _ in stripe.server.log if request.path.startswith("/v1/subscriptions/")] == [
        "DELETE", "POST",
    ]


def test_stripe_refusing_the_cancel_is_a_400_and_it_stays_active(admin_api, alpha, stripe, in_stripe, invoicing_a):
    stripe.subscriptions.clear()  # Stripe no longer knows it

    response = admin_api.post(f"{URL}{in_stripe.pk}/cancel/", {"cancel_at": "immediate"})

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Stripe refused to cancel the subscription: check it in your Stripe dashboard."]
    }
    assert stored(invoicing_a, in_stripe).status == "active"


def test_it_is_paused_and_its_price_changed_in_stripe_not_here(admin_api, in_stripe):
    paused = admin_api.post(f"{URL}{in_stripe.pk}/pause/")
    repriced = admin_api.patch(f"{URL}{in_stripe.pk}/", {"amount": "99.00"})
    renamed = admin_api.patch(f"{URL}{in_stripe.pk}/", {"plan": "Professional Plus"})

    assert (paused.status_code, repriced.status_code, renamed.status_code) == (400, 400, 200)
    assert paused.json() == {"non_field_errors": [
        "This subscription is billed by Stripe: pause or resume its payments in your Stripe dashboard."
    ]}
    assert repriced.json() == {"amount": ["This subscription is billed by Stripe: change its price in your Stripe"
                                          " dashboard."]}


# --- Another workspace ----------------------------------------------------------------------------


def test_another_workspaces_events_never_touch_this_ones_subscription(beta, in_stripe, invoicing_a):
    response = deliver(beta, subscription_invoice(
        "invoice.paid", "in_1QBeta0001", in_stripe.stripe_subscription_id, amount=7900, period=a_period()
    ), secret=BETA_SECRET)
    deleted = deliver(beta, subscription_changed("customer.subscription.deleted", {
        "id": in_stripe.stripe_subscription_id, "object": "subscription", "status": "canceled",
    }), secret=BETA_SECRET)

    assert (response.status_code, deleted.status_code) == (200, 200)
    assert periods(invoicing_a, in_stripe) == []
    assert stored(invoicing_a, in_stripe).status == "active"


def test_the_subscription_of_another_workspace_is_not_found_here(api, team_b, in_stripe):
    outsider = api(host=team_b.host, user=team_b.admin)

    assert outsider.post(f"{URL}{in_stripe.pk}/cancel/", {"cancel_at": "immediate"}).status_code == 404



# --- The subscriptions page ----------------------------------------------------------------------


def test_the_pages_cancel_button_with_stripe_out_of_reach_says_so_and_changes_nothing(
    member, stripe, in_stripe, invoicing_a
):
    stripe.unavailable = True

    response = member.post(f"/invoicing/subscriptions/{in_stripe.pk}/cancel/", {"cancel_at": "immediate"}, follow=True)

    assert "Stripe could not be reached. Nothing was changed: try again in a few minutes." in response.content.decode()
    assert stored(invoicing_a, in_stripe).status == "active"


def test_the_pages_cancel_button_cancels_in_stripe(member, stripe, in_stripe, invoicing_a):
    member.post(f"/invoicing/subscriptions/{in_stripe.pk}/cancel/", {"cancel_at": "immediate"})

    assert stored(invoicing_a, in_stripe).status == "cancelled"
    assert stripe.subscriptions[in_stripe.stripe_subscription_id]["status"] == "canceled"


def test_the_pages_form_offers_stripe_once_connected_and_creates_the_subscription_there(
    member, api, team_a, stripe, customer, invoicing_a
):
    before = member.get("/invoicing/subscriptions/").content.decode()
    connected(api, team_a, SECRET_KEY, WEBHOOK_SECRET)
    offered = member.get("/invoicing/subscriptions/").content.decode()

    member.post("/invoicing/subscriptions/", {
        "customer": str(customer.pk), "plan": "Professional", "amount": "79.00", "currency": "USD",
        "billing_cycle": "monthly", "billing_day": "1", "trial_days": "14", "stripe": "on",
    })

    assert "Charge the customer&#x27;s card in Stripe" not in before
    assert "Charge the customer&#x27;s card in Stripe" in offered
    made = invoicing_a.query(lambda: Subscription.objects.get(customer=customer))
    assert made.stripe_subscription_id in stripe.subscriptions
    assert stripe.billing_requests["customers"][0]["email"] == "carla@example.com"


def test_the_pages_form_with_stripe_out_of_reach_says_so_and_keeps_nothing(
    member, alpha, stripe, customer, invoicing_a
):
    stripe.unavailable = True

    response = member.post("/invoicing/subscriptions/", {
        "customer": str(customer.pk), "plan": "Professional", "amount": "79.00", "currency": "USD",
        "billing_cycle": "monthly", "billing_day": "1", "stripe": "on",
    })

    assert response.status_code == 422
    assert "Stripe could not be reached. Nothing was changed: try again in a few minutes." in response.content.decode()
    assert invoicing_a.query(Subscription.objects.count) == 0
