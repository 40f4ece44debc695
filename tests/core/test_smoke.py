def test_it_serves_the_openapi_schema(api, db):
    response = api().get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Innexar API"


def test_team_fixture_has_its_tenant(team_a, team_b):
    assert team_a.admin.tenant == team_a.tenant
    assert team_a.tenant != team_b.tenant
