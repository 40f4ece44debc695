"""Document numbers that never repeat and never skip: taken inside the transaction that writes
the document, so a rolled-back invoice gives its number back."""

from django.db import connection

# Sequence's table; one statement, so no other caller can slip between reading and writing.
NEXT_VALUE_SQL = (
    "INSERT INTO core_sequence (key, last_value) VALUES (%s, 1) "
    "ON CONFLICT (key) DO UPDATE SET last_value = core_sequence.last_value + 1 RETURNING last_value"
)


class NumberingOutsideTransaction(RuntimeError):
    pass


def sequence_next(key: str) -> int:
    """The next number of `key` (`invoice:2026`, `nfe:series-1`), starting at 1.

    One statement, `INSERT … ON CONFLICT DO UPDATE … RETURNING`: the row stays locked until the
    caller's transaction ends, so a concurrent caller waits and gets the number after, and a
    rollback undoes the increment. Outside a transaction the number would be spent before the
    document exists, so that is refused.
    """
    if not connection.in_atomic_block:
        raise NumberingOutsideTransaction("sequence_next must run inside the transaction that uses the number")
    with connection.cursor() as cursor:
        cursor.execute(NEXT_VALUE_SQL, [key])
        return cursor.fetchone()[0]
