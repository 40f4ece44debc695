"""The workspace dashboard: first steps for a new workspace, then the CRM's own figures."""

import re
import zoneinfo
from datetime import datetime, time, timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from modules.accounts.models import User
from modules.crm.models import Activity, Deal, Lead, Stage
from modules.tenancy.models import Tenant
from modules.tenancy.services import company_profile_update
from tests.crm.conftest import Crm


@pytest.fixture
def crm_a(team_a) -> Crm:
    return Crm(team_a)


@pytest.fixture
def crm_b(team_b) -> Crm:
    return Crm(team_b)


@pytest.fixture
def dashboard(client, team_a):
    """team_a's dashboard as `who` ("admin", "manager" or "user") sees it."""

    def get(who: str = "admin") -> str:
        client.force_login(getattr(team_a, who))
        response = client.get("/", HTTP_HOST=team_a.host)
        assert response.status_code == 200
        return response.content.decode()

    return get


def steps(page: str) -> dict[str, str]:
    """Each first step's text, by its key, with its link and state."""
    return {
        key: unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()) + f" [{link}]"
        for key, link, body in re.findall(
            r'<li class="is-\w+" id="setup-(\w+)">.*?<a href="([^"]+)">(.*?)</li>', page, flags=re.S
        )
    }


def figures(page: str) -> str:
    block = page.split('id="crm-figures">')[1].split("</div>")[0]
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", block)).strip())


# --- First steps ---------------------------------------------------------------------------------


def test_a_new_workspace_shows_the_admin_its_first_steps_with_where_to_do_them(dashboard):
    found = steps(dashboard("admin"))

    assert list(found) == ["company", "leads", "team"]
    assert found == {
        "company": "Fill in your company's details To do Country, legal name and tax ID: currencies, formats and "
                   "documents follow them. [/settings/]",
        "leads": "Add or import your leads To do Type them in one by one, or import the CSV file your spreadsheet "
                 "saves. [/crm/leads/]",
        # alpha already has a manager and a user besides its admin.
        "team": "Invite your team Done Each teammate gets an email to choose a password and sign in. [/settings/team/]",
    }


def test_the_steps_tick_themselves_as_the_workspace_fills_in(dashboard, team_a, crm_a):
    company_profile_update(actor=team_a.admin, tenant=team_a.tenant, changes={"legal_name": "Alpha Industries Ltda"})
    assert "To do" in steps(dashboard())["company"]  # a legal name without a tax ID is not done yet

    company_profile_update(
        actor=team_a.admin, tenant=team_a.tenant, changes={"country": "BR", "tax_id": "11222333000181"}
    )
    assert "Done" in steps(dashboard())["company"]

    crm_a.lead(name="Ana Souza")
    page = dashboard()

    assert 'id="setup-checklist"' not in page  # every step done: the checklist is gone


def test_a_plain_user_sees_only_the_step_they_can_take_and_no_way_to_hide_it(dashboard, crm_a):
    page = dashboard("user")

    assert list(steps(page)) == ["leads"]
    assert "Hide these steps" not in page

    crm_a.lead(name="Ana Souza")
    assert 'id="setup-checklist"' not in dashboard("user")


def test_an_admin_hides_the_steps_for_the_whole_workspace(client, dashboard, team_a):
    assert "Hide these steps" in dashboard("admin")

    response = client.post("/setup/dismiss/", HTTP_HOST=team_a.host)

    assert response.status_code == 302 and response["Location"] == "/"
    assert 'id="setup-checklist"' not in dashboard("admin")
    assert 'id="setup-checklist"' not in dashboard("user")
    assert Tenant.objects.get(pk=team_a.tenant.pk).setup_checklist_dismissed_at is not None


def test_a_plain_user_cannot_hide_the_steps(client, dashboard, team_a):
    client.force_login(team_a.user)

    response = client.post("/setup/dismiss/", HTTP_HOST=team_a.host)

    assert response.status_code == 403
    assert Tenant.objects.get(pk=team_a.tenant.pk).setup_checklist_dismissed_at is None
    assert 'id="setup-checklist"' in dashboard("user")


def test_hiding_the_steps_of_one_workspace_leaves_the_others_alone(client, team_a, team_b):
    client.force_login(team_a.admin)
    client.post("/setup/dismiss/", HTTP_HOST=team_a.host)

    client.force_login(team_b.admin)
    assert 'id="setup-checklist"' in client.get("/", HTTP_HOST=team_b.host).content.decode()


# --- The CRM's figures -----------------------------------------------------------------------------


def test_an_empty_workspace_shows_no_figures_yet(dashboard):
    assert 'id="crm-figures"' not in dashboard()


def test_it_shows_the_open_pipeline_per_currency_never_added_together(dashboard, crm_a):
    contact = crm_a.contact()
    crm_a.deal(contact=contact, value="1000.00", currency="USD")
    crm_a.deal(contact=contact, value="500.50", currency="USD", stage=Stage.NEGOTIATION)
    crm_a.deal(contact=contact, value="12500.00", currency="BRL")
    crm_a.deal(contact=contact, value="9999.00", currency="USD", stage=Stage.CLOSED_WON)  # not open

    shown = figures(dashboard())

    assert shown.startswith("Open pipeline R$12,500.00 $1,500.50 See the pipeline")


def test_it_formats_the_pipeline_in_the_users_language(client, team_a, crm_a):
    crm_a.deal(value="12500.00", currency="BRL")
    User.objects.filter(pk=team_a.admin.pk).update(language="pt-br")
    client.force_login(team_a.admin)

    page = client.get("/", HTTP_HOST=team_a.host).content.decode()

    assert "R$ 12.500,00" in figures(page)


def test_leads_this_week_are_counted_in_the_companys_time_zone(dashboard, team_a, crm_a):
    sao_paulo = zoneinfo.ZoneInfo("America/Sao_Paulo")
    company_profile_update(actor=team_a.admin, tenant=team_a.tenant, changes={"timezone": "America/Sao_Paulo"})
    today = timezone.localtime(timezone.now(), sao_paulo).date()
    week_start = datetime.combine(today - timedelta(days=today.weekday()), time.min, tzinfo=sao_paulo)
    inside, before, older = crm_a.lead(), crm_a.lead(), crm_a.lead()
    crm_a.query(lambda: Lead.objects.filter(pk=inside.pk).update(created_at=week_start + timedelta(minutes=30)))
    # Monday 01:00 UTC is still Sunday evening in São Paulo: last week there.
    crm_a.query(lambda: Lead.objects.filter(pk=before.pk).update(created_at=week_start - timedelta(hours=2)))
    crm_a.query(lambda: Lead.objects.filter(pk=older.pk).update(created_at=week_start - timedelta(days=9)))

    assert "Leads this week 1 See the leads" in figures(dashboard())


def test_it_counts_the_users_own_activities_due_today_and_overdue(dashboard, team_a, crm_a):
    company_profile_update(actor=team_a.admin, tenant=team_a.tenant, changes={"timezone": "America/Mexico_City"})
    now = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo("America/Mexico_City"))
    start_of_today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    mine = {"assigned_to": team_a.user}
    crm_a.activity(due_date=start_of_today + timedelta(minutes=1), **mine)  # today
    crm_a.activity(due_date=start_of_today + timedelta(hours=23, minutes=59), **mine)  # today
    crm_a.activity(due_date=start_of_today - timedelta(days=2), **mine)  # overdue
    crm_a.activity(due_date=start_of_today + timedelta(days=1, minutes=1), **mine)  # tomorrow
    done = crm_a.activity(due_date=start_of_today - timedelta(days=1), **mine)
    crm_a.query(lambda: Activity.objects.filter(pk=done.pk).update(completed=True))
    crm_a.activity(due_date=start_of_today - timedelta(days=1))  # the admin's

    shown = figures(dashboard("user"))

    assert "Your activities due 2 today 1 overdue See your activities" in shown
    assert f"assigned_to={team_a.user.pk}&amp;completed=false&amp;due_before={start_of_today.date():%Y-%m-%d}" in (
        dashboard("user")
    )


def test_another_workspaces_records_never_count(dashboard, team_b, crm_a, crm_b):
    crm_a.lead()
    for _ in range(3):
        crm_b.lead()
    crm_b.deal(value="777.00", currency="USD")
    crm_b.activity(due_date=timezone.now() - timedelta(days=1), assigned_to=team_b.admin)

    shown = figures(dashboard("admin"))

    assert "Leads this week 1 " in shown
    assert "Open pipeline No open deals" in shown
    assert "777" not in shown
    assert "0 today 0 overdue" in shown


def test_the_dashboard_costs_the_same_queries_with_ten_times_the_records(client, team_a, crm_a):
    client.force_login(team_a.admin)
    contact = crm_a.contact()

    def add(count: int) -> None:
        crm_a.query(lambda: Lead.objects.bulk_create(
            [Lead(name=f"Lead {n}", email=f"l{n}-{count}@example.com") for n in range(count)]
        ))
        crm_a.query(lambda: Deal.objects.bulk_create([
            Deal(title=f"Deal {n}", contact=contact, value="10.00", currency=("USD", "BRL", "MXN")[n % 3])
            for n in range(count)
        ]))
        crm_a.query(lambda: Activity.objects.bulk_create([
            Activity(type="call", subject=f"Call {n}", related_to_type="contact", related_to_id=contact.pk,
                     due_date=timezone.now(), assigned_to=team_a.admin)
            for n in range(count)
        ]))

    add(5)
    client.get("/", HTTP_HOST=team_a.host)  # the first page of a session also fills per-tenant caches
    with CaptureQueriesContext(connection) as few:
        assert client.get("/", HTTP_HOST=team_a.host).status_code == 200
    add(50)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/", HTTP_HOST=team_a.host).content.decode()

    assert "Leads this week 55 " in figures(page)
    assert len(many) == len(few)
