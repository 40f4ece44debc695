"""Importing a spreadsheet's rows, for any module: reading the file, naming its columns, the row
report and the rows left out, the bulk insert, and the job a worker runs while a page or an API
client follows it (ImportJob).

Files come from Excel, Google Sheets and LibreOffice in three languages: UTF-8 (with or without
a BOM) or Windows Latin-1, separated by `,` or `;`, with headers and choice values in English,
Portuguese or Spanish. A module gives its column names and checks each row (crm/imports.py);
this file does the rest.
"""

import csv
import io
import unicodedata
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from operator import attrgetter

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .models import ImportJob, ImportStatus

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
PROGRESS_EVERY_ROWS = 2_000
# A job that says nothing for this long lost its worker (a deploy, an out-of-memory kill): the
# longest silent stretch of a good one, the bulk insert of a full file, takes seconds.
STALLED_AFTER = timedelta(minutes=30)
# How often a running job writes its sign of life (the percentage itself goes to the cache).
HEARTBEAT_EVERY = timedelta(seconds=30)


@dataclass(frozen=True)
class ImportReport:
    imported: int
    # {"row": line number in the file (the header is 1), "error": message, "label": its name}
    errors: list[dict]
    # {"row", "warning", "label"}: imported, but not quite as the file had it
    warnings: list[dict]
    # The rows left out, in the file's own columns and separator, with the reason in a last column.
    rejected_csv: bytes
    # Rows already there, skipped without being an error (a bank statement imported again).
    duplicates: int = 0


@dataclass(frozen=True)
class Sheet:
    header: list[str]
    delimiter: str
    titles: dict[str, str]  # our column → its name in the file, for messages
    records: list[tuple[int, list[str], dict[str, str]]]  # (line number, the cells, {our column: cell})


@dataclass
class ImportRow:
    number: int
    cells: list[str]
    label: str  # how the report names the row: its name, else its email
    key: str = ""  # what makes it unique (an email), once valid: the duplicate checks look at these
    record: Model | None = None  # what it becomes, unsaved, while it has no problem
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def refuse(self, problem: str) -> None:
        self.problems.append(problem)
        self.record = None


def import_report(sheet: Sheet, rows: list[ImportRow], imported: int) -> ImportReport:
    left_out = [row for row in rows if row.problems]
    return ImportReport(
        imported=imported,
        errors=[{"row": row.number, "error": " ".join(row.problems), "label": row.label} for row in left_out],
        warnings=[
            {"row": row.number, "warning": " ".join(row.warnings), "label": row.label}
            for row in rows if row.warnings and not row.problems
        ],
        rejected_csv=_rejected_csv(sheet, left_out),
    )


def _rejected_csv(sheet: Sheet, rows: list[ImportRow]) -> bytes:
    """The rows left out as the file had them, with a last column saying why; UTF-8 with a BOM,
    which Excel needs to read accents, and the file's own separator, which its locale expects."""
    if not rows:
        return b""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sheet.delimiter, lineterminator="\r\n")
    width = len(sheet.header)
    writer.writerow([*sheet.header, _("Import error")])
    for row in rows:
        writer.writerow([*row.cells[:width], *[""] * (width - len(row.cells)), " ".join(row.problems)])
    return out.getvalue().encode("utf-8-sig")


def rows_check(records, check: Callable[..., ImportRow], *, progress: Callable[[int], None]) -> list[ImportRow]:
    """`check(number, cells, mapped)` for each record, telling `progress` how many are done."""
    rows = []
    # A small file reports too, so the page's bar moves.
    every = max(1, min(PROGRESS_EVERY_ROWS, len(records) // 20))
    for done, (number, raw, cells) in enumerate(records, start=1):
        rows.append(check(number, raw, cells))
        if done % every == 0:
            progress(done)
    return rows


# --- In the background -------------------------------------------------------------------------


def _progress_key(job_id: int) -> str:
    return f"core:import:{job_id}:percent"  # the default cache adds the tenant's schema


def import_job_start(*, kind: str, actor, file, language: str, queue: Callable[[int], None]) -> ImportJob:
    """Keep the file and have `queue(job id)` hand it to a worker (the caller sends its task at
    commit); the page or client then follows import_job_progress()."""
    data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise _too_large()
    job = ImportJob.objects.create(
        kind=kind, file_name=(file.name or "import.csv")[:255], content=data, language=language, created_by=actor
    )
    queue(job.pk)
    return job


def import_job_run(*, job_id: int, run: Callable[..., ImportReport]) -> None:
    """The worker's part: `run(actor=, file=, progress=)` on the kept file, record the outcome,
    forget the file."""
    # Taken once: a message delivered twice finds the job no longer queued.
    taken = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED)
    if not taken.update(status=ImportStatus.RUNNING, progressed_at=timezone.now()):
        return
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    key = _progress_key(job.pk)
    heartbeat = timezone.now()

    def progress(percent: int) -> None:
        nonlocal heartbeat
        cache.set(key, percent, timeout=3600)
        if timezone.now() - heartbeat >= HEARTBEAT_EVERY:
            heartbeat = timezone.now()
            ImportJob.objects.filter(pk=job.pk).update(progressed_at=heartbeat)

    try:
        with translation.override(job.language):
            report = run(actor=job.created_by, file=io.BytesIO(bytes(job.content)), progress=progress)
    except ValidationError as error:
        # One message a line: a refused statement names each of its bad lines.
        job.status, job.failure = ImportStatus.FAILED, "\n".join(error.message_dict.get("file", error.messages))
    except Exception:
        with translation.override(job.language):
            job.status, job.failure = ImportStatus.FAILED, _("The import stopped on an unexpected error. Try again.")
        raise
    else:
        job.status, job.imported, job.duplicates = ImportStatus.DONE, report.imported, report.duplicates
        job.errors = report.errors
        job.warnings, job.rejected = report.warnings, report.rejected_csv
    finally:
        job.content, job.finished_at = b"", timezone.now()
        job.save()
        cache.delete(key)


def import_job_progress(job: ImportJob) -> int:
    """Percent done, as the worker last said."""
    if job.status in (ImportStatus.DONE, ImportStatus.FAILED):
        return 100
    return cache.get(_progress_key(job.pk), 0)


def import_job_json(job: ImportJob) -> dict:
    """How the API shows a job: its state, then its report once done (the synchronous answer's
    fields), or why it failed."""
    return {
        "id": job.pk,
        "file_name": job.file_name,
        "status": job.status,
        "progress": import_job_progress(job),
        "imported": job.imported,
        "errors": [{"row": error["row"], "error": error["error"]} for error in job.errors],
        "warnings": [{"row": warning["row"], "warning": warning["warning"]} for warning in job.warnings],
        "failure": job.failure,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


def import_jobs_sweep() -> int:
    """Fail this schema's jobs silent for too long (queued with no worker taking them, or a
    worker gone mid-file), so their page stops polling and says to try again; returns how many.
    A worker that was only slow still records its outcome when it finishes."""
    stalled = ImportJob.objects.filter(
        status__in=(ImportStatus.QUEUED, ImportStatus.RUNNING), progressed_at__lt=timezone.now() - STALLED_AFTER
    )
    swept = 0
    for language in set(stalled.values_list("language", flat=True)):
        with translation.override(language):
            failure = _("The import stopped without finishing (the server was restarted or too busy). Try again.")
        swept += stalled.filter(language=language).update(
            status=ImportStatus.FAILED, failure=failure, content=b"", finished_at=timezone.now()
        )
    return swept


# --- Reading the file ---------------------------------------------------------------------------


def file_error(message: str) -> ValidationError:
    return ValidationError({"file": [message]})


def _too_large() -> ValidationError:
    size = MAX_FILE_BYTES // (1024 * 1024)
    return file_error(_("The file is larger than %(size)d MB. Split it into smaller files.") % {"size": size})


def file_text(file) -> str:
    data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise _too_large()
    not_text = file_error(
        _("This is not a CSV file. Save the spreadsheet as CSV (UTF-8 or Latin-1) and send that file.")
    )
    if b"\x00" in data:  # images, PDFs, .xlsx and UTF-16 text all have NUL bytes; CSV never does
        raise not_text
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")  # Excel's "CSV" on Windows in the Americas
    except UnicodeDecodeError:
        raise not_text from None


@lru_cache(maxsize=1024)  # a file repeats its few sources and statuses thousands of times
def word(text: str) -> str:
    """"Situação", "E-mail " → "situacao", "e mail": how headers and choice values are compared."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(char if char.isalnum() else " " for char in text if not unicodedata.combining(char))
    return " ".join(text.split())


def sheet_read(
    text: str, *, model: type[Model], column_names: dict[str, Iterable[str]], required: Iterable[str],
    labels: dict[str, str] | None = None,
):
    """The header and every data row that has something in it: (line number, cells, {column: cell}).

    `column_names` gives each of `model`'s columns the header words (compared by word()) that
    name it; `labels` names, for messages, the columns that are not the model's fields (a
    statement's debit and credit). The line number is where the row starts in the file (a quoted
    cell may span lines).
    """
    start = len(text) - len(text.lstrip("\r\n"))
    first_line = text[start:].split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next((cells for cells in reader if any(cell.strip() for cell in cells)), None)
        header = header or []
        columns = _columns(header, model=model, column_names=column_names, required=required, labels=labels or {})
        records, last_line = [], reader.line_num
        for cells in reader:
            number, last_line = last_line + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # blank lines and the ";;;;" rows spreadsheets leave at the end
            if len(records) == MAX_ROWS:
                raise file_error(
                    _("The file has more than %(max)d rows. Split it into smaller files.") % {"max": MAX_ROWS}
                )
            mapped = {name: cells[index] if index < len(cells) else "" for name, index in columns}
            records.append((number, cells, mapped))
    except csv.Error:
        raise file_error(
            _("Row %(row)d of the file could not be read as CSV.") % {"row": reader.line_num}
        ) from None
    if not records:
        raise file_error(_("The file has no rows to import: it is empty or has only the header row."))
    titles = {name: capfirst(header[index].strip()) for name, index in columns}
    return Sheet(header=header, delimiter=delimiter, titles=titles, records=records)


def _columns(header: list[str], *, model, column_names, required, labels) -> list[tuple[str, int]]:
    """(our column, its index in the file); columns we do not know are ignored."""
    by_word = {name: column for column, names in column_names.items() for name in names}
    label = lambda column: str(labels.get(column) or model._meta.get_field(column).verbose_name)  # noqa: E731
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        column = by_word.get(word(title))
        if column is None:
            continue
        if column in found:
            raise file_error(
                _("The columns “%(first)s” and “%(second)s” are both read as %(column)s. Keep one of them.")
                % {"first": header[found[column]].strip(), "second": title.strip(), "column": label(column)}
            )
        found[column] = index
    missing = [column for column in required if column not in found]
    if missing:
        raise file_error(
            _("The first row must name the columns, with at least a name and an email column. Missing: %(columns)s.")
            % {"columns": ", ".join(label(column) for column in missing)}
        )
    return list(found.items())


def choice_words(choices, words: dict) -> dict[str, str]:
    """Every way a file may name a choice → the choice: value, label in each language, synonyms."""
    known = {}
    for choice in choices:
        known[word(choice.value)] = choice.value
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                known[word(str(choice.label))] = choice.value
        for synonym in words.get(choice, ()):
            known[synonym] = choice.value
    return known


# --- Writing ---------------------------------------------------------------------------------------


def import_lock_key(name: str, schema_name: str) -> int:
    """The advisory lock that imports of `name` into one workspace take turns on."""
    return zlib.crc32(f"{name}:{schema_name}".encode())


def import_lock(name: str) -> None:
    """Inside the writing transaction: two imports into one workspace take turns. Inserting
    overlapping keys in different orders, each would wait for the other's row and PostgreSQL
    would end one with a deadlock."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [import_lock_key(name, connection.schema_name)])


def records_copy(records: list[Model], *, unique_constraint: str) -> bool:
    """Save the records with COPY; False, and nothing saved, if `unique_constraint` refused one.

    COPY is PostgreSQL's bulk load: 50,000 leads took 6 s here where bulk_create's INSERTs took
    27 s side by side, most of it building the statements. It returns no ids, so they are drawn
    first; `created_at` and `updated_at`, where the model has them, are now.
    """
    if not records:
        return True
    model = type(records[0])
    fields = [model_field for model_field in model._meta.concrete_fields if not model_field.generated]
    columns = ", ".join(connection.ops.quote_name(model_field.column) for model_field in fields)
    copy_sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    stamped = [name for name in ("created_at", "updated_at") if any(f.name == name for f in fields)]
    # Values are text, numbers, booleans, aware datetimes, lists of text and None: psycopg
    # writes them as they are, without each field's get_db_prep_save (a third of the time).
    values = attrgetter(*(model_field.attname for model_field in fields))
    now = timezone.now()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, model._meta.pk.column, len(records)],
            )
            for record, (pk,) in zip(records, cursor.fetchall(), strict=True):
                record.pk = pk
                for name in stamped:
                    setattr(record, name, now)
            with connection.wrap_database_errors, cursor.cursor.copy(copy_sql) as copy:
                for record in records:
                    copy.write_row(values(record))
    except IntegrityError as error:
        if unique_constraint in str(error):
            return False
        raise
    return True
