from datetime import UTC, datetime


def test_workspace_pages_show_times_in_the_companys_time_zone(client, api, team_a, crm_a):
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
