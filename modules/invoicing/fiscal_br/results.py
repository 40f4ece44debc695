"""What an authoriser answered, the same whoever answered it: the sandbox or a provider.

SEFAZ answers with a status code (cStat) and its reason (xMotivo), in Portuguese. The user reads
them in their own language with SEFAZ's words quoted, so that support can look the code up:

- authorised (cStat 100, or 150 when authorised late): the document exists, with its protocol;
- denied (110, 301, 302, 303: "uso denegado", the emitter's or the customer's registration is
  irregular): the document exists, denied; its number is used up, it cannot be cancelled;
- rejected (any other code): nothing was recorded. SEFAZ checks a document before it takes its
  number, so the corrected document is sent again with the same number (see the package's
  numbering note);
- processing (103, 105): asked again later;
- cancelled: what a provider answers, later, for an authorised document since cancelled.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

AUTHORIZED, DENIED, REJECTED, PROCESSING = "authorized", "denied", "rejected", "processing"
CANCELLED = "cancelled"  # asked after the fact: the document was authorised, then cancelled


@dataclass(frozen=True)
class Authorization:
    """The answer to a document sent for authorisation. xml: the authorised (or denied) document
    with its protocol, when there is one."""

    outcome: str
    code: str
    reason: str
    key: str = ""
    protocol: str = ""
    received_at: datetime | None = None
    xml: bytes | None = None
    document: str = "NF-e"
    number: str = ""
    authority: str = "SEFAZ"

    @property
    def message(self) -> str:
        """What happened, in the active language, with SEFAZ's own words quoted."""
        values = {"authority": self.authority, "document": self.document, "code": self.code, "reason": self.reason,
                  "protocol": self.protocol}
        if self.outcome == AUTHORIZED:
            return _("%(authority)s authorised the %(document)s: protocol %(protocol)s.") % values
        if self.outcome == DENIED:
            return _("%(authority)s denied the %(document)s (%(code)s: %(reason)s). Its number is used up: the sale "
                     "needs a new document.") % values
        if self.outcome == PROCESSING:
            return _("%(authority)s is still processing the %(document)s.") % values
        if self.outcome == CANCELLED:
            return _("The %(document)s was cancelled.") % values
        return _("%(authority)s rejected the %(document)s (%(code)s: %(reason)s). Correct it and send it again: it "
                 "keeps its number.") % values


@dataclass(frozen=True)
class EventResult:
    """The answer to an event: a cancellation or a correction letter (CC-e)."""

    registered: bool
    code: str
    reason: str
    kind: str  # "cancellation" or "correction"
    protocol: str = ""
    sequence: int = 1
    xml: bytes | None = None

    @property
    def message(self) -> str:
        values = {"code": self.code, "reason": self.reason, "protocol": self.protocol, "sequence": self.sequence}
        if not self.registered:
            if self.kind == "cancellation":
                return _("SEFAZ refused the cancellation (%(code)s: %(reason)s).") % values
            return _("SEFAZ refused the correction letter (%(code)s: %(reason)s).") % values
        if self.kind == "cancellation":
            message = _("The NF-e was cancelled.")
        else:
            message = _("Correction letter %(sequence)d was registered.") % values
        # A provider may answer without SEFAZ's protocol (Focus NFe does for events).
        return message + " " + _("Protocol: %(protocol)s.") % values if self.protocol else message
