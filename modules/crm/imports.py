"""Leads from a CSV file, as a spreadsheet exports it: every row checked by lead_create's rules,
the good ones written in bulk, each bad one reported with its line number and what is wrong.
Reading the file, the report, the bulk insert and the background job are core.imports'.

Files come from Excel, Google Sheets and LibreOffice in three languages: UTF-8 (with or without
a BOM) or Windows Latin-1, separated by `,` or `;`, with headers and choice values in English,
Portuguese or Spanish. An email already in the workspace, or earlier in the file, makes the row
an error, so importing the same file twice adds nothing the second time. Errors name the column
as the file does ("Situação"), and the rows left out come back as a CSV of the file's own columns
plus the reason, to fix and import again.
"""

import re
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from innexar.celery import app
from modules.accounts.models import User
from modules.core.imports import (
    ImportReport,
    ImportRow,
    choice_words,
    file_error,
    file_text,
    import_job_run,
    import_job_start,
    import_lock,
    import_report,
    records_copy,
    rows_check,
    sheet_read,
    word,
)
from modules.core.models import ImportJob
from modules.core.phones import phone_normalize, tenant_region
from modules.events.services import events_record
from modules.tenancy.tasks import on_commit_in_this_tenant

from . import events, services
from .models import Lead, LeadStatus, Source
from .scoring import ActivityStats, lead_score_compute, score_model_load, score_retrain_schedule

IMPORT_KIND = "crm.leads"  # ImportJob.kind, and the name imports into one workspace take turns on
EMAIL_LOOKUP_CHUNK = 5_000

# Header names, compared by core.imports.word(): lower case, without accents, punctuation as spaces.
COLUMN_NAMES = {
    "name": ("name", "full name", "nome", "nome completo", "nombre", "nombre completo"),
    "email": ("email", "e mail", "email address", "correo", "correo electronico", "endereco de email"),
    "phone": ("phone", "phone number", "telephone", "mobile", "telefone", "celular", "telefono", "movil"),
    "company": ("company", "empresa", "companhia", "compania", "organization", "organizacao", "organizacion"),
    "position": ("position", "job title", "cargo", "puesto"),
    "source": ("source", "origem", "fonte", "fuente", "origen"),
    "status": ("status", "situacao", "estado"),
    "notes": ("notes", "note", "notas", "nota", "observacoes", "observacao", "observaciones", "observacion"),
    "tags": ("tags", "tag", "etiquetas", "etiqueta"),
    "score": ("score", "pontuacao", "puntuacion", "puntaje"),
}
REQUIRED_COLUMNS = ("name", "email")

# Besides each choice's value and its label in every language we speak, the words people write.
SOURCE_WORDS = {
    Source.WEBSITE: ("site", "web", "sitio web", "pagina web"),
    Source.SOCIAL: ("social media", "redes sociais", "rede social", "midias sociais", "redes sociales", "red social"),
    Source.REFERRAL: ("indicacao", "recomendacao", "referencia", "referido", "recomendacion"),
    Source.ADS: ("ad", "advertising", "anuncio", "anuncios", "publicidade", "publicidad"),
    Source.OTHER: ("outro", "outros", "outra", "otro", "otros", "otra"),
}
STATUS_WORDS = {
    LeadStatus.NEW: ("novo", "nova", "nuevo", "nueva"),
    LeadStatus.CONTACTED: ("contatado", "contatada", "contactado", "contactada"),
    LeadStatus.QUALIFIED: ("qualificado", "qualificada", "calificado", "calificada", "cualificado"),
    LeadStatus.CONVERTED: ("convertido", "convertida"),
    LeadStatus.LOST: ("perdido", "perdida"),
}
TAG_SEPARATORS = re.compile(r"[,;|]")


def leads_import(*, actor: User, file, progress: Callable[[int], None] | None = None) -> ImportReport:
    """Import the leads of a CSV upload; a file we cannot read at all raises ValidationError
    on `file`. Every row is checked before anything is written; the good rows go in together.
    `progress`, if given, hears the percentage done now and then."""
    progress = progress or (lambda percent: None)
    sheet = sheet_read(file_text(file), model=Lead, column_names=COLUMN_NAMES, required=REQUIRED_COLUMNS)
    total = len(sheet.records)
    rows = rows_check(
        sheet.records, _RowChecker(sheet.titles).row, progress=lambda done: progress(60 * done // total)
    )
    _mark_duplicates(rows)
    progress(65)
    model = score_model_load()
    no_activities = ActivityStats()
    for row in rows:
        lead = row.record
        if lead is not None and not lead.score_is_manual and lead.status not in services.OUTCOME_STATUSES:
            lead.score = lead_score_compute(lead, model=model, activity_stats=no_activities)
    progress(75)
    imported = _leads_insert(actor=actor, rows=rows)
    progress(100)
    return import_report(sheet, rows, imported)


# --- In the background (the leads page) ---------------------------------------------------------


def lead_import_start(*, actor: User, file, language: str) -> ImportJob:
    """Keep the file and hand it to a worker (at commit); the page then follows its progress
    (core.imports.import_job_progress)."""
    # The task by name: tasks.py imports this module, not the other way round.
    return import_job_start(
        kind=IMPORT_KIND, actor=actor, file=file, language=language,
        queue=lambda job_id: on_commit_in_this_tenant(lambda: app.signature("crm.lead_import_run").delay(job_id)),
    )


def lead_import_run(*, import_id: int) -> None:
    """The worker's part: import the kept file, record the outcome, forget the file."""
    import_job_run(job_id=import_id, run=leads_import)



# --- Checking the rows ---------------------------------------------------------------------------


class _RowChecker:
    """lead_create's cleaning (services.lead_fields_clean) for each row, with what is worth
    computing once per file."""

    def __init__(self, titles: dict[str, str]):
        self.titles = titles
        self.region = tenant_region()
        # Parsing a phone number is the slow part of a row; files repeat numbers (a company's switchboard).
        self.phones: dict[str, tuple[str, list[str]]] = {}
        self.sources = choice_words(Source, SOURCE_WORDS)
        self.statuses = choice_words(LeadStatus, STATUS_WORDS)

    def row(self, number: int, raw: list[str], cells: dict[str, str]) -> ImportRow:
        row = ImportRow(number, raw, label=cells["name"].strip() or cells["email"].strip())
        fields, problems = services.lead_fields_clean({
            "name": cells["name"],
            "email": cells["email"],
            "phone": cells.get("phone", ""),
            "company": cells.get("company", ""),
            "position": cells.get("position", ""),
            "source": self._source(row, cells.get("source", "")),
            "status": self._choice(row, "status", cells.get("status", ""), self.statuses, LeadStatus.NEW),
            "notes": cells.get("notes", ""),
            "tags": TAG_SEPARATORS.split(cells.get("tags", "")),
            "score": self._score(row, cells.get("score", "").strip()),
        }, phone=self._phone)
        # Name, email and phone problems are read first; a choice's or a score's come after.
        choice_problems, row.problems = row.problems, []
        # The model field's checks (length, email format) the service leaves to forms and serializers.
        self._text(row, "name", fields["name"])
        row.key = self._clean(row, "email", fields["email"]) or ""
        for name, messages in problems.items():
            # A phone's messages do not say which column they are about; the others do.
            titled = name == "phone"
            row.problems.extend(f"{self.titles[name]}: {message}" if titled else message for message in messages)
        self._text(row, "company", fields["company"])
        self._text(row, "position", fields["position"])
        row.problems.extend(choice_problems)
        if not row.problems:
            row.record = Lead(**fields)
        return row

    def _clean(self, row: ImportRow, name: str, value):
        """The model field's own checks (blank, length, email format, range); None if they fail."""
        model_field = Lead._meta.get_field(name)
        try:
            return model_field.clean(value, None)
        except ValidationError as error:
            row.problems.extend(f"{self.titles[name]}: {message}" for message in error.messages)
            return None

    def _text(self, row: ImportRow, name: str, value: str):
        model_field = Lead._meta.get_field(name)
        # Most cells pass: the field's checks (and their messages) only for those that may not.
        if len(value) <= model_field.max_length and (value or model_field.blank):
            return value
        return self._clean(row, name, value)

    def _phone(self, raw: str) -> str:
        if raw not in self.phones:
            try:
                self.phones[raw] = (phone_normalize(raw, region=self.region), [])
            except ValidationError as error:
                self.phones[raw] = ("", error.messages)
        phone, problems = self.phones[raw]
        if problems:
            raise ValidationError(problems)
        return phone

    def _choice(self, row: ImportRow, name: str, raw: str, known: dict[str, str], default: str) -> str | None:
        raw = raw.strip()
        if not raw:
            return default
        choice = known.get(word(raw))
        if choice is None:
            self._clean(row, name, raw)  # not a choice: the field words the error
        return choice

    def _source(self, row: ImportRow, raw: str) -> str:
        """A source we do not know is worth keeping the lead for: it becomes Other, with a warning."""
        raw = raw.strip()
        source = self.sources.get(word(raw)) if raw else Source.OTHER
        if source is None:
            row.warnings.append(
                _("%(column)s: “%(value)s” is not a source we know; the lead was imported as “%(other)s”.")
                % {"column": self.titles["source"], "value": raw, "other": Source.OTHER.label}
            )
            return Source.OTHER
        return source

    def _score(self, row: ImportRow, raw: str) -> int | None:
        """A score in the file is a person's: it sticks, as one set by hand does."""
        return self._clean(row, "score", raw) if raw else None


def _mark_duplicates(rows: list[ImportRow]) -> None:
    """A second row with an email, or an email the workspace has (whatever its case), is an error."""
    first_rows: dict[str, ImportRow] = {}
    for row in rows:
        if not row.key:
            continue
        first = first_rows.setdefault(row.key, row)
        if first is not row:
            row.refuse(
                _("This email appears more than once in the file (first on row %(row)d).") % {"row": first.number}
            )
    _mark_taken(list(first_rows.values()))


def _mark_taken(rows: list[ImportRow]) -> None:
    """Mark the rows whose email a lead of the workspace already has."""
    emails = [row.key for row in rows]
    taken = set()
    for start in range(0, len(emails), EMAIL_LOOKUP_CHUNK):
        chunk = emails[start:start + EMAIL_LOOKUP_CHUNK]
        # lower(email) is what the unique index holds: this lookup uses it.
        taken.update(
            Lead.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=chunk)
            .values_list("email_lower", flat=True)
        )
    message = services.email_taken_error(Lead).messages[0]
    for row in rows:
        if row.key in taken:
            row.refuse(message)


# --- Writing ---------------------------------------------------------------------------------------


@transaction.atomic
def _leads_insert(*, actor: User, rows: list[ImportRow]) -> int:
    import_lock(IMPORT_KIND)
    good = [row for row in rows if row.record is not None]
    if not _leads_copy(good):
        # A lead saved elsewhere (a form, the API) after our duplicate check: its email is an
        # error row now, and the others go in again. A second clash in that instant is reported.
        _mark_taken(good)
        good = [row for row in good if row.record is not None]
        if not _leads_copy(good):
            raise file_error(
                _("Leads with emails in this file were being added at the same time. Import the file again.")
            )
    leads = [row.record for row in good]
    events_record(name=events.LEAD_CREATED, payloads=[events.lead_json(lead) for lead in leads], actor=actor)
    if any(lead.status in services.OUTCOME_STATUSES for lead in leads):
        score_retrain_schedule()  # lost leads are history the score model learns from
    return len(leads)


def _leads_copy(rows: list[ImportRow]) -> bool:
    return records_copy([row.record for row in rows], unique_constraint="crm_lead_email_ci_unique")
