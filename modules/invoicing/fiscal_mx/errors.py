"""The errors the package raises, each translated into the active language when raised.

`FiscalDataError` carries every datum the document cannot be made without, each with the path of
the input it comes from ("receiver.cfdi_use", "lines[2].sat_product_code", "csd"), so the API can
answer one 400 that names them all. `PacRejected` is a PAC's refusal, in the user's language and
quoting the PAC's own words; `PacUnavailable` means nothing was stamped or cancelled and the same
request can be sent again.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from modules.core.exceptions import DomainError


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


class FiscalDataError(DomainError):
    def __init__(self, problems: list[Problem]):
        super().__init__(" ".join(problem.message for problem in problems), field=problems[0].field)
        self.problems = problems

    def as_dict(self) -> dict:
        grouped = defaultdict(list)
        for problem in self.problems:
            grouped[problem.field].append(problem.message)
        return dict(grouped)


def raise_problems(problems: list[Problem]) -> None:
    if problems:
        raise FiscalDataError(problems)


class PacRejected(DomainError):
    """The PAC (or SAT through it) refused the request: `code` and `pac_message` are the PAC's."""

    def __init__(self, *, code: str, pac_message: str, action: str = "stamp"):
        if action == "cancel":
            message = _("The PAC refused to cancel the CFDI (%(code)s): “%(text)s”")
        else:
            message = _("The PAC refused to stamp the CFDI (%(code)s): “%(text)s”")
        super().__init__(message % {"code": code, "text": pac_message}, field=None, code="pac_rejected")
        self.pac_code = code
        self.pac_message = pac_message


class PacUnavailable(Exception):
    """The PAC could not be reached or failed on its side; nothing was done, try again later."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail
        self.message = _("The stamping service (PAC) could not be reached; nothing was stamped or "
                         "cancelled. Try again in a few minutes.")
