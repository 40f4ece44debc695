"""CSV statements, as banks and spreadsheets export them, read with core.imports (UTF-8 or
Windows-1252, `,` or `;`, headers in three languages): a date (2024-12-31 or 31/12/2024), a
description, and a signed amount or a debit and a credit column. The file's numbers are read in
its own style (1.234,56 or 1,234.56), whoever reads it.
"""

import io
import re
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from modules.core.imports import file_error, file_text, sheet_read
from modules.core.money import parse_amount

from ..models import Transaction
from .lines import LineProblems, Statement, StatementLine, amount_problem

# Header names, compared by core.imports.word(): lower case, without accents, punctuation as spaces.
COLUMN_NAMES = {
    "date": (
        "date", "posted date", "transaction date", "data", "data lancamento", "data do lancamento",
        "data movimento", "fecha", "fecha operacion", "fecha movimiento",
    ),
    "description": (
        "description", "memo", "details", "descricao", "historico", "lancamento", "descripcion", "concepto",
        "detalle",
    ),
    "amount": ("amount", "value", "valor", "valor r", "importe", "monto"),
    "debit": ("debit", "debits", "withdrawal", "debito", "debitos", "saida", "saidas", "cargo", "cargos", "retiro"),
    "credit": (
        "credit", "credits", "deposit", "credito", "creditos", "entrada", "entradas", "abono", "abonos", "deposito",
    ),
    "external_id": (
        "id", "fitid", "transaction id", "identificador", "id transacao", "id da transacao", "id transaccion",
    ),
}
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?")
_DAY_FIRST_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_COMMA_DECIMALS = re.compile(r"\d,\d{1,2}(?!\d)")
_POINT_DECIMALS = re.compile(r"\d\.\d{1,2}(?!\d)")
NUMBER_LOCALES = {",": "pt_BR", ".": "en_US"}  # the decimal sign → a locale that writes it


class CsvReader:
    def __init__(self, data: bytes, currency: str):
        self.data = data
        self.currency = currency
        self.problems = LineProblems()

    def read(self) -> Statement:
        labels = {"debit": _("Debit"), "credit": _("Credit"), "external_id": _("Id")}
        sheet = sheet_read(
            file_text(io.BytesIO(self.data)), model=Transaction, column_names=COLUMN_NAMES, required=(),
            labels=labels,
        )
        found = set(sheet.titles)
        missing = [str(name) for column, name in (("date", _("date")), ("description", _("description")))
                   if column not in found]
        if "amount" not in found and not found & {"debit", "credit"}:
            missing.append(_("amount (or debit and credit)"))
        if missing:
            raise file_error(
                _("The first row must name the columns: a date, a description and an amount, or a debit and a "
                  "credit column. Missing: %(columns)s.") % {"columns": ", ".join(missing)}
            )
        self.locale = NUMBER_LOCALES[self._decimal_sign(sheet)]
        lines = [line for record in sheet.records if (line := self._line(*record)) is not None]
        self.problems.refuse_if_any()
        return Statement(lines=lines, currency=None)

    def _decimal_sign(self, sheet) -> str:
        """The file's decimal sign, from its amounts: a comma or a point before one or two last
        digits. Whole amounts only: the separator's habit (`;` goes with decimal commas)."""
        seen = {}
        for number, _cells, mapped in sheet.records:
            for column in ("amount", "debit", "credit"):
                cell = mapped.get(column, "")
                if _COMMA_DECIMALS.search(cell):
                    seen.setdefault(",", number)
                if _POINT_DECIMALS.search(cell):
                    seen.setdefault(".", number)
        if len(seen) == 2:
            raise file_error(
                _("The amounts mix decimal commas (row %(comma)d) and decimal points (row %(point)d): export the "
                  "statement again with one of them.") % {"comma": seen[","], "point": seen["."]}
            )
        return next(iter(seen), "," if sheet.delimiter == ";" else ".")

    def _line(self, number: int, cells: list[str], mapped: dict[str, str]) -> StatementLine | None:
        day = self._date(number, mapped["date"].strip())
        amount = self._amount(number, mapped)
        if day is None or amount is None or amount == 0:
            return None
        return StatementLine(
            date=day, description=" ".join(mapped["description"].split()), amount=amount,
            external_id=mapped.get("external_id", "").strip(),
        )

    def _date(self, number: int, raw: str) -> date | None:
        iso, day_first = _ISO_DATE.fullmatch(raw), _DAY_FIRST_DATE.fullmatch(raw)
        try:
            if iso:
                return date(int(iso[1]), int(iso[2]), int(iso[3]))
            if day_first:
                return date(int(day_first[3]), int(day_first[2]), int(day_first[1]))
        except ValueError:
            pass
        self.problems.add(
            _("Row %(row)d: “%(value)s” is not a date. Write dates as 2024-12-31 or 31/12/2024.")
            % {"row": number, "value": raw[:40]}
        )
        return None

    def _amount(self, number: int, mapped: dict[str, str]) -> Decimal | None:
        """The signed amount column, or money out of the debit column and in from the credit one."""
        if "amount" in mapped:
            return self._number(number, mapped["amount"])
        debit, credit = (mapped.get(column, "").strip() for column in ("debit", "credit"))
        out, into = (self._number(number, cell) if cell else Decimal(0) for cell in (debit, credit))
        if out is None or into is None:
            return None
        if out and into:
            self.problems.add(
                _("Row %(row)d: the line has both a debit and a credit; give one of them.") % {"row": number}
            )
            return None
        return abs(into) - abs(out)

    def _number(self, number: int, raw: str) -> Decimal | None:
        text = raw.strip()
        # (12.50) and 12.50- are how some banks and spreadsheets write money out.
        negative = (text.startswith("(") and text.endswith(")")) or text.endswith("-")
        core = text.strip("()").rstrip("-").strip()
        problem = None
        if not core:
            problem = _("the line has no amount")
        else:
            try:
                amount = parse_amount(core, locale=self.locale)
            except ValidationError as error:
                problem = error.messages[0].rstrip(".")
            else:
                amount = -abs(amount) if negative else amount
                problem = amount_problem(amount, self.currency)
        if problem:
            self.problems.add(
                _("Row %(row)d: “%(value)s”: %(problem)s.")
                % {"row": number, "value": raw.strip()[:40], "problem": problem}
            )
            return None
        return amount
