"""Error pages: unknown hosts, missing pages and server errors, without session or database."""

from django.template.loader import render_to_string
from django.test import RequestFactory

from modules.core.views import server_error


def test_it_answers_404_for_a_host_no_tenant_owns(client, db):
    response = client.get("/", HTTP_HOST="nobody.localhost")

    assert response.status_code == 404
    page = response.content.decode()
    assert "Workspace not found" in page
    assert "There is no Innexar workspace at <strong>nobody.localhost</strong>." in page


def test_it_answers_404_with_our_page_inside_a_workspace(client, team_a):
    client.force_login(team_a.user)

    response = client.get("/no-such-page/", HTTP_HOST=team_a.host)

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_it_renders_the_500_page_with_nothing_but_the_template():
    page = render_to_string("errors/500.html")

    assert "Internal server error. Our team has been notified." in page


def test_it_renders_the_500_page_for_a_request_without_user_or_tenant():
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
