"""API requests skip the browser-only middleware; pages keep all of it (CSRF included)."""

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.test import Client
from django.urls import reverse

from modules.core import browser_middleware

ME = "/api/v1/auth/me/"


def test_every_browser_only_middleware_is_listed_as_its_twin():
    for path in browser_middleware.BROWSER_ONLY:
        assert path not in settings.MIDDLEWARE
        assert f"modules.core.browser_middleware.{path.rsplit('.', 1)[1]}" in settings.MIDDLEWARE


def test_a_twin_offers_exactly_the_hooks_of_the_real_one():
    csrf = browser_middleware.CsrfViewMiddleware(HttpResponse)
    session = browser_middleware.SessionMiddleware(HttpResponse)

    assert hasattr(CsrfViewMiddleware(HttpResponse), "process_view") and hasattr(csrf, "process_view")
    assert not hasattr(SessionMiddleware(HttpResponse), "process_view") and not hasattr(session, "process_view")


def test_an_api_answer_carries_no_session_or_csrf_cookie(api, team_a):
    client = Client(HTTP_HOST=team_a.host)
    assert "csrftoken" in client.get(reverse("account_login")).cookies  # a page sets it
    client.force_login(team_a.admin)  # a browser session does not sign API requests in

    response = client.get(ME)

    assert response.status_code == 401
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_pages_still_refuse_a_post_without_its_csrf_token(team_a):
    client = Client(HTTP_HOST=team_a.host, enforce_csrf_checks=True)

    response = client.post(reverse("account_login"), {"login": team_a.admin.email, "password": "x"})

    assert response.status_code == 403


def test_the_api_needs_no_csrf_token(api, team_a):
    client = Client(HTTP_HOST=team_a.host, enforce_csrf_checks=True)

    response = client.post("/api/v1/public/auth/login/", {"email": team_a.admin.email, "password": "x"},
                           content_type="application/json")

    assert response.status_code == 401
