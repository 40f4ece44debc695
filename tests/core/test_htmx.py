"""How htmx requests are answered when the page around them cannot be."""

from tests.conftest import ADMIN_HOST, PUBLIC_HOST


def test_an_expired_session_sends_an_htmx_request_to_sign_in_as_a_whole_page(client, team_a):
    swapped = client.get("/crm/leads/?search=ana", HTTP_HOST=team_a.host, HTTP_HX_REQUEST="true")
    plain = client.get("/crm/leads/?search=ana", HTTP_HOST=team_a.host)

    assert swapped.status_code == 200
    assert swapped["HX-Redirect"] == plain["Location"]
    assert plain.status_code == 302 and plain["Location"].startswith("/accounts/login/?next=")
    assert swapped.content == b""


def test_an_expired_staff_session_on_the_platform_admin_is_sent_to_sign_in_too(client, team_a):
    response = client.post(
        f"/tenants/{team_a.tenant.pk}/status/", {"is_active": "false"}, HTTP_HOST=ADMIN_HOST, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/login/?next=")


def test_other_htmx_redirects_are_left_as_they_are(client, team_a):
    response = client.get("/sign-in/?subdomain=alpha", HTTP_HOST=PUBLIC_HOST, HTTP_HX_REQUEST="true")

    assert response.status_code == 302
    assert response["Location"] == "http://alpha.localhost:8000/accounts/login/"
    assert "HX-Redirect" not in response
