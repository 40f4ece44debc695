"""Tax regimes written as free text before they were codes (migration tenancy 0002)."""

import importlib

import pytest
from django.apps import apps

from modules.tenancy.models import CompanyProfile

migration = importlib.import_module("modules.tenancy.migrations.0004_tax_regime_codes")


@pytest.mark.parametrize(("country", "written", "code"), [
    ("BR", "Simples Nacional", "simples_nacional"),
    ("BR", "  lucro   PRESUMIDO ", "lucro_presumido"),
    ("BR", "Microempreendedor Individual", "mei"),
    ("MX", "626 - Régimen Simplificado de Confianza", "626"),
    ("MX", "Persona moral", "Persona moral"),  # not one of them: left for a person to choose
    ("US", "LLC taxed as S corporation", "LLC taxed as S corporation"),
])
def test_a_regime_written_as_one_of_the_countrys_becomes_its_code(team_a, country, written, code):
    CompanyProfile.objects.filter(tenant=team_a.tenant).update(country=country, tax_regime=written)

    migration.tax_regimes_to_codes(apps, None)

    assert CompanyProfile.objects.get(tenant=team_a.tenant).tax_regime == code
