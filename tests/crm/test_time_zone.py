from datetime import UTC, datetime

from modules.tenancy.models import CompanyProfile
from modules.tenancy.services import company_profile_update
from tests.conftest import in_another_process


def in_utc(team) -> None:
    CompanyProfile.objects.filter(tenant=team.tenant).update(timezone="UTC")


def test_workspace_pages_show_times_in_the_companys_time_zone(client, api, team_a, crm_a):
    in_utc(team_a)
    due = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)  # 12:00 in São Paulo (UTC-3)
    lead = crm_a.lead()
    crm_a.activity(related_to_type="lead", related_to_id=lead.pk, due_date=due)
    client.force_login(team_a.admin)

    def shown_due_time() -> str:
        page = client.get(f"/crm/leads/{lead.pk}/", HTTP_HOST=team_a.host).content.decode()
        return page.split('<time datetime="', 1)[1].split('"', 1)[0]

    assert shown_due_time() == "2026-03-10T15:00:00+00:00"
    api(host=team_a.host, user=team_a.admin).patch("/api/v1/settings/company/", {"timezone": "America/Sao_Paulo"})
    assert shown_due_time() == "2026-03-10T12:00:00-03:00"


def test_a_day_filter_means_the_companys_day_on_the_api_host_too(api, team_a, crm_a):
    """A token sent to api.innexar.app reads dates as its workspace's host does."""
    lead = crm_a.lead(name="Late on New Year's Eve")  # 22:00 on Dec 31 in São Paulo
    crm_a.query(lambda: type(lead).objects.filter(pk=lead.pk).update(created_at=datetime(2026, 1, 1, 1, 0, tzinfo=UTC)))
    api(host=team_a.host, user=team_a.admin).patch("/api/v1/settings/company/", {"timezone": "America/Sao_Paulo"})
    day = {"created_after": "2025-12-31", "created_before": "2025-12-31"}

    def names(host) -> list[str]:
        response = api(host=host, user=team_a.admin).get("/api/v1/crm/leads/", day)
        assert response.status_code == 200
        return [row["name"] for row in response.json()["results"]]

    assert names(team_a.host) == ["Late on New Year's Eve"]
    assert names("localhost") == ["Late on New Year's Eve"]
    assert names("api.localhost") == ["Late on New Year's Eve"]


def test_a_new_time_zone_counts_at_once_in_every_process(api, team_a, crm_a):
    in_utc(team_a)
    lead = crm_a.lead(name="Late on New Year's Eve")  # 22:00 on Dec 31 in São Paulo
    crm_a.query(lambda: type(lead).objects.filter(pk=lead.pk).update(created_at=datetime(2026, 1, 1, 1, 0, tzinfo=UTC)))
    client = api(host=team_a.host, user=team_a.admin)

    def count_on_new_years_eve() -> int:
        day = {"created_after": "2025-12-31", "created_before": "2025-12-31"}
        return client.get("/api/v1/crm/leads/", day).json()["count"]

    assert count_on_new_years_eve() == 0  # UTC: this process now keeps the zone
    with in_another_process():
        company_profile_update(actor=team_a.admin, tenant=team_a.tenant, changes={"timezone": "America/Sao_Paulo"})

    assert count_on_new_years_eve() == 1
