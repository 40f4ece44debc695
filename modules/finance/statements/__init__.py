"""Bank statements into statement lines: an OFX or CSV file imported into a bank account, in the
request or by a worker (the import job the page and the API follow).

A file is taken whole or not at all: a line we cannot read (a date, an amount) refuses the file
with every such line named, and nothing is written; so does a statement in another currency than
the bank account. Lines the bank account already holds are counted as duplicates and skipped, so
importing a file again, or two overlapping files, adds only what is new (lines.py says when a line
is the same line). Lines of no amount move no money and are left out.

Bank feeds (feeds/) write their lines through the same insert (lines.statement_lines_insert).
"""

from collections.abc import Callable
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from innexar.celery import app
from modules.core.imports import MAX_FILE_BYTES, ImportReport, file_error, import_job_run, import_job_start
from modules.core.models import ImportJob
from modules.events.services import event_record
from modules.tenancy.tasks import on_commit_in_this_tenant

from .. import events
from ..access import access_bank_account
from ..models import BankAccount, TransactionSource
from .lines import Inserted, Statement, statement_lines_insert
from .ofx import OfxReader
from .sheets import CsvReader

IMPORT_KIND = "finance.statements"  # ImportJob.kind


def statement_import(
    *, actor, bank_account_id, file, progress: Callable[[int], None] | None = None
) -> ImportReport:
    """Import an OFX or CSV statement into a bank account: ValidationError on `file`, and nothing
    written, if any of it cannot be read or it is in another currency."""
    progress = progress or (lambda percent: None)
    bank_account = _importable(actor, bank_account_id)
    statement = statement_read(file, currency=bank_account.currency)
    if statement.currency and statement.currency != bank_account.currency:
        raise file_error(
            _("This statement is in %(file)s and the bank account in %(account)s: import it into a bank account "
              "in %(file)s.") % {"file": statement.currency, "account": bank_account.currency}
        )
    progress(50)
    with transaction.atomic():
        # Locked: imports and syncs into one bank account take turns, so the second of two
        # imports of one file finds the first's lines and adds nothing.
        bank_account = access_bank_account(actor, bank_account_id, for_write=True)
        inserted = statement_lines_insert(
            bank_account=bank_account, lines=statement.lines, source=TransactionSource.FILE
        )
        statement_imported_record(
            bank_account=bank_account, inserted=inserted, source=TransactionSource.FILE, actor=actor
        )
    progress(100)
    return ImportReport(
        imported=inserted.imported, errors=[], warnings=[], rejected_csv=b"", duplicates=inserted.duplicates
    )


def _importable(actor, bank_account_id) -> BankAccount:
    bank_account = access_bank_account(actor, bank_account_id)
    if not bank_account.is_active:
        raise ValidationError(
            {"bank_account_id": [_("This bank account is archived: statements cannot be imported into it.")]}
        )
    return bank_account


def statement_import_start(*, actor, bank_account_id, file, language: str) -> ImportJob:
    """Keep the file and hand it to a worker (at commit); the page or the API client then
    follows its progress (core.imports.import_job_progress)."""
    bank_account = _importable(actor, bank_account_id)  # refused now rather than in the job
    return import_job_start(
        kind=IMPORT_KIND, actor=actor, file=file, language=language,
        # The task by name: tasks.py imports this module, not the other way round.
        queue=lambda job_id: on_commit_in_this_tenant(
            lambda: app.signature("finance.statement_import_run").delay(job_id, bank_account.pk)
        ),
    )


def statement_import_run(*, import_id: int, bank_account_id: int) -> None:
    """The worker's part: import the kept file, record the outcome, forget the file."""
    import_job_run(job_id=import_id, run=partial(statement_import, bank_account_id=bank_account_id))


def statement_imported_record(*, bank_account: BankAccount, inserted: Inserted, source: str, actor) -> None:
    """One event for a file or a sync, with its counts, never one per line."""
    event_record(
        name=events.TRANSACTIONS_IMPORTED,
        payload={
            **events.bank_account_json(bank_account), "source": source,
            "imported": inserted.imported, "duplicates": inserted.duplicates,
        },
        actor=actor,
    )


def statement_read(file, *, currency: str) -> Statement:
    """The lines of an OFX or CSV file, told apart by their content; amounts in `currency`'s
    digits (the bank account's: a file's own currency is checked by the caller)."""
    data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise file_error(
            _("The file is larger than %(size)d MB. Split it into smaller files.") % {"size": MAX_FILE_BYTES // 2**20}
        )
    if b"\x00" in data or not data.strip():  # PDFs, spreadsheets (.xlsx), images, empty files
        raise file_error(_("This is not a bank statement: export it from your bank as OFX or CSV and send that file."))
    reader = OfxReader(data, currency) if _looks_like_ofx(data) else CsvReader(data, currency)
    statement = reader.read()
    if not statement.lines:
        raise file_error(_("The statement has no lines to import."))
    return statement


def _looks_like_ofx(data: bytes) -> bool:
    start = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").upper()
    return start.startswith((b"OFXHEADER", b"<?XML", b"<OFX")) or b"<OFX>" in start
