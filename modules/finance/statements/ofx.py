"""OFX statements (1.x SGML, with or without closing tags, and 2.x XML), read with ofxtools'
parser and its value types (dates with time zones, decimal commas).

The text is decoded here first, UTF-8 when it is, else Windows-1252, whatever the header says:
banks write one and declare the other. A line's date is the day the bank wrote, not that instant
in UTC. A file holds one account's statement, a bank's or a credit card's. Which way the money
went is the amount's sign, as the OFX rule is: banks set TRNTYPE loosely.
"""

import io
import re
import warnings
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from ofxtools import Types as OfxTypes
from ofxtools.Parser import OFXTree

from modules.core.imports import file_error

from .lines import LineProblems, Statement, StatementLine, amount_problem

# What a 1.x file's own header is replaced with: its encoding is known by now (UTF-8, as the
# text is handed over), and banks leave out fields ofxtools needs (NEWFILEUID).
_OFX_V1_HEADER = (
    "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:UTF-8\nCHARSET:NONE\n"
    "COMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n"
)
_STMTTRN_TAG = re.compile(r"<STMTTRN>", re.IGNORECASE)
_OFX_END = re.compile(r"</OFX>\s*$", re.IGNORECASE)
# Bank and credit card statements; an investment statement (INVSTMTRS) holds no bank lines.
STATEMENT_TAGS = ("STMTRS", "CCSTMTRS")


class OfxReader:
    def __init__(self, data: bytes, currency: str):
        self.text, self.lines_moved = self._normalised(_decoded(data))
        self.currency = currency
        self.problems = LineProblems()
        self.line_numbers: list[int] | None = None

    @staticmethod
    def _normalised(text: str) -> tuple[str, int]:
        """The text as ofxtools will read it, UTF-8 throughout, and how many lines earlier than
        here each line was in the file. A 2.x file (XML) is read as it is; a 1.x file's header,
        or its absence, becomes ours."""
        text = text.lstrip("\ufeff \t\r\n")
        if text[:5].upper() == "<?XML":
            return text, 0
        body = text.find("<")
        body = len(text) if body < 0 else body
        return _OFX_V1_HEADER + text[body:], text.count("\n", 0, body) - _OFX_V1_HEADER.count("\n")

    def read(self) -> Statement:
        if not _OFX_END.search(self.text):
            # ofxtools closes what a file leaves open: a download cut short would pass for a whole one.
            raise file_error(_("This OFX file ends too soon (it has no </OFX>): download the statement again."))
        tree = OFXTree()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # ofxtools warns of tags it skips
                tree.parse(io.BytesIO(self.text.encode("utf-8")))
        # ofxtools' and ElementTree's ParseError and OFXHeaderError are SyntaxErrors.
        except (SyntaxError, ValueError, KeyError, IndexError):
            root = None
        else:
            root = tree.getroot()
        if root is None:
            raise file_error(
                _("This OFX file could not be read: its header or its tags are damaged. Export the statement from "
                  "your bank again.")
            )
        statements = [element for tag in STATEMENT_TAGS for element in root.iter(tag)]
        if not statements:
            raise file_error(_("This OFX file holds no bank or credit card statement."))
        if len(statements) > 1:
            raise file_error(
                _("This OFX file holds the statements of %(count)d accounts: export one account's statement at a "
                  "time.") % {"count": len(statements)}
            )
        statement = statements[0]
        positions = {id(element): index for index, element in enumerate(root.iter("STMTTRN"))}
        lines = [
            line for element in statement.iter("STMTTRN")
            if (line := self._line(element, positions[id(element)])) is not None
        ]
        self.problems.refuse_if_any()
        currency = (statement.findtext("CURDEF") or "").strip().upper() or None
        return Statement(lines=lines, currency=currency)

    def _line(self, element, index: int) -> StatementLine | None:
        day = self._date(element, index)
        amount = self._amount(element, index)
        if day is None or amount is None or amount == 0:
            return None
        # ofxtools' text type undoes OFX's escapes (&amp;, &lt;).
        names = [OfxTypes.String().convert((element.findtext(tag) or "").strip()) or "" for tag in ("NAME", "MEMO")]
        names = [name for position, name in enumerate(names) if name and name not in names[:position]]
        description = " - ".join(names) or (element.findtext("TRNTYPE") or "").strip()
        fitid = (element.findtext("FITID") or "").strip()
        return StatementLine(date=day, description=" ".join(description.split()), amount=amount, external_id=fitid)

    def _line_number(self, index: int) -> int:
        """The file line where the index-th transaction starts; counted once, when a line is first
        found wrong."""
        if self.line_numbers is None:
            self.line_numbers, line, end = [], 1 + self.lines_moved, 0
            for match in _STMTTRN_TAG.finditer(self.text):
                line += self.text.count("\n", end, match.start())
                end = match.start()
                self.line_numbers.append(line)
        return self.line_numbers[index]

    def _date(self, element, index: int) -> date | None:
        raw = (element.findtext("DTPOSTED") or "").strip()
        if not raw:
            self.problems.add(
                _("Line %(line)d: the transaction has no date (DTPOSTED).") % {"line": self._line_number(index)}
            )
            return None
        try:
            OfxTypes.DateTime().convert(raw)  # ofxtools says whether it is a date of the OFX formats
        except (ValueError, TypeError):
            self.problems.add(
                _("Line %(line)d: “%(value)s” is not a date (DTPOSTED).")
                % {"line": self._line_number(index), "value": raw[:40]}
            )
            return None
        # The day as the bank wrote it: the UTC instant may be the next day at night west of Greenwich.
        return date(int(raw[:4]), int(raw[4:6]), int(raw[6:8]))

    def _amount(self, element, index: int) -> Decimal | None:
        raw = (element.findtext("TRNAMT") or "").strip()
        if not raw:
            self.problems.add(
                _("Line %(line)d: the transaction has no amount (TRNAMT).") % {"line": self._line_number(index)}
            )
            return None
        try:
            amount = OfxTypes.Decimal().convert(raw)  # a decimal comma too, as some banks write
        except (InvalidOperation, ValueError):
            amount = None
        problem = _("it is not a number") if amount is None else amount_problem(amount, self.currency)
        if problem:
            self.problems.add(
                _("Line %(line)d: “%(value)s” (TRNAMT): %(problem)s.")
                % {"line": self._line_number(index), "value": raw[:40], "problem": problem}
            )
            return None
        return amount


def _decoded(data: bytes) -> str:
    """UTF-8 (with or without a BOM) when the bytes are, else Windows-1252 (Latin-1 where even
    that fails: every byte is one of its characters)."""
    for codec in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")
