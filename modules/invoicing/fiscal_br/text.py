"""Text as the fiscal schemas take it.

The NF-e's and NFS-e's string types (TString and its kin) allow characters up to U+00FF only,
no white space at either end and none but single spaces inside: names typed with other marks
("Ő", "—", an emoji) would break the schema. Latin-1 letters stay (ç, ã, é are Portuguese);
anything beyond is folded to its plain letter, or dropped when it has none.
"""

import unicodedata

_SPACES = str.maketrans({char: " " for char in "\t\n\r\v\f\u00a0"})


def _latin1(char: str) -> str:
    if ord(char) <= 0xFF:
        return char
    base = unicodedata.normalize("NFKD", char)[0]
    return base if ord(base) < 0x80 else ""


def fiscal_text(value: str, limit: int) -> str:
    """`value` with its spaces collapsed and its characters within Latin-1, cut at `limit`."""
    plain = "".join(_latin1(char) for char in value.translate(_SPACES) if unicodedata.category(char) != "Cc")
    return " ".join(plain.split())[:limit].strip()


def digits_only(value: str) -> str:
    return "".join(char for char in value if char.isdigit())
