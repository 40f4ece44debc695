"""A Brazilian types money the way Brazil writes it, in a Chromium set to pt-BR: "12.500,00" is
twelve thousand five hundred reais, not 12.5 (a browser number field's reading), and the page
shows it back as "R$ 12.500,00".

The server (tests/e2e/conftest.py) commits what this module makes; it is removed when it ends."""

import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from modules.accounts.models import Role
from modules.crm.models import Contact, Deal
from modules.events.models import Event
from modules.tenancy.models import CompanyProfile
from tests.conftest import PASSWORD
from tests.e2e.conftest import chromium, user_who_signs_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def brazil(django_db_setup, django_db_blocker):
    """Alpha's company moved to Brazil for the module, a teammate who reads Portuguese, a contact."""
    team = django_db_setup["alpha"]
    tag = uuid.uuid4().hex[:6]
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        profile = CompanyProfile.objects.get(tenant=team.tenant)
        country = profile.country
        profile.country = "BR"
        profile.save()
        user = user_who_signs_in(
            f"bia.{tag}@alpha.example.com", name="Bia Reais", tenant=team.tenant, role=Role.USER, language="pt-br"
        )
        with tenant_context(team.tenant):
            contact = Contact.objects.create(name=f"Cliente {tag}", email=f"cliente.{tag}@example.com.br")
        connection.set_schema_to_public()
    yield {"host": team.host, "tenant": team.tenant, "user": user, "contact": contact}
    with django_db_blocker.unblock():
        with tenant_context(team.tenant):
            ids = list(Deal.objects.filter(contact=contact).values_list("pk", flat=True))
            Event.objects.filter(name__startswith="deal.", payload__id__in=ids).delete()
            Deal.objects.filter(pk__in=ids).delete()
            Event.objects.filter(payload__id=contact.pk).delete()
            contact.delete()
        connection.set_schema_to_public()
        user.delete()
        profile.country = country
        profile.save()


def sign_in_any_language(page, base: str, user) -> None:
    """The sign-in form in whatever language the browser asks for; the user's own applies after."""
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"{base}/")


def saved_value(brazil, deal_id: int) -> Decimal:
    with tenant_context(brazil["tenant"]):
        value = Deal.objects.get(pk=deal_id).value
    connection.set_schema_to_public()
    return value


@pytest.mark.django_db
def test_a_brazilian_amount_is_saved_as_typed_and_shown_in_reais(server, brazil):
    base = f"http://{brazil['host']}:{server}"
    with chromium() as browser:
        page = browser.new_page(locale="pt-BR")
        sign_in_any_language(page, base, brazil["user"])
        page.goto(f"{base}/crm/deals/new/?contact={brazil['contact'].pk}")
        page.get_by_label("Título").fill("Implantação do ERP")
        value = page.get_by_label("Valor")
        assert value.get_attribute("inputmode") == "decimal"
        value.fill("12.500,00")
        page.get_by_label("Moeda").select_option("BRL")
        page.get_by_role("button", name="Criar negócio").click()
        page.wait_for_url(f"{base}/crm/deals/*/")
        deal_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
        shown = page.locator(".facts").inner_text()
        page.get_by_role("button", name="Editar negócio").click()
        edit_value = page.locator("#deal-panel input[name=value]")
        written_back = edit_value.input_value()
        edit_value.fill("12500,50")
        page.locator("#deal-panel").get_by_role("button", name="Salvar").click()
        page.locator(".facts", has_text="R$ 12.500,50").wait_for()
        page.close()
    first = saved_value(brazil, deal_id)

    assert "R$ 12.500,00" in shown
    assert written_back == "12.500,00"
    assert first == Decimal("12500.50")


@pytest.mark.django_db
def test_a_us_styled_amount_in_portuguese_is_refused_in_portuguese(server, brazil):
    base = f"http://{brazil['host']}:{server}"
    with chromium() as browser:
        page = browser.new_page(locale="pt-BR")
        sign_in_any_language(page, base, brazil["user"])
        page.goto(f"{base}/crm/deals/new/?contact={brazil['contact'].pk}")
        page.get_by_label("Título").fill("Valor em formato americano")
        page.get_by_label("Valor").fill("12500.50")
        page.get_by_role("button", name="Criar negócio").click()
        error = page.locator(".field-error", has_text="Informe um número como 12.500,50.")
        error.wait_for()
        page.close()


@pytest.mark.django_db
def test_the_file_picker_speaks_portuguese_and_takes_the_keyboard(server, brazil, tmp_path):
    """Chromium's own file input says "Choose file" in the browser's language; ours says it in the
    page's, and the hidden input still takes the focus from the keyboard."""
    csv = tmp_path / "leads.csv"
    csv.write_text("name,email\nAna,ana@example.com\n")
    base = f"http://{brazil['host']}:{server}"
    with chromium() as browser:
        page = browser.new_page(locale="en-US")
        sign_in_any_language(page, base, brazil["user"])
        page.goto(f"{base}/crm/leads/")
        page.get_by_role("button", name="Importar CSV").click()
        picker = page.locator("#import-form .file-picker")
        before = picker.inner_text()
        page.locator("#import-form button[type=submit]").focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.type")
        page.get_by_label("Arquivo CSV").set_input_files(str(csv))
        after = picker.inner_text()
        page.close()

    assert before.split() == ["Escolher", "arquivo", "Nenhum", "arquivo", "escolhido"]
    assert focused == "file"
    assert "leads.csv" in after
