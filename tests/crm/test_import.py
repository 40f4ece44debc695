"""Importing leads from CSV: POST /api/v1/crm/leads/import/ and the leads_import service behind it."""

import threading
import time

import psycopg
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext
from django_tenants.utils import tenant_context

from modules.core.imports import MAX_FILE_BYTES, MAX_ROWS, import_lock_key
from modules.crm.imports import IMPORT_KIND, leads_import
from modules.crm.models import Lead
from modules.events.models import Event
from modules.tenancy.models import CompanyProfile
from tests.conftest import database_url

URL = "/api/v1/crm/leads/import/"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def upload(content: str | bytes, encoding: str = "utf-8", name: str = "leads.csv") -> SimpleUploadedFile:
    data = content if isinstance(content, bytes) else content.encode(encoding)
    return SimpleUploadedFile(name, data, content_type="text/csv")


def import_file(team, content: str | bytes, encoding: str = "utf-8"):
    with tenant_context(team.tenant):
        return leads_import(actor=team.admin, file=upload(content, encoding))


def leads_of(team) -> dict[str, Lead]:
    with tenant_context(team.tenant):
        return {lead.email: lead for lead in Lead.objects.order_by("id")}


def in_brazil(team) -> None:
    CompanyProfile.objects.filter(tenant=team.tenant).update(country="BR")


# --- Good rows in, bad rows reported -------------------------------------------------------------

MIXED = """name,email,phone,company,position,source,status,notes,tags,score
Ana Souza,Ana@Example.com,(415) 555-2671,Acme,CEO,website,new,Met at the fair,"vip, retail",
Bruno,not-an-email,,,,,,,,
Carla Dias,carla@example.com,+55 11 98765-4321,,,Referral,Qualified,,,85
,nameless@example.com,,,,,,,,
Diego,diego@example.com,12345,,,,,,,
Eva,ana@example.com,,,,,,,,
Fabio,fabio@example.com,,,,facebook,,,,
Gina,gina@example.com,,,,,,,,150
Hugo,hugo@example.com,,,,,converted,,,
"""


def test_it_imports_the_good_rows_and_reports_each_bad_one_by_its_line(admin_api, crm_a):
    response = admin_api.post(URL, {"file": upload(MIXED)}, format="multipart")

    assert response.status_code == 200
    assert response.json() == {
        "imported": 3,
        "errors": [
            {"row": 3, "error": "Email: Enter a valid email address."},
            {"row": 5, "error": "Name: This field cannot be blank."},
            {"row": 6, "error": "Phone: Enter a valid phone number, in international format (+5511987654321) "
                                "or your country's format."},
            {"row": 7, "error": "This email appears more than once in the file (first on row 2)."},
            {"row": 9, "error": "Score: Ensure this value is less than or equal to 100."},
            {"row": 10, "error": "A new lead cannot start as converted: create it, then convert it."},
        ],
        "warnings": [
            {"row": 8, "warning": "Source: “facebook” is not a source we know; the lead was imported as “Other”."},
        ],
    }
    leads = crm_a.query(lambda: list(Lead.objects.order_by("id").values(
        "name", "email", "phone", "company", "position", "source", "status", "notes", "tags", "score_is_manual",
    )))
    assert leads == [
        {"name": "Ana Souza", "email": "ana@example.com", "phone": "+14155552671", "company": "Acme",
         "position": "CEO", "source": "website", "status": "new", "notes": "Met at the fair",
         "tags": ["vip", "retail"], "score_is_manual": False},
        {"name": "Carla Dias", "email": "carla@example.com", "phone": "+5511987654321", "company": "",
         "position": "", "source": "referral", "status": "qualified", "notes": "", "tags": [],
         "score_is_manual": True},
        {"name": "Fabio", "email": "fabio@example.com", "phone": "", "company": "", "position": "",
         "source": "other", "status": "new", "notes": "", "tags": [], "score_is_manual": False},
    ]


def test_a_row_with_several_problems_names_them_all(team_a):
    report = import_file(team_a, "name,email,phone\n,bad,12345\n")

    assert report.imported == 0
    assert report.errors == [{"row": 2, "label": "bad", "error": (
        "Name: This field cannot be blank. Email: Enter a valid email address. Phone: Enter a valid phone number, "
        "in international format (+5511987654321) or your country's format."
    )}]


def test_errors_name_the_column_as_the_file_does(team_a):
    content = "Nome;E-mail;Situação;Pontuação;Origem\nAna;ana@example.com;talvez;;\nBia;bia@example.com;;150;\n"

    report = import_file(team_a, content)

    assert report.errors == [
        {"row": 2, "label": "Ana", "error": "Situação: Value 'talvez' is not a valid choice."},
        {"row": 3, "label": "Bia", "error": "Pontuação: Ensure this value is less than or equal to 100."},
    ]


def test_an_unknown_source_keeps_the_lead_as_other_with_a_warning_in_the_files_words(team_a):
    report = import_file(team_a, "Nome;E-mail;Origem\nJoão;joao@example.com;Instagram\n")

    assert (report.imported, report.errors) == (1, [])
    assert report.warnings == [{"row": 2, "label": "João", "warning": (
        "Origem: “Instagram” is not a source we know; the lead was imported as “Other”."
    )}]
    assert leads_of(team_a)["joao@example.com"].source == "other"


def test_the_rows_left_out_come_back_as_the_files_own_csv_with_the_reason(team_a):
    content = (
        "Nome;E-mail;Observações;Coluna nossa\r\n"
        "João;joao@empresa.com.br;ok;x\r\n"
        "Maria;sem-email;ligar às 14h\r\n"
        'Zé;ze@empresa.com.br;"linha; com ponto e vírgula";y;extra\r\n'
        "Maria Dup;JOAO@empresa.com.br;;\r\n"
    )

    report = import_file(team_a, content)

    assert report.rejected_csv.startswith(b"\xef\xbb\xbf")  # Excel reads the accents right
    assert report.rejected_csv.decode("utf-8-sig") == (
        "Nome;E-mail;Observações;Coluna nossa;Import error\r\n"
        "Maria;sem-email;ligar às 14h;;E-mail: Enter a valid email address.\r\n"
        "Maria Dup;JOAO@empresa.com.br;;;This email appears more than once in the file (first on row 2).\r\n"
    )


def test_the_rows_left_out_fixed_in_their_csv_import_the_second_time(team_a):
    report = import_file(team_a, "name,email,company\nAna,ana@example.com,Acme\nBruno,bruno(at)lima.com,Lima\n")

    fixed = report.rejected_csv.decode("utf-8-sig").replace("bruno(at)lima.com", "bruno@lima.com")
    again = import_file(team_a, fixed.encode("utf-8-sig"))

    assert (again.imported, again.errors, again.rejected_csv) == (1, [], b"")
    assert leads_of(team_a)["bruno@lima.com"].company == "Lima"


def test_imported_leads_are_scored_as_lead_create_scores_them(crm_a, team_a):
    created = crm_a.lead(name="Ana", email="ana@acme.com", company="Acme", position="Director", source="referral")

    report = import_file(team_a, "name,email,company,position,source\nBia,bia@acme.com,Acme,Director,referral\n")

    assert report.imported == 1
    imported = leads_of(team_a)["bia@acme.com"]
    assert (imported.score, imported.score_is_manual) == (created.score, False)
    assert imported.score > 0


def test_a_score_in_the_file_is_kept_as_set_by_hand(team_a):
    import_file(team_a, "name,email,score\nAna,ana@example.com,85\n")

    lead = leads_of(team_a)["ana@example.com"]
    assert (lead.score, lead.score_is_manual) == (85, True)


def test_a_lead_without_source_or_status_gets_lead_creates_defaults(team_a):
    import_file(team_a, "name,email,source,status\nAna,ana@example.com,,\n")

    lead = leads_of(team_a)["ana@example.com"]
    assert (lead.source, lead.status, lead.phone, lead.tags) == ("other", "new", "", [])


def test_tags_may_be_separated_by_commas_semicolons_or_bars(team_a):
    import_file(team_a, 'name,email,tags\nAna,ana@example.com,"vip, retail|VIP; wholesale"\n')

    assert leads_of(team_a)["ana@example.com"].tags == ["vip", "retail", "wholesale"]


def test_a_lead_imported_as_lost_is_closed(team_a):
    import_file(team_a, "name,email,status\nAna,ana@example.com,perdido\n")

    lead = leads_of(team_a)["ana@example.com"]
    assert lead.status == "lost"
    assert lead.closed_at is not None


# --- Duplicates ------------------------------------------------------------------------------------


def test_an_email_the_workspace_has_is_an_error_whatever_its_case(crm_a, team_a):
    crm_a.lead(email="ana@example.com")

    report = import_file(team_a, "name,email\nAna,ANA@Example.COM\nBia,bia@example.com\n")

    assert report.imported == 1
    assert report.errors == [{"row": 2, "label": "Ana", "error": "A lead with this email already exists."}]


def test_importing_the_same_file_again_adds_nothing(admin_api, crm_a):
    first = admin_api.post(URL, {"file": upload(MIXED)}, format="multipart")
    second = admin_api.post(URL, {"file": upload(MIXED)}, format="multipart")

    assert first.json()["imported"] == 3
    assert second.json()["imported"] == 0
    assert second.json()["errors"] == [
        {"row": 2, "error": "A lead with this email already exists."},
        first.json()["errors"][0],
        {"row": 4, "error": "A lead with this email already exists."},
        *first.json()["errors"][1:4],
        {"row": 8, "error": "A lead with this email already exists."},
        *first.json()["errors"][4:],
    ]
    assert crm_a.query(lambda: Lead.objects.count()) == 3


def test_a_lead_saved_elsewhere_while_the_file_goes_in_becomes_an_error_row(team_a):
    """Another connection has inserted bia@ without committing: our duplicate check cannot see it,
    our insert waits on its row, the unique index refuses ours once it commits, and the import
    goes in again without that row."""
    connection.ensure_connection()
    our_pid = connection.connection.info.backend_pid
    other = psycopg.connect(database_url())
    other.execute(f'SET search_path TO "{team_a.tenant.schema_name}"')
    other.execute(
        "INSERT INTO crm_lead (name, email, phone, company, position, tags, notes, created_at, updated_at,"
        " source, status, score, score_is_manual) VALUES ('Bia', 'bia@example.com', '', '', '', '{}', '',"
        " now(), now(), 'other', 'new', 0, false)"
    )

    def commit_once_we_wait_for_it():
        watcher = psycopg.connect(database_url(), autocommit=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not watcher.execute(
            "SELECT 1 FROM pg_stat_activity WHERE pid = %s AND wait_event_type = 'Lock'", [our_pid]
        ).fetchone():
            time.sleep(0.02)
        watcher.close()
        other.commit()

    committer = threading.Thread(target=commit_once_we_wait_for_it)
    committer.start()
    try:
        report = import_file(team_a, "name,email\nAna,ana@example.com\nBia,bia@example.com\nCaio,caio@example.com\n")
        committer.join()

        assert report.imported == 2
        assert report.errors == [{"row": 3, "label": "Bia", "error": "A lead with this email already exists."}]
        assert sorted(leads_of(team_a)) == ["ana@example.com", "bia@example.com", "caio@example.com"]
        with tenant_context(team_a.tenant):
            assert [event.payload["email"] for event in Event.objects.filter(name="lead.created")] == [
                "ana@example.com", "caio@example.com",
            ]
    finally:
        committer.join()
        other.execute("DELETE FROM crm_lead WHERE email = 'bia@example.com'")
        other.commit()
        other.close()


# --- What spreadsheets export --------------------------------------------------------------------


def _import_while_another_holds_the_lock_of(holder_team, importing_team) -> bool:
    """Import into `importing_team` while another connection holds `holder_team`'s import lock;
    whether the import had to wait for it."""
    connection.ensure_connection()
    our_pid = connection.connection.info.backend_pid
    other = psycopg.connect(database_url(), autocommit=True)
    other.execute("SELECT pg_advisory_lock(%s)", [import_lock_key(IMPORT_KIND, holder_team.tenant.schema_name)])
    waited = []

    def release_once_we_wait_or_finish():
        watcher = psycopg.connect(database_url(), autocommit=True)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not finished.is_set():
            if watcher.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s AND wait_event = 'advisory'",
                               [our_pid]).fetchone():
                waited.append(True)
                break
            time.sleep(0.02)
        watcher.close()
        other.close()  # lets go of the lock

    finished = threading.Event()
    releaser = threading.Thread(target=release_once_we_wait_or_finish)
    releaser.start()
    try:
        report = import_file(importing_team, "name,email\nAna,ana@example.com\n")
    finally:
        finished.set()
        releaser.join()
    assert report.imported == 1
    return bool(waited)


def test_imports_into_one_workspace_take_turns(team_a):
    assert _import_while_another_holds_the_lock_of(team_a, team_a) is True


def test_an_import_elsewhere_does_not_wait_for_this_workspaces(team_a, team_b):
    assert _import_while_another_holds_the_lock_of(team_a, team_b) is False


def test_utf8_with_bom_semicolons_and_portuguese_headers_and_values(team_a):
    in_brazil(team_a)
    content = (
        "\ufeffNome;E-mail;Telefone;Empresa;Cargo;Origem;Situação;Observações;Etiquetas;Pontuação\r\n"
        "João Conceição;joao@empresa.com.br;(11) 98765-4321;Padaria São José;Gerente;indicação;contatado;"
        "Ligar às 14h;vip|varejo;\r\n"
        "Maria;maria@empresa.com.br;;;;Redes Sociais;Novo;;;\r\n"
        ";;;;;;;;;\r\n"
    )

    report = import_file(team_a, content)

    assert (report.imported, report.errors) == (2, [])
    joao, maria = leads_of(team_a).values()
    assert (joao.name, joao.phone, joao.company, joao.position) == (
        "João Conceição", "+5511987654321", "Padaria São José", "Gerente",
    )
    assert (joao.source, joao.status, joao.notes) == ("referral", "contacted", "Ligar às 14h")
    assert joao.tags == ["vip", "varejo"]
    assert (maria.source, maria.status) == ("social", "new")


def test_latin1_with_accents_and_spanish_headers_and_values(team_a):
    content = (
        "Nombre,Correo electrónico,Teléfono,Compañía,Puesto,Fuente,Estado,Observaciones,Etiquetas,Puntuación\n"
        "José Peña,jose@empresa.mx,+52 55 1234 5678,Ñandú S.A.,Director,anuncios,nuevo,Año próximo,mayoreo,\n"
    )

    report = import_file(team_a, content, encoding="cp1252")

    assert (report.imported, report.errors) == (1, [])
    jose = leads_of(team_a)["jose@empresa.mx"]
    assert (jose.name, jose.company, jose.notes) == ("José Peña", "Ñandú S.A.", "Año próximo")
    assert jose.phone == "+525512345678"
    assert (jose.source, jose.status, jose.tags) == ("ads", "new", ["mayoreo"])


def test_windows_exports_keep_their_quotes_dashes_and_euro_sign(team_a):
    """Excel on Windows writes cp1252, where Latin-1 would turn “ ” – € into control characters."""
    content = "name,email,company,notes\nZoë,zoe@example.com,“Açaí” – Café,Budget €1.200\n"

    report = import_file(team_a, content, encoding="cp1252")

    assert (report.imported, report.errors) == (1, [])
    zoe = leads_of(team_a)["zoe@example.com"]
    assert (zoe.company, zoe.notes) == ("“Açaí” – Café", "Budget €1.200")


def test_row_numbers_count_blank_lines_and_start_where_a_multiline_cell_starts(team_a):
    content = 'name,email,notes\n\nAna,ana@example.com,"two\nlines"\nBruno,bad,\n'

    report = import_file(team_a, content)

    assert report.errors == [{"row": 5, "label": "Bruno", "error": "Email: Enter a valid email address."}]
    assert leads_of(team_a)["ana@example.com"].notes == "two\nlines"


# --- Files that are not a list of leads ------------------------------------------------------------


@pytest.mark.parametrize("content, message", [
    (PNG, "This is not a CSV file. Save the spreadsheet as CSV (UTF-8 or Latin-1) and send that file."),
    (b"name,email\n", "The file has no rows to import: it is empty or has only the header row."),
    (b"name,phone\nAna,+14155552671\n",
     "The first row must name the columns, with at least a name and an email column. Missing: email."),
    (b"name,email,correo\nAna,a@example.com,b@example.com\n",
     "The columns \u201cemail\u201d and \u201ccorreo\u201d are both read as email. Keep one of them."),
])
def test_a_file_that_is_not_a_list_of_leads_is_refused_whole(admin_api, crm_a, content, message):
    response = admin_api.post(URL, {"file": upload(content)}, format="multipart")

    assert response.status_code == 400
    assert response.json() == {"file": [message]}
    assert crm_a.query(lambda: Lead.objects.count()) == 0


def test_a_cell_too_large_for_csv_is_reported_with_its_row(team_a):
    content = 'name,email,notes\nAna,ana@example.com,\nBia,bia@example.com,"' + "x" * 200_000 + '"\n'

    with pytest.raises(ValidationError) as refused:
        import_file(team_a, content)

    assert refused.value.message_dict == {"file": ["Row 3 of the file could not be read as CSV."]}
    assert leads_of(team_a) == {}


def test_an_empty_upload_is_refused(admin_api):
    response = admin_api.post(URL, {"file": upload(b"")}, format="multipart")

    assert response.status_code == 400
    assert list(response.json()) == ["file"]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(team_a):
    content = b"name,email\n" + b"x" * MAX_FILE_BYTES

    with pytest.raises(ValidationError) as refused:
        import_file(team_a, content)

    assert refused.value.message_dict == {"file": ["The file is larger than 20 MB. Split it into smaller files."]}


def test_a_file_over_the_row_limit_is_refused_whole(team_a):
    content = "name,email\n" + "".join(f"N,n{index}@example.com\n" for index in range(MAX_ROWS + 1))

    with pytest.raises(ValidationError) as refused:
        import_file(team_a, content)

    assert refused.value.message_dict == {"file": ["The file has more than 100000 rows. Split it into smaller files."]}
    assert leads_of(team_a) == {}


# --- Language, events, who may import --------------------------------------------------------------


def test_row_errors_come_in_the_requests_language(api, team_a):
    response = api(host=team_a.host, user=team_a.admin, language="pt-br").post(
        URL, {"file": upload("nome,email,pontuação\nAna,invalido,\nBia,bia@example.com,150\n")}, format="multipart"
    )

    assert response.status_code == 200
    first, second = response.json()["errors"]
    with translation.override("pt-br"):
        invalid_email = gettext("Enter a valid email address.")
        over_100 = gettext("Ensure this value is less than or equal to %(limit_value)s.") % {"limit_value": 100}
    assert invalid_email != "Enter a valid email address."
    assert first["row"] == 2 and first["error"].endswith(invalid_email)
    assert second["row"] == 3 and second["error"].endswith(over_100)


def test_each_imported_lead_has_one_created_event(admin_api, crm_a, team_a):
    admin_api.post(URL, {"file": upload(MIXED)}, format="multipart")

    events = crm_a.events("lead.created")
    leads = crm_a.query(lambda: list(Lead.objects.order_by("id")))
    assert [event.payload["id"] for event in events] == [lead.pk for lead in leads]
    assert [event.actor_id for event in events] == [team_a.admin.pk] * 3
    assert events[0].payload["email"] == "ana@example.com"


def test_leads_land_only_in_the_importing_workspace(api, admin_api, team_a, team_b, crm_b):
    admin_api.post(URL, {"file": upload(MIXED)}, format="multipart")
    outsider = api(host=team_a.host, user=team_b.admin).post(URL, {"file": upload(MIXED)}, format="multipart")

    assert outsider.status_code in (401, 403, 404)
    assert len(leads_of(team_a)) == 3
    assert crm_b.query(lambda: Lead.objects.count()) == 0


def test_a_teammate_without_admin_rights_may_import(api, team_a):
    response = api(host=team_a.host, user=team_a.user).post(
        URL, {"file": upload("name,email\nAna,ana@example.com\n")}, format="multipart"
    )

    assert response.json() == {"imported": 1, "errors": [], "warnings": []}


def test_strangers_may_not_import(api, team_a):
    response = api(host=team_a.host).post(
        URL, {"file": upload("name,email\nAna,ana@example.com\n")}, format="multipart"
    )

    assert response.status_code == 401
    assert leads_of(team_a) == {}
