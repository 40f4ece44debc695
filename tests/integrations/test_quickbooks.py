"""QuickBooks Online: OAuth with a signed state, tokens refreshed and rotated, a sync that pushes
and pulls without ever creating a twin twice, and disconnecting — against a local Intuit."""

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.core import signing
from django.utils import timezone
from django_tenants.utils import tenant_context

from modules.core.signing import tenant_token
from modules.crm.models import Contact
from modules.crm.services import contact_create
from modules.integrations import quickbooks
from modules.integrations.models import QuickBooksConnection, QuickBooksLink, SyncStatus
from modules.integrations.quickbooks_services import STATE_PURPOSE, quickbooks_access_token, quickbooks_sync_run
from modules.tenancy.scope import tenant_scope

from ..conftest import on_own_connection

pytestmark = pytest.mark.usefixtures("enterprise")
BASE = "/api/v1/integrations/quickbooks/"


def connect(api, team, intuit, realm="9130350000000001"):
    """Through the API as the admin, then Intuit's redirect back with a code."""
    answer = api(host=team.host, user=team.admin).get(f"{BASE}connect/")
    assert answer.status_code == 302
    state = parse_qs(urlparse(answer["Location"]).query)["state"][0]
    return api(host=team.host).get(
        f"{BASE}callback/", {"code": intuit.authorization_code(realm), "realmId": realm, "state": state}
    )


def kept(team) -> QuickBooksConnection | None:
    with tenant_context(team.tenant):
        return QuickBooksConnection.objects.first()


def test_connect_redirects_to_intuit_with_a_signed_state(api, team_a, intuit):
    answer = api(host=team_a.host, user=team_a.admin).get(f"{BASE}connect/")

    assert answer.status_code == 302
    location = urlparse(answer["Location"])
    query = parse_qs(location.query)
    assert answer["Location"].startswith(intuit.authorize_url)
    assert query["client_id"] == [intuit_client_id()]
    assert query["scope"] == ["com.intuit.quickbooks.accounting"]
    assert query["redirect_uri"] == [f"http://{team_a.host}/api/v1/integrations/quickbooks/callback/"]
    assert signing.loads(query["state"][0], salt=STATE_PURPOSE)["tenant"] == team_a.tenant.pk


def intuit_client_id():
    from .fake_intuit import CLIENT_ID

    return CLIENT_ID


def test_the_callback_keeps_the_tokens_encrypted_and_goes_back_to_the_workspace(api, team_a, intuit):
    answer = connect(api, team_a, intuit)

    assert answer.status_code == 302
    assert answer["Location"] == f"http://{team_a.host}/integrations/?quickbooks=connected"
    connection = kept(team_a)
    assert connection.realm_id == "9130350000000001"
    assert connection.access_token in intuit.access_tokens
    with tenant_context(team_a.tenant), __import__("django").db.connection.cursor() as cursor:
        cursor.execute("SELECT access_token, refresh_token FROM integrations_quickbooksconnection")
        stored = cursor.fetchone()
    assert connection.access_token not in stored[0] and connection.refresh_token not in stored[1]
    status = api(host=team_a.host, user=team_a.user).get(f"{BASE}status/").json()
    assert status["connected"] is True and status["realm_id"] == "9130350000000001"
    assert "access_token" not in str(status) and connection.access_token not in str(status)


@pytest.mark.parametrize("state", ["forged", "tampered"])
def test_a_forged_state_is_refused_and_nothing_is_kept(api, team_a, intuit, state):
    if state == "tampered":
        genuine = tenant_token({"user": team_a.admin.pk}, purpose=STATE_PURPOSE, tenant_id=team_a.tenant.pk)
        state = genuine[:-2] + ("AA" if not genuine.endswith("AA") else "BB")
    answer = api(host=team_a.host).get(
        f"{BASE}callback/", {"code": intuit.authorization_code(), "realmId": "1", "state": state}
    )

    assert answer.status_code == 400
    assert "state" in answer.json()
    assert kept(team_a) is None


def test_an_expired_state_is_refused(api, team_a, intuit, settings):
    answer = api(host=team_a.host, user=team_a.admin).get(f"{BASE}connect/")
    state = parse_qs(urlparse(answer["Location"]).query)["state"][0]
    settings.QUICKBOOKS_STATE_SECONDS = -1  # the state is older than its life

    refused = api(host=team_a.host).get(
        f"{BASE}callback/", {"code": intuit.authorization_code(), "realmId": "1", "state": state}
    )

    assert refused.status_code == 400
    assert refused.json() == {"state": [
        "This QuickBooks authorization is not valid for this workspace, or it has expired. Connect again."
    ]}
    assert kept(team_a) is None


def test_a_state_of_tenant_a_is_refused_on_tenant_bs_host(api, team_a, team_b, intuit):
    answer = api(host=team_a.host, user=team_a.admin).get(f"{BASE}connect/")
    state = parse_qs(urlparse(answer["Location"]).query)["state"][0]

    refused = api(host=team_b.host).get(
        f"{BASE}callback/", {"code": intuit.authorization_code(), "realmId": "1", "state": state}
    )

    assert refused.status_code == 400
    assert kept(team_b) is None and kept(team_a) is None


def test_a_plain_user_may_not_connect_and_a_lower_plan_is_refused(api, team_a, team_b, intuit):
    assert api(host=team_a.host, user=team_a.user).get(f"{BASE}connect/").status_code == 403
    from modules.tenancy.models import Tenant

    Tenant.objects.filter(pk=team_b.tenant.pk).update(plan="starter")
    refused = api(host=team_b.host, user=team_b.admin).get(f"{BASE}connect/")
    assert refused.status_code == 403
    assert "Enterprise" in refused.json()["detail"]


def test_a_token_about_to_expire_is_refreshed_and_the_rotated_refresh_token_saved(api, team_a, intuit):
    connect(api, team_a, intuit)
    before = kept(team_a)
    with tenant_context(team_a.tenant):
        QuickBooksConnection.objects.update(access_expires_at=timezone.now() + timedelta(minutes=1))
        realm, token = quickbooks_access_token()

    after = kept(team_a)
    assert intuit.refreshes == 1
    assert token == after.access_token != before.access_token
    assert after.refresh_token != before.refresh_token
    assert after.refresh_token in intuit.refresh_tokens and before.refresh_token not in intuit.refresh_tokens


@pytest.mark.django_db(transaction=True)
def test_two_refreshes_at_once_spend_the_refresh_token_once(api, team_a, intuit):
    connect(api, team_a, intuit)
    with tenant_context(team_a.tenant):
        QuickBooksConnection.objects.update(access_expires_at=timezone.now() - timedelta(minutes=1))

    def refresh():
        with tenant_context(team_a.tenant):
            return quickbooks_access_token()

    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection as db

    def on_thread():
        try:
            return refresh()
        finally:
            db.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = [future.result(timeout=30) for future in [pool.submit(on_thread), pool.submit(on_thread)]]

    assert intuit.refreshes == 1
    assert answers[0] == answers[1]
    assert kept(team_a).refresh_token in intuit.refresh_tokens


def test_a_refused_refresh_token_asks_to_connect_again(api, team_a, intuit):
    connect(api, team_a, intuit)
    intuit.refresh_tokens.clear()  # revoked at Intuit, or unused for 100 days
    with tenant_context(team_a.tenant):
        QuickBooksConnection.objects.update(access_expires_at=timezone.now() - timedelta(minutes=1))
        with pytest.raises(quickbooks.Reconnect):
            quickbooks_access_token()

    connection = kept(team_a)
    assert connection.active is False
    assert connection.sync_error == "QuickBooks no longer accepts this connection. Connect again."
    status = api(host=team_a.host, user=team_a.admin).get(f"{BASE}status/").json()
    assert status["active"] is False


def sync(api, team, django_capture_on_commit_callbacks, **flags):
    with django_capture_on_commit_callbacks(execute=True):
        answer = api(host=team.host, user=team.admin).post(f"{BASE}sync/", flags)
    assert answer.status_code == 202, answer.content
    return api(host=team.host, user=team.admin).get(f"{BASE}sync/").json()


def test_sync_pushes_and_pulls_and_a_second_sync_creates_nothing(
    api, team_a, intuit, django_capture_on_commit_callbacks
):
    connect(api, team_a, intuit)
    with tenant_context(team_a.tenant):
        ours = contact_create(actor=None, name="Maria Souza", email="maria@example.com")
        already = contact_create(actor=None, name="Carlos Lima", email="carlos@example.com")
    intuit.add("Customer", {"DisplayName": "Carlos L.", "PrimaryEmailAddr": {"Address": "CARLOS@example.com"}})
    intuit.add("Customer", {"DisplayName": "Ana Pereira", "PrimaryEmailAddr": {"Address": "ana@example.com"}})
    intuit.add("Vendor", {"DisplayName": "Papelaria Central"})

    first = sync(api, team_a, django_capture_on_commit_callbacks)

    assert first["sync_status"] == SyncStatus.DONE
    assert first["synced_customers"] == 3 and first["synced_vendors"] == 1
    with tenant_context(team_a.tenant):
        assert Contact.objects.get(email="ana@example.com").name == "Ana Pereira"
        links = dict(QuickBooksLink.objects.filter(kind="customer").values_list("local_key", "external_id"))
    pushed = [made for entity, made in intuit.created if entity == "Customer"]
    assert [made["DisplayName"] for made in pushed] == ["Maria Souza"]
    assert links[str(ours.pk)] == pushed[0]["Id"]
    assert links[str(already.pk)] != pushed[0]["Id"]  # linked by its email, not created again

    second = sync(api, team_a, django_capture_on_commit_callbacks)

    assert (second["synced_customers"], second["synced_invoices"], second["synced_vendors"]) == (0, 0, 0)
    assert len(intuit.created) == 1
    assert len(intuit.records["Customer"]) == 3


def test_an_expired_access_token_is_refreshed_on_a_401_and_the_sync_goes_on(
    api, team_a, intuit, django_capture_on_commit_callbacks
):
    connect(api, team_a, intuit)
    intuit.expire_access_tokens()  # Intuit dropped it before the hour we were told

    result = sync(api, team_a, django_capture_on_commit_callbacks)

    assert result["sync_status"] == SyncStatus.DONE
    assert intuit.refreshes == 1
    assert kept(team_a).access_token in intuit.access_tokens


def test_a_throttled_sync_is_raised_for_the_task_to_retry_and_the_retry_finishes(api, team_a, intuit):
    connect(api, team_a, intuit)
    intuit.add("Vendor", {"DisplayName": "Papelaria Central"})
    intuit.throttle_next = 1

    with tenant_context(team_a.tenant), tenant_scope(team_a.tenant):
        with pytest.raises(quickbooks.Throttled):
            quickbooks_sync_run()
        counts = quickbooks_sync_run()

    assert counts["synced_vendors"] == 1
    assert kept(team_a).sync_status == SyncStatus.DONE


def test_a_sync_whose_refresh_is_refused_fails_saying_to_connect_again(
    api, team_a, intuit, django_capture_on_commit_callbacks
):
    connect(api, team_a, intuit)
    intuit.expire_access_tokens()
    intuit.refresh_tokens.clear()

    result = sync(api, team_a, django_capture_on_commit_callbacks)

    assert result["sync_status"] == SyncStatus.FAILED
    assert result["sync_error"] == "QuickBooks no longer accepts this connection. Connect again."


def test_sync_before_connecting_is_a_400(api, team_a, intuit):
    answer = api(host=team_a.host, user=team_a.admin).post(f"{BASE}sync/", {})

    assert answer.status_code == 400
    assert answer.json() == {"non_field_errors": ["QuickBooks is not connected."]}


def test_disconnect_revokes_at_intuit_and_forgets_the_tokens(api, team_a, intuit):
    connect(api, team_a, intuit)
    refresh_token = kept(team_a).refresh_token

    answer = api(host=team_a.host, user=team_a.admin).delete(f"{BASE}disconnect/")

    assert answer.status_code == 204
    assert intuit.revoked == [refresh_token]
    assert kept(team_a) is None


def test_tenant_b_never_sees_or_uses_tenant_as_tokens(api, team_a, team_b, intuit):
    connect(api, team_a, intuit)

    status = api(host=team_b.host, user=team_b.admin).get(f"{BASE}status/").json()
    assert status["connected"] is False
    refused = api(host=team_b.host, user=team_b.admin).post(f"{BASE}sync/", {})
    assert refused.status_code == 400
    # A's token on B's host is refused outright.
    assert api(host=team_b.host, user=team_a.admin).get(f"{BASE}status/").status_code in (401, 403)
    assert on_own_connection(lambda: kept(team_b)) is None


def test_sync_pushes_issued_invoices_with_their_customer_and_the_payables_vendors_once(
    api, team_a, intuit, django_capture_on_commit_callbacks
):
    from tests.finance.conftest import Finance
    from tests.invoicing.conftest import Invoicing, item

    connect(api, team_a, intuit)
    invoicing, finance = Invoicing(team_a), Finance(team_a)
    customer = invoicing.customer(name="Loja Azul", email="azul@example.com")
    issued = invoicing.issued(customer=customer, items=[item(unit_price="1500.00")])
    invoicing.invoice(customer=customer)  # a draft stays ours alone
    finance.account(type="payable", vendor="Papelaria Central", description="Paper", amount="80.00")
    finance.account(type="payable", vendor="papelaria central ", description="Ink", amount="20.00")
    already = intuit.add("Invoice", {"DocNumber": "OLD-1"})  # QuickBooks' own, not ours: left alone

    first = sync(api, team_a, django_capture_on_commit_callbacks)

    assert first["sync_status"] == SyncStatus.DONE, first
    invoices = [made for entity, made in intuit.created if entity == "Invoice"]
    assert len(invoices) == 1
    [pushed] = invoices
    customer_id = next(made["Id"] for entity, made in intuit.created
                       if entity == "Customer" and made["DisplayName"] == "Loja Azul")
    assert pushed["CustomerRef"] == {"value": customer_id}
    assert pushed["DocNumber"] == issued.number
    assert pushed["Line"][0]["Amount"] == "1500.00"
    assert [made["DisplayName"] for entity, made in intuit.created if entity == "Vendor"] == ["Papelaria Central"]
    assert (first["synced_invoices"], first["synced_vendors"]) == (1, 1)
    assert already["Id"] not in [made["Id"] for _, made in intuit.created]

    second = sync(api, team_a, django_capture_on_commit_callbacks)

    assert (second["synced_customers"], second["synced_invoices"], second["synced_vendors"]) == (0, 0, 0)
    assert len(intuit.records["Invoice"]) == 2 and len(intuit.records["Vendor"]) == 1


def test_a_sync_that_lost_its_links_finds_the_twins_again_instead_of_creating_them(
    api, team_a, intuit, django_capture_on_commit_callbacks
):
    connect(api, team_a, intuit)
    with tenant_context(team_a.tenant):
        contact_create(actor=None, name="Maria Souza", email="maria@example.com")
    sync(api, team_a, django_capture_on_commit_callbacks)
    with tenant_context(team_a.tenant):
        QuickBooksLink.objects.all().delete()  # as if the sync died after QuickBooks answered

    sync(api, team_a, django_capture_on_commit_callbacks)

    assert [made["DisplayName"] for entity, made in intuit.created if entity == "Customer"] == ["Maria Souza"]


def test_a_person_who_says_no_at_intuit_comes_back_with_nothing_kept(api, team_a, intuit):
    answer = api(host=team_a.host).get(f"{BASE}callback/", {"error": "access_denied", "state": "whatever"})

    assert answer.status_code == 302
    assert answer["Location"] == f"http://{team_a.host}/integrations/?quickbooks=refused"
    assert kept(team_a) is None


def test_a_refused_code_is_a_400_and_nothing_is_kept(api, team_a, intuit):
    answer = api(host=team_a.host, user=team_a.admin).get(f"{BASE}connect/")
    state = parse_qs(urlparse(answer["Location"]).query)["state"][0]

    refused = api(host=team_a.host).get(f"{BASE}callback/", {"code": "AB11spent", "realmId": "1", "state": state})

    assert refused.status_code == 400
    assert refused.json() == {"code": ["QuickBooks refused the authorization. Connect again."]}
    assert kept(team_a) is None


def test_a_name_quickbooks_already_has_is_pushed_under_a_telling_one(
    api, team_a, intuit, django_capture_on_commit_callbacks
):
    from tests.finance.conftest import Finance

    connect(api, team_a, intuit)
    with tenant_context(team_a.tenant):
        contact_create(actor=None, name="João Silva", email="joao1@example.com")
        contact_create(actor=None, name="João Silva", email="joao2@example.com")
    Finance(team_a).account(type="payable", vendor="João Silva", description="Freelance", amount="50.00")

    result = sync(api, team_a, django_capture_on_commit_callbacks)

    assert result["sync_status"] == SyncStatus.DONE, result
    names = sorted(made["DisplayName"] for entity, made in intuit.created if entity in ("Customer", "Vendor"))
    assert [name for name in names if name.startswith("João")] == [
        "João Silva", "João Silva (joao2@example.com)", "João Silva (vendor)",
    ]


def test_a_sync_quickbooks_refuses_fails_saying_why_and_can_be_started_again(
    api, team_a, intuit, django_capture_on_commit_callbacks
):
    connect(api, team_a, intuit)
    with tenant_context(team_a.tenant):
        contact_create(actor=None, name="Maria Souza", email="maria@example.com")
    intuit.refuse_creates = True

    failed = sync(api, team_a, django_capture_on_commit_callbacks)

    assert failed["sync_status"] == SyncStatus.FAILED
    assert failed["sync_error"].startswith("QuickBooks refused the sync: ")
    assert "your company's books are closed for this date" in failed["sync_error"].lower()
    intuit.refuse_creates = False
    assert sync(api, team_a, django_capture_on_commit_callbacks)["sync_status"] == SyncStatus.DONE
