"""Settings: your profile, the company (admins change it), and the team list."""

import re

from django.conf import settings

from modules.accounts.models import User
from modules.tenancy.models import CompanyProfile


def company_of(team) -> CompanyProfile:
    return CompanyProfile.objects.get(tenant=team.tenant)


def company_form(**changes) -> dict:
    return {
        "legal_name": "Alpha Industries",
        "trade_name": "Alpha Industries",
        "tax_id": "",
        "country": "US",
        "state": "",
        "city": "",
        "address": "",
        "postal_code": "",
        "default_currency": "USD",
        "timezone": "America/New_York",
        "language": "en",
        "pix_key": "",
        "tax_regime": "",
        **changes,
    }


# --- Profile -----------------------------------------------------------------------------------


def test_it_shows_the_users_profile(client, team_a):
    client.force_login(team_a.user)

    response = client.get("/settings/profile/", HTTP_HOST=team_a.host)

    assert response.status_code == 200
    assert response.context["form"].initial == {"name": "Alpha Industries User", "language": "en"}


def test_it_saves_name_and_language_and_switches_the_language_at_once(client, team_a):
    client.force_login(team_a.user)

    response = client.post(
        "/settings/profile/", {"name": "Ana Alpha", "language": "pt-br"}, HTTP_HOST=team_a.host
    )

    assert response.status_code == 302
    assert response.cookies["django_language"].value == "pt-br"
    user = User.objects.get(pk=team_a.user.pk)
    assert (user.name, user.language) == ("Ana Alpha", "pt-br")
    assert '<html lang="pt-br"' in client.get("/settings/profile/", HTTP_HOST=team_a.host).content.decode()


def selected_language(page: str) -> str:
    """The language the profile form's field shows, as a browser would submit it."""
    field = re.search(r'<select name="language" id="id_language"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.search(r'<option value="([^"]+)" selected>', field).group(1)


def test_saving_a_name_keeps_the_language_picked_in_the_switcher(client, team_a):
    """The profile says English (the default); the user reads Portuguese, chosen in the switcher.
    Saving a new name must not turn the interface back to English."""
    client.force_login(team_a.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "pt-br"

    page = client.get("/settings/profile/", HTTP_HOST=team_a.host).content.decode()
    assert selected_language(page) == "pt-br"

    response = client.post(
        "/settings/profile/", {"name": "Ana Alpha", "language": selected_language(page)}, HTTP_HOST=team_a.host
    )

    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "pt-br"
    page = client.get(response["Location"], HTTP_HOST=team_a.host).content.decode()
    assert '<html lang="pt-br"' in page
    assert "Seu perfil foi salvo." in page
    # What the form showed, and the user saved, is now the profile's language too.
    user = User.objects.get(pk=team_a.user.pk)
    assert (user.name, user.language) == ("Ana Alpha", "pt-br")


def test_saving_without_changing_the_language_leaves_the_cookie_alone(client, team_a):
    client.force_login(team_a.user)

    response = client.post("/settings/profile/", {"name": "Ana Alpha", "language": "en"}, HTTP_HOST=team_a.host)

    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert User.objects.get(pk=team_a.user.pk).name == "Ana Alpha"


def test_it_refuses_an_unknown_language(client, team_a):
    client.force_login(team_a.user)

    response = client.post("/settings/profile/", {"name": "Ana", "language": "fr"}, HTTP_HOST=team_a.host)

    assert response.status_code == 422
    assert User.objects.get(pk=team_a.user.pk).language == "en"


# --- Company -----------------------------------------------------------------------------------


def test_it_lets_an_admin_change_the_company(client, team_a):
    client.force_login(team_a.admin)

    response = client.post(
        "/settings/",
        company_form(country="BR", tax_id="11222333000181", city="São Paulo", default_currency="BRL"),
        HTTP_HOST=team_a.host,
    )

    assert response.status_code == 302
    company = company_of(team_a)
    assert (company.country, company.tax_id, company.city, company.default_currency) == (
        "BR",
        "11.222.333/0001-81",
        "São Paulo",
        "BRL",
    )


def test_it_shows_the_services_tax_id_error_beside_the_field(client, team_a):
    client.force_login(team_a.admin)

    response = client.post(
        "/settings/", company_form(country="BR", tax_id="11222333000100"), HTTP_HOST=team_a.host
    )

    assert response.status_code == 422
    assert response.context["form"].errors == {"tax_id": ["Enter a valid CNPJ or CPF."]}
    assert (company_of(team_a).country, company_of(team_a).tax_id) == ("US", "")


def test_time_zones_are_named_in_the_readers_language_by_country_and_city(client, team_a):
    client.force_login(team_a.admin)
    CompanyProfile.objects.filter(tenant=team_a.tenant).update(timezone="America/Sao_Paulo")

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "pt-br"
    page = client.get("/settings/", HTTP_HOST=team_a.host).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    spanish = client.get("/settings/", HTTP_HOST=team_a.host).content.decode()

    assert '<option value="America/Sao_Paulo" selected>Horário Brasil (São Paulo)</option>' in page
    assert '<option value="America/Mexico_City">hora de México (Ciudad de México)</option>' in spanish
    assert 'value="Brazil/East"' not in page  # an old alias of São Paulo: one entry per place


def test_a_time_zone_saved_under_an_old_alias_is_still_offered_and_kept(client, team_a):
    client.force_login(team_a.admin)
    CompanyProfile.objects.filter(tenant=team_a.tenant).update(timezone="US/Central")

    page = client.get("/settings/", HTTP_HOST=team_a.host).content.decode()
    response = client.post("/settings/", company_form(timezone="US/Central"), HTTP_HOST=team_a.host)

    assert '<option value="US/Central" selected>' in page
    assert response.status_code == 302
    assert company_of(team_a).timezone == "US/Central"


def test_it_refuses_an_unknown_time_zone(client, team_a):
    client.force_login(team_a.admin)

    response = client.post("/settings/", company_form(timezone="Mars/Olympus"), HTTP_HOST=team_a.host)

    assert response.status_code == 422
    assert company_of(team_a).timezone == "America/New_York"


def test_it_answers_an_htmx_save_with_the_form_alone(client, team_a):
    client.force_login(team_a.admin)

    response = client.post(
        "/settings/", company_form(city="Austin"), HTTP_HOST=team_a.host, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<form id="company-form"')
    assert company_of(team_a).city == "Austin"
    # Beside the button that was pressed, at the foot of a long form: not at its top, off screen.
    saved = '<span class="message message-success" role="status">Company settings saved.</span>'
    assert page.count("Company settings saved.") == 1
    assert page.index('<button type="submit" id="company-save">Save changes</button>') < page.index(saved)
    assert page.index(saved) > page.rindex("</label>")


def test_it_answers_an_htmx_save_with_errors_as_422(client, team_a):
    client.force_login(team_a.admin)

    response = client.post(
        "/settings/", company_form(country="MX", tax_id="nope"), HTTP_HOST=team_a.host, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 422
    assert "Enter a valid RFC." in response.content.decode()


def test_it_shows_the_company_read_only_to_other_members(client, team_a):
    client.force_login(team_a.manager)

    response = client.get("/settings/", HTTP_HOST=team_a.host)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Only admins can change the company settings." in page
    assert all(field.disabled for field in response.context["form"].fields.values())
    assert "Save changes" not in page


def test_it_refuses_company_changes_from_a_non_admin(client, team_a):
    client.force_login(team_a.manager)

    response = client.post("/settings/", company_form(city="Austin"), HTTP_HOST=team_a.host)

    assert response.status_code == 403
    assert company_of(team_a).city == ""


# --- Team --------------------------------------------------------------------------------------


def test_it_lists_the_tenants_team_to_a_manager(client, team_a, team_b):
    client.force_login(team_a.manager)

    response = client.get("/settings/team/", HTTP_HOST=team_a.host)

    assert response.status_code == 200
    page = response.content.decode()
    assert [row.record.email for row in response.context["table"].rows] == [
        "admin@alpha.example.com",
        "manager@alpha.example.com",
        "user@alpha.example.com",
    ]
    assert team_b.admin.email not in page


def test_it_hides_the_team_from_a_plain_user(client, team_a):
    client.force_login(team_a.user)

    response = client.get("/settings/team/", HTTP_HOST=team_a.host)

    assert response.status_code == 403
    assert "Only admins and managers can see the team." in response.content.decode()


# --- The company's country -----------------------------------------------------------------------


def in_country(team, country: str) -> None:
    CompanyProfile.objects.filter(tenant=team.tenant).update(country=country)


def test_a_brazilian_company_is_asked_for_pix_and_brazils_tax_regimes(client, team_a):
    client.force_login(team_a.admin)
    in_country(team_a, "BR")

    page = client.get("/settings/", HTTP_HOST=team_a.host).content.decode()

    assert 'name="pix_key"' in page
    assert '<option value="simples_nacional">Simples Nacional</option>' in page
    assert '<option value="normal">Regime Normal (Lucro Presumido / Lucro Real)</option>' in page
    assert 'value="626"' not in page


def test_a_mexican_company_is_offered_the_sat_regimes_and_no_pix(client, team_a):
    client.force_login(team_a.admin)
    in_country(team_a, "MX")

    page = client.get("/settings/", HTTP_HOST=team_a.host).content.decode()

    assert '<option value="626">626 · Régimen Simplificado de Confianza</option>' in page
    assert '<option value="601">601 · General de Ley Personas Morales</option>' in page
    assert 'name="pix_key"' not in page
    assert "Simples Nacional" not in page


def test_an_american_company_sees_no_pix_and_writes_its_tax_regime_freely(client, team_a):
    client.force_login(team_a.admin)

    page = client.get("/settings/", HTTP_HOST=team_a.host).content.decode()

    assert 'name="pix_key"' not in page
    assert '<input type="text" name="tax_regime"' in page
    assert 'name="state_registration"' not in page


def test_choosing_another_country_redraws_the_form_for_it_and_offers_its_currency_and_time_zone(client, team_a):
    client.force_login(team_a.admin)

    response = client.post(
        "/settings/", company_form(country="BR", city="Curitiba"), HTTP_HOST=team_a.host,
        HTTP_HX_REQUEST="true", HTTP_HX_TRIGGER_NAME="country",
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<form id="company-form"')
    assert re.search(
        r'<input type="checkbox" name="follow_country" id="id_follow_country" checked>\s*'
        r"Also switch currency to BRL and time zone to Brazil \(São Paulo\) Time",
        page,
    )
    assert 'name="pix_key"' in page and 'value="Curitiba"' in page  # as typed, not saved yet
    assert (company_of(team_a).country, company_of(team_a).city) == ("US", "")


def test_saving_the_country_with_the_offer_ticked_switches_currency_and_time_zone(client, team_a):
    client.force_login(team_a.admin)

    response = client.post("/settings/", company_form(country="BR", follow_country="on"), HTTP_HOST=team_a.host)

    assert response.status_code == 302
    company = company_of(team_a)
    assert (company.country, company.default_currency, company.timezone) == ("BR", "BRL", "America/Sao_Paulo")


def test_saving_the_country_with_the_offer_unticked_keeps_currency_and_time_zone(client, team_a):
    client.force_login(team_a.admin)

    response = client.post("/settings/", company_form(country="BR"), HTTP_HOST=team_a.host)

    assert response.status_code == 302
    company = company_of(team_a)
    assert (company.country, company.default_currency, company.timezone) == ("BR", "USD", "America/New_York")


def test_a_tax_regime_of_another_country_is_refused_on_the_page(client, team_a):
    client.force_login(team_a.admin)
    in_country(team_a, "BR")

    response = client.post("/settings/", company_form(country="BR", tax_regime="626"), HTTP_HOST=team_a.host)

    assert response.status_code == 422
    assert list(response.context["form"].errors) == ["tax_regime"]
    assert company_of(team_a).tax_regime == ""
