"""The integrations page: Stripe, QuickBooks and WhatsApp cards with their status; managers
connect, sync and disconnect; plain users see the status only; other plans see which plan has it."""

from urllib.parse import parse_qs, urlparse

import pytest
from django_tenants.utils import tenant_context

from modules.integrations.models import QuickBooksConnection, SyncStatus, WhatsAppConnection
from modules.tenancy.models import Tenant

from .fake_meta import APP_SECRET, PHONE_NUMBER_ID, TOKEN
from .test_quickbooks import connect

pytestmark = pytest.mark.usefixtures("enterprise")


def test_the_page_shows_the_three_integrations_not_connected(manager):
    page = manager.get("/integrations/").content.decode()

    assert '<h1 class="page-title">Integrations</h1>' in page
    for card in ("stripe-card", "quickbooks-card", "whatsapp-card"):
        assert f'id="{card}"' in page
    assert page.count("Not connected") == 2  # Stripe and QuickBooks; WhatsApp shows its form
    assert 'href="/invoicing/settings/stripe/"' in page
    assert 'href="/integrations/quickbooks/connect/"' in page


def test_connect_quickbooks_from_the_page_goes_to_intuit_and_comes_back_connected(
    manager, api, team_a, intuit, django_capture_on_commit_callbacks
):
    answer = manager.get("/integrations/quickbooks/connect/")
    assert answer.status_code == 302 and answer["Location"].startswith(intuit.authorize_url)
    state = parse_qs(urlparse(answer["Location"]).query)["state"][0]
    back = api(host=team_a.host).get("/api/v1/integrations/quickbooks/callback/", {
        "code": intuit.authorization_code(), "realmId": "9130350000000001", "state": state,
    })
    assert back["Location"].endswith("/integrations/?quickbooks=connected")

    page = manager.get("/integrations/?quickbooks=connected").content.decode()

    assert "QuickBooks is connected." in page
    assert "Company 9130350000000001" in page
    assert "Last sync: never" in page

    with django_capture_on_commit_callbacks(execute=True):
        card = manager.post("/integrations/quickbooks/sync/", HTTP_HX_REQUEST="true").content.decode()
    assert card.lstrip().startswith('<article class="form-card" id="quickbooks-card"')
    page = manager.get("/integrations/").content.decode()
    assert "0 customers, 0 invoices, 0 vendors" in page


def test_a_running_sync_polls_for_its_progress(manager, api, team_a, intuit):
    connect(api, team_a, intuit)
    with tenant_context(team_a.tenant):
        QuickBooksConnection.objects.update(sync_status=SyncStatus.RUNNING)

    card = manager.get("/integrations/", HTTP_HX_REQUEST="true").content.decode()

    assert 'hx-trigger="every 2s"' in card and "Syncing…" in card


def test_connect_whatsapp_from_the_page_and_a_refused_token_shows_why(manager, team_a, meta):
    form = {"phone_number": "+5511999999999", "phone_number_id": PHONE_NUMBER_ID, "api_key": "EAAexpired",
            "api_secret": APP_SECRET}

    refused = manager.post("/integrations/whatsapp/connect/", form)
    assert refused.status_code == 422
    assert "WhatsApp refused the access token (it may have expired)" in refused.content.decode()

    answer = manager.post("/integrations/whatsapp/connect/", {**form, "api_key": TOKEN})
    assert answer.status_code == 302
    page = manager.get("/integrations/").content.decode()
    assert "+5511999999999" in page and "Alpha Industries" in page
    assert TOKEN not in page and APP_SECRET not in page


def test_a_plain_user_sees_the_status_but_cannot_connect(member, meta):
    page = member.get("/integrations/").content.decode()
    assert "Connect QuickBooks" not in page and "Connect WhatsApp" not in page

    assert member.get("/integrations/quickbooks/connect/").status_code == 403
    assert member.post("/integrations/whatsapp/connect/", {}).status_code == 403


def test_the_page_is_refused_below_the_enterprise_plan(manager, team_a):
    Tenant.objects.filter(pk=team_a.tenant.pk).update(plan="professional")

    answer = manager.get("/integrations/")

    assert answer.status_code == 403
    assert "Upgrade to the Enterprise plan to use it." in answer.content.decode()


def test_disconnect_whatsapp_from_the_page(manager, api, team_a, meta):
    from .test_whatsapp import connected

    connected(api, team_a)

    assert manager.post("/integrations/whatsapp/disconnect/").status_code == 302
    with tenant_context(team_a.tenant):
        assert not WhatsAppConnection.objects.exists()


@pytest.mark.parametrize("language, words", [
    ("pt-br", ("Conectar o QuickBooks", "Não conectado", "Token de acesso")),
    ("es", ("Conectar QuickBooks", "No conectado", "Token de acceso")),
])
def test_the_page_speaks_the_users_language(manager, team_a, language, words):
    from modules.accounts.models import User

    User.objects.filter(pk=team_a.manager.pk).update(language=language)

    page = manager.get("/integrations/").content.decode()

    for word in words:
        assert word in page
