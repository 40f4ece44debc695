"""What the Brazilian payment formats share: the error they raise and the plain text they carry.

Banks and PIX apps read text in plain ASCII: boletos' CNAB files and BR Codes alike carry no
accents, so names are folded (João Conceição → Joao Conceicao) before they are written.
"""

import re
import unicodedata

# Letters with no Unicode decomposition, written as people type them without the mark.
_SPECIAL_LETTERS = str.maketrans({
    "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D",
    "ł": "l", "Ł": "L", "ħ": "h", "Ħ": "H", "ŧ": "t", "Ŧ": "T", "ı": "i",
})
_PRINTABLE_ASCII = re.compile(r"[^\x20-\x7e]")
_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"[0-9]+")


class PaymentDataError(ValueError):
    """A value a bank or the PIX arrangement would refuse. `message` is already translated;
    `field` names the input at fault (None when the fault is the document as a whole)."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def ascii_text(text: str) -> str:
    """`text` in printable ASCII: accents folded (ç → c, Ã → A), other characters dropped, runs of
    white space made one space, and trimmed."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL_LETTERS))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SPACES.sub(" ", _PRINTABLE_ASCII.sub(" ", plain)).strip()


def digits(text: str, *, separators: str = " .-/") -> str | None:
    """`text` without the separators people type between digits, or None if anything else is
    left that is not a digit."""
    plain = text.translate(str.maketrans("", "", separators))
    return plain if _DIGITS.fullmatch(plain) else None
