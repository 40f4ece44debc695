"""Search that ignores accents and case, in every language we speak.

The embedded PostgreSQL has no contrib extensions (no `unaccent`, no `pg_trgm`), so accents are
folded by our own code: one character map, applied in Python to what is searched for (`fold`)
and in SQL to what is searched (`folded`: `lower(translate(...))`, both built-in and immutable,
so generated columns and indexes can use it). `João Conceição` and `joao conceicao` fold alike.
"""

import re
import unicodedata

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import models
from django.db.models import F, Func, Q, TextField, Value
from django.db.models.functions import Coalesce, Concat, Lower
from django.db.models.lookups import Contains

# translate() looks every character up in its list in order, so the plain characters come
# first, the most frequent first: ordinary text costs a few comparisons a character, not 200.
_PLAIN = " eaoisrnltdcumhpgbfvyqkjwxz"
# Letters with a stroke have no Unicode decomposition; people type them without the stroke.
_STROKED = {"ø": "o", "đ": "d", "ħ": "h", "ł": "l", "ŧ": "t"}
# ß, æ and œ would need two letters, which translate() cannot give: they are only lowercased.


def _character_map() -> tuple[dict[str, str], str]:
    """({character: its folded form}, the combining marks dropped), in translate()'s order."""
    folds = {char: char for char in _PLAIN + "@.0123456789"}
    folds |= {char.upper(): char for char in _PLAIN.strip()}
    # Latin-1 Supplement and Latin Extended-A: Ç → c, ñ → n, Ő → o, º → o. A letter with no
    # plain form is lowercased here, so folding never depends on the database's locale.
    for char in map(chr, range(0xAA, 0x180)):
        lower = char.lower()
        plain = "".join(part for part in unicodedata.normalize("NFKD", lower) if not unicodedata.combining(part))
        if len(plain) == 1 and plain.isascii() and plain.isalnum():
            folds[char] = plain
        elif len(lower) == 1 and lower != char:
            folds[char] = lower
    folds |= _STROKED | {char.upper(): plain for char, plain in _STROKED.items()}
    # The marks these letters are made of are dropped, so text typed decomposed (a + ◌̃) folds too.
    marks = {part for char in folds for part in unicodedata.normalize("NFD", char) if unicodedata.combining(part)}
    return folds, "".join(sorted(marks))


_FOLDS, _MARKS = _character_map()
# translate(text, FOLD_FROM, FOLD_TO) drops the characters of FOLD_FROM that FOLD_TO is too short for.
FOLD_FROM = "".join(_FOLDS) + _MARKS
FOLD_TO = "".join(_FOLDS.values())
_TABLE = str.maketrans(_FOLDS | dict.fromkeys(_MARKS))


def fold(text: str) -> str:
    """`São JOSÉ` → `sao jose`: what `folded()` makes of the same text in SQL."""
    return text.translate(_TABLE).lower()


def folded(expression) -> Func:
    """`lower(translate(expression, ...))`: the SQL twin of `fold()`. The map is written out as
    literals, so a migration records it and a change to the map shows up as a new migration."""
    if isinstance(expression, str):
        expression = F(expression)
    return Lower(Func(expression, Value(FOLD_FROM), Value(FOLD_TO), function="translate", output_field=TextField()))


def folded_contains(text: str, *fields: str) -> Q:
    """Any of the fields contains the text, accents and case aside. It folds every row it reads,
    so it is for short tables; a long one gets a generated search document (`search_query`)."""
    needle = fold(text.strip())
    return Q(*(Contains(folded(field), needle) for field in fields), _connector=Q.OR)


_PHONE_LIKE = re.compile(r"^[\d\s()+\-.]+$")
MAX_SEARCH_TERMS = 8
MIN_PHONE_SEARCH_DIGITS = 3
E164_MAX_DIGITS = 15


def digit_tails(phone) -> list:
    """For a search document: every tail of an E.164 number's digits, space-separated, so that
    a prefix search finds any run of them. `+5541991234567` is then found by 5541991234567,
    41991234567 (as dialled at home) and 99123; tails shorter than a search are left out."""
    digits = Func(phone, Value("+"), function="ltrim", output_field=TextField())
    parts = []
    for start in range(1, E164_MAX_DIGITS - MIN_PHONE_SEARCH_DIGITS + 2):
        parts += [Func(digits, Value(start), function="substr", output_field=TextField()), Value(" ")]
    return parts


def search_query(text: str) -> SearchQuery | None:
    """For a `to_tsvector('simple', folded(...))` document: every word as a prefix (`jo` finds
    John, `conceicao` finds Conceição); a phone typed any way as one number."""
    text = text.strip()
    digits = re.sub(r"\D", "", text)
    if _PHONE_LIKE.match(text) and len(digits) >= MIN_PHONE_SEARCH_DIGITS:
        terms = [digits]
    else:
        terms = re.findall(r"\w+", fold(text))[:MAX_SEARCH_TERMS]
    if not terms:
        return None
    return SearchQuery(" & ".join(f"{term}:*" for term in terms), search_type="raw", config="simple")


def search_document(*fields: str) -> Func:
    """A generated column's expression: to_tsvector('simple', ...) over the fields, accents and
    case folded (`search_query` folds the words searched for alike); an email also as its parts
    (john, example, com), a phone as every run of its digits (`digit_tails`)."""
    parts = []
    for field in fields:
        parts += [Coalesce(field, Value("")), Value(" ")]
        if field == "email":
            parts += [Func(F("email"), Value("@.+"), Value("   "), function="translate"), Value(" ")]
        if field == "phone":
            parts += digit_tails(F("phone"))
    return Func(
        Value("simple"), folded(Concat(*parts, output_field=TextField())),
        function="to_tsvector", template="%(function)s(%(expressions)s)",
        output_field=SearchVectorField(),
    )


class SearchableManager(models.Manager):
    """Never loads the full-text column (`search_document`): only PostgreSQL reads it."""

    def get_queryset(self):
        return super().get_queryset().defer("search_document")
