"""The statement page: a bank account's lines (or all of them) with filters and pages, importing
a statement through a worker with a progress bar and a summary, and the bank feed panel."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from modules.core.imports import _progress_key
from modules.core.models import ImportJob
from modules.finance.models import BankFeed
from tests.finance.statements_fixtures import *  # noqa: F403
from tests.finance.statements_fixtures import sample

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
PAGE = "/finance/statements/"


@pytest.fixture
def import_on_the_page(django_capture_on_commit_callbacks, team_a):
    """Post a statement on the page, let the worker import it (at commit: in-process here), and
    answer what the page's poll of the job then shows."""

    def post(client, bank_account, name="itau_sgml_closed.ofx"):
        upload = SimpleUploadedFile(name, sample(name))
        with django_capture_on_commit_callbacks(execute=True):
            started = client.post(f"{PAGE}import/", {"bank_account": bank_account.pk, "file": upload}, **HTMX)
        if started.status_code != 200:
            return started
        with tenant_context(team_a.tenant):
            job = ImportJob.objects.latest("pk")
        return client.get(f"{PAGE}import/{job.pk}/", **HTMX)

    return post


def test_the_page_lists_every_accounts_lines_newest_first(pages_as, import_on_the_page, team_a, account_a):
    member = pages_as(team_a.user)
    import_on_the_page(member, account_a)

    page = member.get(PAGE).content.decode()

    assert "Bank statements" in page and "3 lines" in page
    assert page.index("TARIFA MENSAL PACOTE SERVIÇOS") < page.index("TED RECEBIDA ACME LTDA")
    assert '<span class="amount-debit">-R$35.00</span>' in page
    assert '<span class="amount-credit">R$5,000.00</span>' in page


def test_the_filters_answer_the_results_alone(pages_as, import_on_the_page, team_a, account_a):
    member = pages_as(team_a.user)
    import_on_the_page(member, account_a)

    results = member.get(PAGE, {"search": "eletrica", "bank_account_id": account_a.pk}, **HTMX).content.decode()

    assert results.lstrip().startswith('<div id="statement-results"')
    assert "PAGTO BOLETO ENERGIA ELÉTRICA" in results and "TARIFA" not in results


def test_a_filter_it_cannot_read_is_said_on_the_page(pages_as, team_a, account_a):
    response = pages_as(team_a.user).get(PAGE, {"date_after": "2024-13-45"})

    assert response.status_code == 422
    assert "Enter a valid date." in response.content.decode()


def test_an_import_shows_its_summary_and_reloads_the_list(pages_as, import_on_the_page, team_a, account_a):
    member = pages_as(team_a.user)

    first = import_on_the_page(member, account_a)
    again = import_on_the_page(member, account_a)

    assert first["HX-Trigger"] == "statement-lines-changed"
    assert "3 lines imported." in first.content.decode()
    assert "0 lines imported. 3 lines were already there and were skipped." in " ".join(again.content.decode().split())


def test_a_refused_file_says_why_and_imports_nothing(pages_as, import_on_the_page, team_a, books_a, account_a):
    response = import_on_the_page(pages_as(team_a.user), account_a, "broken.ofx")

    assert response.status_code == 422
    assert ("Nothing was imported. Fix these lines and import the file again.<br>"
            "Line 16: “12.3.4” (TRNAMT): it is not a number.<br>") in response.content.decode()
    assert books_a.count() == 0


def test_a_queued_import_shows_a_progress_bar_that_polls(pages_as, team_a, account_a):
    with tenant_context(team_a.tenant):
        job = ImportJob.objects.create(kind="finance.statements", file_name="march.ofx", content=b"x",
                                       created_by=team_a.user)
        cache.set(_progress_key(job.pk), 50)

    page = pages_as(team_a.user).get(f"{PAGE}import/{job.pk}/", **HTMX).content.decode()

    assert f'hx-get="{PAGE}import/{job.pk}/" hx-trigger="every 1s"' in page
    assert '<progress value="50" max="100"' in page
    assert "Importing march.ofx…" in page


def test_one_accounts_page_shows_its_feed_panel(pages_as, team_a, account_a):
    as_manager = pages_as(team_a.manager).get(PAGE, {"bank_account_id": account_a.pk}).content.decode()
    as_member = pages_as(team_a.user).get(PAGE, {"bank_account_id": account_a.pk}).content.decode()

    assert "Statement of Conta Corrente Itaú" in as_manager
    assert "Not connected: import statement files" in as_manager and "Connect the sandbox bank" in as_manager
    assert "Not connected: import statement files" in as_member and "Connect the sandbox bank" not in as_member


def test_a_manager_connects_the_sandbox_then_syncs_it(pages_as, team_a, books_a, account_a):
    manager = pages_as(team_a.manager)

    connected = manager.post(f"{PAGE}{account_a.pk}/feed/connect/", **HTMX).content.decode()
    synced = manager.post(f"{PAGE}{account_a.pk}/feed/sync/", **HTMX)

    assert "Connected to the sandbox bank. Sync it to bring its lines in." in connected
    assert synced["HX-Trigger"] == "statement-lines-changed"
    assert f"{books_a.count()} new lines." in synced.content.decode()
    assert "Last synced" in synced.content.decode()


def test_without_htmx_a_feed_action_goes_back_to_the_accounts_statement(pages_as, team_a, account_a):
    response = pages_as(team_a.manager).post(f"{PAGE}{account_a.pk}/feed/connect/")

    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}?bank_account_id={account_a.pk}"


def test_a_feed_that_needs_its_owner_says_so(pages_as, team_a, books_a, account_a):
    books_a.run(lambda: BankFeed.objects.create(
        bank_account=account_a, provider="plaid", access_token="access-x", error_code="ITEM_LOGIN_REQUIRED"
    ))

    page = pages_as(team_a.manager).get(PAGE, {"bank_account_id": account_a.pk}).content.decode()

    assert "The bank asks you to sign in again: reconnect the bank feed to keep its lines coming." in page
    assert "access-x" not in page


def test_disconnecting_from_the_page(pages_as, team_a, books_a, account_a):
    manager = pages_as(team_a.manager)
    manager.post(f"{PAGE}{account_a.pk}/feed/connect/", **HTMX)

    response = manager.post(f"{PAGE}{account_a.pk}/feed/disconnect/", **HTMX).content.decode()

    assert "The bank feed was disconnected. Its lines stay." in response
    assert books_a.run(lambda: BankFeed.objects.count()) == 0


def test_a_plain_member_cannot_connect_sync_or_disconnect(pages_as, team_a, books_a, account_a):
    member = pages_as(team_a.user)

    for action in ("connect", "sync", "disconnect"):
        assert member.post(f"{PAGE}{account_a.pk}/feed/{action}/", **HTMX).status_code == 403
    assert books_a.run(lambda: BankFeed.objects.count()) == 0


def test_the_page_speaks_the_readers_language(pages_as, team_a, account_a):
    member = pages_as(team_a.user)
    member.cookies["django_language"] = "pt-br"

    page = member.get(PAGE, {"bank_account_id": account_a.pk}).content.decode()

    assert "Extrato de Conta Corrente Itaú" in page
    assert "Importar um extrato" in page


def test_another_workspace_sees_nothing_of_it(client, team_b, books_a, account_a, pages_as, import_on_the_page,
                                              team_a):
    import_on_the_page(pages_as(team_a.user), account_a)
    with tenant_context(team_a.tenant):
        job_id = ImportJob.objects.get().pk
    client.force_login(team_b.admin)
    client.defaults["HTTP_HOST"] = team_b.host

    page = client.get(PAGE, {"bank_account_id": account_a.pk}).content.decode()

    assert "TED RECEBIDA" not in page and "Statement of" not in page
    assert client.post(f"{PAGE}{account_a.pk}/feed/connect/", **HTMX).status_code == 404
    assert client.get(f"{PAGE}import/{job_id}/").status_code == 404
    assert import_on_the_page(client, account_a).status_code == 422  # not one of beta's bank accounts
    assert books_a.count() == 3
