"""Brute force on login stops per account and per address, without blocking a whole office."""

from tests.conftest import PASSWORD

LOGIN = "/api/v1/public/auth/login/"


def test_guessing_one_accounts_password_is_throttled(api, team_a, settings):
    client = api()
    answers = [client.post(LOGIN, {"email": team_a.user.email, "password": f"guess-{n}"}).status_code
               for n in range(6)]

    assert answers == [401, 401, 401, 401, 401, 429]
    blocked = client.post(LOGIN, {"email": team_a.user.email, "password": PASSWORD})
    assert blocked.status_code == 429
    assert blocked.json()["detail"].startswith("Request limit exceeded. Try again in ")


def test_a_throttled_account_does_not_block_colleagues_behind_the_same_address(api, team_a):
    client = api()
    for n in range(6):
        client.post(LOGIN, {"email": team_a.user.email, "password": f"guess-{n}"})

    response = client.post(LOGIN, {"email": team_a.manager.email, "password": PASSWORD})

    assert response.status_code == 200


def test_guessing_across_accounts_from_one_address_is_throttled(api, team_a):
    client = api()
    answers = [
        client.post(LOGIN, {"email": f"person{n}@example.com", "password": "x"}, REMOTE_ADDR="10.1.1.1").status_code
        for n in range(61)
    ]

    assert answers[:60] == [401] * 60
    assert answers[60] == 429
    other_address = client.post(LOGIN, {"email": team_a.user.email, "password": PASSWORD}, REMOTE_ADDR="10.1.1.2")
    assert other_address.status_code == 200


def test_the_429_is_translated(api, team_a):
    client = api(language="pt-BR")
    for n in range(6):
        response = client.post(LOGIN, {"email": team_a.user.email, "password": f"guess-{n}"})

    assert response.status_code == 429
    assert response.json()["detail"].startswith("Limite de requisições excedido. Tente novamente em ")
