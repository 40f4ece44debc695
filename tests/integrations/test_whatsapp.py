"""WhatsApp Cloud API: connecting (checked with Meta), sending approved templates, Meta's errors
as clear answers, delivery statuses from its signed webhook, and overdue reminders."""

import json

import pytest
from django_tenants.utils import tenant_context

from modules.integrations.models import WhatsAppConnection, WhatsAppMessage

from .fake_meta import APP_SECRET, PHONE_NUMBER_ID, TOKEN, signed, status_notice

pytestmark = pytest.mark.usefixtures("enterprise")
BASE = "/api/v1/integrations/whatsapp/"
CONNECT = {"phone_number": "+5511999999999", "phone_number_id": PHONE_NUMBER_ID, "api_key": TOKEN,
           "api_secret": APP_SECRET}


def connected(api, team):
    answer = api(host=team.host, user=team.admin).post(f"{BASE}connect/", CONNECT)
    assert answer.status_code == 200, answer.content
    return answer.json()


def test_connect_checks_the_number_with_meta_and_never_returns_the_token(api, team_a, meta):
    shown = connected(api, team_a)

    assert shown["connected"] is True
    assert shown["display_name"] == "Alpha Industries"
    assert shown["webhook_url"] == f"http://{team_a.host}/webhooks/whatsapp/"
    assert TOKEN not in json.dumps(shown) and APP_SECRET not in json.dumps(shown)
    with tenant_context(team_a.tenant):
        assert WhatsAppConnection.objects.get().access_token == TOKEN


def test_an_expired_token_is_a_400_and_nothing_is_kept(api, team_a, meta):
    answer = api(host=team_a.host, user=team_a.admin).post(f"{BASE}connect/", {**CONNECT, "api_key": "EAAexpired"})

    assert answer.status_code == 400
    assert answer.json()["api_key"][0].startswith("WhatsApp refused the access token (it may have expired)")
    with tenant_context(team_a.tenant):
        assert not WhatsAppConnection.objects.exists()


def test_send_a_template_with_its_variables(api, team_a, meta):
    connected(api, team_a)

    answer = api(host=team_a.host, user=team_a.user).post(f"{BASE}send/", {
        "to": "+5511888888888", "template": "payment_reminder", "language": "pt_BR",
        "variables": {"customer_name": "João", "amount": "R$ 1.500,00"},
    })

    assert answer.status_code == 201, answer.content
    assert answer.json()["id"].startswith("wamid.")
    sent = meta.sent[0]
    assert sent["to"] == "5511888888888"
    assert sent["template"]["components"][0]["parameters"] == [
        {"type": "text", "parameter_name": "customer_name", "text": "João"},
        {"type": "text", "parameter_name": "amount", "text": "R$ 1.500,00"},
    ]


def test_a_bad_template_is_a_clear_400_with_metas_words(api, team_a, meta):
    connected(api, team_a)

    answer = api(host=team_a.host, user=team_a.user).post(f"{BASE}send/", {
        "to": "+5511888888888", "template": "payment_remindr", "language": "pt_BR", "variables": {},
    })

    assert answer.status_code == 400
    assert answer.json() == {"template": [
        "WhatsApp refused the template: (#132001) Template name does not exist in the translation "
        "template name (payment_remindr) does not exist in pt_BR"
    ]}
    with tenant_context(team_a.tenant):
        assert not WhatsAppMessage.objects.exists()


def test_metas_rate_limit_is_a_429(api, team_a, meta):
    connected(api, team_a)
    meta.rate_limited = True

    answer = api(host=team_a.host, user=team_a.user).post(f"{BASE}send/", {
        "to": "+5511888888888", "template": "payment_reminder", "language": "pt_BR",
    })

    assert answer.status_code == 429
    assert "too many messages" in answer.json()["detail"]


def test_send_before_connecting_and_from_another_workspace_is_refused(api, team_a, team_b, meta):
    connected(api, team_a)

    answer = api(host=team_b.host, user=team_b.admin).post(f"{BASE}send/", {
        "to": "+5511888888888", "template": "payment_reminder",
    })

    assert answer.status_code == 400
    assert answer.json() == {"non_field_errors": ["WhatsApp is not connected."]}
    assert meta.sent == []
    assert api(host=team_b.host, user=team_b.admin).get(f"{BASE}status/").json()["connected"] is False


def send_one(api, team) -> str:
    answer = api(host=team.host, user=team.admin).post(f"{BASE}send/", {
        "to": "+5511888888888", "template": "payment_reminder", "language": "pt_BR",
    })
    return answer.json()["id"]


def test_the_webhook_handshake_echoes_the_challenge_for_our_verify_token_only(client, api, team_a, meta):
    token = connected(api, team_a)["verify_token"]

    good = client.get("/webhooks/whatsapp/", {"hub.mode": "subscribe", "hub.verify_token": token,
                                              "hub.challenge": "1158201444"}, HTTP_HOST=team_a.host)
    bad = client.get("/webhooks/whatsapp/", {"hub.mode": "subscribe", "hub.verify_token": "guess",
                                             "hub.challenge": "1158201444"}, HTTP_HOST=team_a.host)

    assert (good.status_code, good.content) == (200, b"1158201444")
    assert bad.status_code == 403


def test_signed_delivery_statuses_update_the_message_and_never_go_back(client, api, team_a, meta):
    connected(api, team_a)
    wamid = send_one(api, team_a)

    for status in ("delivered", "read", "delivered"):
        body = json.dumps(status_notice(wamid, status)).encode()
        answer = client.post("/webhooks/whatsapp/", body, content_type="application/json",
                             HTTP_HOST=team_a.host, HTTP_X_HUB_SIGNATURE_256=signed(body))
        assert answer.status_code == 200

    with tenant_context(team_a.tenant):
        assert WhatsAppMessage.objects.get(wamid=wamid).status == "read"


def test_a_wrong_signature_is_refused_and_changes_nothing(client, api, team_a, team_b, meta):
    connected(api, team_a)
    wamid = send_one(api, team_a)
    body = json.dumps(status_notice(wamid, "read")).encode()

    forged = client.post("/webhooks/whatsapp/", body, content_type="application/json", HTTP_HOST=team_a.host,
                         HTTP_X_HUB_SIGNATURE_256=signed(body, "not-the-app-secret"))
    elsewhere = client.post("/webhooks/whatsapp/", body, content_type="application/json", HTTP_HOST=team_b.host,
                            HTTP_X_HUB_SIGNATURE_256=signed(body))

    assert forged.status_code == 400 and elsewhere.status_code == 400
    with tenant_context(team_a.tenant):
        assert WhatsAppMessage.objects.get(wamid=wamid).status == "accepted"


def test_disconnect_forgets_the_token(api, team_a, meta):
    connected(api, team_a)

    assert api(host=team_a.host, user=team_a.user).delete(f"{BASE}disconnect/").status_code == 403
    assert api(host=team_a.host, user=team_a.admin).delete(f"{BASE}disconnect/").status_code == 204
    with tenant_context(team_a.tenant):
        assert not WhatsAppConnection.objects.exists()


def test_a_plain_user_may_not_connect(api, team_a, meta):
    answer = api(host=team_a.host, user=team_a.user).post(f"{BASE}connect/", CONNECT)

    assert answer.status_code == 403
    with tenant_context(team_a.tenant):
        assert not WhatsAppConnection.objects.exists()


def test_a_phone_number_id_meta_does_not_know_is_a_400_on_it(api, team_a, meta):
    answer = api(host=team_a.host, user=team_a.admin).post(f"{BASE}connect/", {**CONNECT, "phone_number_id": "999999"})

    assert answer.status_code == 400
    assert "does not exist" in answer.json()["phone_number_id"][0]


def test_the_sandbox_connects_and_sends_without_leaving_the_machine(api, team_a, settings):
    settings.WHATSAPP_SANDBOX = True  # no fake Meta here: nothing may be called
    settings.WHATSAPP_GRAPH_BASE = "http://127.0.0.1:9/v21.0"

    shown = connected(api, team_a)
    answer = api(host=team_a.host, user=team_a.user).post(f"{BASE}send/", {
        "to": "+5511888888888", "template": "payment_reminder", "variables": {"customer_name": "João"},
    })

    assert shown["display_name"] == "Sandbox"
    assert answer.status_code == 201 and answer.json()["id"].startswith("wamid.sandbox-")
