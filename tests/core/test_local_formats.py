"""Numbers, money, dates and times are written for the reader's language together with their
company's country: es in a Mexican company reads "$12,500.50", not Spain's "12.500,50 MXN"."""

from datetime import datetime, time
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from modules.core.money import country_override, format_locale, format_money, money_formatter
from modules.tenancy.models import CompanyProfile


@pytest.mark.parametrize("language, country, locale", [
    ("en", "US", "en_US"),
    ("es", "MX", "es_MX"),
    ("es", "US", "es_US"),
    ("es", "BR", "es_BR"),
    ("es", None, "es_419"),
    ("pt-br", "BR", "pt_BR"),
    ("pt-br", "MX", "pt_BR"),
    ("en", "BR", "en_US"),
    ("en", None, "en_US"),
])
def test_the_locale_is_the_language_with_the_companys_country(language, country, locale):
    assert format_locale(language, country) == locale
    with country_override(country):
        assert format_locale(language) == locale


@pytest.mark.parametrize("language, country, currency, text", [
    ("es", "MX", "MXN", "$12,500.50"),
    ("es", "MX", "USD", "USD 12,500.50"),
    ("es", "US", "USD", "$12,500.50"),
    ("es", None, "USD", "USD 12,500.50"),
    ("pt-br", "BR", "BRL", "R$ 12.500,50"),
    ("pt-br", "MX", "MXN", "MX$ 12.500,50"),
    ("en", "US", "USD", "$12,500.50"),
])
def test_money_follows_the_language_and_the_country(language, country, currency, text):
    with translation.override(language), country_override(country):
        assert format_money(Decimal("12500.50"), currency) == text
        assert money_formatter(currency)(Decimal("12500.50")) == text


def render(source: str, language: str, country: str | None, **context) -> str:
    with translation.override(language), country_override(country):
        return Template(source).render(Context(context))


def test_english_times_read_am_and_pm():
    assert render("{{ t|time }}", "en", "US", t=time(3, 20)) == "3:20 AM"
    assert render('{{ d|date:"SHORT_DATETIME_FORMAT" }}', "en", "US", d=datetime(2026, 12, 19, 15, 20)) == (
        "12/19/2026 3:20 PM"
    )


def test_portuguese_months_are_lower_case():
    assert render("{{ d|date }}", "pt-br", "BR", d=datetime(2026, 12, 19)) == "19 de dezembro de 2026"


def test_template_numbers_follow_the_country_too():
    source = "{{ n|floatformat:2 }}"
    assert render(source, "es", "MX", n=Decimal("-1234.5")) == "-1234.50"
    assert render(source, "pt-br", "BR", n=Decimal("-1234.5")) == "-1234,50"
    assert render('{{ n|floatformat:"2g" }}', "es", "MX", n=Decimal("12500.5")) == "12,500.50"
    assert render('{{ n|floatformat:"2g" }}', "pt-br", "BR", n=Decimal("12500.5")) == "12.500,50"


def _set_country(team, country: str) -> None:
    profile = CompanyProfile.objects.get(tenant=team.tenant)
    profile.country = country
    profile.save()


@pytest.mark.django_db
def test_the_api_formats_each_workspaces_money_for_its_own_country(api, team_a, team_b):
    """The same reader language, two companies: each deal's value_formatted follows its own
    company's country, never the other tenant's."""
    from tests.crm.conftest import Crm

    _set_country(team_a, "MX")
    _set_country(team_b, "US")
    deal_a = Crm(team_a).deal(value="12500.50", currency="MXN")
    deal_b = Crm(team_b).deal(value="12500.50", currency="MXN")

    in_a = api(host=team_a.host, user=team_a.admin, language="es").get(f"/api/v1/crm/deals/{deal_a.pk}/")
    in_b = api(host=team_b.host, user=team_b.admin, language="es").get(f"/api/v1/crm/deals/{deal_b.pk}/")

    assert in_a.json()["value_formatted"] == "$12,500.50"
    assert in_b.json()["value_formatted"] == "MXN 12,500.50"


@pytest.mark.django_db
def test_a_task_in_a_tenants_scope_writes_money_for_its_country(team_a):
    """Mails and documents written by a task (no request) format like the company's pages."""
    from modules.tenancy.scope import tenant_scope

    _set_country(team_a, "MX")
    with tenant_scope(team_a.tenant, language="es"):
        inside = format_money(Decimal("12500.50"), "MXN")
    with translation.override("es"):
        outside = format_money(Decimal("12500.50"), "MXN")

    assert inside == "$12,500.50"
    assert outside == "MXN 12,500.50"
