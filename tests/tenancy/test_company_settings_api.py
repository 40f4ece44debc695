"""/api/v1/settings/company/: each tenant's legal, fiscal and payment identity."""

import io
import time
from urllib.parse import urlsplit

import pytest
from PIL import Image

from modules.tenancy.models import CompanyProfile

URL = "/api/v1/settings/company/"


def profile(team):
    return CompanyProfile.objects.get(tenant=team.tenant)


def test_every_member_reads_their_own_company(api, team_a):
    response = api(user=team_a.user).get(URL)

    assert response.status_code == 200
    assert response.json()["legal_name"] == "Alpha Industries"
    assert set(response.json()) >= {
        "legal_name", "trade_name", "tax_id", "country", "state", "city", "address", "postal_code",
        "default_currency", "timezone", "language", "pix_key", "tax_regime", "logo",
    }


def test_an_admin_sets_a_brazilian_company_with_a_valid_cnpj(api, team_a):
    response = api(user=team_a.admin).patch(URL, {
        "country": "BR", "tax_id": "11222333000181", "default_currency": "BRL", "timezone": "America/Sao_Paulo",
        "state": "SP", "city": "São Paulo", "pix_key": "financeiro@alpha.com.br", "tax_regime": "simples_nacional",
    })

    assert response.status_code == 200
    assert response.json()["tax_id"] == "11.222.333/0001-81"
    assert profile(team_a).default_currency == "BRL"


@pytest.mark.parametrize("country, tax_id, formatted", [
    ("BR", "529.982.247-25", "529.982.247-25"),
    ("MX", "GODE561231GR8", "GODE 561231 GR8"),
    ("US", "043456789", "04-3456789"),
])
def test_tax_ids_are_checked_for_their_country(api, team_a, country, tax_id, formatted):
    response = api(user=team_a.admin).patch(URL, {"country": country, "tax_id": tax_id})

    assert response.status_code == 200
    assert response.json()["tax_id"] == formatted


@pytest.mark.parametrize("country, tax_id, message", [
    ("BR", "11222333000182", "Enter a valid CNPJ or CPF."),
    ("MX", "GODE561231GR9", "Enter a valid RFC."),
    ("US", "00-0000000", "Enter a valid EIN (00-0000000)."),
])
def test_a_wrong_check_digit_is_refused_and_nothing_changes(api, team_a, country, tax_id, message):
    response = api(user=team_a.admin).patch(URL, {"country": country, "tax_id": tax_id, "city": "Changed"})

    assert response.status_code == 400
    assert response.json() == {"tax_id": [message]}
    assert profile(team_a).city == ""


def test_changing_country_rechecks_the_existing_tax_id(api, team_a):
    client = api(user=team_a.admin)
    client.patch(URL, {"country": "BR", "tax_id": "11222333000181"})

    response = client.patch(URL, {"country": "MX"})

    assert response.status_code == 400
    assert profile(team_a).country == "BR"


def test_unknown_currency_and_time_zone_are_refused(api, team_a):
    response = api(user=team_a.admin).patch(URL, {"default_currency": "EUR", "timezone": "Mars/Olympus"})

    assert response.status_code == 400
    assert set(response.json()) == {"default_currency", "timezone"}


def test_only_admins_may_change_it(api, team_a):
    for member in (team_a.manager, team_a.user):
        response = api(user=member).patch(URL, {"legal_name": "Hijacked"})
        assert response.status_code == 403
    assert profile(team_a).legal_name == "Alpha Industries"


def test_each_tenant_sees_and_changes_only_its_own(api, team_a, team_b):
    api(user=team_b.admin).patch(URL, {"legal_name": "Beta Trading Ltda"})

    assert api(user=team_a.admin).get(URL).json()["legal_name"] == "Alpha Industries"
    assert api(host=team_b.host, user=team_a.admin).patch(URL, {"legal_name": "X"}).status_code == 401
    assert profile(team_b).legal_name == "Beta Trading Ltda"


def _png() -> io.BytesIO:
    image = io.BytesIO()
    Image.new("RGB", (8, 8), "navy").save(image, "PNG")
    image.name = "logo.png"
    image.seek(0)
    return image


@pytest.fixture
def uploaded_logo(api, team_a, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    response = api(user=team_a.admin).patch(URL, {"logo": _png()}, format="multipart")
    assert response.status_code == 200
    return response.json()["logo"]


def test_a_logo_is_stored_under_the_tenants_id_in_a_folder_of_its_own(team_a, uploaded_logo, tmp_path):
    stored = [path.relative_to(tmp_path).parts for path in tmp_path.rglob("*.png")]

    assert len(stored) == 1
    tenants, tenant_id, kind, folder, name = stored[0]
    assert (tenants, tenant_id, kind, name) == ("tenants", str(team_a.tenant.pk), "logo", "logo.png")
    assert len(folder) == 32


def test_the_logo_link_opens_on_its_workspace_only(api, team_a, team_b, uploaded_logo):
    path = urlsplit(uploaded_logo).path

    own = api(host=team_a.host).get(path)
    other = api(host=team_b.host).get(path)

    assert urlsplit(uploaded_logo).netloc.startswith(team_a.host)
    assert own.status_code == 200 and own["Content-Type"] == "image/png"
    assert b"".join(own.streaming_content).startswith(b"\x89PNG")
    assert other.status_code == 404


def test_a_tampered_or_expired_logo_link_opens_nothing(api, team_a, uploaded_logo, settings):
    path = urlsplit(uploaded_logo).path

    tampered = api(host=team_a.host).get(path.replace("/files/", "/files/x"))
    time.sleep(1.1)
    settings.INNEXAR_FILE_LINK_SECONDS = 1
    expired = api(host=team_a.host).get(path)

    assert (tampered.status_code, expired.status_code) == (404, 404)


def test_stored_files_are_not_served_under_media_on_any_host(api, team_a, uploaded_logo, tmp_path):
    stored = next(tmp_path.rglob("*.png")).relative_to(tmp_path)

    for host in (team_a.host, "localhost"):
        assert api(host=host).get(f"/media/{stored}").status_code == 404


def test_a_non_image_logo_is_refused(api, team_a, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    fake = io.BytesIO(b"not an image")
    fake.name = "logo.png"

    response = api(user=team_a.admin).patch(URL, {"logo": fake}, format="multipart")

    assert response.status_code == 400
    assert list(response.json()) == ["logo"]




# --- The country decides the defaults and what applies ----------------------------------------


def test_a_new_country_brings_its_currency_and_time_zone(api, team_a):
    response = api(user=team_a.admin).patch(URL, {"country": "BR"})

    assert response.status_code == 200
    assert (response.json()["default_currency"], response.json()["timezone"]) == ("BRL", "America/Sao_Paulo")


def test_a_currency_or_time_zone_sent_with_the_country_is_kept(api, team_a):
    response = api(user=team_a.admin).patch(URL, {"country": "MX", "default_currency": "USD"})

    assert (response.json()["default_currency"], response.json()["timezone"]) == ("USD", "America/Mexico_City")


def test_the_same_country_again_leaves_currency_and_time_zone_alone(api, team_a):
    CompanyProfile.objects.filter(tenant=team_a.tenant).update(timezone="America/Chicago")

    api(user=team_a.admin).patch(URL, {"country": "US"})

    assert profile(team_a).timezone == "America/Chicago"


@pytest.mark.parametrize(("country", "regime"), [
    ("BR", "normal"), ("BR", "simples_nacional_excess"), ("MX", "626"), ("MX", "601"), ("US", "S corporation"),
])
def test_a_tax_regime_of_the_companys_country_is_taken(api, team_a, country, regime):
    response = api(user=team_a.admin).patch(URL, {"country": country, "tax_regime": regime})

    assert response.status_code == 200
    assert profile(team_a).tax_regime == regime


@pytest.mark.parametrize(("country", "regime", "name"), [
    ("BR", "601", "Brasil"), ("BR", "lucro_presumido", "Brasil"), ("MX", "simples_nacional", "México"),
])
def test_a_tax_regime_of_another_country_is_refused_and_nothing_changes(api, team_a, country, regime, name):
    response = api(user=team_a.admin, language="pt-BR").patch(
        URL, {"country": country, "tax_regime": regime, "city": "Changed"}
    )

    assert response.status_code == 400
    assert response.json() == {"tax_regime": [f"Não é um regime tributário do país da empresa ({name})."]}
    assert (profile(team_a).country, profile(team_a).city) == ("US", "")


@pytest.mark.parametrize("country", ["US", "MX"])
def test_a_pix_key_is_for_brazilian_companies_only(api, team_a, country):
    response = api(user=team_a.admin).patch(URL, {"country": country, "pix_key": "financeiro@alpha.com"})

    assert response.status_code == 400
    assert response.json() == {"pix_key": ["A PIX key applies only to Brazilian companies."]}


def test_leaving_brazil_for_the_us_drops_its_regime_code_too(api, team_a):
    client = api(user=team_a.admin)
    client.patch(URL, {"country": "BR", "tax_regime": "mei"})

    response = client.patch(URL, {"country": "US"})

    assert response.json()["tax_regime"] == ""


def test_leaving_brazil_drops_its_tax_regime_and_pix_key(api, team_a):
    client = api(user=team_a.admin)
    client.patch(URL, {"country": "BR", "tax_regime": "simples_nacional", "pix_key": "financeiro@alpha.com.br"})

    response = client.patch(URL, {"country": "MX"})

    assert response.status_code == 200
    assert (response.json()["tax_regime"], response.json()["pix_key"]) == ("", "")
